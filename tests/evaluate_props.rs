//! Property tests: annotation parsing and threshold resolution never panic on arbitrary annotation text, and
//! scores are never NaN or infinite whatever numbers come in.

use std::collections::BTreeMap;

use latency_heatmap::catalog::{Catalog, Entity, ThresholdAnnotations};
use latency_heatmap::evaluate::{
    evaluate, resolve_edge_threshold, resolve_node_threshold, score, EvaluateConfig, NodeMetric, Status, Tolerance,
    MAX_SCORE,
};
use proptest::prelude::*;
use serde_json::json;

fn annotation_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("latencyheatmap/latency-slo".to_owned()),
        Just("latencyheatmap/processingthreshold".to_owned()),
        Just("latencyheatmap/percentile".to_owned()),
        Just("latencyheatmap/edge-slo.b".to_owned()),
        "latencyheatmap/\\PC{0,12}",
        "\\PC{0,16}",
    ]
}

fn finite_or_not() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(f64::MIN_POSITIVE), 0.0..1e4]
}

proptest! {
    #[test]
    fn annotation_reading_never_panics(pairs in proptest::collection::btree_map(annotation_key(), "\\PC{0,16}", 0..8)) {
        let (settings, _) = ThresholdAnnotations::read(&pairs);
        for value in [&settings.latency_slo, &settings.processing_threshold].into_iter().flatten() {
            if let Ok(ms) = value.parsed {
                prop_assert!(ms.is_finite() && ms > 0.0);
            }
        }
    }

    #[test]
    fn resolution_never_panics(
        a in proptest::collection::btree_map(annotation_key(), "\\PC{0,12}", 0..6),
        b in proptest::collection::btree_map(annotation_key(), "\\PC{0,12}", 0..6),
        enforce in any::<bool>(),
        observed in proptest::option::of(finite_or_not()),
    ) {
        let entity = |name: &str, annotations: &BTreeMap<String, String>| json!({
            "kind": "Component", "metadata": { "name": name, "annotations": annotations },
            "spec": { "dependsOn": ["component:b"] }
        });
        let entities: Vec<Entity> = serde_json::from_value(json!([entity("a", &a), entity("b", &b)])).expect("test entities");
        let (catalog, _) = Catalog::from_entities(entities);
        let config: EvaluateConfig = serde_json::from_value(json!({
            "defaults": { "latencySlo": "300ms", "processingThreshold": "50ms" }, "enforceDefaults": enforce
        })).expect("test config");
        let refs: Vec<_> = catalog.entities().map(|e| e.entity_ref.clone()).collect();
        for from in &refs {
            for metric in [NodeMetric::LatencySlo, NodeMetric::ProcessingTime] {
                let resolved = resolve_node_threshold(&catalog, Some(from), metric, &config);
                prop_assert!(resolved.threshold_ms.is_some_and(|t| t.is_finite() && t > 0.0));
                if enforce {
                    prop_assert!(resolved.threshold_ms.is_some_and(|t| t <= 300.0));
                }
                let evaluation = evaluate(observed, &resolved, Tolerance::Moderate);
                prop_assert!(evaluation.score.is_none_or(|s| s.is_finite()));
            }
            for to in &refs {
                let resolved = resolve_edge_threshold(&catalog, Some(from), Some(to), &config);
                prop_assert!(resolved.threshold_ms.is_some_and(|t| t.is_finite() && t > 0.0));
                prop_assert!(serde_json::to_string(&resolved).is_ok());
            }
        }
    }

    #[test]
    fn scores_are_finite_and_statuses_consistent(observed in finite_or_not(), threshold in finite_or_not()) {
        match score(observed, threshold) {
            Some(s) => prop_assert!(s.is_finite() && (0.0..=MAX_SCORE).contains(&s)),
            None => prop_assert!(!(observed >= 0.0 && observed.is_finite() && threshold > 0.0 && threshold.is_finite())),
        }
        let status = Status::from_score(score(observed, threshold), Tolerance::Moderate.bands());
        prop_assert_eq!(status == Status::Unknown, score(observed, threshold).is_none());
    }
}
