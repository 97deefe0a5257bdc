//! Bad catalogs load what they can: tests/fixtures/catalog/broken.json holds one of each problem the reader
//! tolerates, and every one must come back as a typed warning naming the entity while the rest still loads.

use latency_heatmap::catalog::{Catalog, CatalogWarning, EntityRef, RefContext};

fn r(text: &str) -> EntityRef {
    EntityRef::parse(text, RefContext::default()).unwrap_or_else(|e| panic!("test ref {text}: {e}"))
}

fn broken() -> (Catalog, Vec<CatalogWarning>) {
    Catalog::from_json(include_bytes!("fixtures/catalog/broken.json"))
}

#[test]
fn the_rest_of_the_catalog_still_loads() {
    let (catalog, _) = broken();
    let loaded: Vec<String> = catalog.entities().map(|e| e.entity_ref.to_string()).collect();
    assert_eq!(loaded, ["component:default/alpha", "widget:default/gizmo", "component:default/beta"]);
    assert!(catalog.is_declared(&r("component:alpha"), &r("component:beta")));
    assert!(catalog.is_declared(&r("component:beta"), &r("component:alpha")));
}

#[test]
fn every_problem_is_a_warning() {
    let (_, warnings) = broken();
    let has = |wanted: &dyn Fn(&CatalogWarning) -> bool| warnings.iter().any(wanted);
    assert!(has(&|w| matches!(w, CatalogWarning::MissingMetadata { index: 3 })));
    assert!(has(&|w| matches!(w, CatalogWarning::MissingMetadata { index: 4 })));
    assert!(has(&|w| matches!(w, CatalogWarning::InvalidEntity { index: 5, entity_ref: None, .. })));
    assert!(has(
        &|w| matches!(w, CatalogWarning::InvalidEntity { index: 6, entity_ref: Some(r), .. } if r == "component:default/numeric")
    ));
    assert!(has(&|w| matches!(w, CatalogWarning::InvalidEntity { index: 8, .. })));
    assert!(has(&|w| matches!(w, CatalogWarning::DuplicateRef { index: 1, first_index: 0, .. })));
    assert!(has(&|w| matches!(w, CatalogWarning::UnknownKind { kind, .. } if kind == "Widget")));
    assert!(has(
        &|w| matches!(w, CatalogWarning::DanglingRelation { target, .. } if target == "component:default/ghost")
    ));
    assert!(has(
        &|w| matches!(w, CatalogWarning::SelfLoop { entity_ref, .. } if entity_ref == "component:default/alpha")
    ));
    assert!(has(&|w| matches!(w, CatalogWarning::BadReference { field, .. } if field == "relation dependsOn")));
    assert!(has(
        &|w| matches!(w, CatalogWarning::BadReference { message, .. } if message.contains("gamma-without-kind"))
    ));
    assert!(has(&|w| matches!(w, CatalogWarning::BadReference { field, .. } if field == "spec.system")));
    assert!(has(
        &|w| matches!(w, CatalogWarning::UnknownAnnotation { annotation, .. } if annotation == "latencyheatmap/latency-sol")
    ));
    assert!(has(
        &|w| matches!(w, CatalogWarning::ServiceNameClash { service, kept, .. } if service == "shared" && kept == "component:default/alpha")
    ));
    // Relations the heat map does not read (ownership) are not reported even when their target is missing.
    assert!(!has(&|w| matches!(w, CatalogWarning::DanglingRelation { target, .. } if target.starts_with("group:"))));
    assert_eq!(warnings.len(), 14, "{warnings:#?}");
}

#[test]
fn warnings_serialize_with_their_code_and_read_as_sentences() {
    let (_, warnings) = broken();
    for warning in &warnings {
        let json = serde_json::to_value(warning).expect("warning as JSON");
        assert_eq!(json.get("code").and_then(|c| c.as_str()), Some(warning.code()));
        let text = warning.to_string();
        assert!(!text.is_empty() && !text.contains('<'), "{text}");
    }
}

#[test]
fn a_service_clash_keeps_the_first_claim() {
    let (catalog, _) = broken();
    assert_eq!(catalog.entity_for_service("shared"), Some(&r("component:alpha")));
}

#[test]
fn hopeless_documents_give_an_empty_catalog_and_a_warning() {
    for input in [&b""[..], b"null", b"{\"items\": 3}", b"[1, 2"] {
        let (catalog, warnings) = Catalog::from_json(input);
        assert!(catalog.is_empty());
        assert_eq!(warnings.len(), 1, "{:?}", String::from_utf8_lossy(input));
    }
}
