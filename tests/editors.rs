//! Editor support: the TextMate grammar tokenises the example rules as intended (a
//! small interpreter of the grammar's rules, run with `fancy-regex`), and the
//! generated completions and man pages under `dist/` match the command line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

use fancy_regex::Regex;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One grammar rule, with `include`s resolved.
enum Rule {
    Match {
        regex: Regex,
        name: Option<String>,
        captures: Vec<(usize, String)>,
    },
    /// A region from `begin` to `end`, with rules inside (single-line regions only).
    Region {
        begin: Regex,
        end: Regex,
        name: String,
        inner: Vec<Rule>,
    },
}

fn regex(text: &str) -> Regex {
    Regex::new(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn rules(list: &Value, repository: &Value) -> Vec<Rule> {
    let mut out = Vec::new();
    for rule in list.as_array().unwrap() {
        if let Some(include) = rule.get("include") {
            let key = include.as_str().unwrap().strip_prefix('#').unwrap();
            let target = &repository[key];
            let nested = if target.get("patterns").is_some() && target.get("begin").is_none() {
                rules(&target["patterns"], repository)
            } else {
                rules(&Value::Array(vec![target.clone()]), repository)
            };
            out.extend(nested);
        } else if let Some(pattern) = rule.get("match") {
            let captures = rule
                .get("captures")
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.parse().unwrap(), v["name"].as_str().unwrap().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Rule::Match {
                regex: regex(pattern.as_str().unwrap()),
                name: rule.get("name").map(|n| n.as_str().unwrap().to_string()),
                captures,
            });
        } else {
            let inner = rule
                .get("patterns")
                .map_or_else(Vec::new, |p| rules(p, repository));
            out.push(Rule::Region {
                begin: regex(rule["begin"].as_str().unwrap()),
                end: regex(rule["end"].as_str().unwrap()),
                name: rule["name"].as_str().unwrap().to_string(),
                inner,
            });
        }
    }
    out
}

fn grammar() -> Vec<Rule> {
    let text = std::fs::read_to_string(root().join("editors/pathways.tmLanguage.json")).unwrap();
    let grammar: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(grammar["scopeName"], "source.pathways");
    rules(&grammar["patterns"], &grammar["repository"])
}

/// The first rule to match at or after `from` (earliest start, then rule order).
fn first_match<'r, 't>(
    rules: &'r [Rule],
    line: &'t str,
    from: usize,
) -> Option<(&'r Rule, fancy_regex::Captures<'t, str>)> {
    let mut best: Option<(&Rule, fancy_regex::Captures<str>)> = None;
    for rule in rules {
        let re = match rule {
            Rule::Match { regex, .. } => regex,
            Rule::Region { begin, .. } => begin,
        };
        if let Some(caps) = re.captures_from_pos(line, from).unwrap() {
            let start = caps.get(0).unwrap().start();
            if best
                .as_ref()
                .is_none_or(|(_, b)| start < b.get(0).unwrap().start())
            {
                best = Some((rule, caps));
            }
        }
    }
    best
}

/// The scope of each byte of the line ("" where no rule applies).
fn scopes(rules: &[Rule], line: &str) -> Vec<String> {
    let mut scopes = vec![String::new(); line.len()];
    let mut at = 0;
    while at < line.len() {
        let Some((rule, caps)) = first_match(rules, line, at) else {
            break;
        };
        let whole = caps.get(0).unwrap();
        let mut end = whole.end();
        match rule {
            Rule::Match { name, captures, .. } => {
                if let Some(name) = name {
                    scopes[whole.start()..whole.end()].fill(name.clone());
                }
                for (i, name) in captures {
                    if let Some(group) = caps.get(*i) {
                        scopes[group.start()..group.end()].fill(name.clone());
                    }
                }
            }
            Rule::Region {
                end: close,
                name,
                inner,
                ..
            } => {
                // Escapes inside are skipped over so that `\"` does not close the region.
                let mut inside = whole.end();
                let close_at = loop {
                    let closing = close.find_from_pos(line, inside).unwrap();
                    let escape = first_match(inner, line, inside)
                        .map(|(_, c)| (c.get(0).unwrap().start(), c.get(0).unwrap().end()));
                    match (closing, escape) {
                        (Some(m), Some((start, end))) if start < m.start() => inside = end,
                        (Some(m), _) => break m.end(),
                        (None, Some((_, end))) => inside = end,
                        (None, None) => break line.len(),
                    }
                };
                scopes[whole.start()..close_at].fill(name.clone());
                end = close_at;
            }
        }
        at = end.max(whole.start() + 1);
    }
    scopes
}

/// The keywords of the rule language, read from the pest grammar (`kw_x = @{ "x" ...`).
fn keywords() -> Vec<String> {
    let pest = std::fs::read_to_string(root().join("src/rules/grammar.pest")).unwrap();
    let re = regex(r#"(?m)^kw_\w+\s*=\s*@\{\s*"([a-z]+)""#);
    re.captures_iter(pest.as_str())
        .map(|c| c.unwrap().get(1).unwrap().as_str().to_string())
        .collect()
}

/// Words that are both keywords and question ids in the example (`risk is high`,
/// `locality is in portsmouth`, `serves children`): their scope depends on context.
const AMBIGUOUS: [&str; 4] = ["risk", "locality", "children", "level"];

#[test]
fn the_grammar_scopes_the_example_rules() {
    let rules = grammar();
    let keywords = keywords();
    assert!(keywords.len() > 30, "{keywords:?}");
    let word = regex(r"[a-z0-9][a-z0-9-]*");
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let scopes = scopes(&rules, line);
            let (code, comment) = split_comment(line);
            if let Some(start) = comment {
                assert!(
                    scopes[start..]
                        .iter()
                        .all(|s| s.starts_with("comment.line")),
                    "comment not scoped: {line}"
                );
            }
            for (start, end) in texts(code) {
                assert!(
                    scopes[start..end]
                        .iter()
                        .all(|s| s.starts_with("string.quoted")),
                    "text not scoped: {line}"
                );
            }
            let bare = blank_texts(code);
            for m in word.find_iter(&bare) {
                let m = m.unwrap();
                let scope = &scopes[m.start()];
                let is_keyword = keywords.iter().any(|k| k == m.as_str());
                if m.as_str().contains('-') {
                    assert!(
                        !scope.starts_with("keyword"),
                        "`{}` is an id but scoped {scope}: {line}",
                        m.as_str()
                    );
                } else if is_keyword && !AMBIGUOUS.contains(&m.as_str()) {
                    assert!(
                        scope.starts_with("keyword") || scope.starts_with("constant.language"),
                        "keyword `{}` scoped `{scope}`: {line}",
                        m.as_str()
                    );
                    seen.insert(m.as_str().to_string());
                }
            }
        }
    }
    for expected in [
        "question",
        "pathway",
        "because",
        "when",
        "refer",
        "and",
        "or",
        "is",
        "eligibility",
        "serves",
        "otherwise",
    ] {
        assert!(seen.contains(expected), "the example has no `{expected}`");
    }
}

/// The code part of a line and where its comment starts (a `#` outside texts).
fn split_comment(line: &str) -> (&str, Option<usize>) {
    let mut in_text = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_text => escaped = true,
            '"' => in_text = !in_text,
            '#' if !in_text => return (&line[..i], Some(i)),
            _ => {}
        }
    }
    (line, None)
}

/// Byte ranges of the quoted texts of a line's code.
fn texts(code: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        match (c, start) {
            _ if escaped => escaped = false,
            ('\\', Some(_)) => escaped = true,
            ('"', None) => start = Some(i),
            ('"', Some(s)) => {
                ranges.push((s, i + 1));
                start = None;
            }
            _ => {}
        }
    }
    ranges
}

/// The code with every text replaced by spaces, so that words inside are not checked.
fn blank_texts(code: &str) -> String {
    let mut bare = code.to_string();
    for (start, end) in texts(code) {
        bare.replace_range(start..end, &" ".repeat(end - start));
    }
    bare
}

#[test]
fn the_grammar_knows_ids_from_keywords() {
    let rules = grammar();
    let line = "  when children-in-care is not in portsmouth and ticks >= 14 # note";
    let scopes = scopes(&rules, line);
    let at = |word: &str| scopes[line.find(word).unwrap()].clone();
    assert_eq!(at("children-in-care"), "");
    assert_eq!(at("when"), "keyword.control.pathways");
    assert_eq!(at("not"), "keyword.operator.logical.pathways");
    assert_eq!(at(">="), "keyword.operator.comparison.pathways");
    assert_eq!(at("14"), "constant.numeric.pathways");
    assert_eq!(at("# note"), "comment.line.number-sign.pathways");
    let declared = "pathway high-risk \"High \\\"risk\\\" # not a comment\"";
    let scopes_2 = self::scopes(&rules, declared);
    assert_eq!(scopes_2[0], "keyword.declaration.pathways");
    assert_eq!(scopes_2[8], "entity.name.function.pathways");
    assert!(
        scopes_2[18..]
            .iter()
            .all(|s| s == "string.quoted.double.pathways")
    );
}

#[test]
fn the_vscode_manifest_points_at_the_grammar() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.pathways");
    let path = root()
        .join("editors/vscode")
        .join(grammar["path"].as_str().unwrap());
    assert!(path.is_file(), "{}", path.display());
    assert_eq!(
        manifest["contributes"]["languages"][0]["extensions"][0],
        ".pathways"
    );
}

fn pathways(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_pathways"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}");
    output.stdout
}

#[test]
fn dist_completions_and_man_pages_are_up_to_date() {
    let dist = root().join("dist");
    for (shell, file) in [
        ("bash", "pathways.bash"),
        ("zsh", "_pathways"),
        ("fish", "pathways.fish"),
    ] {
        let generated = pathways(&["completions", shell]);
        let committed = std::fs::read(dist.join("completions").join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "dist/completions/{file} is out of date: run `cargo run -- completions {shell} > dist/completions/{file}`"
        );
    }
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("man");
    pathways(&["man", "--out", out.to_str().unwrap()]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"pathways-fmt.1".to_string()), "{names:?}");
    assert!(
        names.contains(&"pathways-export-hsds.1".to_string()),
        "{names:?}"
    );
    let mut committed: Vec<String> = std::fs::read_dir(dist.join("man"))
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    committed.sort();
    assert_eq!(names, committed, "run `cargo run -- man --out dist/man`");
    for name in &names {
        assert!(
            std::fs::read(out.join(name)).unwrap()
                == std::fs::read(dist.join("man").join(name)).unwrap(),
            "dist/man/{name} is out of date: run `cargo run -- man --out dist/man`"
        );
    }
    let page = String::from_utf8(pathways(&["man"])).unwrap();
    assert!(page.starts_with(".ie"), "{}", &page[..40]);
    assert!(page.contains("fmt"));
}
