//! The declared graph: who calls whom according to the catalog, and what is part of what.
//!
//! Owns turning `relations` (or, for entities read from files without them, `spec.dependsOn`, `consumesApis`,
//! `providesApis`, `system`, `domain`, `subcomponentOf`, `subdomainOf`) into call edges in call direction
//! (consumer → API → provider, dependent → dependency, as the catalog graph draws them) and part-of links.
//! Both sides of a relation pair are read and merged, so a catalog that has only one side still gives the edge.
//! It does not know about telemetry: matching observed calls against these edges is drift detection's job.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction as GraphDirection;
use serde::Serialize;
use serde_json::Value;

use super::entity::{Entity, Kind};
use super::r#ref::{EntityRef, RefContext};
use super::warning::CatalogWarning;

/// Why the catalog declares a call edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RelationKind {
    /// `dependsOn` / `dependencyOf`: dependent → dependency.
    DependsOn,
    /// `consumesApi` / `apiConsumedBy`: consumer → API.
    ConsumesApi,
    /// `apiProvidedBy` / `providesApi`: API → the component that serves it.
    ApiProvidedBy,
}

/// One declared call edge, in call direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredEdge {
    pub from: EntityRef,
    pub to: EntityRef,
    pub kind: RelationKind,
}

/// Which way a relation points relative to the entity that carries it.
#[derive(Debug, Clone, Copy)]
enum Side {
    /// The entity is the edge's source (or the child, for part-of).
    Source,
    /// The entity is the edge's target (or the parent).
    Target,
}

#[derive(Debug, Clone, Copy)]
enum Meaning {
    Call(RelationKind),
    PartOf,
}

/// Backstage relation types we read, with what they mean from the carrying entity's side.
const RELATIONS: &[(&str, Meaning, Side)] = &[
    ("dependsOn", Meaning::Call(RelationKind::DependsOn), Side::Source),
    ("dependencyOf", Meaning::Call(RelationKind::DependsOn), Side::Target),
    ("consumesApi", Meaning::Call(RelationKind::ConsumesApi), Side::Source),
    ("apiConsumedBy", Meaning::Call(RelationKind::ConsumesApi), Side::Target),
    ("apiProvidedBy", Meaning::Call(RelationKind::ApiProvidedBy), Side::Source),
    ("providesApi", Meaning::Call(RelationKind::ApiProvidedBy), Side::Target),
    ("partOf", Meaning::PartOf, Side::Source),
    ("hasPart", Meaning::PartOf, Side::Target),
];

/// `spec` fields read when an entity has no relations, with the kind Backstage implies for short references.
const SPEC_FIELDS: &[(&str, Option<&str>, Meaning, Side)] = &[
    ("dependsOn", None, Meaning::Call(RelationKind::DependsOn), Side::Source),
    ("dependencyOf", None, Meaning::Call(RelationKind::DependsOn), Side::Target),
    ("consumesApis", Some("api"), Meaning::Call(RelationKind::ConsumesApi), Side::Source),
    ("providesApis", Some("api"), Meaning::Call(RelationKind::ApiProvidedBy), Side::Target),
    ("system", Some("system"), Meaning::PartOf, Side::Source),
    ("domain", Some("domain"), Meaning::PartOf, Side::Source),
    ("subcomponentOf", Some("component"), Meaning::PartOf, Side::Source),
    ("subdomainOf", Some("domain"), Meaning::PartOf, Side::Source),
];

/// What one relation or `spec` field of an entity says about another entity (a call or part-of), before
/// checking that the other end exists.
struct Declaration {
    label: String,
    meaning: Meaning,
    side: Side,
    other: EntityRef,
}

/// Call edges on petgraph plus part-of parents. Nodes are the catalog's entities.
#[derive(Debug, Clone, Default)]
pub struct DeclaredGraph {
    graph: DiGraph<EntityRef, RelationKind>,
    nodes: HashMap<EntityRef, NodeIndex>,
    parents: HashMap<EntityRef, Vec<EntityRef>>,
}

impl DeclaredGraph {
    /// Builds the graph over `entities` (already deduplicated, with their references); warns about links to
    /// entities that are not loaded, self-loops and unreadable references, and drops those links.
    pub(crate) fn build(entities: &[(EntityRef, &Entity)], warnings: &mut Vec<CatalogWarning>) -> DeclaredGraph {
        let mut declared = DeclaredGraph::default();
        for (entity_ref, _) in entities {
            let index = declared.graph.add_node(entity_ref.clone());
            declared.nodes.insert(entity_ref.clone(), index);
        }
        let mut seen_edges = HashSet::new();
        let mut seen_dangling = HashSet::new();
        for (entity_ref, entity) in entities {
            for declaration in declarations_of(entity_ref, entity, warnings) {
                if declaration.other == *entity_ref {
                    warnings
                        .push(CatalogWarning::SelfLoop { entity_ref: entity_ref.to_string(), relation: declaration.label });
                    continue;
                }
                if !declared.nodes.contains_key(&declaration.other) {
                    if seen_dangling.insert((entity_ref.clone(), declaration.label.clone(), declaration.other.clone())) {
                        warnings.push(CatalogWarning::DanglingRelation {
                            entity_ref: entity_ref.to_string(),
                            relation: declaration.label,
                            target: declaration.other.to_string(),
                        });
                    }
                    continue;
                }
                let (from, to) = match declaration.side {
                    Side::Source => (entity_ref.clone(), declaration.other),
                    Side::Target => (declaration.other, entity_ref.clone()),
                };
                match declaration.meaning {
                    Meaning::Call(kind) => {
                        if let (Some(&a), Some(&b)) = (declared.nodes.get(&from), declared.nodes.get(&to)) {
                            if seen_edges.insert((a, b, kind)) {
                                declared.graph.add_edge(a, b, kind);
                            }
                        }
                    }
                    Meaning::PartOf => {
                        let parents = declared.parents.entry(from).or_default();
                        if !parents.contains(&to) {
                            parents.push(to);
                        }
                    }
                }
            }
        }
        declared
    }

    /// Every declared call edge, in call direction, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = DeclaredEdge> + '_ {
        self.graph.edge_references().filter_map(|edge| {
            let from = self.graph.node_weight(edge.source())?;
            let to = self.graph.node_weight(edge.target())?;
            Some(DeclaredEdge { from: from.clone(), to: to.clone(), kind: *edge.weight() })
        })
    }

    /// Entities `entity` calls directly, per the catalog.
    pub fn callees(&self, entity: &EntityRef) -> Vec<&EntityRef> {
        self.neighbours(entity, GraphDirection::Outgoing)
    }

    /// Entities that call `entity` directly, per the catalog.
    pub fn callers(&self, entity: &EntityRef) -> Vec<&EntityRef> {
        self.neighbours(entity, GraphDirection::Incoming)
    }

    fn neighbours(&self, entity: &EntityRef, direction: GraphDirection) -> Vec<&EntityRef> {
        let Some(&index) = self.nodes.get(entity) else { return Vec::new() };
        let mut found: Vec<&EntityRef> =
            self.graph.neighbors_directed(index, direction).filter_map(|n| self.graph.node_weight(n)).collect();
        found.sort();
        found.dedup();
        found
    }

    /// The direct parents of `entity` (its system, its parent component, a system's domain).
    pub fn parents(&self, entity: &EntityRef) -> &[EntityRef] {
        self.parents.get(entity).map(Vec::as_slice).unwrap_or_default()
    }

    /// The nearest ancestor of `entity` (breadth first through part-of links) whose kind is `kind`.
    pub fn ancestor_of_kind(&self, entity: &EntityRef, kind: Kind) -> Option<&EntityRef> {
        let mut queue: VecDeque<&EntityRef> = self.parents(entity).iter().collect();
        let mut visited: HashSet<&EntityRef> = HashSet::new();
        while let Some(candidate) = queue.pop_front() {
            if !visited.insert(candidate) {
                continue;
            }
            if Kind::parse(candidate.kind()) == Some(kind) {
                return Some(candidate);
            }
            queue.extend(self.parents(candidate));
        }
        None
    }
}

/// What `entity` declares: from `relations` when it has any, else from `spec`.
fn declarations_of(entity_ref: &EntityRef, entity: &Entity, warnings: &mut Vec<CatalogWarning>) -> Vec<Declaration> {
    let mut declarations = Vec::new();
    match entity.relations.as_deref() {
        Some(relations) if !relations.is_empty() => {
            for relation in relations {
                let Some(&(_, meaning, side)) =
                    RELATIONS.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(&relation.relation_type))
                else {
                    continue; // ownership, API definitions etc. say nothing about calls
                };
                match relation.target() {
                    Ok(other) => declarations.push(Declaration { label: relation.relation_type.clone(), meaning, side, other }),
                    Err(error) => warnings.push(CatalogWarning::BadReference {
                        entity_ref: entity_ref.to_string(),
                        field: format!("relation {}", relation.relation_type),
                        message: error.to_string(),
                    }),
                }
            }
        }
        _ => {
            for &(field, default_kind, meaning, side) in SPEC_FIELDS {
                let context = RefContext::new(default_kind, entity_ref.namespace());
                let label = format!("spec.{field}");
                for text in spec_strings(entity_ref, &entity.spec, field, warnings) {
                    match EntityRef::parse(text, context) {
                        Ok(other) => declarations.push(Declaration { label: label.clone(), meaning, side, other }),
                        Err(error) => warnings.push(CatalogWarning::BadReference {
                            entity_ref: entity_ref.to_string(),
                            field: label.clone(),
                            message: error.to_string(),
                        }),
                    }
                }
            }
        }
    }
    declarations
}

/// A `spec` field that holds one reference or a list of them; anything else is a warning.
fn spec_strings<'a>(
    entity_ref: &EntityRef,
    spec: &'a Value,
    field: &str,
    warnings: &mut Vec<CatalogWarning>,
) -> Vec<&'a str> {
    let bad = |warnings: &mut Vec<CatalogWarning>| {
        warnings.push(CatalogWarning::BadReference {
            entity_ref: entity_ref.to_string(),
            field: format!("spec.{field}"),
            message: "expected a reference or a list of references".into(),
        })
    };
    match spec.get(field) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => vec![text.as_str()],
        Some(Value::Array(items)) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if texts.len() != items.len() {
                bad(warnings);
            }
            texts
        }
        Some(_) => {
            bad(warnings);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, CatalogWarning, RelationKind, EntityRef, RefContext};

    fn r(text: &str) -> EntityRef {
        EntityRef::parse(text, RefContext::default()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn edges(catalog: &Catalog) -> Vec<(String, String, RelationKind)> {
        catalog.declared_edges().map(|e| (e.from.to_string(), e.to.to_string(), e.kind)).collect()
    }

    #[test]
    fn one_side_of_a_pair_is_enough_and_both_sides_give_one_edge() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"a"},"relations":[{"type":"dependsOn","targetRef":"component:default/b"}]},
            {"kind":"Component","metadata":{"name":"b"},"relations":[{"type":"dependencyOf","targetRef":"component:default/a"},
                                                                    {"type":"dependencyOf","targetRef":"component:default/c"}]},
            {"kind":"Component","metadata":{"name":"c"},"relations":[{"type":"ownedBy","targetRef":"group:default/x"}]}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            edges(&catalog),
            [
                ("component:default/a".into(), "component:default/b".into(), RelationKind::DependsOn),
                ("component:default/c".into(), "component:default/b".into(), RelationKind::DependsOn),
            ]
        );
        assert_eq!(catalog.graph().callers(&r("component:b")), [&r("component:a"), &r("component:c")]);
    }

    #[test]
    fn spec_short_forms_take_kind_from_the_field_and_namespace_from_the_entity() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"web","namespace":"shop"},
             "spec":{"consumesApis":["orders"],"dependsOn":["resource:cache"],"system":"storefront"}},
            {"kind":"API","metadata":{"name":"orders","namespace":"shop"},"spec":{}},
            {"kind":"Resource","metadata":{"name":"cache","namespace":"shop"},"spec":{}},
            {"kind":"System","metadata":{"name":"storefront","namespace":"shop"},"spec":{}}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            edges(&catalog),
            [
                ("component:shop/web".into(), "resource:shop/cache".into(), RelationKind::DependsOn),
                ("component:shop/web".into(), "api:shop/orders".into(), RelationKind::ConsumesApi),
            ]
        );
        assert_eq!(catalog.graph().parents(&r("component:shop/web")), [r("system:shop/storefront")]);
    }

    #[test]
    fn part_of_cycles_do_not_hang_group_lookup() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"a"},"spec":{"subcomponentOf":"b"}},
            {"kind":"Component","metadata":{"name":"b"},"spec":{"subcomponentOf":"a"}}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        assert!(warnings.is_empty());
        assert_eq!(catalog.group_of(&r("component:a"), crate::catalog::Level::System), None);
    }

    #[test]
    fn a_dangling_target_is_reported_once() {
        let json = r#"[{"kind":"Component","metadata":{"name":"a"},"relations":[
            {"type":"dependsOn","targetRef":"component:default/gone"},
            {"type":"dependsOn","targetRef":"component:default/Gone"}]}]"#;
        let (_, warnings) = Catalog::from_json(json.as_bytes());
        assert!(matches!(warnings.as_slice(), [CatalogWarning::DanglingRelation { .. }]), "{warnings:?}");
    }
}
