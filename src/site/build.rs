//! Building the whole site from an area root, in memory: load, check (any error and
//! nothing is built), compile, render every page, check every link. Writing is a
//! separate step ([`crate::site::output::write_site`]) so that `serve` can answer
//! from memory.
//!
//! ```no_run
//! use pathways::site::{build::build, output::write_site};
//! let built = build(std::path::Path::new("."), None);
//! match &built.files {
//!     Some(files) => write_site(files, std::path::Path::new("public")).map_err(|d| *d),
//!     None => Err(built.diagnostics[0].clone()), // render with `built.sources`
//! };
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::analysis;
use crate::area::Area;
use crate::diagnostic::{self, Diagnostic};
use crate::directory::model::{Directory, Service, Tier};
use crate::engine::diagram::TRUE;
use crate::engine::referred::Referred;
use crate::engine::{self, Compiled, Diagram, Outcome, Referral, TooLarge};
use crate::progress::{Progress, Silent};
use crate::rules::model::{RuleSet, Target};
use crate::site::areas::AreaPages;
use crate::site::escape::{mailto_href, safe_json_for_script};
use crate::site::journey::{self, Journey, PathPage, Step};
use crate::site::look::Look;
use crate::site::output::SiteFiles;
use crate::site::pages::{self, Page, in_parallel, page_context, render_pages, template_map};
use crate::site::search::SearchIndex;
use crate::site::views::{
    AnswerRow, ServiceCard, ServiceItems, ServiceView, UrgencyView, Why, service_page,
};
use crate::site::words::{Words, capitalise};
use crate::site::{SiteSettings, Templates, root_for, svg};
use crate::source::Sources;

/// The result of a build: the site when nothing stood in the way, and every
/// diagnostic (errors mean no site; warnings are kept either way).
#[derive(Clone, Debug)]
pub struct Build {
    /// Every file read, to render the diagnostics with their lines.
    pub sources: Sources,
    /// Sorted; any error means `files` is `None`.
    pub diagnostics: Vec<Diagnostic>,
    /// The reference date the site was built for (once the area loaded).
    pub date: Option<Date>,
    pub files: Option<SiteFiles>,
}

impl Build {
    pub fn failed(&self) -> bool {
        self.files.is_none()
    }
}

/// Whether a site has the pathway finder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finder {
    Built,
    /// The directory, the pathways in words and search only: for rules whose finder
    /// is too large to publish ([`FINDER_BYTES`]), such as a national directory's.
    Omitted,
}

/// Builds the site of the area at `root`, for `as_of` (else the area's pinned date,
/// else `SOURCE_DATE_EPOCH`, else today). Templates and assets come from
/// `root/site/templates` and `root/site/static` when they exist, else the built-in ones.
pub fn build(root: &Path, as_of: Option<Date>) -> Build {
    build_with(root, as_of, Finder::Built, &Silent)
}

/// [`build`], with or without the finder, telling `progress` as each phase starts.
pub fn build_with(
    root: &Path,
    as_of: Option<Date>,
    finder: Finder,
    progress: &dyn Progress,
) -> Build {
    progress.phase("loading the directory and rules");
    let area = Area::load(root);
    let mut result = Build {
        sources: area.sources.clone(),
        diagnostics: area.diagnostics.clone(),
        date: None,
        files: None,
    };
    if area.has_errors() {
        diagnostic::sort(&mut result.diagnostics);
        return result;
    }
    let date = area.reference_date(as_of);
    result.date = Some(date);
    progress.phase("checking every combination of answers");
    // Compiled once: the checks extend a copy, which takes a fraction of compiling.
    let compiled = engine::compile(&area.rules, &area.directory, date);
    result
        .diagnostics
        .extend(analysis::check_compiled(&area, compiled.clone()));
    if !result.diagnostics.iter().any(Diagnostic::is_error) {
        match Look::for_area(root).map_err(|d| vec![*d]) {
            Ok(look) => match render(&area, &compiled, &look, finder, progress) {
                Ok(files) => result.files = Some(files),
                Err(problems) => result.diagnostics.extend(problems),
            },
            Err(problems) => result.diagnostics.extend(problems),
        }
    }
    diagnostic::sort(&mut result.diagnostics);
    result
}

/// The finder's script (in `static/`), which only the finder's page loads.
const FINDER_SCRIPT: &str = "finder.js";

/// The most the finder's outcome diagram may take while it is built, in bytes: its
/// size follows the number of distinct outcomes across the answer space, which a
/// national rule set can make larger than a machine holds.
pub const FINDER_BYTES: usize = 512 << 20;

fn finder_too_large(too: TooLarge) -> Diagnostic {
    Diagnostic::error(
        "finder-too-large",
        format!(
            "the finder cannot be built: telling every combination of answers apart would need more than {} MiB of decision diagram, so the rules lead to more distinct sets of referrals than a site can hold",
            too.bytes >> 20
        ),
    )
    .help("`pathways build --no-finder` publishes the directory, the pathways in words and search without it, and `check`, `refer`, `explain` and `diff` still work on these rules; to publish a finder, split the area into smaller ones (by region, say) or merge pathways that differ only in a detail")
}

/// Renders every page of an area that checked cleanly (its rules compiled for the
/// site's date), and checks every link.
pub fn render(
    area: &Area,
    compiled: &Compiled,
    look: &Look,
    finder: Finder,
    progress: &dyn Progress,
) -> Result<SiteFiles, Vec<Diagnostic>> {
    let date = compiled.as_of();
    let mut settings = SiteSettings::new(&area.directory.area, date)?;
    settings.finder = finder == Finder::Built;
    let diagram = match finder {
        Finder::Built => {
            progress.phase("working out the finder's outcomes");
            let diagram = compiled.diagram_within(FINDER_BYTES);
            Some(diagram.map_err(|too| vec![finder_too_large(too)])?)
        }
        Finder::Omitted => None,
    };
    let mut site = Site {
        area,
        compiled,
        diagram,
        words: Words {
            rules: &area.rules,
            directory: &area.directory,
        },
        date,
        settings: &settings,
        templates: &look.templates,
        files: SiteFiles::new(),
        pages: Vec::new(),
    };
    progress.phase("rendering the pages");
    site.all_pages().map_err(|d| vec![*d])?;
    site.render_queued().map_err(|d| vec![*d])?;
    for (path, bytes) in &look.assets {
        if finder == Finder::Omitted && path == FINDER_SCRIPT {
            continue;
        }
        site.files
            .add(&format!("static/{path}"), bytes.clone())
            .map_err(|d| vec![*d])?;
    }
    progress.phase("checking every link");
    let broken = crate::site::links::check_links(&site.files);
    if broken.is_empty() {
        Ok(site.files)
    } else {
        Err(broken)
    }
}

type Rendered = Result<(), Box<Diagnostic>>;

struct Site<'a> {
    area: &'a Area,
    compiled: &'a Compiled,
    /// The finder's diagram (the answers' situations and their outcomes), unless the
    /// site is built without the finder.
    diagram: Option<&'a Diagram>,
    words: Words<'a>,
    date: Date,
    settings: &'a SiteSettings,
    templates: &'a Templates,
    files: SiteFiles,
    /// Pages queued for rendering, in the order the site lists them.
    pages: Vec<Page>,
}

/// How many pages are queued before they are rendered together: a page's context
/// can list hundreds of services, and holding every page's at once took gigabytes
/// for a site of thousands of result pages.
const RENDER_BATCH: usize = 512;

/// A pathway (or the fallback) that leads to a service, on its page.
#[derive(Clone, Serialize)]
struct PathwayLink<'a> {
    id: &'a str,
    title: &'a str,
    reason: &'a str,
}

/// A question as `_question.html` shows it.
#[derive(Serialize)]
struct QuestionView {
    id: String,
    text: String,
    help: Option<String>,
    kind: String,
    options: Vec<OptionView>,
}

#[derive(Serialize)]
struct OptionView {
    id: String,
    label: String,
    href: String,
}

impl Site<'_> {
    fn directory(&self) -> &Directory {
        &self.area.directory
    }

    /// Renders the queued pages (on every core) into the site's files.
    fn render_queued(&mut self) -> Rendered {
        let pages = std::mem::take(&mut self.pages);
        for (path, html) in render_pages(self.templates, self.settings, pages)? {
            self.files.add(&path, html)?;
        }
        Ok(())
    }

    /// Queues a page, rendering the queue when it is full.
    fn page(
        &mut self,
        path: &str,
        template: &'static str,
        title: &str,
        context: tera::Context,
    ) -> Rendered {
        self.queue(Page {
            path: path.to_string(),
            template,
            title: title.to_string(),
            context,
        })
    }

    fn queue(&mut self, page: Page) -> Rendered {
        self.pages.push(page);
        if self.pages.len() >= RENDER_BATCH {
            self.render_queued()?;
        }
        Ok(())
    }

    fn all_pages(&mut self) -> Rendered {
        self.start()?;
        if let Some(diagram) = self.diagram {
            self.finder(diagram)?;
        }
        self.directory_pages()?;
        self.service_pages()?;
        self.map()?;
        let search = SearchIndex::new(self.directory(), service_page);
        self.page(
            "search.html",
            "search.html",
            "Search services",
            page_context! {"search_data" => safe_json_for_script(&search)},
        )?;
        self.page(
            "staying-safe.html",
            "staying-safe.html",
            "Staying safe online",
            tera::Context::new(),
        )?;
        let feedback = mailto_href(&self.settings.feedback, Some("Accessibility"));
        self.page(
            "accessibility.html",
            "accessibility.html",
            "Accessibility statement",
            page_context! {"feedback_href" => feedback},
        )?;
        self.page(
            "404.html",
            "404.html",
            "Page not found",
            tera::Context::new(),
        )
    }

    fn start(&mut self) -> Rendered {
        let questions = self.diagram.map(longest_path);
        let title = match self.diagram {
            Some(_) => "Find where to refer",
            None => "Find a service",
        };
        self.page(
            "index.html",
            "start.html",
            title,
            page_context! {"question_count" => questions, "start_href" => "finder.html"},
        )
    }

    // ---- the finder ----

    fn finder(&mut self, diagram: &Diagram) -> Rendered {
        let journey = Journey::new(diagram);
        let words = self.finder_words(diagram);
        let data = self.finder_data(diagram, &words);
        let root_question = match usize::try_from(diagram.root)
            .ok()
            .and_then(|r| diagram.nodes.get(r))
        {
            Some(node) => {
                let hrefs = |c: &journey::Choice| match &journey {
                    Journey::Paths(_) => path_target(&[], node.0, c),
                    Journey::Nodes { .. } => journey::node_target(diagram, c.next),
                };
                Some(self.question_view(diagram, node, hrefs))
            }
            None => None,
        };
        self.page(
            "finder.html",
            "finder.html",
            "Find where to refer",
            page_context! {
                "question" => root_question,
                "finder_data" => safe_json_for_script(&data),
            },
        )?;
        let mut views = ReferralViews::new(&self.area.rules, &words)?;
        match &journey {
            Journey::Paths(pages) => {
                for page in pages {
                    self.path_page(diagram, &mut views, page)?;
                }
                Ok(())
            }
            Journey::Nodes {
                nodes,
                parents,
                outcomes,
            } => {
                for &node in nodes.iter().skip(1) {
                    self.node_page(diagram, node, parents.get(&node).copied())?;
                }
                for &outcome in outcomes {
                    self.result_page(diagram, &mut views, outcome)?;
                }
                Ok(())
            }
        }
    }

    /// The card of each service some outcome refers to and each pathway's condition in
    /// words: the finder's script and its results pages both show them.
    fn finder_words<'d>(&self, diagram: &'d Diagram) -> FinderWords<'d> {
        let listed: BTreeSet<&str> = diagram
            .outcomes
            .iter()
            .flat_map(|o| o.referrals.iter().map(|r| r.service.as_str()))
            .collect();
        let cards = listed
            .into_iter()
            .filter_map(|id| {
                let service = self.directory().service(id)?;
                Some((id, ServiceCard::new(service, &self.words)))
            })
            .collect();
        let when = self
            .area
            .rules
            .pathways
            .iter()
            .map(|p| self.words.condition(&p.condition))
            .collect();
        FinderWords { cards, when }
    }

    /// What finder.js needs: the diagram, the services it can list, urgencies and
    /// each pathway's condition in words.
    fn finder_data<'w>(
        &'w self,
        diagram: &'w Diagram,
        words: &'w FinderWords<'_>,
    ) -> FinderData<'w> {
        FinderData {
            diagram,
            fallback_reason: self.area.rules.fallback.as_ref().map(|f| f.reason.as_str()),
            services: &words.cards,
            urgency: UrgencyView::all().into_iter().map(|u| (u.id, u)).collect(),
            when: &words.when,
        }
    }

    fn question_view(
        &self,
        diagram: &Diagram,
        node: &engine::DiagramNode,
        href: impl Fn(&journey::Choice) -> String,
    ) -> QuestionView {
        let q = diagram.questions.get(node.0);
        QuestionView {
            id: q.map(|q| q.id.clone()).unwrap_or_default(),
            text: q.map(|q| q.text.clone()).unwrap_or_default(),
            help: q.and_then(|q| q.help.clone()),
            kind: q.map(|q| q.kind.clone()).unwrap_or_default(),
            options: journey::choices(diagram, node)
                .iter()
                .map(|c| OptionView {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    href: href(c),
                })
                .collect(),
        }
    }

    fn path_page<'d>(
        &mut self,
        diagram: &'d Diagram,
        views: &mut ReferralViews<'d>,
        page: &PathPage,
    ) -> Rendered {
        match page {
            PathPage::Question { steps, node } if !steps.is_empty() => {
                let Some(found) = diagram.nodes.get(*node) else {
                    return Ok(());
                };
                let path = journey::question_page(steps);
                let root = root_for(&path);
                let view = self.question_view(diagram, found, |c| {
                    format!("{root}{}", path_target(steps, found.0, c))
                });
                let back = format!(
                    "{root}{}",
                    journey::question_page(steps.split_last().map_or(&[][..], |(_, r)| r))
                );
                let title = view.text.clone();
                self.page(
                    &path,
                    "question.html",
                    &title,
                    page_context! {"question" => view, "back_href" => back},
                )
            }
            PathPage::Question { .. } => Ok(()),
            PathPage::Check { steps, outcome } => self.check_page(diagram, steps, *outcome),
            PathPage::Result { outcome } => self.result_page(diagram, views, *outcome),
        }
    }

    fn check_page(&mut self, diagram: &Diagram, steps: &[Step], outcome: usize) -> Rendered {
        let path = journey::check_page(steps);
        let root = root_for(&path);
        let answers: Vec<AnswerRow> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| AnswerRow {
                question: diagram
                    .questions
                    .get(step.question)
                    .map(|q| q.text.clone())
                    .unwrap_or_default(),
                answer: step.choice.label.clone(),
                change_href: Some(format!(
                    "{root}{}",
                    journey::question_page(steps.get(..i).unwrap_or_default())
                )),
            })
            .collect();
        let back = format!(
            "{root}{}",
            journey::question_page(steps.split_last().map_or(&[][..], |(_, r)| r))
        );
        self.page(
            &path,
            "check.html",
            "Check your answers",
            page_context! {
                "answers" => answers,
                "back_href" => back,
                "continue_href" => format!("{root}{}", journey::result_page(outcome)),
            },
        )
    }

    fn node_page(&mut self, diagram: &Diagram, node: usize, parent: Option<usize>) -> Rendered {
        let Some(found) = diagram.nodes.get(node) else {
            return Ok(());
        };
        let path = journey::node_page(diagram, node);
        let root = root_for(&path);
        let view = self.question_view(diagram, found, |c| {
            format!("{root}{}", journey::node_target(diagram, c.next))
        });
        let back = parent.map(|p| format!("{root}{}", journey::node_page(diagram, p)));
        let title = view.text.clone();
        self.page(
            &path,
            "question.html",
            &title,
            page_context! {"question" => view, "back_href" => back},
        )
    }

    fn result_page<'d>(
        &mut self,
        diagram: &'d Diagram,
        views: &mut ReferralViews<'d>,
        outcome: usize,
    ) -> Rendered {
        let Some(found) = diagram.outcomes.get(outcome) else {
            return Ok(());
        };
        let fallback_reason = self.area.rules.fallback.as_ref().map(|f| f.reason.clone());
        let mut context = page_context! {
            "fallback_reason" => fallback_reason,
            "answers" => Vec::<AnswerRow>::new(),
            "back_href" => None::<String>,
        };
        context.insert_value("referrals", views.referrals(found));
        self.page(
            &journey::result_page(outcome),
            "results.html",
            "Where to refer",
            context,
        )
    }

    // ---- the directory ----

    fn directory_pages(&mut self) -> Rendered {
        let items = ServiceItems::new(self.directory())?;
        let mut context = page_context! {"service_count" => self.directory().services.len()};
        context.insert_value("letters", self.letters(&items));
        self.page(
            "directory.html",
            "directory.html",
            "Services A to Z",
            context,
        )?;
        let mut context = page_context! {
            "heading" => "Services by type of help",
            "browse" => "category",
            "intro" => None::<&str>,
        };
        context.insert_value("groups", self.category_groups(&items));
        self.page(
            "categories.html",
            "directory_index.html",
            "Services by type of help",
            context,
        )?;
        let mut context = page_context! {
            "heading" => "Services by tier",
            "browse" => "tier",
            "intro" => "Tiers run from T1, universal help for everyone, to T4, for people at risk of death or serious harm.",
        };
        context.insert_value("groups", self.tier_groups(&items));
        self.page(
            "tiers.html",
            "directory_index.html",
            "Services by tier",
            context,
        )?;
        self.area_pages(&items)
    }

    /// The A to Z: each letter, and the services whose names start with it.
    fn letters(&self, items: &ServiceItems) -> tera::Value {
        let services = self.directory().services.iter().enumerate();
        let mut services: Vec<(usize, &Service)> = services.collect();
        services.sort_by_key(|(_, s)| (s.name.value.to_lowercase(), s.id.clone()));
        let mut letters: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, service) in services {
            let letter = letter(&service.name.value);
            match letters.last_mut() {
                Some((last, members)) if *last == letter => members.push(i),
                _ => letters.push((letter, vec![i])),
            }
        }
        let letters: Vec<tera::Value> = letters
            .into_iter()
            .map(|(letter, members)| {
                template_map([("letter", letter.into()), ("services", items.list(members))])
            })
            .collect();
        letters.into()
    }

    /// The places in the directory of the services `keep` keeps.
    fn members(&self, keep: impl Fn(&Service) -> bool) -> impl Iterator<Item = usize> {
        let services = self.directory().services.iter().enumerate();
        services.filter_map(move |(i, s)| keep(s).then_some(i))
    }

    /// A heading of `directory_index.html` (a type of help or a tier) and its services.
    fn group(id: String, name: String, description: String, services: tera::Value) -> tera::Value {
        template_map([
            ("id", id.into()),
            ("name", name.into()),
            ("description", description.into()),
            ("services", services),
        ])
    }

    fn category_groups(&self, items: &ServiceItems) -> tera::Value {
        let groups: Vec<tera::Value> = self
            .directory()
            .categories
            .iter()
            .map(|c| {
                let members = self.members(|s| s.in_category(&c.id.value));
                let (id, name) = (c.id.value.clone(), c.name.clone());
                Self::group(id, name, c.description.clone(), items.list(members))
            })
            .collect();
        groups.into()
    }

    fn tier_groups(&self, items: &ServiceItems) -> tera::Value {
        let groups: Vec<tera::Value> = [Tier::T1, Tier::T2, Tier::T3, Tier::T4]
            .into_iter()
            .map(|t| {
                let members = self.members(|s| s.tiers.contains(&t));
                let id = format!("{t:?}").to_lowercase();
                let name = crate::site::words::tier(t).to_string();
                Self::group(id, name, String::new(), items.list(members))
            })
            .collect();
        groups.into()
    }

    /// `localities.html` and a page per area and wider area (see [`crate::site::areas`]).
    fn area_pages(&mut self, items: &ServiceItems) -> Rendered {
        let area = self.area;
        let areas = AreaPages::new(&area.directory, items);
        self.page(
            "localities.html",
            "localities.html",
            "Services by area",
            areas.index()?,
        )?;
        for page in areas.pages() {
            self.queue(page?)?;
        }
        Ok(())
    }

    fn service_pages(&mut self) -> Rendered {
        for batch in service_pages(self.area, self.compiled, self.date) {
            for page in batch? {
                self.queue(page)?;
            }
        }
        Ok(())
    }

    // ---- the map ----

    fn map(&mut self) -> Rendered {
        let rules = &self.area.rules;
        let pathways: Vec<Value> = rules
            .pathways
            .iter()
            .map(|p| {
                let sentence = match self.words.condition(&p.condition) {
                    Some(when) => format!("Applies when {when}."),
                    None => "Applies in every case.".to_string(),
                };
                json!({"id": p.id.value, "title": p.title, "reason": p.reason,
                       "sentence": sentence, "refers": self.refers(&p.referrals)})
            })
            .collect();
        let fallback = rules.fallback.as_ref().map(|f| {
            json!({"sentence": "Applies when no pathway leads to any referral.",
                   "reason": f.reason, "refers": self.refers(&f.referrals)})
        });
        let svg = self.diagram.map(svg::question_flow);
        self.page(
            "map.html",
            "map.html",
            "Pathway map",
            page_context! {"pathways" => pathways, "fallback" => fallback, "diagram_svg" => svg},
        )
    }

    fn refers(&self, referrals: &[crate::rules::model::ReferTo]) -> Vec<Value> {
        referrals
            .iter()
            .map(|r| {
                let (name, href) = match &r.target {
                    Target::Service(id) => (
                        self.directory()
                            .service(id)
                            .map_or_else(|| id.clone(), |s| s.name.value.clone()),
                        service_page(id),
                    ),
                    Target::Category(c) => (
                        format!(
                            "Every open service in “{}” the person is eligible for",
                            self.words.category_name(c)
                        ),
                        format!("categories.html#category-{c}"),
                    ),
                };
                json!({"name": name, "href": href, "urgency": UrgencyView::new(r.urgency)})
            })
            .collect()
    }
}

/// The finder's data (see [`Site::finder_data`]), written straight into its page: a
/// national diagram's outcomes list hundreds of thousands of referrals, and building
/// them as a JSON tree first took longer than writing them.
#[derive(Serialize)]
struct FinderData<'a> {
    diagram: &'a Diagram,
    fallback_reason: Option<&'a str>,
    services: &'a BTreeMap<&'a str, ServiceCard>,
    urgency: BTreeMap<&'static str, UrgencyView>,
    when: &'a [Option<String>],
}

/// See [`Site::finder_words`].
struct FinderWords<'d> {
    /// By service id.
    cards: BTreeMap<&'d str, ServiceCard>,
    /// By pathway, in the rules' order.
    when: Vec<Option<String>>,
}

/// The results pages' referrals in the templates' values, each service's card, each
/// pathway's reasons and each referral converted once: a national service is on
/// hundreds of results pages, referred to the same way on most of them.
struct ReferralViews<'d> {
    /// By service id: the services some outcome refers to.
    cards: BTreeMap<String, tera::Value>,
    /// By pathway, in the rules' order.
    whys: Vec<tera::Value>,
    /// By urgency id.
    urgencies: BTreeMap<&'static str, tera::Value>,
    /// Each referral met so far (the values share their parts, so a copy is cheap).
    referrals: HashMap<&'d Referral, tera::Value>,
}

impl<'d> ReferralViews<'d> {
    fn new(rules: &RuleSet, words: &FinderWords<'_>) -> Result<ReferralViews<'d>, Box<Diagnostic>> {
        let cards = words
            .cards
            .iter()
            .map(|(&id, card)| Ok((id.to_string(), pages::value("service", card)?)));
        let whys = rules.pathways.iter().zip(&words.when).map(|(p, when)| {
            let why = Why {
                title: p.title.clone(),
                reason: p.reason.clone(),
                when: when.clone(),
            };
            pages::value("why", &why)
        });
        let urgencies = UrgencyView::all()
            .into_iter()
            .map(|u| Ok((u.id, pages::value("urgency", &u)?)));
        Ok(ReferralViews {
            cards: cards.collect::<Result<_, Box<Diagnostic>>>()?,
            whys: whys.collect::<Result<_, _>>()?,
            urgencies: urgencies.collect::<Result<_, Box<Diagnostic>>>()?,
            referrals: HashMap::new(),
        })
    }

    /// An outcome's referrals, as `results.html` lists them.
    fn referrals(&mut self, outcome: &'d Outcome) -> tera::Value {
        let referrals: Vec<tera::Value> = outcome
            .referrals
            .iter()
            .filter_map(|r| self.referral(r))
            .collect();
        tera::Value::from(referrals)
    }

    fn referral(&mut self, r: &'d Referral) -> Option<tera::Value> {
        if let Some(known) = self.referrals.get(r) {
            return Some(known.clone());
        }
        let why: Vec<tera::Value> = r
            .pathways
            .iter()
            .filter_map(|&p| self.whys.get(p).cloned())
            .collect();
        let value = template_map([
            ("service", self.cards.get(&r.service)?.clone()),
            (
                "urgency",
                self.urgencies.get(UrgencyView::new(r.urgency).id)?.clone(),
            ),
            ("why", tera::Value::from(why)),
            ("fallback", tera::Value::from(r.fallback)),
        ]);
        self.referrals.insert(r, value.clone());
        Some(value)
    }
}

/// Every service's page (`services/ID.html`): its view, the pathways that refer to it
/// in some situation on `date` and the link to report a change. Made a batch at a time
/// on every core, so a build holds only the pages it is about to render.
pub fn service_pages<'a>(
    area: &'a Area,
    compiled: &Compiled,
    date: Date,
) -> impl Iterator<Item = Result<Vec<Page>, Box<Diagnostic>>> + 'a {
    let words = Words {
        rules: &area.rules,
        directory: &area.directory,
    };
    let services: Vec<_> = area
        .directory
        .services
        .iter()
        .zip(pathways_leading_to(area, compiled))
        .collect();
    let count = services.len();
    (0..count).step_by(RENDER_BATCH).map(move |start| {
        let batch = services.get(start..count.min(start + RENDER_BATCH));
        in_parallel(batch.unwrap_or_default(), |(service, pathways)| {
            service_page_of(service, pathways, &words, date)
        })?
        .into_iter()
        .collect()
    })
}

fn service_page_of(
    service: &Service,
    pathways: &[PathwayLink<'_>],
    words: &Words<'_>,
    date: Date,
) -> Result<Page, Box<Diagnostic>> {
    let view = ServiceView::new(service, words, date);
    let report = mailto_href(
        &words.directory.area.feedback,
        Some(&format!("Change to service {}", service.id)),
    );
    Ok(Page {
        path: service_page(&service.id),
        template: "service.html",
        title: view.card.name.clone(),
        context: page_context! {
            "service" => view,
            "pathways" => pathways,
            "report_href" => report,
        },
    })
}

/// For each service, in the directory's order, the fallback (first) and the pathways
/// that refer to it in some situation: exact, asked of each service's referrals
/// rather than read from the finder's outcomes, so the pages need no outcome table.
fn pathways_leading_to<'a>(area: &'a Area, compiled: &Compiled) -> Vec<Vec<PathwayLink<'a>>> {
    let rules = &area.rules;
    let mut manager = compiled.manager().fresh();
    let referred = Referred::of(compiled, &mut manager);
    let fallback = rules.fallback.as_ref().map(|f| PathwayLink {
        id: "fallback",
        title: "When no pathway applies",
        reason: &f.reason,
    });
    area.directory
        .services
        .iter()
        .map(|service| {
            let (pathways, by_fallback) = referred.via(&manager, &service.id, TRUE);
            let fallback = fallback.iter().filter(|_| by_fallback).cloned();
            let pathways = pathways
                .iter()
                .filter_map(|&p| rules.pathways.get(p))
                .map(|p| PathwayLink {
                    id: &p.id.value,
                    title: &p.title,
                    reason: &p.reason,
                });
            fallback.chain(pathways).collect()
        })
        .collect()
}

/// Where a choice leads from the path page after `steps` (asking `question`).
fn path_target(steps: &[Step], question: usize, choice: &journey::Choice) -> String {
    let mut next = steps.to_vec();
    next.push(Step {
        question,
        choice: choice.clone(),
    });
    if choice.next >= 0 {
        journey::question_page(&next)
    } else {
        journey::check_page(&next)
    }
}

/// The most questions any path asks.
fn longest_path(diagram: &Diagram) -> usize {
    fn depth(diagram: &Diagram, r: i64, memo: &mut BTreeMap<i64, usize>) -> usize {
        if let Some(&d) = memo.get(&r) {
            return d;
        }
        let d = match usize::try_from(r).ok().and_then(|i| diagram.nodes.get(i)) {
            None => 0,
            Some(node) => {
                1 + node
                    .1
                    .iter()
                    .map(|&c| depth(diagram, c, memo))
                    .max()
                    .unwrap_or(0)
            }
        };
        memo.insert(r, d);
        d
    }
    depth(diagram, diagram.root, &mut BTreeMap::new())
}

/// The A to Z heading a name goes under.
fn letter(name: &str) -> String {
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        _ => capitalise("other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finder_too_large_says_what_still_works() {
        let problem = finder_too_large(TooLarge {
            bytes: FINDER_BYTES,
        });
        insta::assert_snapshot!(problem.render(&Sources::new(), false));
    }
}
