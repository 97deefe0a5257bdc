//! Reading catalog JSON: a bare array of entities or the catalog API's `{ "items": [...] }`.
//!
//! Owns tolerance at the document level: each entity is deserialized on its own, so one malformed entity becomes
//! a warning carrying its index (and its reference when one can be made out) while the rest still load. What the
//! loaded entities mean together (duplicates, relations, services) is decided in `mod.rs` and `graph.rs`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::entity::Entity;
use super::warning::CatalogWarning;
use crate::quote::{bounded_message, shortened};

/// serde_json's bound on nesting when it builds a value; an entity deeper than this is skipped on its own.
const MAX_ENTITY_DEPTH: usize = 128;

/// Entities in input order, each with its index in the input, plus what was skipped.
pub(crate) fn read_entities(bytes: &[u8]) -> (Vec<(usize, Entity)>, Vec<CatalogWarning>) {
    let mut warnings = Vec::new();
    // Split undecoded first: skipping a value has no nesting bound, so depth is judged per entity below.
    let items = match serde_json::from_slice::<Document<'_>>(bytes) {
        Ok(Document::Entities(items)) => items,
        Ok(Document::NotAList(found)) => {
            warnings.push(CatalogWarning::NotAList { found: found.into() });
            return (Vec::new(), warnings);
        }
        Err(error) => {
            warnings.push(CatalogWarning::Unreadable { message: error.to_string() });
            return (Vec::new(), warnings);
        }
    };
    let mut entities = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        match read_entity(index, item) {
            Ok(entity) => entities.push((index, entity)),
            Err(warning) => warnings.push(warning),
        }
    }
    (entities, warnings)
}

fn read_entity(index: usize, raw: &RawValue) -> Result<Entity, CatalogWarning> {
    let invalid = |message: String| CatalogWarning::InvalidEntity { index, entity_ref: guess_ref(raw), message };
    let item: Value = match serde_json::from_str(raw.get()) {
        Ok(item) => item,
        // The document as a whole was valid JSON, so what fails here is the nesting bound (serde_json's line and
        // column would count from the entity, not the document: left out).
        Err(_) if nesting_depth(raw.get()) > MAX_ENTITY_DEPTH => {
            return Err(invalid(format!("it is nested deeper than {MAX_ENTITY_DEPTH} levels")))
        }
        Err(error) => return Err(invalid(bounded_message(error.to_string()))),
    };
    if !item.is_object() {
        return Err(CatalogWarning::InvalidEntity {
            index,
            entity_ref: None,
            message: format!("expected an object, found {}", crate::quote::json_type(&item)),
        });
    }
    let has_name = item.get("metadata").and_then(|m| m.get("name")).is_some_and(|n| !n.is_null());
    if !has_name {
        return Err(CatalogWarning::MissingMetadata { index });
    }
    serde_json::from_value::<Entity>(item).map_err(|error| invalid(bounded_message(error.to_string())))
}

/// The catalog document with each entity left undecoded, or what it was instead of a list.
enum Document<'a> {
    Entities(Vec<&'a RawValue>),
    NotAList(&'static str),
}

impl<'de> Deserialize<'de> for Document<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of entities or {\"items\": [...]}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&RawValue>()? {
            items.push(item);
        }
        Ok(Document::Entities(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "items" {
                items = Some(map.next_value::<&RawValue>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        // `items` was checked to be JSON above; here it only has to be an array.
        Ok(match items.map(|raw| serde_json::from_str::<Vec<&RawValue>>(raw.get())) {
            Some(Ok(items)) => Document::Entities(items),
            _ => Document::NotAList("an object without an \"items\" array"),
        })
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Document::NotAList("null"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Document::NotAList("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Document::NotAList("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Document::NotAList("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Document::NotAList("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Document::NotAList("a string"))
    }
}

/// The fields of an entity that name it, read without building the rest (which may be what failed).
#[derive(Deserialize)]
struct EntityHead {
    kind: String,
    metadata: HeadMetadata,
}

#[derive(Deserialize)]
struct HeadMetadata {
    name: String,
    namespace: Option<String>,
}

/// A best-effort `kind:namespace/name` for an entity that could not be read, so the warning can name it. Each part
/// is shortened: the name may be the very thing that was too long.
fn guess_ref(raw: &RawValue) -> Option<String> {
    let head: EntityHead = serde_json::from_str(raw.get()).ok()?;
    let namespace = head.metadata.namespace.unwrap_or_else(|| "default".into());
    Some(format!(
        "{}:{}/{}",
        shortened(&head.kind.to_lowercase()),
        shortened(&namespace.to_lowercase()),
        shortened(&head.metadata.name)
    ))
}

/// How deeply arrays and objects nest in `json` (valid JSON), counted without recursion.
fn nesting_depth(json: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for byte in json.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _, _) => {}
        }
    }
    deepest
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_document_shapes() {
        let entity = r#"{"kind":"Component","metadata":{"name":"a"}}"#;
        let (array, warnings) = read_entities(format!("[{entity}]").as_bytes());
        assert_eq!((array.len(), warnings.len()), (1, 0));
        let (items, warnings) = read_entities(format!("{{\"items\":[{entity}],\"totalItems\":1}}").as_bytes());
        assert_eq!((items.len(), warnings.len()), (1, 0));
    }

    #[test]
    fn one_bad_entity_does_not_stop_the_rest() {
        let json = r#"[
            {"kind":"Component","metadata":{"name":"ok"}},
            42,
            {"kind":"Component"},
            {"kind":"Component","metadata":{"name":"bad","annotations":{"x":1}}},
            {"kind":"Component","metadata":{"name":"ok2"}}
        ]"#;
        let (entities, warnings) = read_entities(json.as_bytes());
        let indices: Vec<usize> = entities.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, [0, 4]);
        let codes: Vec<&str> = warnings.iter().map(CatalogWarning::code).collect();
        assert_eq!(codes, ["catalog.invalid-entity", "catalog.missing-metadata", "catalog.invalid-entity"]);
        assert!(
            matches!(warnings.get(2), Some(CatalogWarning::InvalidEntity { index: 3, entity_ref: Some(r), .. }) if r == "component:default/bad")
        );
    }

    #[test]
    fn an_entity_nested_too_deep_is_skipped_alone() {
        for depth in [200, 1_000_000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let json = format!(
                r#"{{"items":[{{"kind":"Component","metadata":{{"name":"a"}}}},
                {{"kind":"Component","metadata":{{"name":"deep"}},"spec":{{"x":{deep}}}}},
                {{"kind":"Component","metadata":{{"name":"b"}}}}],"totalItems":3}}"#
            );
            let (entities, warnings) = read_entities(json.as_bytes());
            let names: Vec<&str> = entities.iter().map(|(_, e)| e.metadata.name.as_str()).collect();
            assert_eq!(names, ["a", "b"]);
            let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            assert_eq!(
                messages,
                ["entity #1 (component:default/deep) could not be read and was skipped: it is nested deeper than 128 \
                  levels"]
            );
        }
    }

    #[test]
    fn depth_is_counted_outside_strings_only() {
        assert_eq!(nesting_depth(r#"{"a":[1,{"b":"[[[{{\"]"}]}"#), 3);
        assert_eq!(nesting_depth("1"), 0);
    }

    #[test]
    fn a_long_name_in_a_bad_entity_is_shortened_in_its_warning() {
        let name = "n".repeat(1 << 20);
        let json = format!(r#"[{{"kind":"Component","metadata":{{"name":"{name}","annotations":7}}}}]"#);
        let (_, warnings) = read_entities(json.as_bytes());
        let expected = format!("component:default/{}…", "n".repeat(40));
        assert!(
            matches!(
                warnings.first(),
                Some(CatalogWarning::InvalidEntity { index: 0, entity_ref: Some(r), .. }) if *r == expected
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_serde_message_quoting_a_megabyte_is_cut() {
        let annotations = "m".repeat(1 << 20);
        let json = format!(r#"[{{"kind":"Component","metadata":{{"name":"x","annotations":"{annotations}"}}}}]"#);
        let (_, warnings) = read_entities(json.as_bytes());
        let expected = format!("invalid type: string \"{}…", "m".repeat(178));
        assert!(
            matches!(warnings.first(), Some(CatalogWarning::InvalidEntity { message, .. }) if *message == expected),
            "{:?}",
            warnings.first().map(|w| w.to_string().chars().take(300).collect::<String>())
        );
    }

    #[test]
    fn unreadable_documents_are_warnings() {
        let (entities, warnings) = read_entities(b"{not json");
        assert!(entities.is_empty());
        assert_eq!(warnings.first().map(CatalogWarning::code), Some("catalog.unreadable"));
        let (_, warnings) = read_entities(b"\"hello\"");
        assert_eq!(warnings.first().map(CatalogWarning::code), Some("catalog.not-a-list"));
        for (json, found) in [
            ("null", "null"),
            ("true", "a boolean"),
            ("-1.5", "a number"),
            (r#"{"items":{"a":1},"totalItems":1}"#, "an object without an \"items\" array"),
            (r#"{"totalItems":0}"#, "an object without an \"items\" array"),
        ] {
            let (_, warnings) = read_entities(json.as_bytes());
            assert_eq!(warnings, [CatalogWarning::NotAList { found: found.into() }], "{json}");
        }
        let (_, warnings) = read_entities(b"[{}] x");
        assert_eq!(warnings.first().map(CatalogWarning::code), Some("catalog.unreadable"));
    }
}
