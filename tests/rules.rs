//! The rule language end to end: resolution against a small directory, the rendered
//! diagnostics of broken rules (snapshots), the example rules, and junk input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::Path;

use jiff::civil::date;
use pathways::diagnostic::Diagnostic;
use pathways::directory::model::{
    AreaSettings, Category, Client, Contact, Coverage, Directory, Locality, LocalityGroup,
    Referral, Service,
};
use pathways::rules::model::{Condition, DomainKind, RuleSet, Target, Urgency};
use pathways::source::{Located, Sources, Span};

const WARDS: [&str; 14] = [
    "baffins",
    "central-southsea",
    "charles-dickens",
    "copnor",
    "cosham",
    "drayton-and-farlington",
    "eastney-and-craneswater",
    "fratton",
    "hilsea",
    "milton",
    "nelson",
    "paulsgrove",
    "st-jude",
    "st-thomas",
];

/// (service, categories), as the example area's directory files them.
const SERVICES: [(&str, &[&str]); 23] = [
    ("advocacy-support", &["advocacy"]),
    ("butterfly-programme", &["group-work", "counselling"]),
    ("childrens-groupwork", &["children", "group-work"]),
    ("childrens-social-care", &["children"]),
    ("court-idva", &["advocacy"]),
    ("cyp-idva", &["advocacy", "children"]),
    ("da-counselling", &["counselling", "sexual-violence"]),
    (
        "forced-marriage-helpline",
        &["helplines", "honour-based-violence"],
    ),
    (
        "idva",
        &["advocacy", "risk-management", "honour-based-violence"],
    ),
    ("isva", &["sexual-violence", "advocacy"]),
    ("marac", &["risk-management", "honour-based-violence"]),
    ("national-helpline", &["helplines"]),
    ("perpetrator-helpline", &["helplines", "perpetrators"]),
    ("perpetrator-programme", &["perpetrators"]),
    ("police-dau", &["risk-management"]),
    ("probation-programmes", &["perpetrators"]),
    ("refuge", &["refuge"]),
    ("sanctuary-scheme", &["housing-safety"]),
    ("sarc", &["sexual-violence"]),
    ("talking-therapies", &["counselling"]),
    ("think-family", &["children"]),
    ("victim-support", &["advocacy"]),
    ("womens-refuge", &["refuge"]),
];

const CATEGORIES: [&str; 11] = [
    "risk-management",
    "advocacy",
    "children",
    "refuge",
    "housing-safety",
    "counselling",
    "group-work",
    "perpetrators",
    "sexual-violence",
    "helplines",
    "honour-based-violence",
];

fn at<T>(value: T) -> Located<T> {
    Located::new(value, Span::default())
}

fn text(s: &str) -> Located<String> {
    at(s.to_string())
}

fn service(id: &str, categories: &[&str]) -> Service {
    Service {
        id: id.to_string(),
        span: Span::default(),
        name: text(id),
        summary: String::new(),
        description: String::new(),
        provider: String::new(),
        categories: categories.iter().map(|c| text(c)).collect(),
        tiers: Vec::new(),
        serves: vec![at(Client::Victims)],
        risk_levels: Vec::new(),
        ages: None,
        localities: Coverage::Anywhere(Span::default()),
        referral: Referral {
            self_referral: true,
            professional_referral: true,
            how: String::new(),
            form: None,
        },
        contact: Contact::default(),
        hours: String::new(),
        requires: Vec::new(),
        available_from: None,
        available_until: None,
        reviewed: at(date(2012, 9, 1)),
    }
}

/// The example area's directory, with just what the rules resolve against.
fn directory() -> Directory {
    let mut localities: Vec<Locality> = WARDS
        .iter()
        .map(|w| Locality {
            id: text(w),
            name: w.replace('-', " "),
            groups: vec![text("portsmouth")],
        })
        .collect();
    localities.push(Locality {
        id: text("outside-area"),
        name: "Outside Portsmouth".to_string(),
        groups: Vec::new(),
    });
    Directory {
        area: AreaSettings {
            name: "Portsmouth".to_string(),
            title: "Where to refer".to_string(),
            feedback: "pathways@example.org".to_string(),
            as_of: None,
            example_data: true,
            exit_url: "https://example.org".to_string(),
            helpline: None,
            span: Span::default(),
        },
        localities,
        groups: vec![LocalityGroup {
            id: text("portsmouth"),
            name: "Portsmouth (city-wide)".to_string(),
        }],
        categories: CATEGORIES
            .iter()
            .map(|c| Category {
                id: text(c),
                name: c.to_string(),
                description: String::new(),
            })
            .collect(),
        services: SERVICES.iter().map(|(id, c)| service(id, c)).collect(),
    }
}

const QUESTIONS: &str = r#"question locality "Where does the person live?" is a locality
question risk "What is the DASH risk level?" is a risk level
question hbv "Honour-based violence?" is yes or no
question ticks "How many ticks?" is a number from 0 to 27
question setting "Where are you seeing them?"
  is one of
    home "At home"
    clinic "In a clinic"
"#;

/// Parses and resolves named files against the fixture directory.
fn resolve_files(files: &[(&str, &str)]) -> (RuleSet, Vec<Diagnostic>, Sources) {
    let mut sources = Sources::new();
    let mut parsed = Vec::new();
    let mut diagnostics = Vec::new();
    for (path, text) in files {
        let file = sources.add(*path, *text);
        let (syntax, problems) = pathways::rules::parse(file, text);
        parsed.push(syntax);
        diagnostics.extend(problems);
    }
    let (rules, problems) = pathways::rules::resolve(&parsed, &sources, &directory());
    diagnostics.extend(problems);
    (rules, diagnostics, sources)
}

/// The standard questions, then `rules` in a second file.
fn resolve(rules: &str) -> (RuleSet, Vec<Diagnostic>, Sources) {
    resolve_files(&[
        ("rules/questions.pathways", QUESTIONS),
        ("rules/test.pathways", rules),
    ])
}

fn clean(rules: &str) -> RuleSet {
    let (set, diagnostics, sources) = resolve(rules);
    let rendered: Vec<String> = diagnostics
        .iter()
        .map(|d| d.render(&sources, false))
        .collect();
    assert!(diagnostics.is_empty(), "{}", rendered.join("\n"));
    set
}

fn rendered(rules: &str) -> String {
    let (_, diagnostics, sources) = resolve(rules);
    assert!(!diagnostics.is_empty(), "expected a problem in:\n{rules}");
    diagnostics
        .iter()
        .map(|d| d.render(&sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The values (as ids) of the only atom of a pathway's condition.
fn atom_values(condition: &str) -> Vec<String> {
    let set = clean(&format!(
        "pathway p \"t\" because \"r\" when {condition} refer marac"
    ));
    let Condition::In {
        question,
        values,
        text,
        ..
    } = &set.pathways[0].condition
    else {
        panic!("{:?}", set.pathways[0].condition)
    };
    assert_eq!(text, condition);
    let domain = &set.questions[*question].domain;
    values
        .iter()
        .map(|v| domain.value(*v).unwrap().id.clone())
        .collect()
}

// ------------------------------------------------------------------ resolution

#[test]
fn questions_resolve_in_order_with_typed_domains() {
    let set = clean("");
    let ids: Vec<_> = set.questions.iter().map(|q| q.id.value.as_str()).collect();
    assert_eq!(ids, ["locality", "risk", "hbv", "ticks", "setting"]);
    let locality = &set.questions[0].domain;
    assert_eq!(locality.kind, DomainKind::Locality);
    assert_eq!(locality.len(), 15);
    assert_eq!(locality.values[14].id, "outside-area");
    assert_eq!(locality.values[14].label, "Outside Portsmouth");
    let risk: Vec<_> = set.questions[1]
        .domain
        .values
        .iter()
        .map(|v| v.label.as_str())
        .collect();
    assert_eq!(risk, ["Standard", "Medium", "High"]);
    let yes_no: Vec<_> = set.questions[2]
        .domain
        .values
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(yes_no, ["yes", "no"]);
    assert_eq!(
        set.questions[3].domain.kind,
        DomainKind::Number { min: 0, max: 27 }
    );
    assert_eq!(set.questions[3].domain.len(), 28);
    assert_eq!(set.questions[4].domain.values[1].label, "In a clinic");
}

#[test]
fn every_test_becomes_the_set_of_values_it_holds_for() {
    assert_eq!(atom_values("risk is high"), ["high"]);
    assert_eq!(atom_values("risk is not high"), ["standard", "medium"]);
    assert_eq!(
        atom_values("risk is one of medium, high"),
        ["medium", "high"]
    );
    assert_eq!(atom_values("risk is not one of medium, high"), ["standard"]);
    assert_eq!(atom_values("risk != standard"), ["medium", "high"]);
    assert_eq!(atom_values("ticks is at least 25"), ["25", "26", "27"]);
    assert_eq!(atom_values("ticks >= 25"), ["25", "26", "27"]);
    assert_eq!(atom_values("ticks is at most 1"), ["0", "1"]);
    assert_eq!(atom_values("ticks is more than 25"), ["26", "27"]);
    assert_eq!(atom_values("ticks is less than 2"), ["0", "1"]);
    assert_eq!(atom_values("ticks is between 3 and 5"), ["3", "4", "5"]);
    assert_eq!(atom_values("ticks is 14"), ["14"]);
    assert_eq!(atom_values("ticks = 14"), ["14"]);
    assert_eq!(atom_values("locality is in portsmouth").len(), 14);
    assert_eq!(
        atom_values("locality is not in portsmouth"),
        ["outside-area"]
    );
    assert_eq!(
        atom_values("locality is one of hilsea, outside-area"),
        ["hilsea", "outside-area"]
    );
    assert_eq!(
        atom_values("locality is one of in portsmouth, outside-area").len(),
        15
    );
    assert_eq!(atom_values("locality is portsmouth").len(), 14);
    assert_eq!(atom_values("setting is clinic"), ["clinic"]);
}

#[test]
fn connectives_keep_their_structure_and_flatten() {
    let set = clean(
        "pathway p \"t\" because \"r\"\n  when risk is high and (hbv is yes and ticks > 3) and not (setting is home or setting is clinic)\n  refer marac",
    );
    let Condition::And(parts, _) = &set.pathways[0].condition else {
        panic!()
    };
    assert_eq!(parts.len(), 4, "nested `and` flattened: {parts:?}");
    let Condition::Not(inner, _) = &parts[3] else {
        panic!()
    };
    assert!(matches!(**inner, Condition::Or(ref o, _) if o.len() == 2));
}

#[test]
fn pathways_referrals_fallback_and_eligibility() {
    let set = clean(
        r#"pathway high-risk "High risk"
  because "Every high-risk case goes to MARAC."
  when risk is high
  refer marac urgently, idva immediately, any service in category refuge

pathway everyone "Everyone"
  because "Always."
  refer national-helpline

otherwise
  because "Nothing else fits."
  refer national-helpline

eligibility
  serves victims when hbv is no
  requires court-order when setting is clinic
  risk level high when risk is high or hbv is yes
"#,
    );
    let p = &set.pathways[0];
    assert_eq!(
        (p.id.value.as_str(), p.title.as_str()),
        ("high-risk", "High risk")
    );
    let referrals: Vec<_> = p
        .referrals
        .iter()
        .map(|r| (r.target.clone(), r.urgency))
        .collect();
    assert_eq!(
        referrals,
        [
            (Target::Service("marac".into()), Urgency::Urgent),
            (Target::Service("idva".into()), Urgency::Immediate),
            (Target::Category("refuge".into()), Urgency::Routine),
        ]
    );
    assert!(matches!(set.pathways[1].condition, Condition::Always));
    assert_eq!(set.fallback.unwrap().reason, "Nothing else fits.");
    assert_eq!(set.eligibility.serves[0].0.value, Client::Victims);
    assert_eq!(set.eligibility.requires[0].0.value, "court-order");
    assert_eq!(set.eligibility.risk_levels.len(), 1);
}

#[test]
fn best_effort_keeps_what_resolves() {
    let (set, diagnostics, _) = resolve(
        r#"pathway broken "B" because "r" when risk is hgh refer marac
pathway kept "K" because "r" when risk is high refer marac, nowhere, idva
"#,
    );
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unknown-value", "unknown-service"]);
    assert_eq!(set.pathways.len(), 1);
    assert_eq!(set.pathways[0].referrals.len(), 2);
}

#[test]
fn every_problem_in_a_condition_is_reported() {
    let (_, diagnostics, _) = resolve(
        "pathway p \"t\" because \"r\" when risky is high and risk is hgh and ticks is 99 refer marac",
    );
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["unknown-question", "unknown-value", "value-out-of-range"]
    );
}

#[test]
fn questions_may_be_used_before_and_across_files() {
    let (set, diagnostics, _) = resolve_files(&[
        (
            "rules/a.pathways",
            "pathway p \"t\" because \"r\" when later is yes refer marac",
        ),
        ("rules/b.pathways", "question later \"L\" is yes or no"),
    ]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(set.pathways.len(), 1);
}

#[test]
fn an_age_question_is_a_number_from_0_to_120() {
    let set = clean(
        "question age \"How old?\" is an age\npathway p \"t\" because \"r\" when age is at least 118 refer marac",
    );
    let (_, age) = set.question("age").unwrap();
    assert_eq!((age.domain.kind, age.domain.len()), (DomainKind::Age, 121));
    let Condition::In { values, .. } = &set.pathways[0].condition else {
        panic!()
    };
    assert_eq!(values, &BTreeSet::from([118, 119, 120]));
}

// ------------------------------------------------------------- diagnostics

macro_rules! broken {
    ($name:ident, $rules:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(rendered($rules));
        }
    };
}

broken!(
    unclosed_string,
    "pathway p \"High risk\n  because \"r\"\n  refer marac\n"
);
broken!(
    bad_escape,
    "pathway p \"t\" because \"Say \\n\" refer marac\n"
);
broken!(
    when_without_condition,
    "pathway p \"t\"\n  because \"r\"\n  when\n  refer marac\n"
);
broken!(
    missing_because,
    "pathway p \"t\"\n  when risk is high\n  refer marac\n"
);
broken!(
    missing_refer,
    "pathway p \"t\"\n  because \"r\"\n  when risk is high\n"
);
broken!(
    missing_question_id,
    "question \"What is it?\" is yes or no\n"
);
broken!(
    unknown_answer_kind,
    "question colour \"Which colour?\" is a colour\n"
);
broken!(
    misspelt_block_keyword,
    "pathwya p \"t\"\n  because \"r\"\n  refer marac\n"
);
broken!(
    unindented_continuation,
    "pathway p \"t\"\n  because \"r\"\nwhen risk is high\n  refer marac\n"
);
broken!(reserved_word, "question not \"Not?\" is yes or no\n");
broken!(
    uppercase_id,
    "pathway High_Risk \"t\" because \"r\" refer marac\n"
);
broken!(
    missing_is,
    "pathway p \"t\" because \"r\" when risk high refer marac\n"
);
broken!(
    misspelt_eligibility_line,
    "eligibility\n  serves victims when hbv is no\n  serve perpetrators when hbv is yes\n"
);
broken!(
    ambiguous_and_or,
    "pathway p \"t\" because \"r\"\n  when risk is high and hbv is yes or ticks is at least 14\n  refer marac\n"
);
broken!(
    unknown_question,
    "pathway p \"t\" because \"r\" when rsk is high refer marac\n"
);
broken!(
    unknown_value,
    "pathway p \"t\" because \"r\" when risk is hihg refer marac\n"
);
broken!(
    unknown_value_listed,
    "pathway p \"t\" because \"r\" when setting is garden refer marac\n"
);
broken!(
    unknown_service,
    "pathway p \"t\" because \"r\" refer marc\n"
);
broken!(
    category_named_as_service,
    "pathway p \"t\" because \"r\" refer refuge-services, helplines\n"
);
broken!(
    unknown_category,
    "pathway p \"t\" because \"r\" refer any service in category refuges\n"
);
broken!(
    unknown_group,
    "pathway p \"t\" because \"r\" when locality is in portsmuth refer marac\n"
);
broken!(
    locality_used_as_group,
    "pathway p \"t\" because \"r\" when locality is in hilsea refer marac\n"
);
broken!(
    unknown_client,
    "eligibility\n  serves victim when hbv is no\n"
);
broken!(
    number_test_on_a_choice,
    "pathway p \"t\" because \"r\" when risk is at least 2 refer marac\n"
);
broken!(
    yes_on_a_choice,
    "pathway p \"t\" because \"r\" when setting is yes refer marac\n"
);
broken!(
    group_on_a_yes_no_question,
    "pathway p \"t\" because \"r\" when hbv is in portsmouth refer marac\n"
);
broken!(
    name_on_a_number_question,
    "pathway p \"t\" because \"r\" when ticks >= many refer marac\n"
);
broken!(
    value_out_of_range,
    "pathway p \"t\" because \"r\" when ticks is at least 30 refer marac\n"
);
broken!(
    empty_range,
    "pathway p \"t\" because \"r\" when ticks is between 10 and 3 refer marac\n"
);
broken!(
    reversed_number_domain,
    "question visits \"How many visits?\" is a number from 10 to 1\n"
);
broken!(
    too_large_number_domain,
    "question pounds \"How much?\" is a number from 0 to 1000000\n"
);
broken!(
    second_locality_question,
    "question home \"Where is home?\" is a locality\n"
);
broken!(duplicate_question, "question hbv \"Again?\" is yes or no\n");
broken!(
    duplicate_value,
    "question place \"Where?\" is one of home \"Home\", clinic \"Clinic\", home \"At home\"\n"
);
broken!(
    duplicate_pathway,
    "pathway p \"t\" because \"r\" refer marac\n\npathway p \"t\" because \"r\" refer idva\n"
);
broken!(
    duplicate_fallback,
    "otherwise because \"r\" refer national-helpline\notherwise because \"r\" refer national-helpline\n"
);
broken!(
    duplicate_eligibility,
    "eligibility\n  serves victims when hbv is no\n  serves victims when risk is high\n"
);
broken!(
    duplicate_referral,
    "pathway p \"t\" because \"r\" refer marac, idva, marac urgently\n"
);
broken!(
    too_deeply_nested,
    &format!(
        "pathway p \"t\" because \"r\" when {}risk is high{} refer marac\n",
        "(".repeat(70),
        ")".repeat(70)
    )
);
broken!(
    several_syntax_errors_in_one_file,
    "question a \"A\" is maybe\n\npathway \"no id\"\n  because \"r\"\n  refer marac\n\npathway p \"t\"\n  because \"unclosed\n  refer marac\n\npathway q \"t\" because \"r\" when risk is high refer marac\n"
);

#[test]
fn several_syntax_errors_are_all_reported_and_good_blocks_kept() {
    let (set, diagnostics, _) = resolve(
        "question a \"A\" is maybe\n\npathway \"no id\"\n  because \"r\"\n  refer marac\n\npathway p \"t\"\n  because \"unclosed\n  refer marac\n\npathway q \"t\" because \"r\" when risk is high refer marac\n",
    );
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["expected-answer-kind", "expected-id", "unclosed-string"]
    );
    assert_eq!(set.pathways.len(), 1);
}

// ------------------------------------------------------------ example rules

#[test]
fn the_example_rules_resolve_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut directory_sources = Sources::new();
    let (example, _) = pathways::directory::load(root, &mut directory_sources);
    let mut sources = Sources::new();
    let (set, diagnostics) = pathways::rules::load(root, &mut sources, &example);
    let rendered: Vec<String> = diagnostics
        .iter()
        .map(|d| d.render(&sources, false))
        .collect();
    assert!(diagnostics.is_empty(), "{}", rendered.join("\n"));
    let ids: Vec<_> = set.questions.iter().map(|q| q.id.value.as_str()).collect();
    assert_eq!(
        ids,
        [
            "locality",
            "perpetrator",
            "risk",
            "hbv",
            "sexual-violence",
            "children",
            "police",
            "court-case"
        ]
    );
    let paths: Vec<_> = sources
        .iter()
        .map(|(_, f)| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "rules/perpetrators.pathways",
            "rules/questions.pathways",
            "rules/victims.pathways"
        ]
    );
    assert!(set.fallback.is_some());
    let referred: BTreeSet<&str> = set
        .pathways
        .iter()
        .flat_map(|p| &p.referrals)
        .filter_map(|r| match &r.target {
            Target::Service(s) => Some(s.as_str()),
            Target::Category(_) => None,
        })
        .collect();
    for never in [
        "cyp-idva",
        "probation-programmes",
        "refuge",
        "womens-refuge",
    ] {
        assert!(!referred.contains(never), "{never} is referred to directly");
    }
    let requirements: Vec<_> = set
        .eligibility
        .requires
        .iter()
        .map(|(r, _)| r.value.as_str())
        .collect();
    assert_eq!(
        requirements,
        ["dash-completed"],
        "nothing establishes a court order"
    );
}

#[test]
fn every_victims_pathway_is_for_victims_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Sources::new();
    let (set, _) = pathways::rules::load(root, &mut sources, &directory());
    let (perpetrator, _) = set.question("perpetrator").unwrap();
    let victims = sources
        .iter()
        .find(|(_, f)| f.path.ends_with("victims.pathways"))
        .unwrap()
        .0;
    for pathway in set.pathways.iter().filter(|p| p.span.file == victims) {
        let Condition::And(parts, _) = &pathway.condition else {
            panic!("{} has no `and`", pathway.id.value)
        };
        let for_victims = parts.iter().any(|part| {
            matches!(part, Condition::In { question, values, .. }
                if *question == perpetrator && values == &BTreeSet::from([1]))
        });
        assert!(
            for_victims,
            "{} is not conditioned on `perpetrator is no`",
            pathway.id.value
        );
    }
}

#[test]
fn loading_reports_a_missing_folder_and_non_text_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = Sources::new();
    let (_, diagnostics) = pathways::rules::load(dir.path(), &mut sources, &directory());
    assert_eq!(diagnostics[0].code, "missing-rules");
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/b.pathways"), [0xff, 0xfe, 0x00]).unwrap();
    std::fs::write(dir.path().join("rules/a.pathways"), QUESTIONS).unwrap();
    std::fs::write(dir.path().join("rules/notes.txt"), "not rules").unwrap();
    let (set, diagnostics) = pathways::rules::load(dir.path(), &mut sources, &directory());
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unreadable-file"]);
    assert_eq!(set.questions.len(), 5);
    assert_eq!(
        sources.path(set.questions[0].id.span.file),
        Path::new("rules/a.pathways")
    );
}

// ---------------------------------------------------------------- no panics

#[test]
fn junk_never_panics() {
    let megabyte_line = "x".repeat(1 << 20);
    let megabyte_text = format!("question q \"{}", "y".repeat(1 << 20));
    let deep = format!(
        "pathway p \"t\" because \"r\" when {} refer marac",
        "(".repeat(10_000)
    );
    let deep_closed = format!(
        "pathway p \"t\" because \"r\" when {}risk is high{} refer marac",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let nots = format!(
        "pathway p \"t\" because \"r\" when {}risk is high refer marac",
        "not ".repeat(10_000)
    );
    let binary: String = (0u8..=255).map(char::from).collect();
    let corpus = [
        "",
        "\n\n\n",
        "#",
        "\"",
        "question",
        "question q",
        "question q \"",
        "question q \"Q\" is",
        "question q \"Q\" is one of",
        "question q \"Q\" is a number from",
        "question q \"Q\" is a number from 1 to",
        "pathway",
        "pathway p \"t\" because",
        "pathway p \"t\" because \"r\" when (",
        "pathway p \"t\" because \"r\" when risk is between",
        "pathway p \"t\" because \"r\" when risk is one of",
        "pathway p \"t\" because \"r\" refer any service in",
        "eligibility",
        "eligibility\n  risk level",
        "otherwise",
        ")))(((",
        "\u{feff}",
        "\u{feff}\u{feff}question",
        "é\n  ü\n\tä",
        "question q \"\\",
        "question q \"\\\"",
        &megabyte_line,
        &megabyte_text,
        &deep,
        &deep_closed,
        &nots,
        &binary,
        "pathway p \"t\" because \"r\" when ticks is between -9223372036854775808 and 9223372036854775807 refer marac",
        "question n \"N\" is a number from -9223372036854775808 to 9223372036854775807",
    ];
    for junk in corpus {
        let (_, diagnostics, sources) = resolve(junk);
        for d in &diagnostics {
            d.render(&sources, false);
        }
    }
}
