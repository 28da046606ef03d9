//! A cheap first pass over a plan's YAML events, before any tree or value is built: how many
//! apps, environments and regions the top level lists. It lets [`super::parse_with_limits`]
//! refuse a plan whose matrix is over `--max-cells` in memory independent of the file's size
//! (a plan of millions of apps would otherwise be held three times: events, located tree,
//! deserialised values). Pure; counts only.

use std::collections::HashSet;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::locate::Loc;

/// Top-level list sizes (distinct names: `apps[].name`, `environments[].name`, `regions[]`,
/// case-insensitively), and where `apps` is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Items of the top-level `apps` list.
    pub apps: usize,
    /// Items of the top-level `environments` list.
    pub environments: usize,
    /// Items of the top-level `regions` list.
    pub regions: usize,
    /// True when the top level has an `exclude` key (cells may be removed: no early verdict).
    pub has_exclude: bool,
    /// Where the `apps` key is.
    pub apps_loc: Loc,
}

#[derive(Default)]
struct Counter {
    sizes: Sizes,
    /// Nesting depth of mappings and sequences.
    depth: usize,
    /// At depth 1 (the top mapping): true when the next scalar is a key.
    expect_key: bool,
    /// The top-level key whose value is being read.
    key: Option<String>,
    /// At depth 3 (an item's mapping): true when the next scalar is a key.
    inner_expect_key: bool,
    /// At depth 3: the value being read belongs to the item's `name` key.
    inner_is_name: bool,
    /// Distinct (lower-cased) app, environment and region names: duplicates do not make a
    /// matrix larger (they are reported as duplicates by validation).
    apps: HashSet<String>,
    environments: HashSet<String>,
    regions: HashSet<String>,
}

impl MarkedEventReceiver for Counter {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.depth == 2 {
                    self.count_item();
                }
                if self.depth == 3 {
                    // A nested value takes the place of the item's current value.
                    self.inner_is_name = false;
                }
                self.depth += 1;
                match self.depth {
                    1 => self.expect_key = true,
                    3 => self.inner_expect_key = true,
                    _ => {}
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.depth = self.depth.saturating_sub(1);
                match self.depth {
                    1 => self.expect_key = true,
                    3 => self.inner_expect_key = true,
                    _ => {}
                }
            }
            Event::Scalar(v, ..) if self.depth == 3 => {
                if self.inner_expect_key {
                    self.inner_is_name = v == "name";
                    self.inner_expect_key = false;
                } else {
                    if self.inner_is_name {
                        let v = v.to_ascii_lowercase();
                        match self.key.as_deref() {
                            Some("apps") => {
                                self.apps.insert(v);
                            }
                            Some("environments") => {
                                self.environments.insert(v);
                            }
                            _ => {}
                        }
                    }
                    self.inner_expect_key = true;
                }
            }
            Event::Scalar(..) | Event::Alias(..) if self.depth == 1 => {
                if self.expect_key {
                    if let Event::Scalar(k, ..) = ev {
                        if k == "exclude" {
                            self.sizes.has_exclude = true;
                        }
                        if k == "apps" {
                            self.sizes.apps_loc = Loc::from(mark);
                        }
                        self.key = Some(k);
                    }
                    self.expect_key = false;
                } else {
                    self.expect_key = true;
                }
            }
            Event::Scalar(v, ..) if self.depth == 2 => {
                if self.key.as_deref() == Some("regions") {
                    self.regions.insert(v.to_ascii_lowercase());
                }
                self.count_item();
            }
            Event::Alias(..) if self.depth == 2 => self.count_item(),
            _ => {}
        }
    }
}

impl Counter {
    /// One item of a depth-2 collection: counted when it is a top-level list we size.
    fn count_item(&mut self) {
        match self.key.as_deref() {
            Some("apps") => self.sizes.apps += 1,
            Some("environments") => self.sizes.environments += 1,
            Some("regions") => self.sizes.regions += 1,
            _ => {}
        }
    }
}

/// The sizes of `text`'s top-level lists, or `None` when it is not parseable YAML (the full
/// parse then reports why).
pub fn sizes(text: &str) -> Option<Sizes> {
    let mut c = Counter::default();
    Parser::new_from_str(text).load(&mut c, true).ok()?;
    // Distinct names where the items carry them; the item count otherwise.
    let distinct =
        |set: &HashSet<String>, items: usize| if set.is_empty() { items } else { set.len() };
    Some(Sizes {
        apps: distinct(&c.apps, c.sizes.apps),
        environments: distinct(&c.environments, c.sizes.environments),
        regions: distinct(&c.regions, c.sizes.regions),
        ..c.sizes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_distinct_top_level_names_only() {
        let s = sizes(
            "apiVersion: kvinit/v1\nregions: [westeurope, WestEurope, northeurope]\nenvironments:\n  - name: prod\n    settings: { tags: { name: x } }\n  - name: dev\napps:\n  - name: a\n    settings:\n      roleAssignments:\n        - { principalId: p, role: r }\n  - name: b\n  - name: a\nexclude: []\n",
        )
        .unwrap();
        assert_eq!(
            (s.apps, s.environments, s.regions, s.has_exclude),
            (2, 2, 2, true)
        );
        assert_eq!(s.apps_loc.line, 7);
    }
}
