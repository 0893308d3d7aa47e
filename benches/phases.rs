//! Times each phase of `pathways check` on the area root given as the first argument
//! and prints them as one JSON line (seconds), for `scripts/bench.sh`: loading,
//! compiling, the whole check (compilation included), one complete evaluation (mean
//! of many) and one partial evaluation (the last five questions unanswered).

use std::time::Instant;

use pathways::area::Area;
use pathways::engine::{self, Answers};

/// Complete evaluations timed together, to read one's cost above the clock's grain.
const EVALUATIONS: u32 = 1000;
/// Questions left unanswered in the partial evaluation.
const UNANSWERED: usize = 5;

fn main() {
    let Some(root) = std::env::args().nth(1).filter(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench phases -- AREA_ROOT");
        return;
    };
    let start = Instant::now();
    let area = Area::load(std::path::Path::new(&root));
    let load = start.elapsed().as_secs_f64();
    let date = area.reference_date(None);
    let start = Instant::now();
    let compiled = engine::compile(&area.rules, &area.directory, date);
    let compile = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let findings = pathways::analysis::check(&area, date);
    let check = start.elapsed().as_secs_f64();
    let mut complete = Answers::none(&area.rules);
    (0..area.rules.questions.len()).for_each(|q| complete.set(q, Some(0)));
    let start = Instant::now();
    let referrals: usize = (0..EVALUATIONS)
        .map(|_| {
            compiled
                .evaluate(std::hint::black_box(&complete))
                .referrals
                .len()
        })
        .sum();
    let evaluate = start.elapsed().as_secs_f64() / f64::from(EVALUATIONS);
    let mut partial = complete.clone();
    let questions = area.rules.questions.len();
    (questions.saturating_sub(UNANSWERED)..questions).for_each(|q| partial.set(q, None));
    let start = Instant::now();
    let open = compiled.evaluate(&partial);
    let partial = start.elapsed().as_secs_f64();
    let line = serde_json::json!({
        "load_s": load,
        "compile_s": compile,
        "check_s": check,
        "evaluate_s": evaluate,
        "partial_s": partial,
        "nodes": compiled.manager().len(),
        "findings": findings.len(),
        "errors": findings.iter().filter(|d| d.is_error()).count(),
        "referrals": referrals / EVALUATIONS as usize,
        "questions_that_matter": open.questions_that_matter.len(),
    });
    println!("{line}");
}
