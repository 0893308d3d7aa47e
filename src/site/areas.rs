//! The area pages (`localities.html` and `localities/ID.html`) and which services each
//! lists. A service is listed once on the page of each widest place it covers whole (a
//! group of localities, or a single locality), and a narrower place's page links to the
//! wider places that contain it: a county's district-wide services, or a nation's
//! national ones, would otherwise be repeated on every one of hundreds of pages.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::directory::model::Directory;
use crate::site::pages::{Page, page_context};
use crate::site::views::{ServiceItems, area_page};

/// An area (a locality or a group of them), linking to its page.
#[derive(Serialize)]
struct AreaLink {
    name: String,
    href: String,
}

impl AreaLink {
    fn new(id: &str, name: &str) -> AreaLink {
        AreaLink {
            name: name.to_string(),
            href: area_page(id),
        }
    }
}

/// A wider area on an area's page: its services cover this area too.
#[derive(Serialize)]
struct WiderArea {
    #[serde(flatten)]
    area: AreaLink,
    count: usize,
}

/// What the area pages are made from.
pub struct AreaPages<'a> {
    directory: &'a Directory,
    listings: AreaListings,
    items: &'a ServiceItems,
    /// Every locality, in order.
    all: Vec<usize>,
}

impl<'a> AreaPages<'a> {
    pub fn new(directory: &'a Directory, items: &'a ServiceItems) -> AreaPages<'a> {
        AreaPages {
            directory,
            listings: area_listings(directory),
            items,
            all: (0..directory.localities.len()).collect(),
        }
    }

    /// `localities.html`: the areas, the wider areas and, once, the services that cover
    /// every area.
    pub fn index(&self) -> Result<tera::Context, Box<Diagnostic>> {
        let mut index = page_context! {
            "localities" => self.localities(&self.all),
            "wider" => self.groups(),
        };
        index.insert_value("everywhere", self.services(&self.listings.everywhere));
        Ok(index)
    }

    fn services(&self, indices: &[usize]) -> tera::Value {
        self.items.list(indices.iter().copied())
    }

    fn localities(&self, indices: &[usize]) -> Vec<AreaLink> {
        indices
            .iter()
            .filter_map(|&i| self.directory.localities.get(i))
            .map(|l| AreaLink::new(&l.id.value, &l.name))
            .collect()
    }

    fn group(&self, g: usize) -> Option<AreaLink> {
        let group = self.directory.groups.get(g)?;
        Some(AreaLink::new(&group.id.value, &group.name))
    }

    /// The groups that have a page, in order.
    fn groups(&self) -> Vec<AreaLink> {
        let paged = self.listings.groups.iter().enumerate();
        paged
            .filter(|(_, listing)| listing.is_some())
            .filter_map(|(g, _)| self.group(g))
            .collect()
    }

    /// Each locality's page, then each group's.
    pub fn pages(&self) -> impl Iterator<Item = Result<Page, Box<Diagnostic>>> + '_ {
        let localities = self.listings.localities.iter();
        let localities = localities
            .zip(self.localities(&self.all))
            .map(|(listing, link)| self.page(listing, link, false));
        let groups = self.listings.groups.iter().enumerate();
        let groups = groups.filter_map(|(g, listing)| {
            let listing = listing.as_ref()?;
            Some(self.page(listing, self.group(g)?, true))
        });
        localities.chain(groups)
    }

    fn page(
        &self,
        listing: &PlaceListing,
        link: AreaLink,
        group: bool,
    ) -> Result<Page, Box<Diagnostic>> {
        let wider: Vec<WiderArea> = listing
            .wider
            .iter()
            .filter_map(|&g| {
                let count = self.listings.groups.get(g)?.as_ref()?.services.len();
                Some(WiderArea {
                    area: self.group(g)?,
                    count,
                })
            })
            .collect();
        let title = if group {
            format!("Services covering a wider area: {}", link.name)
        } else {
            format!("Services for {}", link.name)
        };
        let mut context = page_context! {
            "place" => link.name,
            "group" => group,
            "members" => self.localities(&listing.members),
            "total" => listing.total,
            "wider" => wider,
            "everywhere_count" => self.listings.everywhere.len(),
        };
        context.insert_value("services", self.services(&listing.services));
        Ok(Page {
            path: link.href,
            template: "locality.html",
            title,
            context,
        })
    }
}

/// Every area page's share of the directory, by index into the directory's lists.
#[derive(Debug, PartialEq, Eq)]
pub struct AreaListings {
    /// Services that cover every locality: listed once, on the index of areas.
    pub everywhere: Vec<usize>,
    /// One per locality, in the directory's order.
    pub localities: Vec<PlaceListing>,
    /// One per group, in the directory's order; `None` for a group with no page (one
    /// with no members, or with every locality, which adds nothing to "every area").
    pub groups: Vec<Option<PlaceListing>>,
}

/// What one place's page lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PlaceListing {
    /// How many services cover the place whole (those that cover every area too).
    pub total: usize,
    /// The services listed on this page, in the directory's order.
    pub services: Vec<usize>,
    /// Groups (indices) that contain this place and list services of their own, in
    /// the directory's order: their services cover this place too.
    pub wider: Vec<usize>,
    /// For a group, its localities (indices), in the directory's order.
    pub members: Vec<usize>,
}

/// Works out every area page's listing in one pass over the services.
pub fn area_listings(directory: &Directory) -> AreaListings {
    let count = directory.localities.len();
    let groups = Groups::new(directory);
    let places = directory.places();
    let mut everywhere = Vec::new();
    let mut localities: Vec<PlaceListing> = (0..count).map(|_| PlaceListing::default()).collect();
    let mut group_listings: Vec<PlaceListing> = groups
        .members
        .iter()
        .map(|members| PlaceListing {
            members: members.clone(),
            ..PlaceListing::default()
        })
        .collect();
    let mut covers = vec![false; count];
    for (s, service) in directory.services.iter().enumerate() {
        let covered = places.covered(service);
        if covered.len() == count {
            everywhere.push(s);
            continue;
        }
        covered.iter().for_each(|&i| set(&mut covers, i, true));
        let whole = groups.covered_whole(&covers);
        for g in groups.widest(&whole) {
            if let Some(listing) = group_listings.get_mut(g) {
                listing.services.push(s);
            }
        }
        for &g in &whole {
            if let Some(listing) = group_listings.get_mut(g) {
                listing.total += 1;
            }
        }
        for &i in &covered {
            if let Some(listing) = localities.get_mut(i) {
                listing.total += 1;
                if !groups.any_contains(&whole, i) {
                    listing.services.push(s);
                }
            }
        }
        covered.iter().for_each(|&i| set(&mut covers, i, false));
    }
    let listed: Vec<bool> = group_listings
        .iter()
        .map(|l| !l.services.is_empty())
        .collect();
    for (i, listing) in localities.iter_mut().enumerate() {
        listing.wider = groups.containing_locality(i, &listed);
        listing.total += everywhere.len();
    }
    for (g, listing) in group_listings.iter_mut().enumerate() {
        listing.wider = groups.containing_group(g, &listed);
        listing.total += everywhere.len();
    }
    let paged = groups.paged.iter();
    AreaListings {
        everywhere,
        localities,
        groups: group_listings
            .into_iter()
            .zip(paged)
            .map(|(listing, &paged)| paged.then_some(listing))
            .collect(),
    }
}

fn set(flags: &mut [bool], i: usize, value: bool) {
    if let Some(flag) = flags.get_mut(i) {
        *flag = value;
    }
}

/// The directory's groups as sets of localities.
struct Groups {
    /// Each group's localities, in locality order.
    members: Vec<Vec<usize>>,
    /// Whether the group has a page of its own.
    paged: Vec<bool>,
    /// For each group, the paged groups with strictly more members that contain it.
    wider: Vec<Vec<usize>>,
}

impl Groups {
    fn new(directory: &Directory) -> Groups {
        let count = directory.localities.len();
        let members: Vec<Vec<usize>> = directory
            .groups
            .iter()
            .map(|g| directory.group_members(&g.id.value))
            .collect();
        let paged: Vec<bool> = members
            .iter()
            .map(|m| !m.is_empty() && m.len() < count)
            .collect();
        let wider = members
            .iter()
            .map(|inner| {
                members
                    .iter()
                    .enumerate()
                    .filter(|&(h, outer)| {
                        paged.get(h) == Some(&true)
                            && outer.len() > inner.len()
                            && inner.iter().all(|i| outer.binary_search(i).is_ok())
                    })
                    .map(|(h, _)| h)
                    .collect()
            })
            .collect();
        Groups {
            members,
            paged,
            wider,
        }
    }

    /// The paged groups every one of whose localities is covered.
    fn covered_whole(&self, covers: &[bool]) -> Vec<usize> {
        self.members
            .iter()
            .enumerate()
            .filter(|&(g, members)| {
                self.paged.get(g) == Some(&true)
                    && members.iter().all(|&i| covers.get(i) == Some(&true))
            })
            .map(|(g, _)| g)
            .collect()
    }

    /// Of groups covered whole, those no wider one of them contains.
    fn widest<'a>(&'a self, whole: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        whole.iter().copied().filter(move |&g| {
            self.wider
                .get(g)
                .is_none_or(|wider| !wider.iter().any(|h| whole.contains(h)))
        })
    }

    fn contains(&self, group: usize, locality: usize) -> bool {
        self.members
            .get(group)
            .is_some_and(|m| m.binary_search(&locality).is_ok())
    }

    fn any_contains(&self, groups: &[usize], locality: usize) -> bool {
        groups.iter().any(|&g| self.contains(g, locality))
    }

    /// The groups with services listed (only paged ones have any) that contain a
    /// locality.
    fn containing_locality(&self, locality: usize, listed: &[bool]) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&g| listed.get(g) == Some(&true) && self.contains(g, locality))
            .collect()
    }

    /// The paged groups with services listed that strictly contain a group.
    fn containing_group(&self, group: usize, listed: &[bool]) -> Vec<usize> {
        self.wider
            .get(group)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&h| listed.get(h) == Some(&true))
            .collect()
    }
}
