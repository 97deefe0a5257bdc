//! Which catalog entity a telemetry service name belongs to.
//!
//! Owns the mapping rule: `latencyheatmap/service-name` (a comma-separated list) on any entity, else the
//! `metadata.name` of a Component or Resource (APIs, systems and groups do not emit spans). Names match without
//! case, and entries are cut to 256 characters (with a warning), the cap telemetry names get. A service no entity
//! claims stays unmapped; showing it as "unknown to the catalog" is the pipeline's call.

use std::collections::HashMap;

use super::annotations::SERVICE_NAME;
use super::entity::{Entity, Kind};
use super::r#ref::EntityRef;
use super::warning::{CatalogWarning, MAX_TEXT_CHARS};
use crate::quote::prefix;

/// How a name was claimed; a lower value wins, so an explicit annotation beats a name that only happens to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    Annotation,
    ComponentName,
    ResourceName,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceIndex {
    by_service: HashMap<String, (Claim, EntityRef)>,
    by_entity: HashMap<EntityRef, Vec<String>>,
}

impl ServiceIndex {
    pub(crate) fn build(entities: &[(EntityRef, &Entity)], warnings: &mut Vec<CatalogWarning>) -> ServiceIndex {
        let mut index = ServiceIndex::default();
        for (entity_ref, entity) in entities {
            for (claim, service) in claims_of(entity) {
                let kept = prefix(service, MAX_TEXT_CHARS);
                if kept.len() < service.len() {
                    warnings.push(CatalogWarning::Truncated {
                        entity_ref: entity_ref.to_string(),
                        field: format!("a {SERVICE_NAME} entry"),
                        chars: service.chars().count(),
                    });
                }
                index.claim(entity_ref, claim, kept, warnings);
            }
        }
        index
    }

    fn claim(&mut self, entity_ref: &EntityRef, claim: Claim, service: &str, warnings: &mut Vec<CatalogWarning>) {
        let key = service_key(service);
        match self.by_service.get(&key) {
            Some((held, kept)) if *held < claim || (*held == claim && kept == entity_ref) => return,
            Some((held, kept)) if *held == claim => {
                warnings.push(CatalogWarning::ServiceNameClash {
                    service: service.to_owned(),
                    entity_ref: entity_ref.to_string(),
                    kept: kept.to_string(),
                });
                return;
            }
            Some((_, displaced)) => {
                if let Some(names) = self.by_entity.get_mut(displaced) {
                    names.retain(|n| service_key(n) != key);
                }
            }
            None => {}
        }
        self.by_service.insert(key, (claim, entity_ref.clone()));
        self.by_entity.entry(entity_ref.clone()).or_default().push(service.to_owned());
    }

    pub fn entity_for_service(&self, service: &str) -> Option<&EntityRef> {
        self.by_service.get(&service_key(service)).map(|(_, entity_ref)| entity_ref)
    }

    pub fn services_of(&self, entity: &EntityRef) -> &[String] {
        self.by_entity.get(entity).map(Vec::as_slice).unwrap_or_default()
    }

    /// Every telemetry service name some entity claims, sorted, each once.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.by_entity.values().flatten().cloned().collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Cut as the catalog cuts its own entries, so a telemetry name cut to the same length still matches.
fn service_key(service: &str) -> String {
    prefix(service.trim(), MAX_TEXT_CHARS).to_lowercase()
}

/// The names an entity claims: its annotation's list if it has one, else its own name if its kind runs code.
fn claims_of(entity: &Entity) -> Vec<(Claim, &str)> {
    let annotation = entity.metadata.annotations.iter().find(|(key, _)| key.eq_ignore_ascii_case(SERVICE_NAME));
    if let Some((_, list)) = annotation {
        let names: Vec<(Claim, &str)> =
            list.split(',').map(str::trim).filter(|n| !n.is_empty()).map(|n| (Claim::Annotation, n)).collect();
        if !names.is_empty() {
            return names;
        }
    }
    match Kind::parse(&entity.kind) {
        Some(Kind::Component) => vec![(Claim::ComponentName, entity.metadata.name.as_str())],
        Some(Kind::Resource) => vec![(Claim::ResourceName, entity.metadata.name.as_str())],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, EntityRef, RefContext};

    fn r(text: &str) -> Option<EntityRef> {
        EntityRef::parse(text, RefContext::default()).ok()
    }

    #[test]
    fn annotation_beats_component_name_beats_resource_name() {
        let json = r#"[
            {"kind":"Resource","metadata":{"name":"orders"}},
            {"kind":"Component","metadata":{"name":"orders"}},
            {"kind":"Component","metadata":{"name":"billing"}},
            {"kind":"Component","metadata":{"name":"billing-v2","annotations":{"latencyheatmap/service-name":" billing , ,invoices"}}}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        assert!(warnings.is_empty(), "a better claim is not a clash: {warnings:?}");
        assert_eq!(catalog.entity_for_service("orders").cloned(), r("component:orders"));
        assert_eq!(catalog.entity_for_service("billing").cloned(), r("component:billing-v2"));
        assert_eq!(catalog.entity_for_service("invoices").cloned(), r("component:billing-v2"));
        assert_eq!(catalog.entity_for_service(""), None);
        let billing = r("component:billing").map(|b| catalog.services_of(&b).to_vec());
        assert_eq!(billing, Some(Vec::new()), "a displaced name is no longer listed for its old entity");
    }

    #[test]
    fn the_same_name_in_two_namespaces_is_a_clash() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"api-gw","namespace":"eu"}},
            {"kind":"Component","metadata":{"name":"api-gw","namespace":"us"}}
        ]"#;
        let (catalog, warnings) = Catalog::from_json(json.as_bytes());
        assert_eq!(warnings.iter().map(|w| w.code()).collect::<Vec<_>>(), ["catalog.service-name-clash"]);
        assert_eq!(catalog.entity_for_service("api-gw").cloned(), r("component:eu/api-gw"));
    }
}
