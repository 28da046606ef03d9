//! Source locations for a plan file: a marked YAML tree built with yaml-rust2's event parser,
//! an index from field path (`environments[1].subscriptionId`) to line:column, and the
//! structural checks that need locations (YAML syntax, unknown and missing fields, all at once).
//! The shapes it checks against are derived from the plan types' JSON Schema ([`super::shape`]).
//! Must not interpret values (that is `validate`).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

pub use super::shape::{Child, Shape};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl From<Marker> for Loc {
    fn from(m: Marker) -> Self {
        Loc {
            line: m.line(),
            column: m.col() + 1,
        }
    }
}

/// A YAML node with its location.
#[derive(Debug, Clone)]
pub enum Node {
    /// A scalar's text and location.
    Scalar(String, Loc),
    /// A sequence's items.
    Seq(Vec<Node>, Loc),
    /// Entries: key, key location, value.
    Map(Vec<(String, Loc, Node)>, Loc),
    /// An alias (`*name`); not followed.
    Alias(Loc),
}

impl Node {
    /// Where the node starts.
    pub fn loc(&self) -> Loc {
        match self {
            Node::Scalar(_, l) | Node::Seq(_, l) | Node::Map(_, l) | Node::Alias(l) => *l,
        }
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Partial>,
    root: Option<Node>,
    /// Where each document of the stream starts (a plan is exactly one document).
    documents: Vec<Loc>,
    /// Every explicit YAML tag that is not one of the core schema's (see [`is_core_tag`]), with
    /// where it is written.
    unknown_tags: Vec<(Loc, String)>,
}

enum Partial {
    Seq(Vec<Node>, Loc),
    Map(Vec<(String, Loc, Node)>, Option<(String, Loc)>, Loc),
}

impl Builder {
    fn add(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                // Only the first document is the plan; later ones are reported by `parse_tree`.
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Partial::Seq(items, _)) => items.push(node),
            Some(Partial::Map(entries, pending, _)) => match pending.take() {
                None => {
                    let key = match &node {
                        Node::Scalar(s, _) => s.clone(),
                        _ => "<complex key>".to_string(),
                    };
                    *pending = Some((key, node.loc()));
                }
                Some((k, kl)) => entries.push((k, kl, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let loc = Loc::from(mark);
        if let Event::Scalar(_, _, _, Some(tag))
        | Event::SequenceStart(_, Some(tag))
        | Event::MappingStart(_, Some(tag)) = &ev
        {
            if !is_core_tag(&tag.handle, &tag.suffix) {
                // `!!x` is parsed as `tag:yaml.org,2002:x`: show it as written.
                let handle = match tag.handle.as_str() {
                    "tag:yaml.org,2002:" => "!!",
                    h => h,
                };
                self.unknown_tags
                    .push((loc, format!("{handle}{}", tag.suffix)));
            }
        }
        match ev {
            Event::DocumentStart => self.documents.push(loc),
            Event::Scalar(v, ..) => self.add(Node::Scalar(v, loc)),
            Event::Alias(_) => self.add(Node::Alias(loc)),
            Event::SequenceStart(..) => self.stack.push(Partial::Seq(Vec::new(), loc)),
            Event::MappingStart(..) => self.stack.push(Partial::Map(Vec::new(), None, loc)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Partial::Seq(items, l)) => Node::Seq(items, l),
                    Some(Partial::Map(entries, _, l)) => {
                        // A block mapping's start mark is unreliable; its first key is where it starts.
                        let l = entries.first().map_or(l, |e| e.1);
                        Node::Map(entries, l)
                    }
                    None => return,
                };
                self.add(node);
            }
            _ => {}
        }
    }
}

/// Parses YAML into a marked tree. `Err` carries the syntax error's location and message.
/// A stream of several documents (`---` between plans) is an error at the second document.
/// Explicit tags are not checked here: see [`unknown_tags`].
pub fn parse_tree(text: &str) -> Result<Option<Node>, (Loc, String)> {
    parse_tree_and_tags(text).map(|(root, _)| root)
}

/// Like [`parse_tree`], also returning every explicit tag that is not a YAML core schema tag
/// (e.g. `!python/object:os.system`, `!Ref`, `!!binary`), as written, with its location. A plan
/// file is plain data: such a tag would be silently dropped by the deserialiser, so the caller
/// refuses it.
pub fn parse_tree_and_tags(text: &str) -> Result<(Option<Node>, Vec<Tagged>), (Loc, String)> {
    let mut b = Builder::default();
    let mut p = Parser::new_from_str(text);
    p.load(&mut b, true)
        .map_err(|e| (Loc::from(*e.marker()), e.info().to_string()))?;
    if let Some(second) = b.documents.get(1) {
        // A `---` right before an otherwise empty rest of the file is harmless only when the
        // first document is empty; report every second document.
        return Err((*second, MULTI_DOCUMENT.to_string()));
    }
    // The parser marks the tagged node, after its tag: point at the tag itself when it is
    // written earlier on the same line (it always is for a scalar or a flow collection).
    let lines: Vec<&str> = text.lines().collect();
    let tags = b
        .unknown_tags
        .into_iter()
        .map(|(loc, tag)| {
            let before: String = lines
                .get(loc.line.wrapping_sub(1))
                .map(|l| l.chars().take(loc.column.saturating_sub(1)).collect())
                .unwrap_or_default();
            let column = before
                .rfind(tag.as_str())
                .map_or(loc.column, |i| before[..i].chars().count() + 1);
            (Loc { column, ..loc }, tag)
        })
        .collect();
    Ok((b.root, tags))
}

/// An explicit tag as written (`!Ref`, `!!binary`) and where it starts.
pub type Tagged = (Loc, String);

/// True for the YAML 1.2 core schema tags, which only restate what a plain value already is:
/// `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map` (written `!!x` or in full,
/// `!<tag:yaml.org,2002:x>`). Every other tag (local `!x`, `!!binary`, `!!set`, URIs) is unknown.
pub fn is_core_tag(handle: &str, suffix: &str) -> bool {
    let suffix = match handle {
        "!!" | "tag:yaml.org,2002:" => suffix,
        "!" | "" => match suffix.strip_prefix("tag:yaml.org,2002:") {
            Some(s) => s,
            None => return false,
        },
        _ => return false,
    };
    matches!(
        suffix,
        "str" | "int" | "float" | "bool" | "null" | "seq" | "map"
    )
}

/// The message for a file holding more than one YAML document (see [`parse_tree`]).
pub const MULTI_DOCUMENT: &str =
    "the file holds more than one YAML document; a plan file is exactly one";

/// Field path → location of its value and of its key.
#[derive(Debug, Clone, Default)]
pub struct LocationIndex {
    values: HashMap<String, Loc>,
    keys: HashMap<String, Loc>,
}

impl LocationIndex {
    /// Indexes every node of `root`.
    pub fn build(root: Option<&Node>) -> Self {
        let mut idx = LocationIndex::default();
        if let Some(r) = root {
            idx.walk(r, String::new());
        }
        idx
    }

    fn walk(&mut self, node: &Node, path: String) {
        self.values.insert(path.clone(), node.loc());
        match node {
            Node::Seq(items, _) => {
                for (i, n) in items.iter().enumerate() {
                    self.walk(n, format!("{path}[{i}]"));
                }
            }
            Node::Map(entries, _) => {
                for (k, kl, v) in entries {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.keys.insert(p.clone(), *kl);
                    self.walk(v, p.clone());
                    // An empty value (`regions:`) has its mark on the next line: point at the key.
                    if matches!(v, Node::Scalar(s, _) if s.is_empty()) {
                        self.values.insert(p, *kl);
                    }
                }
            }
            _ => {}
        }
    }

    /// Location of the value at `path`, or of the nearest ancestor present in the file
    /// (an absent field points at the map that should hold it). `None` for an empty file.
    /// Whether `path` itself (not an ancestor) is written in the file.
    pub fn has(&self, path: &str) -> bool {
        self.values.contains_key(path)
    }

    pub fn value(&self, path: &str) -> Option<Loc> {
        let mut p = path.to_string();
        loop {
            if let Some(l) = self.values.get(&p) {
                return Some(*l);
            }
            if p.is_empty() {
                return None;
            }
            p = parent(&p);
        }
    }

    /// Location of the key at `path` (falls back to [`LocationIndex::value`]).
    pub fn key(&self, path: &str) -> Option<Loc> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }
}

fn parent(path: &str) -> String {
    if path.ends_with(']') {
        if let Some(i) = path.rfind('[') {
            return path[..i].to_string();
        }
    }
    match path.rfind('.') {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

/// A structural problem: location, field path, message, hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructuralProblem {
    /// Where.
    pub loc: Loc,
    /// The field path, e.g. `environments[0].subscriptonId`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Checks every map against its shape: keys written twice (at the second key), unknown fields
/// (with the nearest known field; YAML merge keys `<<` explained), missing required fields, and
/// maps/lists where the schema wants the other. All at once: duplicates first, then the rest in
/// document order.
pub fn check_structure(root: &Node) -> Vec<StructuralProblem> {
    let mut out = Vec::new();
    check_duplicate_keys(root, "", &mut out);
    check_node(root, Shape::ROOT, "", &mut out);
    out
}

/// Reports every key written twice in one mapping (anywhere, `tags` included), at the second
/// key's own line and column. YAML forbids duplicate keys; most parsers silently keep the last.
fn check_duplicate_keys(node: &Node, path: &str, out: &mut Vec<StructuralProblem>) {
    match node {
        Node::Map(entries, _) => {
            // Linear: the first location of each key, looked up by key.
            let mut firsts: HashMap<&str, Loc> = HashMap::with_capacity(entries.len());
            for (k, kl, v) in entries {
                let p = join(path, k);
                if let Some(first) = firsts.get(k.as_str()).copied().or_else(|| {
                    firsts.insert(k, *kl);
                    None
                }) {
                    out.push(StructuralProblem {
                        loc: *kl,
                        field: p.clone(),
                        message: format!(
                            "`{k}` is set twice{} (first at line {}, column {})",
                            if path.is_empty() {
                                " at the top level".to_string()
                            } else {
                                format!(" in `{path}`")
                            },
                            first.line,
                            first.column
                        ),
                        hint: Some("keep one of them: a YAML mapping takes each key once".into()),
                    });
                }
                check_duplicate_keys(v, &p, out);
            }
        }
        Node::Seq(items, _) => {
            for (i, n) in items.iter().enumerate() {
                check_duplicate_keys(n, &format!("{path}[{i}]"), out);
            }
        }
        Node::Scalar(..) | Node::Alias(_) => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check_node(node: &Node, shape: Shape, path: &str, out: &mut Vec<StructuralProblem>) {
    let Node::Map(entries, loc) = node else {
        if let Node::Alias(_) = node {
            // `*anchor`: the anchored node was checked where it is defined.
            return;
        }
        if let Node::Scalar(s, _) = node {
            if s.is_empty() || s == "~" || s == "null" {
                // An empty block (`settings:`) means "nothing set"; serde reports it if not.
                return;
            }
        }
        out.push(StructuralProblem {
            loc: node.loc(),
            field: path.to_string(),
            message: format!(
                "`{}` must be a mapping (key: value pairs)",
                if path.is_empty() { "the plan" } else { path }
            ),
            hint: None,
        });
        return;
    };
    let fields = shape.fields();
    for (key, kloc, value) in entries {
        let p = join(path, key);
        match fields.iter().find(|(name, _)| name == key) {
            Some((_, Some(Child::One(s)))) => check_node(value, *s, &p, out),
            Some((_, Some(Child::List(s)))) => match value {
                Node::Seq(items, _) => {
                    for (i, item) in items.iter().enumerate() {
                        check_node(item, *s, &format!("{p}[{i}]"), out);
                    }
                }
                Node::Scalar(v, _) if v.is_empty() || v == "~" || v == "null" => {}
                Node::Alias(_) => {}
                other => out.push(StructuralProblem {
                    loc: other.loc(),
                    field: p.clone(),
                    message: format!("`{p}` must be a list"),
                    hint: Some(format!("write it as `{key}: [ … ]` or as `- ` items")),
                }),
            },
            Some((_, None)) => {}
            None if key == "<<" => out.push(StructuralProblem {
                loc: *kloc,
                field: p,
                message: format!(
                    "YAML merge keys (`<<:`) are not supported{}",
                    if path.is_empty() {
                        String::new()
                    } else {
                        format!(" (in `{path}`)")
                    }
                ),
                hint: Some(
                    "write the fields out here, or reuse a whole block with an alias (`settings: *base`); shared settings belong in `defaults`, which every vault inherits"
                        .into(),
                ),
            }),
            None => {
                let known: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                let best = known
                    .iter()
                    .map(|k| {
                        (
                            strsim::jaro_winkler(
                                &key.to_ascii_lowercase(),
                                &k.to_ascii_lowercase(),
                            ),
                            *k,
                        )
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(s, _)| *s >= 0.75);
                let where_ = if path.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("in `{path}`")
                };
                let hint = match best {
                    Some((_, k)) => {
                        format!("did you mean `{k}`? known fields: {}", known.join(", "))
                    }
                    None => format!("known fields: {}", known.join(", ")),
                };
                out.push(StructuralProblem {
                    loc: *kloc,
                    field: p,
                    message: format!("unknown field `{key}` {where_}"),
                    hint: Some(hint),
                });
            }
        }
    }
    for req in shape.required() {
        if !entries.iter().any(|(k, _, _)| k == req) {
            let p = join(path, req);
            out.push(StructuralProblem {
                loc: *loc,
                field: p,
                message: format!(
                    "missing field `{req}`{}",
                    if path.is_empty() {
                        String::new()
                    } else {
                        format!(" in `{path}`")
                    }
                ),
                hint: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let tree = parse_tree(input).unwrap().unwrap();
        let got: Vec<String> = check_structure(&tree)
            .into_iter()
            .map(|p| {
                format!(
                    "{}:{} {} | {} | {}",
                    p.loc.line,
                    p.loc.column,
                    p.field,
                    p.message,
                    p.hint.unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(got.join("\n"), expect.trim());
    }

    #[test]
    fn unknown_and_missing_fields_all_at_once() {
        check(
            "apiVersion: kvinit/v1\ntenantId: x\nenvironments:\n  - name: prod\n    subscriptonId: x\ndefaults:\n  network:\n    defaultActoin: Deny\n",
            "5:5 environments[0].subscriptonId | unknown field `subscriptonId` in `environments[0]` | did you mean `subscriptionId`? known fields: name, subscriptionId, settings\n\
             4:5 environments[0].subscriptionId | missing field `subscriptionId` in `environments[0]` | \n\
             8:5 defaults.network.defaultActoin | unknown field `defaultActoin` in `defaults.network` | did you mean `defaultAction`? known fields: publicNetworkAccess, defaultAction, bypass, ipRules, virtualNetworkRules, mode, privateEndpoints, allowNoPrivateEndpoint",
        );
    }

    #[test]
    fn duplicate_keys_point_at_the_duplicate_and_merge_keys_are_explained() {
        check(
            "apiVersion: kvinit/v1\ntenantId: x\ndefaults:\n  tags:\n    a: 1\n    a: 2\napps:\n  - name: a\n    settings:\n      <<: {}\n",
            "6:5 defaults.tags.a | `a` is set twice in `defaults.tags` (first at line 5, column 5) | keep one of them: a YAML mapping takes each key once\n\
             10:7 apps[0].settings.<< | YAML merge keys (`<<:`) are not supported (in `apps[0].settings`) | write the fields out here, or reuse a whole block with an alias (`settings: *base`); shared settings belong in `defaults`, which every vault inherits",
        );
    }

    #[test]
    fn a_second_document_is_reported_where_it_starts() {
        let e = parse_tree("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e, (Loc { line: 2, column: 1 }, MULTI_DOCUMENT.to_string()));
    }

    #[test]
    fn aliases_are_not_flagged() {
        check(
            "apiVersion: kvinit/v1\ntenantId: x\ndefaults: &d\n  sku: standard\napps:\n  - name: a\n    settings: *d\n",
            "",
        );
    }

    #[test]
    fn index_points_at_values() {
        let text = "apiVersion: kvinit/v1\nenvironments:\n  - name: dev\n  - name: prod\n    subscriptionId: abc\n";
        let tree = parse_tree(text).unwrap();
        let idx = LocationIndex::build(tree.as_ref());
        assert_eq!(
            idx.value("environments[1].subscriptionId"),
            Some(Loc {
                line: 5,
                column: 21
            })
        );
        assert_eq!(
            idx.key("environments[1].subscriptionId"),
            Some(Loc { line: 5, column: 5 })
        );
        // Absent fields point at the nearest ancestor.
        assert_eq!(
            idx.value("environments[1].settings.sku"),
            Some(Loc { line: 4, column: 5 })
        );
    }

    #[test]
    fn shapes_match_schema() {
        use crate::plan_file::schema::*;
        // A fully populated plan serialises to exactly the fields the shapes list.
        let s = Settings {
            sku: Some("s".into()),
            soft_delete_retention_days: Some(7),
            purge_protection: Some(true),
            on_soft_deleted: Some("fail".into()),
            network: Some(NetworkSettings {
                public_network_access: Some("x".into()),
                default_action: Some("x".into()),
                bypass: Some("x".into()),
                ip_rules: Some(vec![]),
                virtual_network_rules: Some(vec![]),
                mode: Some("private".into()),
                private_endpoints: Some(vec![PrivateEndpointSetting {
                    subnet_id: "s".into(),
                    private_dns_zone_ids: Some(vec![]),
                }]),
                allow_no_private_endpoint: Some(false),
            }),
            role_assignments: Some(vec![RoleAssignmentSetting {
                principal_id: "p".into(),
                principal_type: Some("User".into()),
                role: "r".into(),
            }]),
            diagnostics: Some(DiagnosticsSettings {
                workspace_id: Some("w".into()),
                logs: Some(vec![]),
                metrics: Some(true),
            }),
            alerts: Some(AlertSettings {
                action_group: Some(ActionGroupSetting {
                    name: Some("n".into()),
                    short_name: Some("s".into()),
                    emails: Some(vec![]),
                }),
                availability: Some(BelowThreshold {
                    below: 1.0,
                    severity: Some(1),
                }),
                saturation: Some(AboveThreshold {
                    above: 1.0,
                    severity: Some(1),
                }),
                latency: Some(LatencyThreshold {
                    above_ms: 1.0,
                    severity: Some(1),
                }),
                vault_deleted: Some(true),
            }),
            tags: Some(Default::default()),
            lock: Some(LockSetting {
                kind: Some("CanNotDelete".into()),
                notes: Some("n".into()),
            }),
        };
        let plan = PlanFile {
            api_version: "v".into(),
            tenant_id: "t".into(),
            naming: Naming::default(),
            regions: vec![],
            environments: vec![Environment {
                name: "e".into(),
                subscription_id: "s".into(),
                settings: s.clone(),
            }],
            apps: vec![App {
                name: "a".into(),
                settings: s.clone(),
            }],
            exclude: vec![CellSelector {
                app: Some("a".into()),
                env: Some("e".into()),
                region: Some("r".into()),
            }],
            overrides: vec![Override {
                app: Some("a".into()),
                env: Some("e".into()),
                region: Some("r".into()),
                settings: s.clone(),
            }],
            defaults: s,
        };
        let text = serde_yaml::to_string(&plan).unwrap();
        let tree = parse_tree(&text).unwrap().unwrap();
        // No unknown field; and every shape field appears at least once.
        assert!(check_structure(&tree).is_empty(), "{text}");
        let idx = LocationIndex::build(Some(&tree));
        for path in [
            "naming.resourceGroup",
            "environments[0].settings.alerts.latency.aboveMs",
            "apps[0].settings.network.virtualNetworkRules",
            "overrides[0].settings.roleAssignments[0].principalType",
            "exclude[0].region",
            "defaults.diagnostics.workspaceId",
            "defaults.alerts.actionGroup.shortName",
            "defaults.network.privateEndpoints[0].privateDnsZoneIds",
            "apps[0].settings.lock.notes",
        ] {
            assert!(idx.keys.contains_key(path), "{path}");
        }
    }
}
