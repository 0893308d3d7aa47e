//! pathways against zen-engine on the same decisions: the area's pathways as a zen
//! decision table, checked to fire the same pathways as our evaluator on a sample of
//! scenarios, then both timed on the same scenarios in this process; and zen's own
//! table analysis timed against our whole check.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use pathways::area::Area;
use pathways::engine::{self, Answers, Compiled};
use pathways::rules::model::RuleSet;
use serde_json::{Value, json};
use zen_engine::Decision;
use zen_engine::model::DecisionContent;
use zen_engine::policy::Workspace;

use crate::rows::matches;
use crate::scenarios::{self, Scenario};
use crate::table::Table;

/// How the comparison is run.
pub struct Options {
    /// Scenarios timed (each engine evaluates each once per round).
    pub scenarios: usize,
    /// Rounds of timing, ours and zen's alternating; the median round is reported.
    pub rounds: usize,
    /// Random scenarios checked for equivalence, besides one per table row.
    pub verify: usize,
}

/// Runs the comparison on the area at `root` and returns the report, or why it
/// could not be made (including every scenario on which the engines disagree).
pub fn compare(root: &std::path::Path, options: &Options) -> Result<Value, String> {
    let area = Area::load(root);
    if area.has_errors() {
        return Err(format!("the area at {} has errors", root.display()));
    }
    let date = area.reference_date(None);
    let rules = &area.rules;
    let compiled = engine::compile(rules, &area.directory, date);
    let table = Table::new(rules)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let mut decision = decision(table.jdm(rules, false))?;
    let started = Instant::now();
    decision.compile();
    let zen_compile = started.elapsed();

    let mut sample = scenarios::draw(rules, options.verify.max(options.scenarios), 1);
    sample.extend(witnesses(rules, &table, 2));
    let fired = verify(&runtime, &decision, &compiled, &table, rules, &sample)?;

    let timed: Vec<Scenario> = sample.iter().take(options.scenarios).cloned().collect();
    let times = time_evaluations(
        &runtime,
        &decision,
        &compiled,
        rules,
        &timed,
        options.rounds,
    )?;
    let per_scenario = |t: Duration| t.as_secs_f64() / timed.len().max(1) as f64;
    let (ours_check, our_findings) = time_check(&area, date);
    let (zen_analysis, zen_findings) = zen_analysis(&table.jdm(rules, true))?;
    Ok(json!({
        "localities": area.directory.localities.len(),
        "questions": rules.questions.len(),
        "services": area.directory.services.len(),
        "pathways": rules.pathways.len(),
        "table_rows": table.rows.len(),
        "verified_scenarios": sample.len(),
        "pathways_seen_firing": fired,
        "timed_scenarios": timed.len(),
        "rounds": options.rounds,
        "ours_eval_s": per_scenario(times.ours),
        "ours_fired_s": per_scenario(times.fired),
        "zen_eval_s": per_scenario(times.zen),
        "eval_ratio": ratio(times.zen, times.ours),
        "fired_ratio": ratio(times.zen, times.fired),
        "zen_compile_s": zen_compile.as_secs_f64(),
        "ours_check_s": ours_check.as_secs_f64(),
        "zen_analysis_s": zen_analysis.as_secs_f64(),
        "analysis_ratio": ratio(zen_analysis, ours_check),
        "ours_findings": our_findings,
        "zen_findings": zen_findings,
    }))
}

/// How many times faster `ours` is than `theirs`.
fn ratio(theirs: Duration, ours: Duration) -> f64 {
    theirs.as_secs_f64() / ours.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn content(jdm: &Value) -> Result<DecisionContent, String> {
    serde_json::from_value(jdm.clone()).map_err(|e| format!("zen rejected the table: {e}"))
}

fn decision(jdm: Value) -> Result<Decision, String> {
    match content(&jdm)? {
        DecisionContent::Graph(graph) => Ok(Decision::from(graph)),
        DecisionContent::Policy(_) => Err("the table was read as a policy".into()),
    }
}

/// For each row, a scenario it matches (random elsewhere), so that every pathway
/// fires in some checked scenario, which random scenarios alone rarely achieve.
fn witnesses(rules: &RuleSet, table: &Table, seed: u64) -> Vec<Scenario> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let random = scenarios::draw(rules, table.rows.len(), seed);
    table
        .rows
        .iter()
        .zip(random)
        .map(|((_, row), mut scenario)| {
            for (q, values) in row {
                let pick = values.iter().nth(rng.usize(0..values.len().max(1)));
                if let (Some(slot), Some(v)) = (scenario.get_mut(*q), pick) {
                    *slot = *v;
                }
            }
            scenario
        })
        .collect()
}

/// Checks both engines fire the same pathways on every scenario; returns how many
/// distinct pathways fired somewhere in the sample.
fn verify(
    runtime: &tokio::runtime::Runtime,
    decision: &Decision,
    compiled: &Compiled,
    table: &Table,
    rules: &RuleSet,
    sample: &[Scenario],
) -> Result<usize, String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for scenario in sample {
        let ours = our_fired(compiled, rules, &scenarios::answers(rules, scenario))?;
        let input = scenarios::json(rules, scenario);
        let response = runtime
            .block_on(decision.evaluate(input.clone().into()))
            .map_err(|e| format!("zen failed on {input}: {e:?}"))?;
        let zen = zen_fired(&response.result.to_value());
        if ours != zen && problems.len() < 5 {
            let rows: Vec<&str> = table
                .rows
                .iter()
                .filter(|(_, row)| matches(row, scenario))
                .filter_map(|(p, _)| rules.pathways.get(*p).map(|p| p.id.value.as_str()))
                .collect();
            problems.push(format!(
                "on {input}: ours fired {ours:?}, zen fired {zen:?}, the table's rows match {rows:?}"
            ));
        }
        seen.extend(ours);
    }
    if problems.is_empty() {
        Ok(seen.len())
    } else {
        Err(format!("the engines disagree:\n{}", problems.join("\n")))
    }
}

/// The pathways our evaluation fires, which must be the ones [`Compiled::fired`] gives.
fn our_fired(
    compiled: &Compiled,
    rules: &RuleSet,
    answers: &Answers,
) -> Result<Vec<String>, String> {
    let pathways = compiled.evaluate(answers).pathways;
    if compiled.fired(answers).as_ref() != Some(&pathways) {
        return Err(format!(
            "our evaluation and `Compiled::fired` disagree on {:?}",
            answers.as_slice()
        ));
    }
    let mut ids: Vec<String> = pathways
        .iter()
        .filter_map(|p| rules.pathways.get(*p).map(|p| p.id.value.clone()))
        .collect();
    ids.sort();
    Ok(ids)
}

/// The pathway ids of a collect table's result (one per matching row, so deduplicated).
fn zen_fired(result: &Value) -> Vec<String> {
    let mut ids: Vec<String> = result
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row.get("pathway").and_then(Value::as_str).map(String::from))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Median time of a round of all scenarios: our whole evaluation, our evaluation of
/// which pathways fire (what zen's table decides), and zen's.
struct Timings {
    ours: Duration,
    fired: Duration,
    zen: Duration,
}

/// Median time of a round of all scenarios in each engine, rounds alternating so a
/// change in the machine's speed touches both.
fn time_evaluations(
    runtime: &tokio::runtime::Runtime,
    decision: &Decision,
    compiled: &Compiled,
    rules: &RuleSet,
    timed: &[Scenario],
    rounds: usize,
) -> Result<Timings, String> {
    let answers: Vec<Answers> = timed.iter().map(|s| scenarios::answers(rules, s)).collect();
    let inputs: Vec<zen_engine::Variable> = timed
        .iter()
        .map(|s| scenarios::json(rules, s).into())
        .collect();
    let mut ours = Vec::new();
    let mut fired = Vec::new();
    let mut zen = Vec::new();
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        for a in &answers {
            black_box(compiled.evaluate(black_box(a)));
        }
        ours.push(started.elapsed());
        let started = Instant::now();
        for a in &answers {
            black_box(compiled.fired(black_box(a)));
        }
        fired.push(started.elapsed());
        let started = Instant::now();
        runtime.block_on(async {
            for input in &inputs {
                let response = decision.evaluate(black_box(input.clone())).await;
                black_box(response.map_err(|e| format!("{e:?}"))?);
            }
            Ok::<(), String>(())
        })?;
        zen.push(started.elapsed());
    }
    Ok(Timings {
        ours: median(ours),
        fired: median(fired),
        zen: median(zen),
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Our whole check (every analysis, compilation included), with findings by code.
fn time_check(area: &Area, date: jiff::civil::Date) -> (Duration, BTreeMap<String, usize>) {
    let started = Instant::now();
    let findings = pathways::analysis::check(area, date);
    let elapsed = started.elapsed();
    let mut codes = BTreeMap::new();
    for d in &findings {
        *codes.entry(d.code.to_string()).or_insert(0) += 1;
    }
    (elapsed, codes)
}

/// zen's diagnostics of the decision (its table analysis: unsatisfiable cells,
/// duplicate rows, missing cases, compressible tables...), with findings by code.
fn zen_analysis(jdm: &Value) -> Result<(Duration, BTreeMap<String, usize>), String> {
    let document = content(jdm)?;
    let mut workspace = Workspace::new();
    workspace.set_document("pathways.json", document);
    let started = Instant::now();
    let diagnostics = workspace.diagnostics("pathways.json");
    let elapsed = started.elapsed();
    let mut codes = BTreeMap::new();
    for d in &diagnostics {
        *codes.entry(format!("{:?}", d.code)).or_insert(0) += 1;
    }
    Ok((elapsed, codes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::path::Path;

    use super::{Options, compare};

    /// On the example area zen fires exactly our pathways on every checked scenario,
    /// and every pathway fires in some of them (one witness per table row).
    #[test]
    fn zen_fires_what_we_fire_on_the_example() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let options = Options {
            scenarios: 50,
            rounds: 1,
            verify: 500,
        };
        let report = compare(root, &options).unwrap();
        assert_eq!(report["pathways_seen_firing"], report["pathways"]);
        assert!(report["table_rows"].as_u64().unwrap() >= report["pathways"].as_u64().unwrap());
    }
}
