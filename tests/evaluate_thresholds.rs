//! Threshold resolution and scoring over the sample shop catalog: precedence (edge annotation > entity
//! annotation > config default), `thresholdSource`, bad annotations as warnings with the next source used,
//! `enforceDefaults`, tolerance profiles, and the serialized shapes the snapshot will carry.

use latency_heatmap::catalog::{Catalog, EntityRef, Percentile, RefContext};
use latency_heatmap::evaluate::{
    evaluate, evaluate_error_rate, resolve_edge_threshold, resolve_node_threshold, EvaluateConfig, EvaluateWarning,
    NodeMetric, ResolvedThreshold, Status, ThresholdSource, Tolerance,
};

fn shop() -> Catalog {
    Catalog::from_json(include_bytes!("fixtures/catalog/shop.json")).0
}

fn r(text: &str) -> EntityRef {
    EntityRef::parse(text, RefContext::default()).unwrap_or_else(|e| panic!("test ref {text}: {e}"))
}

fn config(json: &str) -> EvaluateConfig {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("test config {json}: {e}"))
}

fn defaults() -> EvaluateConfig {
    config(r#"{"defaults":{"latencySlo":"500ms","processingThreshold":"100ms"}}"#)
}

fn node(catalog: &Catalog, entity: &str, metric: NodeMetric, config: &EvaluateConfig) -> ResolvedThreshold {
    resolve_node_threshold(catalog, Some(&r(entity)), metric, config)
}

fn edge(catalog: &Catalog, from: &str, to: &str, config: &EvaluateConfig) -> ResolvedThreshold {
    resolve_edge_threshold(catalog, Some(&r(from)), Some(&r(to)), config)
}

#[test]
fn entity_annotation_beats_config_default() {
    let catalog = shop();
    let checkout = node(&catalog, "component:checkout-service", NodeMetric::LatencySlo, &defaults());
    assert_eq!((checkout.threshold_ms, checkout.source), (Some(800.0), ThresholdSource::EntityAnnotation));
    assert_eq!(checkout.source_ref, Some(r("component:checkout-service")));
    assert_eq!(checkout.percentile, Percentile::P99, "the entity's own percentile annotation");
    assert!(checkout.warnings.is_empty());
    let processing = node(&catalog, "component:checkout-service", NodeMetric::ProcessingTime, &defaults());
    assert_eq!((processing.threshold_ms, processing.source), (Some(120.0), ThresholdSource::EntityAnnotation));
    let spaced = node(&catalog, "component:catalog-service", NodeMetric::LatencySlo, &defaults());
    assert_eq!(
        (spaced.threshold_ms, spaced.source),
        (Some(300.0), ThresholdSource::EntityAnnotation),
        "\"300 ms\" parses"
    );
}

#[test]
fn config_default_applies_without_annotations_and_none_without_config() {
    let catalog = shop();
    let frontend = node(&catalog, "component:web-frontend", NodeMetric::ProcessingTime, &defaults());
    assert_eq!(
        (frontend.threshold_ms, frontend.source, frontend.source_ref),
        (Some(100.0), ThresholdSource::ConfigDefault, None)
    );
    let stranger = node(&catalog, "component:not-in-catalog", NodeMetric::LatencySlo, &defaults());
    assert_eq!(
        (stranger.threshold_ms, stranger.source, stranger.percentile),
        (Some(500.0), ThresholdSource::ConfigDefault, Percentile::P95)
    );
    let bare = node(&catalog, "component:web-frontend", NodeMetric::ProcessingTime, &EvaluateConfig::default());
    assert_eq!((bare.threshold_ms, bare.source), (None, ThresholdSource::None));
    assert_eq!(evaluate(Some(10.0), &bare, Tolerance::Moderate).status, Status::Unknown);
}

#[test]
fn bad_annotations_warn_and_fall_back_to_the_next_source() {
    let catalog = shop();
    for (entity, metric, raw) in [
        ("component:ledger-service", NodeMetric::LatencySlo, "fast"),
        ("component:search-service", NodeMetric::ProcessingTime, "-5ms"),
        ("component:user-profile", NodeMetric::LatencySlo, ""),
    ] {
        let resolved = node(&catalog, entity, metric, &defaults());
        assert_eq!(resolved.source, ThresholdSource::ConfigDefault, "{entity}");
        assert!(resolved.threshold_ms.is_some());
        let [EvaluateWarning::BadAnnotation { entity_ref, annotation, value, fallback, .. }] =
            resolved.warnings.as_slice()
        else {
            panic!("{entity}: expected one bad-annotation warning, got {:?}", resolved.warnings)
        };
        assert_eq!(*entity_ref, r(entity).to_string());
        assert!(annotation.starts_with("latencyheatmap/"));
        assert_eq!((value.as_str(), *fallback), (raw, ThresholdSource::ConfigDefault));
        let text = resolved.warnings.first().map(ToString::to_string).expect("a warning");
        assert!(
            text.contains(entity_ref.as_str()) && text.contains(annotation.as_str()) && text.contains("config default"),
            "{text}"
        );
    }
    // With no default either, the warning says nothing was left.
    let none = node(&catalog, "component:ledger-service", NodeMetric::LatencySlo, &EvaluateConfig::default());
    assert!(matches!(
        none.warnings.as_slice(),
        [EvaluateWarning::BadAnnotation { fallback: ThresholdSource::None, .. }]
    ));
}

#[test]
fn edge_annotation_beats_target_annotation_beats_default() {
    let catalog = shop();
    let by_name = edge(&catalog, "component:checkout-service", "component:payment-gateway", &defaults());
    assert_eq!((by_name.threshold_ms, by_name.source), (Some(400.0), ThresholdSource::EdgeAnnotation));
    assert_eq!(by_name.annotation.as_deref(), Some("latencyheatmap/edge-slo.payment-gateway"));
    assert_eq!(by_name.percentile, Percentile::P99, "percentile of the annotating entity");
    let to_resource = edge(&catalog, "component:checkout-service", "resource:orders-db", &defaults());
    assert_eq!((to_resource.threshold_ms, to_resource.source), (Some(50.0), ThresholdSource::EdgeAnnotation));
    let by_api = edge(&catalog, "component:web-frontend", "component:checkout-service", &defaults());
    assert_eq!(
        (by_api.threshold_ms, by_api.source),
        (Some(900.0), ThresholdSource::EdgeAnnotation),
        "edge-slo.<api it provides>"
    );
    let target = edge(&catalog, "component:search-service", "component:catalog-service", &defaults());
    assert_eq!((target.threshold_ms, target.source), (Some(300.0), ThresholdSource::EntityAnnotation));
    assert_eq!(target.source_ref, Some(r("component:catalog-service")));
    let default = edge(&catalog, "component:auth-service", "resource:users-db", &defaults());
    assert_eq!((default.threshold_ms, default.source), (Some(500.0), ThresholdSource::ConfigDefault));
}

#[test]
fn a_bad_edge_annotation_falls_back_to_the_target_and_says_so() {
    let catalog = shop();
    let resolved = edge(&catalog, "component:payment-gateway", "component:fraud-check", &defaults());
    assert_eq!((resolved.threshold_ms, resolved.source), (Some(200.0), ThresholdSource::EntityAnnotation));
    assert!(resolved.warnings.iter().any(|w| matches!(w,
        EvaluateWarning::BadAnnotation { annotation, value, fallback: ThresholdSource::EntityAnnotation, .. }
            if annotation == "latencyheatmap/edge-slo.fraud-check" && value == "fast")));
    // fraud-check's percentile "p75" is not one we know: config's p95 is used, with a warning.
    assert_eq!(resolved.percentile, Percentile::P95);
    assert!(resolved.warnings.iter().any(|w| matches!(w,
        EvaluateWarning::BadAnnotation { annotation, value, .. } if annotation == "latencyheatmap/percentile" && value == "p75")));
}

#[test]
fn enforce_defaults_lets_annotations_only_tighten() {
    let catalog = shop();
    let strict = config(r#"{"defaults":{"latencySlo":"500ms"},"percentile":"p99","enforceDefaults":true}"#);
    let looser = node(&catalog, "component:checkout-service", NodeMetric::LatencySlo, &strict);
    assert_eq!((looser.threshold_ms, looser.source), (Some(500.0), ThresholdSource::ConfigDefault));
    assert!(
        matches!(looser.warnings.as_slice(), [EvaluateWarning::LooserThanDefault { value_ms, default_ms, .. }] if *value_ms == 800.0 && *default_ms == 500.0)
    );
    let tighter = node(&catalog, "component:catalog-service", NodeMetric::LatencySlo, &strict);
    assert_eq!((tighter.threshold_ms, tighter.source), (Some(300.0), ThresholdSource::EntityAnnotation));
    let two_seconds = node(&catalog, "component:recommendation-service", NodeMetric::LatencySlo, &strict);
    assert_eq!(two_seconds.threshold_ms, Some(500.0));
    // A looser edge annotation falls through to the (also looser) target annotation and then to the default.
    let edge_looser = edge(&catalog, "component:web-frontend", "component:checkout-service", &strict);
    assert_eq!((edge_looser.threshold_ms, edge_looser.source), (Some(500.0), ThresholdSource::ConfigDefault));
    assert_eq!(edge_looser.warnings.iter().filter(|w| w.code() == "evaluate.looser-than-default").count(), 2);
    // A lower percentile is looser too.
    let frontend = node(&catalog, "component:web-frontend", NodeMetric::LatencySlo, &strict);
    assert_eq!(frontend.percentile, Percentile::P99);
    assert!(frontend.warnings.iter().any(|w| w.code() == "evaluate.looser-percentile"));
    // Without enforcement the same annotations win.
    let relaxed = node(&catalog, "component:checkout-service", NodeMetric::LatencySlo, &defaults());
    assert_eq!(relaxed.threshold_ms, Some(800.0));
}

#[test]
fn tolerance_profiles_move_amber_and_red() {
    let catalog = shop();
    let threshold = node(&catalog, "component:checkout-service", NodeMetric::LatencySlo, &defaults()); // 800 ms
    let status = |observed: f64, tolerance| evaluate(Some(observed), &threshold, tolerance).status;
    // 700 ms = 0.875 of the threshold
    assert_eq!(status(700.0, Tolerance::Conservative), Status::Red);
    assert_eq!(status(700.0, Tolerance::Moderate), Status::Amber);
    assert_eq!(status(700.0, Tolerance::Aggressive), Status::Green);
    // 500 ms = 0.625
    assert_eq!(status(500.0, Tolerance::Conservative), Status::Amber);
    assert_eq!(status(500.0, Tolerance::Moderate), Status::Green);
    // 900 ms = 1.125
    assert_eq!(status(900.0, Tolerance::Moderate), Status::Red);
    assert_eq!(status(900.0, Tolerance::Aggressive), Status::Amber);
    assert_eq!(status(1000.0, Tolerance::Aggressive), Status::Red);
    let evaluation = evaluate(Some(700.0), &threshold, Tolerance::Moderate);
    assert_eq!(evaluation.score, Some(0.875));
    assert_eq!(evaluate(None, &threshold, Tolerance::Moderate).status, Status::Unknown);
}

#[test]
fn error_rate_is_judged_against_its_default() {
    let with_rate = config(r#"{"defaults":{"errorRate":0.02}}"#);
    assert_eq!(evaluate_error_rate(Some(0.03), &with_rate).status, Status::Red);
    assert_eq!(evaluate_error_rate(Some(0.017), &with_rate).status, Status::Amber);
    assert_eq!(evaluate_error_rate(Some(0.0), &with_rate).status, Status::Green);
    assert_eq!(evaluate_error_rate(Some(0.5), &EvaluateConfig::default()).status, Status::Unknown);
}

#[test]
fn serialized_shapes_are_camel_case() {
    let catalog = shop();
    let threshold = node(&catalog, "component:checkout-service", NodeMetric::LatencySlo, &defaults());
    let json = serde_json::to_value(&threshold).expect("threshold as JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "metric": "latencySlo",
            "thresholdMs": 800.0,
            "thresholdSource": "entityAnnotation",
            "sourceRef": "component:default/checkout-service",
            "annotation": "latencyheatmap/latency-slo",
            "percentile": "p99"
        })
    );
    let evaluation = serde_json::to_value(evaluate(Some(700.0), &threshold, Tolerance::Moderate)).expect("evaluation as JSON");
    assert_eq!(evaluation, serde_json::json!({ "score": 0.875, "status": "amber" }));
    let warning = node(&catalog, "component:ledger-service", NodeMetric::LatencySlo, &defaults()).warnings;
    let warning = serde_json::to_value(&warning).expect("warning as JSON");
    assert_eq!(warning.pointer("/0/code").and_then(|c| c.as_str()), Some("evaluate.bad-annotation"));
    assert_eq!(warning.pointer("/0/entityRef").and_then(|c| c.as_str()), Some("component:default/ledger-service"));
    assert_eq!(warning.pointer("/0/fallback").and_then(|c| c.as_str()), Some("configDefault"));
}
