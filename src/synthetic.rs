//! Synthetic areas for benchmarks and scale tests: a deterministic generator of a
//! complete area root (directory and rules) of any size, from a seed.
//!
//! The shape follows real partnerships: wards grouped into districts, services that
//! cover a district, a few wards, the whole area or the nation, with eligibility by
//! client group, risk level and age, and pathways that overlap the way local policy
//! does (most refer "any service in category C"; a few name a service). The result
//! checks without errors, so every command (check, build, diff) runs on it.

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
    };
    g.questions = g.questions();
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
    Choice(String, usize),
}

struct Generator {
    rng: fastrand::Rng,
    size: Size,
    questions: Vec<Question>,
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
                Question::Choice(format!("setting-{n:02}"), self.rng.usize(3..=6))
            });
        }
        questions.truncate(self.size.questions.max(1));
        questions
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
            let min = self.rng.u32(0..18);
            let _ = writeln!(
                text,
                "ages:\n  min: {min}\n  max: {}",
                min + self.rng.u32(5..60)
            );
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
                let picked: Vec<String> = (0..self.rng.usize(1..=5))
                    .map(|_| format!("ward-{:04}", self.rng.usize(0..wards)))
                    .collect();
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

    fn condition(&mut self) -> String {
        let mut parts = Vec::new();
        if self.rng.usize(0..3) > 0 {
            parts.push(format!(
                "locality is in district-{:03}",
                self.rng.usize(0..self.districts())
            ));
        }
        if self.questions.len() > 1 {
            parts.push(format!(
                "perpetrator is {}",
                if self.rng.usize(0..8) == 0 {
                    "yes"
                } else {
                    "no"
                }
            ));
        }
        let mut asked = Vec::new();
        for _ in 0..self.rng.usize(1..=3) {
            if let Some(atom) = self.atom(&mut asked) {
                parts.push(atom);
            }
        }
        if parts.len() >= 3 && self.rng.usize(0..4) == 0 {
            let b = parts.pop().unwrap_or_default();
            let a = parts.pop().unwrap_or_default();
            parts.push(format!("({a} or {b})"));
        }
        if parts.is_empty() {
            return "locality is in whole-area".into();
        }
        parts.join(" and ")
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
            Question::YesNo(id) => {
                format!("{id} is {}", if self.rng.bool() { "yes" } else { "no" })
            }
            Question::Risk => [
                "risk is high",
                "risk is one of standard, medium",
                "risk is not standard",
            ]
            .get(self.rng.usize(0..3))
            .map_or("risk is high".into(), |s| s.to_string()),
            Question::Age => {
                let min = self.rng.u32(0..60);
                format!("age is between {min} and {}", min + self.rng.u32(5..50))
            }
            Question::Ticks => format!("ticks is at least {}", self.rng.u32(3..20)),
            Question::Choice(id, n) => {
                let a = self.rng.usize(0..n);
                let b = self.rng.usize(0..n);
                if a == b {
                    format!("{id} is value-{a}")
                } else {
                    format!("{id} is one of value-{a}, value-{b}")
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
        Question::Choice(id, n) => {
            let values: Vec<String> = (0..*n).map(|v| format!("    value-{v} \"Value {v}\"\n")).collect();
            format!("question {id} \"Which {id}?\"\n  is one of\n{}\n", values.concat())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::area::Area as Loaded;

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
