//! The sample shop catalog (tests/fixtures/catalog/shop.json) through the public API: declared edges and their
//! direction, the spec fallback for entities without relations, service mapping, C4 levels and groups.

use latency_heatmap::catalog::{Catalog, RelationKind, EntityRef, Kind, Level, RefContext};

fn shop() -> Catalog {
    let (catalog, warnings) = Catalog::from_json(include_bytes!("fixtures/catalog/shop.json"));
    assert!(warnings.is_empty(), "the sample catalog loads cleanly: {warnings:?}");
    catalog
}

fn r(text: &str) -> EntityRef {
    EntityRef::parse(text, RefContext::default()).unwrap_or_else(|e| panic!("test ref {text}: {e}"))
}

fn has_edge(catalog: &Catalog, from: &str, to: &str, kind: RelationKind) -> bool {
    catalog.declared_edges().any(|e| e.from == r(from) && e.to == r(to) && e.kind == kind)
}

#[test]
fn sample_catalog_is_realistic() {
    let catalog = shop();
    assert!(catalog.len() >= 25);
    let count = |kind: Kind| catalog.entities().filter(|e| e.kind == Some(kind)).count();
    assert_eq!(count(Kind::Domain), 2);
    assert_eq!(count(Kind::System), 3);
    assert_eq!(count(Kind::Group), 3);
    assert!(count(Kind::Component) >= 9 && count(Kind::Api) >= 6 && count(Kind::Resource) >= 5);
    let title = catalog.entity(&r("component:payment-gateway")).map(|e| e.title.as_str());
    assert_eq!(title, Some("Payment Gateway"));
}

#[test]
fn edges_follow_call_direction_through_apis() {
    let catalog = shop();
    assert!(has_edge(&catalog, "component:web-frontend", "api:checkout-api", RelationKind::ConsumesApi));
    assert!(has_edge(&catalog, "api:checkout-api", "component:checkout-service", RelationKind::ApiProvidedBy));
    assert!(has_edge(&catalog, "component:checkout-service", "resource:orders-db", RelationKind::DependsOn));
    assert!(has_edge(&catalog, "component:payment-gateway", "component:ledger-service", RelationKind::DependsOn));
    // Never the inverse direction, even though both sides of every relation pair are in the input.
    assert!(!catalog
        .declared_edges()
        .any(|e| e.from == r("component:checkout-service") && e.to == r("api:checkout-api")));
    assert!(!catalog.declared_edges().any(|e| e.from == r("resource:orders-db")));
    // Both sides of a pair give one edge, not two.
    let provided = catalog
        .declared_edges()
        .filter(|e| e.from == r("api:checkout-api") && e.to == r("component:checkout-service"))
        .count();
    assert_eq!(provided, 1);
    // Ownership and part-of are not calls.
    assert!(!catalog.declared_edges().any(|e| e.to.kind() == "group" || e.to.kind() == "system"));
}

#[test]
fn declared_calls_fold_api_hops_like_telemetry_sees_them() {
    let catalog = shop();
    let calls = catalog.declared_calls();
    let has = |from: &str, to: &str| calls.contains(&(r(from), r(to)));
    assert!(has("component:web-frontend", "component:checkout-service"));
    assert!(has("component:checkout-service", "component:payment-gateway"));
    assert!(has("component:payment-gateway", "component:fraud-check"));
    assert!(has("component:checkout-service", "resource:orders-db"));
    assert!(!has("component:checkout-service", "component:web-frontend"));
    assert!(!calls.iter().any(|(from, to)| from.kind() == "api" || to.kind() == "api"));
    assert!(catalog.is_declared(&r("component:web-frontend"), &r("component:checkout-service")));
    assert!(catalog.is_declared(&r("component:web-frontend"), &r("api:checkout-api")));
    assert!(!catalog.is_declared(&r("component:checkout-service"), &r("component:web-frontend")));
}

#[test]
fn entities_without_relations_fall_back_to_spec() {
    let catalog = shop();
    // spec.consumesApis (short form, kind implied) and spec.dependsOn
    assert!(has_edge(&catalog, "component:recommendation-service", "api:catalog-api", RelationKind::ConsumesApi));
    assert!(has_edge(&catalog, "component:recommendation-service", "resource:search-index", RelationKind::DependsOn));
    // spec.providesApis points the API at its provider
    assert!(has_edge(&catalog, "api:recommendations-api", "component:recommendation-service", RelationKind::ApiProvidedBy));
    assert!(catalog.is_declared(&r("component:web-frontend"), &r("component:recommendation-service")));
    assert!(has_edge(&catalog, "component:fraud-rules-engine", "resource:fraud-rules-cache", RelationKind::DependsOn));
    // spec.subcomponentOf and spec.system give membership
    assert_eq!(catalog.graph().parents(&r("component:fraud-rules-engine")), [r("component:fraud-check")]);
    assert_eq!(catalog.group_of(&r("api:recommendations-api"), Level::System), Some(&r("system:storefront")));
}

#[test]
fn services_map_by_annotation_else_by_name() {
    let catalog = shop();
    let mapped = |service: &str| catalog.entity_for_service(service).map(ToString::to_string);
    assert_eq!(mapped("storefront-bff").as_deref(), Some("component:default/web-frontend"));
    assert_eq!(mapped("web-frontend").as_deref(), Some("component:default/web-frontend"));
    assert_eq!(mapped("payments-gw-legacy").as_deref(), Some("component:default/payment-gateway"));
    assert_eq!(mapped("authn").as_deref(), Some("component:default/auth-service"));
    assert_eq!(mapped("auth-service"), None, "an explicit service-name replaces metadata.name");
    assert_eq!(mapped("CHECKOUT-SERVICE").as_deref(), Some("component:default/checkout-service"));
    assert_eq!(mapped("orders-db").as_deref(), Some("resource:default/orders-db"));
    assert_eq!(mapped("checkout-api"), None, "APIs do not emit spans");
    assert_eq!(mapped("storefront"), None, "systems do not emit spans");
    assert_eq!(mapped("not-in-catalog"), None);
    assert_eq!(catalog.services_of(&r("component:payment-gateway")), ["payment-gateway", "payments-gw-legacy"]);
}

#[test]
fn kinds_have_c4_levels() {
    let catalog = shop();
    assert_eq!(catalog.level_of(&r("domain:commerce")), Some(Level::Domain));
    assert_eq!(catalog.level_of(&r("system:payments")), Some(Level::System));
    assert_eq!(catalog.level_of(&r("component:checkout-service")), Some(Level::Component));
    assert_eq!(catalog.level_of(&r("api:auth-api")), Some(Level::Component));
    assert_eq!(catalog.level_of(&r("resource:users-db")), Some(Level::Component));
    assert_eq!(catalog.level_of(&r("group:team-web")), None);
}

#[test]
fn entities_collapse_into_their_system_and_domain() {
    let catalog = shop();
    let group = |entity: &str, level| catalog.group_of(&r(entity), level).map(ToString::to_string);
    assert_eq!(group("component:checkout-service", Level::System).as_deref(), Some("system:default/storefront"));
    assert_eq!(group("component:checkout-service", Level::Domain).as_deref(), Some("domain:default/commerce"));
    assert_eq!(
        group("component:checkout-service", Level::Component).as_deref(),
        Some("component:default/checkout-service")
    );
    assert_eq!(group("resource:users-db", Level::Domain).as_deref(), Some("domain:default/platform"));
    assert_eq!(group("component:fraud-rules-engine", Level::System).as_deref(), Some("system:default/payments"));
    assert_eq!(group("system:identity", Level::Domain).as_deref(), Some("domain:default/platform"));
    assert_eq!(group("system:identity", Level::System).as_deref(), Some("system:default/identity"));
    assert_eq!(group("domain:commerce", Level::System), None);
    assert_eq!(group("group:team-web", Level::System), None);
    let members: Vec<String> =
        catalog.members_of(&r("system:payments"), Level::System).into_iter().map(ToString::to_string).collect();
    for expected in [
        "component:default/payment-gateway",
        "api:default/fraud-api",
        "resource:default/fraud-rules-cache",
        "component:default/fraud-rules-engine",
    ] {
        assert!(members.iter().any(|m| m == expected), "{expected} in {members:?}");
    }
    assert!(!members.iter().any(|m| m.contains("checkout")));
    let commerce = catalog.members_of(&r("domain:commerce"), Level::Domain);
    assert!(commerce.contains(&&r("system:storefront")) && commerce.contains(&&r("component:ledger-service")));
}

#[test]
fn short_refs_resolve_against_the_catalog() {
    let catalog = shop();
    assert_eq!(catalog.find("backend", Some("component")), None);
    assert_eq!(catalog.find("checkout-service", Some("component")), Some(&r("component:checkout-service")));
    assert_eq!(catalog.find("api:checkout-api", None), Some(&r("api:default/checkout-api")));
}

#[test]
fn from_entities_matches_from_json() {
    let value: serde_json::Value =
        serde_json::from_slice(include_bytes!("fixtures/catalog/shop.json")).expect("shop catalog fixture");
    let items = value.get("items").cloned().expect("the fixture's items");
    let entities: Vec<latency_heatmap::catalog::Entity> = serde_json::from_value(items).expect("entities of the fixture");
    let (catalog, warnings) = Catalog::from_entities(entities);
    assert!(warnings.is_empty());
    assert_eq!(catalog.declared_calls(), shop().declared_calls());
}
