//! Synthetic areas for benchmarks and scale tests: a deterministic generator of a
//! complete area root (directory and rules) of any size, from a seed.
//!
//! The shape follows real partnerships: wards grouped into districts, services that
//! cover a district, a few neighbouring wards, the whole area or the nation, with
//! eligibility by client group, risk level and age, and pathways that overlap the way
//! local policy does (most refer "any service in category C"; a few name a service).
//! The result checks without errors, so every command (check, build, diff) runs on it.
//!
//! What keeps it realistic, and so keeps the number of distinct outcomes across the
//! answer space near a real area's (the finder's outcome table needs them all):
//! - Ages are cut only at the thresholds services and policies really use (13, 16, 18,
//!   21, 25, 55, 60, 65): services work with adults (16 or 18 and over), children,
//!   young people (13 to 17, 16 to 24) or older people (55, 60 or 65 and over), and
//!   pathways test the same bands.
//! - The DASH checklist is tested only at 10 or 14 ticks, as risk policies do.
//! - Each choice question has a handful of groupings of its values that policies use,
//!   not any pair of values.
//! - Pathways are local versions of a small library of policies (about two per
//!   question, as a national framework gives every area the same few triggers): each
//!   pathway is one of them for a district or the whole area, for victims or (less
//!   often) for people causing harm, referring to its own services. So pathways
//!   overlap as they do in a real area (a high-risk person with children meets several),
//!   without every pathway cutting the answer space somewhere new.
//!
//! Every question kind is still there: a locality with groups, yes or no, a risk level,
//! an age, a number (DASH ticks) and choices. Sizes mean what they always did: numbers
//! of localities, questions, services and pathways.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How big an area to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub localities: usize,
    pub questions: usize,
    pub services: usize,
    pub pathways: usize,
    pub seed: u64,
}

impl Size {
    /// About the example area's size.
    pub const SMALL: Size = Size {
        localities: 15,
        questions: 7,
        services: 25,
        pathways: 12,
        seed: 1,
    };
    /// A national directory: every English local authority district, a long
    /// questionnaire, every service, every local pathway.
    pub const NATIONAL: Size = Size {
        localities: 343,
        questions: 20,
        services: 10_000,
        pathways: 2_000,
        seed: 1,
    };
}

/// Number of service categories (as in a real taxonomy, a couple of dozen).
const CATEGORIES: usize = 24;
/// Wards per district group.
const DISTRICT_SIZE: usize = 10;
/// The fixed questions every synthetic area starts with, before the generated ones.
const FIXED_QUESTIONS: usize = 6;
/// Policies in the library per question (see the module doc).
const POLICIES_PER_QUESTION: usize = 2;

/// The age ranges services work with, cut at the real thresholds, most common first:
/// adults from 16 (the legal definition of domestic abuse), adults from 18, children,
/// young people, young adults and older people.
const SERVICE_AGES: [&str; 8] = [
    "{min: 16}",
    "{min: 18}",
    "{min: 16}",
    "{max: 17}",
    "{min: 13, max: 17}",
    "{min: 16, max: 24}",
    "{min: 55}",
    "{min: 60}",
];

/// The age tests pathways use: the same bands, and 65 and over.
const AGE_TESTS: [&str; 8] = [
    "age is at least 16",
    "age is at least 18",
    "age is less than 16",
    "age is between 13 and 17",
    "age is between 16 and 24",
    "age is between 18 and 20",
    "age is at least 60",
    "age is at least 65",
];

/// DASH: 14 ticks or more is high risk; some policies act from 10.
const TICKS_TESTS: [&str; 2] = ["ticks is at least 14", "ticks is at least 10"];

const RISK_TESTS: [&str; 3] = [
    "risk is high",
    "risk is one of standard, medium",
    "risk is not standard",
];

/// The files of a generated area: paths relative to the area root, and their text.
#[derive(Clone, Debug, Default)]
pub struct Area {
    pub files: Vec<(PathBuf, String)>,
}

impl Area {
    /// Writes every file under `root`, creating folders as needed.
    pub fn write(&self, root: &Path) -> std::io::Result<()> {
        for (path, text) in &self.files {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
        Ok(())
    }
}

/// Generates an area of the given size; the same size and seed give the same files.
pub fn generate(size: Size) -> Area {
    let mut g = Generator {
        rng: fastrand::Rng::with_seed(size.seed),
        size,
        questions: Vec::new(),
        policies: Vec::new(),
    };
    g.questions = g.questions();
    g.policies = g.policies();
    let mut area = Area::default();
    area.files
        .push(("directory/area.yaml".into(), g.area_file()));
    area.files
        .push(("directory/localities.yaml".into(), g.localities_file()));
    area.files
        .push(("directory/categories.yaml".into(), g.categories_file()));
    for n in 0..size.services {
        let (id, text) = g.service(n);
        area.files
            .push((PathBuf::from(format!("directory/services/{id}.yaml")), text));
    }
    area.files
        .push(("rules/questions.pathways".into(), g.questions_file()));
    area.files
        .push(("rules/pathways.pathways".into(), g.pathways_file()));
    area
}

/// A generated question: its id and how conditions on it are written.
#[derive(Clone, Debug)]
enum Question {
    Locality,
    YesNo(String),
    Risk,
    Age,
    Ticks,
    /// A choice question: its id, number of values, and the groupings of its values
    /// (value indexes) that policies test.
    Choice(String, usize, Vec<Vec<usize>>),
}

struct Generator {
    rng: fastrand::Rng,
    size: Size,
    questions: Vec<Question>,
    /// The library of policies pathways are local versions of (see the module doc).
    policies: Vec<String>,
}

impl Generator {
    fn districts(&self) -> usize {
        self.size.localities.div_ceil(DISTRICT_SIZE).max(1)
    }

    fn questions(&mut self) -> Vec<Question> {
        let mut questions = vec![
            Question::Locality,
            Question::YesNo("perpetrator".into()),
            Question::Risk,
            Question::Age,
            Question::Ticks,
            Question::YesNo("children".into()),
        ];
        for n in FIXED_QUESTIONS..self.size.questions.max(FIXED_QUESTIONS) {
            questions.push(if n % 2 == 0 {
                Question::YesNo(format!("factor-{n:02}"))
            } else {
                self.choice(format!("setting-{n:02}"))
            });
        }
        questions.truncate(self.size.questions.max(1));
        questions
    }

    /// A choice of three to six values, and two or three groupings of them (each a
    /// value or a pair of values).
    fn choice(&mut self, id: String) -> Question {
        let values = self.rng.usize(3..=6);
        let mut groupings: Vec<Vec<usize>> = (0..self.rng.usize(2..=3))
            .map(|_| {
                let mut group = vec![self.rng.usize(0..values), self.rng.usize(0..values)];
                group.sort_unstable();
                group.dedup();
                group
            })
            .collect();
        groupings.sort();
        groupings.dedup();
        Question::Choice(id, values, groupings)
    }

    fn area_file(&self) -> String {
        format!(
            "# A synthetic area (seed {}), generated for benchmarks.\n\
             name: Synthetic area {}\n\
             title: Find domestic abuse support (synthetic)\n\
             feedback: directory@example.org\n\
             as_of: 2024-06-01\n\
             example_data: true\n\
             exit_url: https://www.bbc.co.uk/weather\n",
            self.size.seed, self.size.seed
        )
    }

    fn localities_file(&self) -> String {
        let mut text = String::from("# Wards, grouped into districts.\ngroups:\n");
        text.push_str("  - id: whole-area\n    name: The whole area\n");
        for d in 0..self.districts() {
            let _ = write!(text, "  - id: district-{d:03}\n    name: District {d}\n");
        }
        text.push_str("localities:\n");
        for n in 0..self.size.localities {
            let _ = write!(
                text,
                "  - id: ward-{n:04}\n    name: Ward {n}\n    groups: [whole-area, district-{:03}]\n",
                n / DISTRICT_SIZE
            );
        }
        text.push_str("  - id: outside-area\n    name: Outside the area\n");
        text
    }

    fn categories_file(&self) -> String {
        let mut text = String::from("# Kinds of service.\n");
        for c in 0..CATEGORIES {
            let _ = write!(
                text,
                "- id: category-{c:02}\n  name: Category {c}\n  description: Services of kind {c}.\n"
            );
        }
        text
    }

    /// Service 0 is the national helpline every fallback and direct referral can use.
    fn service(&mut self, n: usize) -> (String, String) {
        let id = format!("service-{n:05}");
        let universal = n.is_multiple_of(100);
        let mut text = format!(
            "# A synthetic service.\nname: Service {n}\nsummary: Support of kind {}.\n\
             description: A generated service for benchmarks.\nprovider: Provider {}\n",
            n % CATEGORIES,
            n % 97
        );
        let second = self.rng.usize(0..CATEGORIES);
        let _ = write!(
            text,
            "categories: [category-{:02}{}]\ntiers: [T{}]\n",
            n % CATEGORIES,
            if second == n % CATEGORIES {
                String::new()
            } else {
                format!(", category-{second:02}")
            },
            1 + n % 4
        );
        text.push_str(&self.eligibility(universal));
        text.push_str(&self.coverage(universal));
        let _ = write!(
            text,
            "referral:\n  self_referral: true\n  professional_referral: true\n  how: Phone the service.\n\
             contact:\n  phone: 01632 960{:03}\n  email: service-{n:05}@example.org\n\
             hours: Monday to Friday, 9am to 5pm\nreviewed: 2024-01-15\n",
            n % 1000
        );
        if !universal && self.rng.usize(0..20) == 0 {
            text.push_str("available_until: 2023-03-31\n");
        } else if !universal && self.rng.usize(0..20) == 0 {
            text.push_str("available_from: 2025-04-01\n");
        }
        (id, text)
    }

    fn eligibility(&mut self, universal: bool) -> String {
        if universal {
            return "serves: [victims, perpetrators, children, young-people, families]\n".into();
        }
        let serves = match self.rng.usize(0..10) {
            0 => "[perpetrators]",
            1 => "[children, young-people]",
            2 => "[families]",
            _ => "[victims]",
        };
        let mut text = format!("serves: {serves}\n");
        match self.rng.usize(0..4) {
            0 => text.push_str("risk_levels: [high]\n"),
            1 => text.push_str("risk_levels: [standard, medium]\n"),
            _ => {}
        }
        if self.rng.usize(0..5) == 0 {
            let _ = writeln!(text, "ages: {}", pick_test(&mut self.rng, &SERVICE_AGES));
        }
        text
    }

    fn coverage(&mut self, universal: bool) -> String {
        if universal {
            return "localities: anywhere\n".into();
        }
        let wards = self.size.localities.max(1);
        match self.rng.usize(0..20) {
            0 => "localities: anywhere\n".into(),
            1..=3 => "localities: [whole-area]\n".into(),
            4..=8 => {
                // Neighbouring wards: a few of one district's.
                let first = DISTRICT_SIZE * self.rng.usize(0..self.districts());
                let last = (first + DISTRICT_SIZE).min(wards);
                let mut picked: Vec<usize> = (0..self.rng.usize(1..=5))
                    .map(|_| self.rng.usize(first..last))
                    .collect();
                picked.sort_unstable();
                picked.dedup();
                let picked: Vec<String> = picked.iter().map(|w| format!("ward-{w:04}")).collect();
                format!("localities: [{}]\n", picked.join(", "))
            }
            _ => format!(
                "localities: [district-{:03}]\n",
                self.rng.usize(0..self.districts())
            ),
        }
    }

    fn questions_file(&self) -> String {
        let mut text = String::from("# Generated questions, in asking order.\n\n");
        for q in &self.questions {
            text.push_str(&question_text(q));
        }
        text.push_str(
            "eligibility\n  serves victims when perpetrator is no\n  serves perpetrators when perpetrator is yes\n",
        );
        if self.questions.len() > 5 {
            text.push_str(
                "  serves children when children is yes\n  serves families when children is yes\n",
            );
        }
        if self.questions.len() > 3 {
            text.push_str("  serves young-people when age is between 13 and 24\n");
        }
        text.push('\n');
        text
    }

    fn pathways_file(&mut self) -> String {
        let mut text = String::from("# Generated pathways.\n\n");
        for n in 0..self.size.pathways {
            let condition = self.condition();
            let refer = self.referrals();
            let _ = write!(
                text,
                "pathway pathway-{n:04} \"Pathway {n}\"\n  because \"Generated policy {n}.\"\n  when {condition}\n  refer {refer}\n\n"
            );
        }
        text.push_str(
            "otherwise\n  because \"The national helpline can help when nothing else fits.\"\n  refer service-00000\n",
        );
        text
    }

    /// A pathway: a policy of the library, for one district (two in three) or the
    /// whole area, for victims or (one in eight) for people causing harm.
    fn condition(&mut self) -> String {
        let mut parts = Vec::new();
        if self.rng.usize(0..3) > 0 {
            parts.push(format!(
                "locality is in district-{:03}",
                self.rng.usize(0..self.districts())
            ));
        }
        if self.questions.len() > 1 {
            let causing_harm = self.rng.usize(0..8) == 0;
            parts.push(format!("perpetrator is {}", yes_no(causing_harm)));
        }
        if let Some(policy) = pick(&mut self.rng, &self.policies) {
            parts.push(policy.clone());
        }
        if parts.is_empty() {
            return "locality is in whole-area".into();
        }
        parts.join(" and ")
    }

    /// The policy library: each policy tests one to three questions, and one in four
    /// of those testing several takes either of its last two tests.
    fn policies(&mut self) -> Vec<String> {
        let count = POLICIES_PER_QUESTION * self.questions.len().saturating_sub(2);
        (0..count).filter_map(|_| self.policy()).collect()
    }

    fn policy(&mut self) -> Option<String> {
        let mut asked = Vec::new();
        let mut tests: Vec<String> = (0..self.rng.usize(1..=3))
            .filter_map(|_| self.atom(&mut asked))
            .collect();
        if tests.len() >= 2 && self.rng.usize(0..4) == 0 {
            let b = tests.pop().unwrap_or_default();
            let a = tests.pop().unwrap_or_default();
            tests.push(format!("({a} or {b})"));
        }
        (!tests.is_empty()).then(|| tests.join(" and "))
    }

    /// A test of a random question not yet in `asked` (two tests of one question
    /// joined by `and` could contradict each other, and the pathway never apply).
    fn atom(&mut self, asked: &mut Vec<usize>) -> Option<String> {
        let q = self.questions.len();
        if q <= 2 {
            return None;
        }
        let index = self.rng.usize(2..q);
        if asked.contains(&index) {
            return None;
        }
        asked.push(index);
        let question = self.questions.get(index)?.clone();
        Some(match question {
            Question::Locality => "locality is not outside-area".into(),
            // Policies mostly act on a factor being present.
            Question::YesNo(id) => format!("{id} is {}", yes_no(self.rng.usize(0..4) > 0)),
            Question::Risk => pick_test(&mut self.rng, &RISK_TESTS),
            Question::Age => pick_test(&mut self.rng, &AGE_TESTS),
            Question::Ticks => pick_test(&mut self.rng, &TICKS_TESTS),
            Question::Choice(id, _, groupings) => {
                let values: Vec<String> = pick(&mut self.rng, &groupings)
                    .into_iter()
                    .flatten()
                    .map(|v| format!("value-{v}"))
                    .collect();
                match values.as_slice() {
                    [one] => format!("{id} is {one}"),
                    _ => format!("{id} is one of {}", values.join(", ")),
                }
            }
        })
    }

    fn referrals(&mut self) -> String {
        let mut targets = Vec::new();
        for _ in 0..self.rng.usize(1..=3) {
            let urgency = match self.rng.usize(0..6) {
                0 => " urgently",
                1 => " immediately",
                _ => "",
            };
            let target = if self.rng.usize(0..5) == 0 {
                let universal = self.size.services.max(1).div_ceil(100);
                format!("service-{:05}", 100 * self.rng.usize(0..universal))
            } else {
                format!(
                    "any service in category category-{:02}",
                    self.rng.usize(0..CATEGORIES)
                )
            };
            targets.push((target, urgency));
        }
        targets.sort();
        targets.dedup_by(|a, b| a.0 == b.0);
        let targets: Vec<String> = targets.into_iter().map(|(t, u)| t + u).collect();
        targets.join(", ")
    }
}

fn question_text(question: &Question) -> String {
    match question {
        Question::Locality => {
            "question locality \"Where does the person live?\"\n  is a locality\n\n".into()
        }
        Question::YesNo(id) => format!("question {id} \"Does {id} apply?\"\n  is yes or no\n\n"),
        Question::Risk => "question risk \"What is the DASH risk level?\"\n  is a risk level\n\n".into(),
        Question::Age => "question age \"How old is the person?\"\n  is an age\n\n".into(),
        Question::Ticks => {
            "question ticks \"How many DASH questions were answered yes?\"\n  is a number from 0 to 27\n\n"
                .into()
        }
        Question::Choice(id, n, _) => {
            let values: Vec<String> = (0..*n).map(|v| format!("    value-{v} \"Value {v}\"\n")).collect();
            format!("question {id} \"Which {id}?\"\n  is one of\n{}\n", values.concat())
        }
    }
}

fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// One of `items` (none if it is empty), chosen by `rng`.
fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.usize(0..items.len().max(1)))
}

/// One of a fixed list of tests.
fn pick_test(rng: &mut fastrand::Rng, tests: &[&str]) -> String {
    pick(rng, tests).copied().unwrap_or_default().to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::area::Area as Loaded;

    /// The same size and seed give the same files, and every age and DASH number in
    /// the rules and the directory is a real threshold (`t`, or `t - 1` as an
    /// inclusive upper bound).
    #[test]
    fn generated_areas_are_deterministic_and_use_real_thresholds() {
        let size = Size {
            pathways: 200,
            services: 300,
            ..Size::SMALL
        };
        let area = generate(size);
        assert_eq!(area.files, generate(size).files);
        let cuts = [10, 13, 14, 16, 18, 21, 25, 55, 60, 65];
        let mut seen = 0;
        for (_, text) in &area.files {
            for line in text
                .lines()
                .filter(|l| l.contains("age") || l.contains("ticks is"))
            {
                let tests = line
                    .split(" and ")
                    .filter(|t| t.contains("age") || t.contains("ticks"));
                for number in tests.flat_map(|t| t.split(|c: char| !c.is_ascii_digit())) {
                    if let Ok(n) = number.parse::<u32>() {
                        seen += 1;
                        assert!(
                            cuts.contains(&n) || cuts.contains(&(n + 1)),
                            "{n} in {line}"
                        );
                    }
                }
            }
        }
        assert!(seen > 20, "{seen}");
    }

    /// A generated area loads and checks without errors (warnings are expected: a
    /// synthetic directory has orphan services and service gaps).
    #[test]
    fn generated_area_checks_without_errors() {
        let dir = tempfile::tempdir().unwrap();
        let size = Size {
            pathways: 40,
            ..Size::SMALL
        };
        generate(size).write(dir.path()).unwrap();
        let area = Loaded::load(dir.path());
        assert!(!area.has_errors(), "{:?}", area.diagnostics);
        let date = area.reference_date(None);
        let errors: Vec<String> = crate::analysis::check(&area, date)
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
