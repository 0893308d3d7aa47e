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
//!   index needs 3 KB of plain script (`site/static/search.js`).
//!
//! Measured payload of this index (the search page's JSON; see the test
//! `payload_at_25_and_10000_services`; gzip -9 by hand): 25 services: 6.4 KB, 1.4 KB
//! gzipped; 10,000 services: 2.5 MB, 350 KB gzipped. The benchmarks' national directory
//! (10,000 services over 343 localities, most covering whole groups): a search page of
//! 1.3 MB, 142 KB gzipped, where listing each locality had made it 3.2 MB. Filtering
//! 10,000 entries on each keystroke is instant; the download is the limit, and an area
//! that size would want pagefind's fragments (and a CSP that allows them) instead.

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
    /// Indices into `categories`.
    pub c: Vec<usize>,
    /// Id.
    pub i: String,
    /// The localities it covers, by index into `localities` in order; `None` when the
    /// service covers anywhere.
    pub l: Option<Vec<LocalityRun>>,
    /// Name.
    pub n: String,
    /// Summary.
    pub s: String,
    /// The service page, relative to the site root.
    pub u: String,
}

/// Localities a service covers: one, or three or more consecutive ones as their first
/// and last (`[4, 9]`). A county-wide service covers hundreds of localities, mostly
/// consecutive; listed one by one they were two thirds of a 10,000-service index.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum LocalityRun {
    One(usize),
    Run([usize; 2]),
}

/// Increasing indices as runs (see [`LocalityRun`]).
fn runs(indices: &[usize]) -> Vec<LocalityRun> {
    let mut runs = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for &i in indices {
        current = match current {
            Some((first, last)) if last.checked_add(1) == Some(i) => Some((first, i)),
            Some(done) => {
                push_run(&mut runs, done);
                Some((i, i))
            }
            None => Some((i, i)),
        };
    }
    if let Some(done) = current {
        push_run(&mut runs, done);
    }
    runs
}

fn push_run(runs: &mut Vec<LocalityRun>, (first, last): (usize, usize)) {
    if last - first >= 2 {
        runs.push(LocalityRun::Run([first, last]));
    } else {
        runs.extend((first..=last).map(LocalityRun::One));
    }
}

impl SearchIndex {
    /// `page` gives each service's page path, relative to the site root.
    pub fn new(directory: &Directory, page: impl Fn(&str) -> String) -> SearchIndex {
        let places = directory.places();
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
                    Coverage::Listed(_) => Some(runs(&places.covered(service))),
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::directory::model::*;
    use crate::source::{FileId, Located, Span};

    fn at<T>(value: T) -> Located<T> {
        Located::new(value, Span::new(FileId(0), 0, 1))
    }

    fn directory(services: usize) -> Directory {
        let span = Span::new(FileId(0), 0, 1);
        let names = [
            "baffins",
            "copnor",
            "cosham",
            "fratton",
            "hilsea",
            "milton",
            "nelson",
            "paulsgrove",
        ];
        Directory {
            area: AreaSettings {
                name: "Example".into(),
                title: "Example pathways".into(),
                feedback: "pathways@example.org".into(),
                as_of: None,
                example_data: true,
                exit_url: "https://www.example.org/".into(),
                helpline: None,
                span,
            },
            localities: names
                .iter()
                .map(|n| Locality {
                    id: at(n.to_string()),
                    name: format!("{n} ward"),
                    groups: vec![],
                })
                .collect(),
            groups: vec![],
            categories: ["advocacy", "refuge", "children", "helplines"]
                .iter()
                .map(|c| Category {
                    id: at(c.to_string()),
                    name: format!("{c} services"),
                    description: String::new(),
                })
                .collect(),
            services: (0..services).map(|i| service(i, span)).collect(),
        }
    }

    fn service(i: usize, span: Span) -> Service {
        Service {
            id: format!("service-{i:05}"),
            span,
            name: at(format!("Domestic abuse support service number {i}")),
            summary: summary(i),
            description: "A longer description that the index leaves out.".into(),
            provider: "Example provider".into(),
            categories: (0..1 + i % 3)
                .map(|c| at(["advocacy", "refuge", "children"][c].to_string()))
                .collect(),
            tiers: vec![Tier::T2],
            serves: vec![at(Client::Victims)],
            risk_levels: vec![],
            ages: None,
            localities: if i.is_multiple_of(4) {
                Coverage::Anywhere(span)
            } else {
                Coverage::Listed(vec![
                    at("cosham".into()),
                    at("hilsea".into()),
                    at("nelson".into()),
                ])
            },
            referral: Referral {
                self_referral: true,
                professional_referral: true,
                how: "Phone".into(),
                form: None,
            },
            contact: Contact {
                phone: Some(at("01632 960000".into())),
                email: None,
                website: None,
                address: Some(Address {
                    text: "12 Secret Street, PO1 1AA".into(),
                    confidential: i.is_multiple_of(2),
                    span,
                }),
            },
            hours: "Monday to Friday".into(),
            requires: vec![],
            available_from: None,
            available_until: None,
            reviewed: at(jiff::civil::Date::constant(2012, 9, 1)),
        }
    }

    /// Fifteen words per summary, drawn pseudo-randomly so the payload does not
    /// compress unrealistically well.
    fn summary(i: usize) -> String {
        let words = "support advocacy refuge housing safety children young people family court police \
            health counselling group programme outreach helpline risk assessment plan advice legal \
            emotional practical sanctuary security home visit phone online weekly evening crisis \
            independent specialist trained worker partner victims survivors women men local city \
            national free confidential referral self professional";
        let words: Vec<&str> = words.split_whitespace().collect();
        let mut state = i as u64 * 2_654_435_761 + 1;
        (0..15)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                words[(state >> 33) as usize % words.len()]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn index(services: usize) -> SearchIndex {
        SearchIndex::new(&directory(services), |id| format!("services/{id}.html"))
    }

    #[test]
    fn entries_name_categories_and_localities_by_index() {
        let index = index(2);
        assert_eq!(index.services[0].l, None, "covers anywhere");
        let one = LocalityRun::One;
        assert_eq!(index.services[1].l, Some(vec![one(2), one(4), one(6)]));
        assert_eq!(index.services[1].c, vec![0, 1]);
        assert_eq!(index.services[1].u, "services/service-00001.html");
        assert_eq!(index.localities[2], "cosham ward");
    }

    #[test]
    fn consecutive_localities_are_runs_of_three_or_more() {
        use LocalityRun::{One, Run};
        assert_eq!(runs(&[]), []);
        assert_eq!(runs(&[5]), [One(5)]);
        assert_eq!(runs(&[0, 1, 3]), [One(0), One(1), One(3)]);
        assert_eq!(
            runs(&[0, 1, 2, 3, 5, 7, 8, 9]),
            [Run([0, 3]), One(5), Run([7, 9])]
        );
        let json = serde_json::to_string(&runs(&[2, 4, 5, 6])).unwrap();
        assert_eq!(json, "[2,[4,6]]");
    }

    proptest::proptest! {
        #[test]
        fn runs_expand_to_the_localities(set in proptest::collection::btree_set(0usize..60, 0..40)) {
            let indices: Vec<usize> = set.into_iter().collect();
            let expanded: Vec<usize> = runs(&indices)
                .into_iter()
                .flat_map(|r| match r {
                    LocalityRun::One(i) => i..=i,
                    LocalityRun::Run([first, last]) => first..=last,
                })
                .collect();
            proptest::prop_assert_eq!(expanded, indices);
        }
    }

    #[test]
    fn addresses_never_reach_the_index() {
        let json = serde_json::to_string(&index(4)).unwrap();
        assert!(!json.contains("Secret Street"), "{json}");
        assert!(!json.contains("longer description"));
    }

    /// The numbers quoted in the module documentation (raw JSON bytes; gzip them to
    /// compare: `cargo test --lib payload -- --nocapture`).
    #[test]
    fn payload_at_25_and_10000_services() {
        for (services, limit) in [(25, 8_000), (10_000, 3_000_000)] {
            let json = crate::site::escape::safe_json_for_script(&index(services));
            println!("{services} services: {} bytes", json.len());
            assert!(
                json.len() < limit,
                "{services} services: {} bytes",
                json.len()
            );
        }
    }
}
