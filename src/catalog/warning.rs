//! What the catalog reader tolerated: problems in the entities that did not stop the rest from loading.
//!
//! Owns the warning values and their wording. Each has a stable `code` (also the `code` field of its JSON
//! form) so the UI and tests can match on it without parsing prose. Threshold warnings live in `evaluate/`.

use serde::Serialize;
use thiserror::Error;

use crate::quote::{quoted, shortened};
use crate::spelling::did_you_mean;

/// One problem found while loading the catalog. The entity (or its index in the input) is always named.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "code", rename_all_fields = "camelCase")]
pub enum CatalogWarning {
    #[serde(rename = "catalog.unreadable")]
    #[error("the catalog is not readable JSON: {message}")]
    Unreadable { message: String },

    #[serde(rename = "catalog.not-a-list")]
    #[error("expected a JSON array of entities or {{\"items\": [...]}}, found {found}")]
    NotAList { found: String },

    #[serde(rename = "catalog.missing-metadata")]
    #[error("entity #{index} has no metadata (or no metadata.name) and was skipped")]
    MissingMetadata { index: usize },

    #[serde(rename = "catalog.invalid-entity")]
    #[error("entity #{index}{} could not be read and was skipped: {message}", display_ref(.entity_ref))]
    InvalidEntity { index: usize, entity_ref: Option<String>, message: String },

    #[serde(rename = "catalog.unknown-kind")]
    #[error("{entity_ref} has kind {}, which is not a Backstage kind; it is shown without a C4 level", quoted(.kind))]
    UnknownKind { entity_ref: String, kind: String },

    #[serde(rename = "catalog.duplicate-ref")]
    #[error("entity #{index} repeats {entity_ref} (first seen as entity #{first_index}); the first one is kept")]
    DuplicateRef { index: usize, entity_ref: String, first_index: usize },

    #[serde(rename = "catalog.bad-reference")]
    #[error("{entity_ref}: {field} has a reference that cannot be read: {message}")]
    BadReference { entity_ref: String, field: String, message: String },

    #[serde(rename = "catalog.dangling-relation")]
    #[error("{entity_ref}: {relation} points to {}, which is not in the catalog; the relation is ignored", shortened(.target))]
    DanglingRelation { entity_ref: String, relation: String, target: String },

    #[serde(rename = "catalog.self-loop")]
    #[error("{entity_ref}: {relation} points to itself; the relation is ignored")]
    SelfLoop { entity_ref: String, relation: String },

    #[serde(rename = "catalog.unknown-annotation")]
    #[error("{entity_ref}: annotation {} is not one latencyheatmap reads{}", quoted(.annotation), did_you_mean(.nearest))]
    UnknownAnnotation { entity_ref: String, annotation: String, nearest: Option<String> },

    /// Alerts still map to the entity by their labels (`mapping` in `alertmanager/`).
    #[serde(rename = "catalog.bad-alert-selector")]
    #[error("{entity_ref}: annotation {} cannot be used: {message}; alerts map to it by label only", quoted(.annotation))]
    BadAlertSelector { entity_ref: String, annotation: String, message: String },

    #[serde(rename = "catalog.service-name-clash")]
    #[error("telemetry service {} is claimed by {entity_ref} and by {kept}; it maps to {kept}", quoted(.service))]
    ServiceNameClash { service: String, entity_ref: String, kept: String },

    /// A text kept for display or matching was longer than [`MAX_TEXT_CHARS`] and was cut to that many characters.
    #[serde(rename = "catalog.truncated")]
    #[error("{entity_ref}: {field} is {chars} characters long; only its first {MAX_TEXT_CHARS} are kept")]
    Truncated { entity_ref: String, field: String, chars: usize },
}

/// The longest title, `latencyheatmap/service-name` entry or annotation value kept (`peer.service`'s rule in the
/// telemetry readers): names and values, not payloads.
pub const MAX_TEXT_CHARS: usize = 256;


fn display_ref(entity_ref: &Option<String>) -> String {
    entity_ref.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
}

impl CatalogWarning {
    /// Stable identifier, equal to the `code` field of the serialized warning.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogWarning::Unreadable { .. } => "catalog.unreadable",
            CatalogWarning::NotAList { .. } => "catalog.not-a-list",
            CatalogWarning::MissingMetadata { .. } => "catalog.missing-metadata",
            CatalogWarning::InvalidEntity { .. } => "catalog.invalid-entity",
            CatalogWarning::UnknownKind { .. } => "catalog.unknown-kind",
            CatalogWarning::DuplicateRef { .. } => "catalog.duplicate-ref",
            CatalogWarning::BadReference { .. } => "catalog.bad-reference",
            CatalogWarning::DanglingRelation { .. } => "catalog.dangling-relation",
            CatalogWarning::SelfLoop { .. } => "catalog.self-loop",
            CatalogWarning::UnknownAnnotation { .. } => "catalog.unknown-annotation",
            CatalogWarning::BadAlertSelector { .. } => "catalog.bad-alert-selector",
            CatalogWarning::ServiceNameClash { .. } => "catalog.service-name-clash",
            CatalogWarning::Truncated { .. } => "catalog.truncated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_matches_the_serialized_tag_and_display_names_the_entity() {
        let warning = CatalogWarning::InvalidEntity {
            index: 3,
            entity_ref: Some("component:default/x".into()),
            message: "bad".into(),
        };
        let json = serde_json::to_value(&warning).expect("warning as JSON");
        assert_eq!(json.get("code").and_then(|c| c.as_str()), Some(warning.code()));
        assert_eq!(json.get("entityRef").and_then(|c| c.as_str()), Some("component:default/x"));
        assert_eq!(warning.to_string(), "entity #3 (component:default/x) could not be read and was skipped: bad");
    }
}
