//! Golden tests: named cases in `tests/golden/*.yaml` (answers and what the result must
//! be), run against the compiled rules, with snapshots of full results, pathway
//! coverage, and reports for people and CI.

mod coverage;
pub mod load;
pub mod raw;
pub mod report;
mod run;
pub mod scenario;
pub mod schema;
pub mod snapshot;

pub use coverage::{Coverage, PartCoverage, PathwayCoverage, percent};
pub use load::{load, resolve};
pub use run::{Actual, ActualReferral, CaseRun, Failure, Options, RowRun, Run, run};
pub use scenario::{Case, Expectations, Row, ScenarioFile, Scenarios};
