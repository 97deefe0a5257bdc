//! The catalog model: Backstage entities as loaded, their declared call graph, C4 levels, groups, the telemetry
//! services they stand for, and the `latencyheatmap/*` threshold settings they declare.
//!
//! Owns everything that can be known from the catalog alone. It knows nothing of telemetry, evaluation or wasm:
//! `evaluate/` reads thresholds from here, the pipeline matches observed calls against `declared_edges`.

mod annotations;
mod entity;
mod graph;
mod level;
mod reader;
mod r#ref;
mod services;
mod warning;

use std::collections::HashMap;

use serde::Serialize;

pub use annotations::{
    parse_threshold_ms, AnnotationError, ALERT_SELECTOR, AnnotationValue, EdgeSlo, Percentile, ThresholdAnnotations, EDGE_SLO_PREFIX,
    LATENCY_SLO, PERCENTILE, PREFIX, PROCESSING_THRESHOLD, SERVICE_NAME,
};
pub use entity::{CompoundRef, Entity, EntityLink, Kind, Metadata, Relation};
pub use graph::{DeclaredEdge, DeclaredGraph, RelationKind};
pub use level::Level;
pub use r#ref::{EntityRef, RefContext, RefError, DEFAULT_NAMESPACE};
pub use services::ServiceIndex;
pub use warning::{CatalogWarning, MAX_TEXT_CHARS};

use crate::quote::prefix;
use annotations::nearest_annotation;

/// One loaded entity with what the catalog derived from it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntity {
    pub entity_ref: EntityRef,
    /// `metadata.title`, else `metadata.name`. Plain text: never interpret as markup.
    pub title: String,
    /// `None` for kinds Backstage does not ship.
    pub kind: Option<Kind>,
    pub level: Option<Level>,
    #[serde(skip)]
    pub entity: Entity,
    #[serde(skip)]
    pub thresholds: ThresholdAnnotations,
}

/// The loaded catalog. Built once per `setCatalog`; read-only afterwards.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entities: Vec<CatalogEntity>,
    by_ref: HashMap<EntityRef, usize>,
    graph: DeclaredGraph,
    services: ServiceIndex,
}

impl Catalog {
    /// Reads a JSON array of entities or the catalog API's `{ "items": [...] }`. Never fails: whatever cannot be
    /// used is reported in the warnings and the rest is loaded.
    pub fn from_json(bytes: &[u8]) -> (Catalog, Vec<CatalogWarning>) {
        let (entities, mut warnings) = reader::read_entities(bytes);
        let catalog = Catalog::build(entities, &mut warnings);
        (catalog, warnings)
    }

    /// Builds the catalog from entities already deserialized (e.g. by the wasm bindings).
    pub fn from_entities(entities: Vec<Entity>) -> (Catalog, Vec<CatalogWarning>) {
        let mut warnings = Vec::new();
        let catalog = Catalog::build(entities.into_iter().enumerate().collect(), &mut warnings);
        (catalog, warnings)
    }

    fn build(input: Vec<(usize, Entity)>, warnings: &mut Vec<CatalogWarning>) -> Catalog {
        let mut entities: Vec<CatalogEntity> = Vec::with_capacity(input.len());
        let mut by_ref: HashMap<EntityRef, usize> = HashMap::new();
        let mut first_index: HashMap<EntityRef, usize> = HashMap::new();
        for (index, mut entity) in input {
            let entity_ref = match entity.entity_ref() {
                Ok(entity_ref) => entity_ref,
                Err(error) => {
                    warnings.push(CatalogWarning::InvalidEntity {
                        index,
                        entity_ref: None,
                        message: error.to_string(),
                    });
                    continue;
                }
            };
            if let Some(&first) = first_index.get(&entity_ref) {
                warnings.push(CatalogWarning::DuplicateRef {
                    index,
                    entity_ref: entity_ref.to_string(),
                    first_index: first,
                });
                continue;
            }
            let kind = Kind::parse(&entity.kind);
            if kind.is_none() {
                warnings.push(CatalogWarning::UnknownKind {
                    entity_ref: entity_ref.to_string(),
                    kind: entity.kind.clone(),
                });
            }
            let (thresholds, unknown) = ThresholdAnnotations::read(&entity.metadata.annotations);
            if let Some(AnnotationValue { key, parsed: Err(error), .. }) = &thresholds.alert_selector {
                warnings.push(CatalogWarning::BadAlertSelector {
                    entity_ref: entity_ref.to_string(),
                    annotation: key.clone(),
                    message: error.to_string(),
                });
            }
            for annotation in unknown {
                warnings.push(CatalogWarning::UnknownAnnotation {
                    entity_ref: entity_ref.to_string(),
                    nearest: nearest_annotation(&annotation),
                    annotation: prefix(&annotation, MAX_TEXT_CHARS).to_owned(),
                });
            }
            // Cut in the entity itself, so every reader of the title sees the bounded one.
            if let Some(title) = entity.metadata.title.as_mut() {
                let kept = prefix(title, MAX_TEXT_CHARS).len();
                if kept < title.len() {
                    warnings.push(CatalogWarning::Truncated {
                        entity_ref: entity_ref.to_string(),
                        field: "metadata.title".into(),
                        chars: title.chars().count(),
                    });
                    title.truncate(kept);
                }
            }
            first_index.insert(entity_ref.clone(), index);
            by_ref.insert(entity_ref.clone(), entities.len());
            entities.push(CatalogEntity {
                title: entity.display_name().to_owned(),
                level: kind.and_then(Level::of_kind),
                kind,
                entity_ref,
                entity,
                thresholds,
            });
        }
        let refs: Vec<(EntityRef, &Entity)> = entities.iter().map(|e| (e.entity_ref.clone(), &e.entity)).collect();
        let graph = DeclaredGraph::build(&refs, warnings);
        let services = ServiceIndex::build(&refs, warnings);
        Catalog { entities, by_ref, graph, services }
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Entities in input order.
    pub fn entities(&self) -> impl Iterator<Item = &CatalogEntity> {
        self.entities.iter()
    }

    pub fn entity(&self, entity_ref: &EntityRef) -> Option<&CatalogEntity> {
        self.by_ref.get(entity_ref).and_then(|&index| self.entities.get(index))
    }

    /// Looks up a reference written in short form (`backend`, `component:backend`) with `default_kind` implied.
    pub fn find(&self, text: &str, default_kind: Option<&str>) -> Option<&EntityRef> {
        let wanted = EntityRef::parse(text, RefContext::new(default_kind, DEFAULT_NAMESPACE)).ok()?;
        self.entity(&wanted).map(|e| &e.entity_ref)
    }

    /// The declared graph (call edges and part-of links).
    pub fn graph(&self) -> &DeclaredGraph {
        &self.graph
    }

    /// Every declared call edge in call direction, including the consumer → API and API → provider hops.
    pub fn declared_edges(&self) -> impl Iterator<Item = DeclaredEdge> + '_ {
        self.graph.edges()
    }

    /// Declared calls as telemetry sees them: API hops folded, so a consumer of an API is linked straight to each
    /// component providing it. Sorted and without repeats. An API nobody provides keeps its consumer → API edge.
    pub fn declared_calls(&self) -> Vec<(EntityRef, EntityRef)> {
        let is_api = |r: &EntityRef| Kind::parse(r.kind()) == Some(Kind::Api);
        let mut calls = Vec::new();
        for edge in self.graph.edges().filter(|e| !is_api(&e.from)) {
            let providers = if is_api(&edge.to) { self.graph.callees(&edge.to) } else { Vec::new() };
            if providers.is_empty() {
                calls.push((edge.from, edge.to));
            } else {
                calls
                    .extend(providers.into_iter().filter(|p| **p != edge.from).map(|p| (edge.from.clone(), p.clone())));
            }
        }
        calls.sort();
        calls.dedup();
        calls
    }

    /// True when the catalog declares that `from` calls `to`, directly or through an API `to` provides.
    pub fn is_declared(&self, from: &EntityRef, to: &EntityRef) -> bool {
        self.graph.callees(from).into_iter().any(|callee| {
            callee == to || (Kind::parse(callee.kind()) == Some(Kind::Api) && self.graph.callees(callee).contains(&to))
        })
    }

    /// The APIs through which the catalog declares that `from` calls `to`: those `from` consumes and `to`
    /// provides, sorted.
    pub fn apis_between(&self, from: &EntityRef, to: &EntityRef) -> Vec<&EntityRef> {
        self.graph
            .callees(from)
            .into_iter()
            .filter(|callee| Kind::parse(callee.kind()) == Some(Kind::Api) && self.graph.callees(callee).contains(&to))
            .collect()
    }

    pub fn level_of(&self, entity_ref: &EntityRef) -> Option<Level> {
        self.entity(entity_ref).and_then(|e| e.level)
    }

    /// What `entity_ref` collapses into when the map is drawn at `level`: itself at the `entity` level or if it
    /// is drawn at that level, else its nearest System (context) or Domain (landscape) through part-of links;
    /// `None` when it has no such group or is itself wider than `level` (a Domain has no System).
    pub fn group_of(&self, entity_ref: &EntityRef, level: Level) -> Option<&EntityRef> {
        let entity = self.entity(entity_ref)?;
        if level == Level::Entity {
            return Some(&entity.entity_ref);
        }
        let own = entity.level?;
        if own == level {
            return Some(&entity.entity_ref);
        }
        if own < level {
            return None;
        }
        self.graph.ancestor_of_kind(entity_ref, level.group_kind()?)
    }

    /// Entities whose group at `level` is `group`, in input order (the group itself included).
    pub fn members_of(&self, group: &EntityRef, level: Level) -> Vec<&EntityRef> {
        self.entities
            .iter()
            .filter(|e| self.group_of(&e.entity_ref, level) == Some(group))
            .map(|e| &e.entity_ref)
            .collect()
    }

    /// The entity a telemetry service belongs to, by `latencyheatmap/service-name` or by name.
    pub fn entity_for_service(&self, service: &str) -> Option<&EntityRef> {
        self.services.entity_for_service(service)
    }

    /// Every telemetry service name the catalog's entities claim, sorted: what a poller asks its backend about.
    pub fn service_names(&self) -> Vec<String> {
        self.services.names()
    }

    /// The telemetry service names that map to `entity_ref`.
    pub fn services_of(&self, entity_ref: &EntityRef) -> &[String] {
        self.services.services_of(entity_ref)
    }

    /// The `latencyheatmap/*` threshold settings of an entity, if it is in the catalog.
    pub fn thresholds(&self, entity_ref: &EntityRef) -> Option<&ThresholdAnnotations> {
        self.entity(entity_ref).map(|e| &e.thresholds)
    }
}
