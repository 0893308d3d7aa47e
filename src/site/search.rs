//! The search index: a small JSON document embedded in the search page and filtered
//! in the browser by `search.js`. It holds, per service, only its id, name, summary,
//! categories and localities, so a confidential address can never reach it.
//!
//! Why our own index and not pagefind (`pagefind::api::PagefindIndex`):
//! - pagefind's browser side loads a WebAssembly module and index fragments with
//!   `fetch` at search time: that needs `'wasm-unsafe-eval'` and `connect-src` in the
//!   Content-Security-Policy, does not work from `file://`, and adds requests;
//! - its Rust API needs tokio and about 180 more crates (not measured here: that build
//!   alone would take minutes on the 2 shared cores), against none for this index;
//! - it ships a WebAssembly module and its loader before any index data, where this
//!   index needs 2 KB of plain script (`site/static/search.js`).
//!
//! Measured payload of this index (the search page's JSON; see the test
//! `payload_at_25_and_10000_services`): PAYLOAD.

use serde::Serialize;

use crate::directory::model::{Coverage, Directory};

/// Names are stored once and referred to by index, to keep the payload small.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SearchIndex {
    pub categories: Vec<String>,
    pub localities: Vec<String>,
    pub services: Vec<SearchEntry>,
}

/// One service. Short field names: this is shipped to every searching browser.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SearchEntry {
    /// Id.
    pub i: String,
    /// Name.
    pub n: String,
    /// Summary.
    pub s: String,
    /// The service page, relative to the site root.
    pub u: String,
    /// Indices into `categories`.
    pub c: Vec<usize>,
    /// Indices into `localities`; `None` when the service covers anywhere.
    pub l: Option<Vec<usize>>,
}

impl SearchIndex {
    /// `page` gives each service's page path, relative to the site root.
    pub fn new(directory: &Directory, page: impl Fn(&str) -> String) -> SearchIndex {
        let services = directory
            .services
            .iter()
            .map(|service| SearchEntry {
                i: service.id.clone(),
                n: service.name.value.clone(),
                s: service.summary.clone(),
                u: page(&service.id),
                c: service
                    .categories
                    .iter()
                    .filter_map(|c| {
                        directory
                            .categories
                            .iter()
                            .position(|k| k.id.value == c.value)
                    })
                    .collect(),
                l: match service.localities {
                    Coverage::Anywhere(_) => None,
                    Coverage::Listed(_) => Some(directory.covered_localities(service)),
                },
            })
            .collect();
        SearchIndex {
            categories: directory
                .categories
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            localities: directory
                .localities
                .iter()
                .map(|l| l.name.clone())
                .collect(),
            services,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
