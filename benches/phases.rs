//! In-process benchmarks (divan) of each phase of the tool, on the example area and on
//! synthetic areas of any size: loading the directory, parsing and resolving the
//! rules, compiling, the whole check (every whole-space analysis), one complete
//! evaluation, partial evaluations, a diff, and the site build (in memory).
//!
//! ```text
//! cargo bench --bench phases
//! PATHWAYS_BENCH_SIZES=example,343-20-10000-2000 cargo bench --bench phases
//! cargo bench --bench phases -- compile --sample-count 5   # divan's own options
//! ```
//! `PATHWAYS_BENCH_SIZES` is a comma-separated list of `example` (this repository's
//! area) and `LOCALITIES-QUESTIONS-SERVICES-PATHWAYS` sizes of the synthetic
//! generator (seed 1); each is generated once per run into a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use pathways::area::Area;
use pathways::engine::{self, Answers, Compiled};
use pathways::source::Sources;
use pathways::synthetic::{self, Size};

use common::copy_tree;

/// Complete scenarios evaluated per iteration of the evaluation benchmark.
const SCENARIOS: usize = 256;

fn main() {
    divan::Divan::default()
        .sample_count(10)
        .max_time(Duration::from_secs(5))
        .config_with_args()
        .main();
}

/// The sizes to run, from `PATHWAYS_BENCH_SIZES`.
fn sizes() -> Vec<String> {
    std::env::var("PATHWAYS_BENCH_SIZES")
        .unwrap_or_else(|_| "example,15-7-25-12".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An area ready to measure, kept for every benchmark of one size.
struct Prepared {
    root: PathBuf,
    /// The same area with one pathway added (the other side of the diff).
    changed: Area,
    area: Area,
    date: jiff::civil::Date,
    compiled: Compiled,
    /// Where the generated area and the changed copy live, removed at the end.
    _folder: tempfile::TempDir,
}

/// The allocator of the `pathways` binary (see `Cargo.toml`), so these figures are
/// the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

thread_local! {
    static PREPARED: RefCell<BTreeMap<String, Rc<Prepared>>> = RefCell::default();
}

fn prepared(label: &str) -> Rc<Prepared> {
    PREPARED.with(|cache| {
        cache
            .borrow_mut()
            .entry(label.to_string())
            .or_insert_with(|| Rc::new(prepare(label)))
            .clone()
    })
}

fn prepare(label: &str) -> Prepared {
    let folder = tempfile::tempdir().unwrap();
    let root = if label == "example" {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    } else {
        let root = folder.path().join("area");
        synthetic::generate(parse_size(label)).write(&root).unwrap();
        root
    };
    let area = Area::load(&root);
    assert!(!area.has_errors(), "the area {label} has errors");
    let changed = changed(&area, &root, &folder.path().join("changed"));
    let date = area.reference_date(None);
    let compiled = engine::compile(&area.rules, &area.directory, date);
    Prepared {
        root,
        changed,
        area,
        date,
        compiled,
        _folder: folder,
    }
}

fn parse_size(label: &str) -> Size {
    let n: Vec<usize> = label
        .split('-')
        .map(|n| n.parse().unwrap_or_else(|_| panic!("bad size `{label}`")))
        .collect();
    let [localities, questions, services, pathways] = n[..] else {
        panic!("a size is LOCALITIES-QUESTIONS-SERVICES-PATHWAYS, not `{label}`");
    };
    Size {
        localities,
        questions,
        services,
        pathways,
        seed: 1,
    }
}

/// A copy of the area with one more pathway, referring every case to its first open
/// service: the kind of one-rule change a diff is run on.
fn changed(area: &Area, root: &Path, copy: &Path) -> Area {
    for folder in ["directory", "rules"] {
        copy_tree(&root.join(folder), &copy.join(folder));
    }
    let service = area
        .directory
        .services
        .iter()
        .find(|s| s.is_open_on(area.reference_date(None)))
        .expect("an open service");
    std::fs::write(
        copy.join("rules/zz-bench-change.pathways"),
        format!(
            "pathway bench-change \"A benchmark change\"\n  because \"Added for the diff benchmark.\"\n  refer {}\n",
            service.id
        ),
    )
    .unwrap();
    let changed = Area::load(copy);
    assert!(!changed.has_errors(), "{:?}", changed.diagnostics);
    changed
}

#[divan::bench(args = sizes())]
fn load_directory(bencher: Bencher, size: &str) {
    let p = prepared(size);
    bencher.bench_local(|| pathways::directory::load(&p.root, &mut Sources::new()));
}

#[divan::bench(args = sizes())]
fn load_rules(bencher: Bencher, size: &str) {
    let p = prepared(size);
    bencher
        .with_inputs(|| p.area.sources.clone())
        .bench_local_refs(|sources| pathways::rules::load(&p.root, sources, &p.area.directory));
}

#[divan::bench(args = sizes())]
fn compile(bencher: Bencher, size: &str) {
    let p = prepared(size);
    bencher.bench_local(|| engine::compile(&p.area.rules, &p.area.directory, p.date));
}

/// Every whole-space analysis `pathways check` makes (compilation included: the
/// analyses are not public one by one).
#[divan::bench(args = sizes())]
fn check(bencher: Bencher, size: &str) {
    let p = prepared(size);
    bencher.bench_local(|| pathways::analysis::check(&p.area, p.date));
}

/// Complete evaluations of random scenarios; divan reports the time of one.
#[divan::bench(args = sizes())]
fn evaluate(bencher: Bencher, size: &str) {
    let p = prepared(size);
    let mut rng = fastrand::Rng::with_seed(1);
    let scenarios: Vec<Answers> = (0..SCENARIOS)
        .map(|_| {
            let mut answers = Answers::none(&p.area.rules);
            for (q, question) in p.area.rules.questions.iter().enumerate() {
                let n = u32::try_from(question.domain.len()).unwrap().max(1);
                answers.set(q, Some(rng.u32(0..n)));
            }
            answers
        })
        .collect();
    bencher.counter(ItemsCount::new(SCENARIOS)).bench_local(|| {
        for answers in &scenarios {
            black_box(p.compiled.evaluate(black_box(answers)));
        }
    });
}

/// Partial evaluations: every question answered but the last one, then the last
/// two, and so on up to five (a finder's answers with the rest still to ask: its
/// cost follows the situations still open); divan reports the time of one.
#[divan::bench(args = sizes())]
fn evaluate_partial(bencher: Bencher, size: &str) {
    let p = prepared(size);
    let questions = p.area.rules.questions.len();
    let partial: Vec<Answers> = (1..=questions.min(5))
        .map(|open| {
            let mut answers = Answers::none(&p.area.rules);
            (0..questions - open).for_each(|q| answers.set(q, Some(0)));
            answers
        })
        .collect();
    bencher
        .counter(ItemsCount::new(partial.len()))
        .bench_local(|| {
            for answers in &partial {
                black_box(p.compiled.evaluate(black_box(answers)));
            }
        });
}

/// The semantic diff of the area against itself with one pathway added.
#[divan::bench(args = sizes())]
fn diff(bencher: Bencher, size: &str) {
    let p = prepared(size);
    let side = |label: &str, area| pathways::analysis::diff::Side {
        label: label.to_string(),
        area,
        as_of: p.date,
    };
    let (old, new) = (side("old", &p.area), side("new", &p.changed));
    bencher.bench_local(|| pathways::analysis::diff::diff(&old, &new));
}

/// The sizes whose finder can be built: from about 14 questions a synthetic area's
/// distinct outcomes outgrow the finder's budget (`FINDER_BYTES`, 512 MiB) and the build stops with
/// `finder-too-large` (a refusal, not a build to time).
fn site_sizes() -> Vec<String> {
    sizes()
        .into_iter()
        .filter(|label| label == "example" || parse_size(label).questions < 14)
        .collect()
}

/// `pathways build` without writing: load, check, compile, render every page, check
/// every link.
#[divan::bench(args = site_sizes())]
fn site_build(bencher: Bencher, size: &str) {
    let p = prepared(size);
    bencher.bench_local(|| {
        let built = pathways::site::build(&p.root, None);
        assert!(!built.failed(), "the site of {size} did not build");
        built
    });
}
