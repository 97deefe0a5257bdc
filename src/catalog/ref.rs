//! Entity references: `kind:namespace/name`, the identity every other module uses for a catalog entity.
//!
//! Owns parsing the full and short forms (`component:backend`, `backend`) the way Backstage's `parseEntityRef`
//! does, with a default kind and namespace supplied by the context the reference was written in. It does not know
//! which entities exist; the catalog resolves references against what it loaded.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::quote::{prefix, quoted, shortened, QUOTED_CHARS};

/// The namespace Backstage assumes when none is written.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Identity of a catalog entity. Kind and namespace are stored lower-cased, as Backstage's `stringifyEntityRef`
/// writes them; the name keeps the case it was written in (so it matches the catalog graph's node ids) but
/// compares case-insensitively, because the catalog treats `Backend` and `backend` as the same entity.
#[derive(Debug, Clone)]
pub struct EntityRef {
    kind: String,
    namespace: String,
    name: String,
    /// `name` lower-cased once, so equality and hashing do not allocate.
    name_key: String,
}

/// The longest kind, namespace or name a reference may have (Backstage itself allows 63). Longer ones are refused,
/// not cut: a cut name would no longer match the relations that point at it, and two cut names could collide.
pub const MAX_REF_PART_CHARS: usize = 256;

/// Why a reference could not be read. `Display` names the text that was written (a short prefix of it).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RefError {
    #[error("empty entity reference")]
    Empty,
    #[error("entity reference {} has no kind and none is implied here (write e.g. component:{})", quoted(.0), shortened(.0))]
    MissingKind(String),
    #[error("entity reference {} has an empty kind, namespace or name", quoted(.0))]
    EmptyPart(String),
    #[error("entity reference {} is malformed (expected kind:namespace/name)", quoted(.0))]
    Malformed(String),
    /// `start` is the part's first characters, already cut for the message.
    #[error("the {part} {} is {chars} characters long; at most {MAX_REF_PART_CHARS} are allowed", quoted(.start))]
    TooLong { part: &'static str, start: String, chars: usize },
}

/// What a short reference means where it was written: Backstage fills in the kind from the field
/// (`spec.consumesApis` implies `api`) and the namespace from the entity that wrote it.
#[derive(Debug, Clone, Copy)]
pub struct RefContext<'a> {
    pub default_kind: Option<&'a str>,
    pub default_namespace: &'a str,
}

impl Default for RefContext<'_> {
    fn default() -> Self {
        RefContext { default_kind: None, default_namespace: DEFAULT_NAMESPACE }
    }
}

impl<'a> RefContext<'a> {
    pub fn new(default_kind: Option<&'a str>, default_namespace: &'a str) -> Self {
        RefContext { default_kind, default_namespace }
    }
}

impl EntityRef {
    /// Builds a reference from its parts; every part must be non-empty after trimming.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Result<Self, RefError> {
        let (kind, namespace, name) = (kind.trim(), namespace.trim(), name.trim());
        if kind.is_empty() || namespace.is_empty() || name.is_empty() {
            return Err(RefError::EmptyPart(format!("{kind}:{namespace}/{name}")));
        }
        for (part, text) in [("kind", kind), ("namespace", namespace), ("name", name)] {
            let start = prefix(text, MAX_REF_PART_CHARS);
            if start.len() < text.len() {
                let start = prefix(start, QUOTED_CHARS + 1).to_owned();
                return Err(RefError::TooLong { part, start, chars: text.chars().count() });
            }
        }
        Ok(EntityRef {
            kind: kind.to_lowercase(),
            namespace: namespace.to_lowercase(),
            name: name.to_owned(),
            name_key: name.to_lowercase(),
        })
    }

    /// Parses `kind:namespace/name`, `kind:name`, `namespace/name` or `name`, filling what is missing from `context`.
    pub fn parse(text: &str, context: RefContext<'_>) -> Result<Self, RefError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RefError::Empty);
        }
        let (kind, rest) = match text.split_once(':') {
            Some((kind, rest)) => (kind, rest),
            None => match context.default_kind {
                Some(kind) => (kind, text),
                None => return Err(RefError::MissingKind(text.to_owned())),
            },
        };
        let (namespace, name) = rest.split_once('/').unwrap_or((context.default_namespace, rest));
        if name.contains(['/', ':']) || namespace.contains(':') {
            return Err(RefError::Malformed(text.to_owned()));
        }
        EntityRef::new(kind, namespace, name).map_err(|error| match error {
            RefError::EmptyPart(_) => RefError::EmptyPart(text.to_owned()),
            other => other,
        })
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when `name` (as written in an annotation or a service name) names this entity, ignoring case.
    pub fn has_name(&self, name: &str) -> bool {
        self.name_key == name.trim().to_lowercase()
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.kind, &self.namespace, &self.name_key)
    }
}

impl PartialEq for EntityRef {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for EntityRef {}

impl Hash for EntityRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for EntityRef {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EntityRef {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// Serialized as the string form, so JS can key maps by it and compare with the catalog graph's node ids.
impl Serialize for EntityRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Deserialized from the full string form; no kind is implied, so `backend` alone is rejected.
impl<'de> Deserialize<'de> for EntityRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EntityRef::parse(&text, RefContext::default()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, kind: Option<&str>) -> Result<EntityRef, RefError> {
        EntityRef::parse(text, RefContext::new(kind, "default"))
    }

    #[test]
    fn reads_full_and_short_forms() {
        let full = parse("Component:Default/backend", None).expect("full form");
        assert_eq!(full.to_string(), "component:default/backend");
        assert_eq!(parse("component:backend", None), Ok(full.clone()));
        assert_eq!(parse("backend", Some("Component")), Ok(full.clone()));
        assert_eq!(parse("default/backend", Some("component")), Ok(full));
        let other = EntityRef::parse("api:orders", RefContext::new(None, "shop")).expect("namespace from context");
        assert_eq!(other.to_string(), "api:shop/orders");
    }

    #[test]
    fn names_compare_without_case_but_keep_their_spelling() {
        let a = parse("component:default/Backend", None).expect("ref");
        let b = parse("component:default/backend", None).expect("ref");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "component:default/Backend");
        assert!(a.has_name("BACKEND"));
    }

    #[test]
    fn rejects_what_cannot_name_an_entity() {
        assert_eq!(parse("", None), Err(RefError::Empty));
        assert_eq!(parse("backend", None), Err(RefError::MissingKind("backend".into())));
        assert!(matches!(parse("component:", None), Err(RefError::EmptyPart(_))));
        assert!(matches!(parse(":default/x", None), Err(RefError::EmptyPart(_))));
        assert!(matches!(parse("component:a/b/c", None), Err(RefError::Malformed(_))));
        assert!(matches!(parse("a:b:c", None), Err(RefError::Malformed(_))));
    }

    #[test]
    fn refuses_parts_longer_than_the_cap_and_quotes_only_their_start() {
        let long = "n".repeat(1 << 20);
        let error = parse(&format!("component:{long}"), None).expect_err("a megabyte name");
        assert_eq!(
            error.to_string(),
            format!("the name \"{}\"… is 1048576 characters long; at most 256 are allowed", "n".repeat(40))
        );
        let at_cap = "n".repeat(MAX_REF_PART_CHARS);
        assert_eq!(parse(&format!("component:{at_cap}"), None).map(|r| r.name().len()), Ok(256));
        let error = parse(&format!("{}:x", "k".repeat(257)), None).expect_err("a long kind");
        assert_eq!(error, RefError::TooLong { part: "kind", start: "k".repeat(41), chars: 257 });
        assert_eq!(
            parse(&format!("{long}/x/y"), Some("component")).map_err(|e| e.to_string()),
            Err(format!("entity reference \"{}\"… is malformed (expected kind:namespace/name)", "n".repeat(40)))
        );
    }

    #[test]
    fn serializes_as_its_string_form() {
        let r = parse("component:backend", None).expect("ref");
        assert_eq!(serde_json::to_string(&r).ok().as_deref(), Some("\"component:default/backend\""));
        let back: EntityRef = serde_json::from_str("\"component:default/backend\"").expect("round trip");
        assert_eq!(back, r);
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_round_trips(text in "\\PC{0,24}", kind in proptest::option::of("[a-zA-Z]{1,8}")) {
            if let Ok(entity_ref) = EntityRef::parse(&text, RefContext::new(kind.as_deref(), "default")) {
                let again = EntityRef::parse(&entity_ref.to_string(), RefContext::default());
                proptest::prop_assert_eq!(again, Ok(entity_ref));
            }
        }
    }
}
