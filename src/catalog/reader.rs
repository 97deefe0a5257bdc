//! Reading catalog JSON: a bare array of entities or the catalog API's `{ "items": [...] }`.
//!
//! Owns tolerance at the document level: each entity is deserialized on its own, so one malformed entity becomes
//! a warning carrying its index (and its reference when one can be made out) while the rest still load. What the
//! loaded entities mean together (duplicates, relations, services) is decided in `mod.rs` and `graph.rs`.

use serde_json::Value;

use super::entity::Entity;
use super::warning::CatalogWarning;

/// Entities in input order, each with its index in the input, plus what was skipped.
pub(crate) fn read_entities(bytes: &[u8]) -> (Vec<(usize, Entity)>, Vec<CatalogWarning>) {
    let mut warnings = Vec::new();
    let document: Value = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(error) => {
            warnings.push(CatalogWarning::Unreadable { message: error.to_string() });
            return (Vec::new(), warnings);
        }
    };
    let items = match document {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("items") {
            Some(Value::Array(items)) => items,
            _ => {
                warnings.push(CatalogWarning::NotAList { found: "an object without an \"items\" array".into() });
                return (Vec::new(), warnings);
            }
        },
        other => {
            warnings.push(CatalogWarning::NotAList { found: json_type(&other).into() });
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

fn read_entity(index: usize, item: Value) -> Result<Entity, CatalogWarning> {
    if !item.is_object() {
        return Err(CatalogWarning::InvalidEntity {
            index,
            entity_ref: None,
            message: format!("expected an object, found {}", json_type(&item)),
        });
    }
    let has_name = item.get("metadata").and_then(|m| m.get("name")).is_some_and(|n| !n.is_null());
    if !has_name {
        return Err(CatalogWarning::MissingMetadata { index });
    }
    let entity_ref = guess_ref(&item);
    serde_json::from_value::<Entity>(item).map_err(|error| CatalogWarning::InvalidEntity {
        index,
        entity_ref,
        message: error.to_string(),
    })
}

/// A best-effort `kind:namespace/name` for an entity that failed to deserialize, so the warning can name it.
fn guess_ref(item: &Value) -> Option<String> {
    let kind = item.get("kind")?.as_str()?;
    let metadata = item.get("metadata")?;
    let name = metadata.get("name")?.as_str()?;
    let namespace = metadata.get("namespace").and_then(Value::as_str).unwrap_or("default");
    Some(format!("{}:{}/{}", kind.to_lowercase(), namespace.to_lowercase(), name))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
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
    fn unreadable_documents_are_warnings() {
        let (entities, warnings) = read_entities(b"{not json");
        assert!(entities.is_empty());
        assert_eq!(warnings.first().map(CatalogWarning::code), Some("catalog.unreadable"));
        let (_, warnings) = read_entities(b"\"hello\"");
        assert_eq!(warnings.first().map(CatalogWarning::code), Some("catalog.not-a-list"));
    }
}
