//! The subset of a Backstage entity this crate reads, as serde types, and the kinds it knows.
//!
//! Owns the wire shape only (`apiVersion`, `kind`, `metadata`, `spec`, `relations`) as the catalog API returns
//! it. Turning relations and `spec` fields into edges is `graph.rs`'s job; reading `latencyheatmap/*`
//! annotations is `annotations.rs`'s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::r#ref::{EntityRef, RefContext, RefError};

/// One catalog entity. `spec` stays untyped JSON because its shape depends on the kind and we read a few fields.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    #[serde(default)]
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: Value,
    /// `None` when the entity came from a file rather than the catalog API; the graph then reads `spec`.
    #[serde(default)]
    pub relations: Option<Vec<Relation>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub name: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub links: Vec<EntityLink>,
}

fn default_namespace() -> String {
    super::r#ref::DEFAULT_NAMESPACE.to_owned()
}

/// One of `metadata.links`: a URL shown with the entity.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityLink {
    pub url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default, rename = "type")]
    pub link_type: Option<String>,
}

/// A relation as the catalog API emits it. Older catalogs also (or only) send the compound `target`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relation {
    #[serde(rename = "type")]
    pub relation_type: String,
    #[serde(default)]
    pub target_ref: Option<String>,
    #[serde(default)]
    pub target: Option<CompoundRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CompoundRef {
    pub kind: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
    pub name: String,
}

impl Relation {
    /// The target as a reference: `targetRef` if present, else the compound `target`.
    pub fn target(&self) -> Result<EntityRef, RefError> {
        match (&self.target_ref, &self.target) {
            (Some(text), _) => EntityRef::parse(text, RefContext::default()),
            (None, Some(t)) => EntityRef::new(&t.kind, &t.namespace, &t.name),
            (None, None) => Err(RefError::Empty),
        }
    }
}

impl Entity {
    /// The entity's own reference, built from `kind`, `metadata.namespace` and `metadata.name`.
    pub fn entity_ref(&self) -> Result<EntityRef, RefError> {
        EntityRef::new(&self.kind, &self.metadata.namespace, &self.metadata.name)
    }

    /// The title to show: `metadata.title`, else the name.
    pub fn display_name(&self) -> &str {
        self.metadata.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&self.metadata.name)
    }
}

/// The kinds Backstage ships. Anything else is loaded but has no C4 level and draws a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Component,
    Api,
    Resource,
    System,
    Domain,
    Group,
    User,
    Location,
    Template,
}

impl Kind {
    /// Case-insensitive, as Backstage compares kinds.
    pub fn parse(kind: &str) -> Option<Kind> {
        let kind = kind.trim().to_ascii_lowercase();
        Some(match kind.as_str() {
            "component" => Kind::Component,
            "api" => Kind::Api,
            "resource" => Kind::Resource,
            "system" => Kind::System,
            "domain" => Kind::Domain,
            "group" => Kind::Group,
            "user" => Kind::User,
            "location" => Kind::Location,
            "template" => Kind::Template,
            _ => return None,
        })
    }

    /// The lower-case spelling used inside entity references.
    pub fn as_ref_kind(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::Api => "api",
            Kind::Resource => "resource",
            Kind::System => "system",
            Kind::Domain => "domain",
            Kind::Group => "group",
            Kind::User => "user",
            Kind::Location => "location",
            Kind::Template => "template",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_catalog_api_shape_with_defaults() {
        let json = r#"{"apiVersion":"backstage.io/v1alpha1","kind":"Component",
            "metadata":{"name":"backend","annotations":{"latencyheatmap/latency-slo":"300ms"}},
            "spec":{"type":"service"},
            "relations":[{"type":"dependsOn","targetRef":"resource:default/db"},
                         {"type":"partOf","target":{"kind":"system","namespace":"default","name":"shop"}}]}"#;
        let entity: Entity = serde_json::from_str(json).expect("entity");
        assert_eq!(entity.metadata.namespace, "default");
        assert_eq!(entity.entity_ref().map(|r| r.to_string()).ok().as_deref(), Some("component:default/backend"));
        let targets: Vec<String> =
            entity.relations.iter().flatten().filter_map(|r| r.target().ok()).map(|r| r.to_string()).collect();
        assert_eq!(targets, ["resource:default/db", "system:default/shop"]);
        assert_eq!(entity.display_name(), "backend");
    }

    #[test]
    fn kinds_are_case_insensitive() {
        assert_eq!(Kind::parse("API"), Some(Kind::Api));
        assert_eq!(Kind::parse(" component "), Some(Kind::Component));
        assert_eq!(Kind::parse("Widget"), None);
    }
}
