//! The whole pipeline through `HeatMap`: real OpenTelemetry SDK traces and a catalog of the same system, judged
//! against thresholds from annotations, coloured, and laid out.

use latency_heatmap::evaluate::{Status, ThresholdSource};
use latency_heatmap::heatmap::{HeatEdge, HeatMap, HeatMapConfig, HeatNode, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog/otel-shop.json");
const TRACES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/otel-sdk");

fn heat_map(config: &str) -> HeatMap {
    let config: HeatMapConfig = serde_json::from_str(config).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    let report = map.set_catalog(&std::fs::read(CATALOG).expect("catalog fixture"));
    assert_eq!(report.entities, 18);
    map
}

fn shop(format: Format, file: &str) -> Snapshot {
    let mut map = heat_map(r#"{ "window": "all", "defaults": { "latencySlo": "500ms" } }"#);
    let report = map.ingest(format, &std::fs::read(format!("{TRACES}/{file}")).expect("trace fixture"));
    assert_eq!((report.accepted, report.rejected), (608, 0));
    map.snapshot(&SnapshotOptions::default()).expect("snapshot")
}

fn node<'a>(snapshot: &'a Snapshot, id: &str) -> &'a HeatNode {
    snapshot.nodes.iter().find(|n| n.latency.id == id).unwrap_or_else(|| panic!("no node {id}"))
}

fn edge<'a>(snapshot: &'a Snapshot, id: &str) -> &'a HeatEdge {
    snapshot.edges.iter().find(|e| e.latency.id == id).unwrap_or_else(|| panic!("no edge {id}"))
}

#[test]
fn services_map_onto_catalog_entities_by_name_and_by_service_name_annotation() {
    let snapshot = shop(Format::Otlp, "otlp.json");
    assert_eq!(node(&snapshot, "frontend").entity_ref.as_deref(), Some("component:default/frontend"));
    assert_eq!(node(&snapshot, "frontend").label, "Web frontend");
    assert_eq!(node(&snapshot, "redis").entity_ref.as_deref(), Some("resource:default/cart-cache"));
    assert_eq!(node(&snapshot, "orders").entity_ref.as_deref(), Some("resource:default/orders-db"));
    // Uninstrumented and unknown to the catalog: still on the map, labelled with its service name.
    let currency = node(&snapshot, "currency-api");
    assert_eq!((currency.entity_ref.as_deref(), currency.label.as_str()), (None, "currency-api"));
}

#[test]
fn nodes_are_judged_against_their_own_annotations() {
    let snapshot = shop(Format::Otlp, "otlp.json");
    let status = |id| node(&snapshot, id).judgement.status;
    // checkout p95 ≈ 43 ms against its 50 ms SLO: 0.87, amber under the moderate profile (0.8–1.0).
    assert_eq!(status("checkout"), Status::Amber);
    // shipping p95 ≈ 12 ms against 10 ms: red. cart ≈ 9 ms against 20 ms: green.
    assert_eq!(status("shipping"), Status::Red);
    assert_eq!(status("cart"), Status::Green);
    let checkout = &node(&snapshot, "checkout").judgement;
    assert_eq!(checkout.threshold_source, ThresholdSource::EntityAnnotation);
    assert_eq!(checkout.threshold_ms, Some(50.0));
    let score = checkout.score.expect("score");
    assert!((score - checkout.observed_ms.expect("observed") / 50.0).abs() < 1e-9);
    // "300 ms" parses.
    assert_eq!(node(&snapshot, "inventory").judgement.threshold_ms, Some(300.0));
    // email has no annotation: the config default applies.
    assert_eq!(node(&snapshot, "email").judgement.threshold_source, ThresholdSource::ConfigDefault);
}

#[test]
fn edges_prefer_the_callers_edge_annotation_then_the_callees_slo() {
    let snapshot = shop(Format::Otlp, "otlp.json");
    let payment = &edge(&snapshot, "checkout→payment:sync").judgement;
    assert_eq!((payment.threshold_source, payment.threshold_ms), (ThresholdSource::EdgeAnnotation, Some(25.0)));
    assert_eq!(payment.status, Status::Red);
    let cache = &edge(&snapshot, "cart→redis:database").judgement;
    assert_eq!((cache.threshold_source, cache.threshold_ms), (ThresholdSource::EntityAnnotation, Some(5.0)));
}

#[test]
fn bad_annotations_warn_and_the_rest_still_shows() {
    let snapshot = shop(Format::Otlp, "otlp.json");
    let bad = snapshot
        .warnings
        .iter()
        .find(|w| w.code == "evaluate.bad-annotation")
        .unwrap_or_else(|| panic!("no bad-annotation warning in {:?}", snapshot.warnings));
    assert!(bad.message.contains("payment") && bad.message.contains("fast"), "{}", bad.message);
    // payment still gets judged on its latency SLO.
    assert_ne!(node(&snapshot, "payment").judgement.status, Status::Unknown);
}

#[test]
fn colours_follow_status_and_output_has_no_nan() {
    let snapshot = shop(Format::Otlp, "otlp.json");
    for node in &snapshot.nodes {
        let colour = &node.judgement.color;
        assert!(colour.fill.len() == 7 && colour.fill.starts_with('#'), "{}", colour.fill);
        if node.judgement.status == Status::Unknown {
            assert!(node.judgement.score.is_none());
        }
    }
    assert_ne!(node(&snapshot, "shipping").judgement.color.fill, node(&snapshot, "cart").judgement.color.fill);
    let judgements = snapshot.nodes.iter().map(|n| &n.judgement).chain(snapshot.edges.iter().map(|e| &e.judgement));
    for judgement in judgements {
        let numbers = [judgement.score, judgement.observed_ms, judgement.threshold_ms];
        assert!(numbers.iter().flatten().all(|n| n.is_finite() && *n >= 0.0), "{judgement:?}");
    }
}

#[test]
fn the_three_formats_of_the_same_traces_give_the_same_map() {
    let ids = |snapshot: &Snapshot| snapshot.nodes.iter().map(|n| n.latency.id.clone()).collect::<Vec<_>>();
    let otlp = shop(Format::Otlp, "otlp.json");
    assert_eq!(ids(&shop(Format::Jaeger, "jaeger.json")), ids(&otlp));
    let statuses = |snapshot: &Snapshot| snapshot.nodes.iter().map(|n| n.judgement.status).collect::<Vec<_>>();
    assert_eq!(statuses(&shop(Format::Jaeger, "jaeger.json")), statuses(&otlp));
}

#[test]
fn snapshot_lays_out_every_node_when_asked() {
    let mut map = heat_map(r#"{ "window": "all" }"#);
    map.ingest(Format::Otlp, &std::fs::read(format!("{TRACES}/otlp.json")).expect("fixture"));
    let options: SnapshotOptions = serde_json::from_str(r#"{ "layout": { "direction": "LR", "nodeWidth": 120 } }"#).expect("options");
    let snapshot = map.snapshot(&options).expect("snapshot");
    let layout = snapshot.layout.expect("layout");
    assert_eq!(layout.nodes.len(), snapshot.nodes.len());
    assert!(layout.nodes.iter().all(|n| n.width == 120.0 && n.x.is_finite() && n.y.is_finite()));
    assert_eq!(layout.edges.len(), snapshot.edges.len());
}

#[test]
fn bad_config_is_a_typed_error_naming_the_field() {
    let config: HeatMapConfig = serde_json::from_str(r#"{ "window": "fast" }"#).expect("parses as text");
    let error = HeatMap::new(config).err().expect("rejected");
    assert!(error.to_string().contains("window"), "{error}");
    let config: HeatMapConfig = serde_json::from_str(r##"{ "palette": ["#00ff00", "#ĽB0000"] }"##).expect("parses");
    assert!(HeatMap::new(config).is_err(), "non-ASCII hex must be rejected, not panic");
}
