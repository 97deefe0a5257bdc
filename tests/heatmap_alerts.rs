//! `snapshot().alerts`: every amber/red node and edge, worst first, dated by the first snapshot that saw the breach
//! (kept across ingests and snapshots; a breach that clears and comes back starts again). Error rate breaches are
//! listed even where the colour follows latency.

mod heatmap_support;

use heatmap_support::Traces;
use latency_heatmap::evaluate::{Alert, AlertKind, Metric, Status};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;

const CATALOG: &str = r#"[
  {"kind":"Component","metadata":{"name":"a","annotations":{"latencyheatmap/latency-slo":"50ms"}},"spec":{}}
]"#;

fn heat_map() -> HeatMap {
    let config = r#"{ "window": "10s", "defaults": { "latencySlo": "100ms", "errorRate": 0.1 } }"#;
    let config: HeatMapConfig = serde_json::from_str(config).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(CATALOG.as_bytes());
    map
}

/// Ten requests to each service at `at_ms`, each with its latency; `errors` of them failing.
fn batch(map: &mut HeatMap, at_ms: f64, services: &[(&str, f64, usize)]) -> Snapshot {
    let mut traces = Traces::new();
    for (service, ms, errors) in services {
        for i in 0..10 {
            traces.request(service, at_ms + i as f64, *ms, i < *errors);
        }
    }
    let report = map.ingest(Format::Otlp, &traces.otlp());
    assert_eq!(report.rejected, 0, "{report:?}");
    map.snapshot(&SnapshotOptions::default()).expect("snapshot")
}

fn node_alerts(snapshot: &Snapshot) -> Vec<(&str, Metric, Status, f64)> {
    snapshot
        .alerts
        .iter()
        .filter(|a| a.breach.kind == AlertKind::Node)
        .map(|a| (a.breach.id.as_str(), a.breach.metric, a.breach.evaluation.status, a.since))
        .collect()
}

fn assert_worst_first(alerts: &[Alert]) {
    for pair in alerts.windows(2) {
        let key = |a: &Alert| (a.breach.evaluation.status, a.breach.evaluation.score.unwrap_or(-1.0));
        let (first, second) = (key(&pair[0]), key(&pair[1]));
        assert!(first.0 > second.0 || (first.0 == second.0 && first.1 >= second.1), "{first:?} before {second:?}");
    }
}

#[test]
fn alerts_are_sorted_red_first_then_by_score_and_include_error_rate() {
    let mut map = heat_map();
    // a: 60 ms against its 50 ms SLO (red, 1.2); b: 85 ms against the 100 ms default (amber, 0.85); c: fast but
    // half its requests fail (error rate 0.5 against 0.1: red, 5.0).
    let snapshot = batch(&mut map, 0.0, &[("a", 60.0, 0), ("b", 85.0, 0), ("c", 10.0, 5)]);
    let now = snapshot.generated_at.expect("event time");
    assert_eq!(
        node_alerts(&snapshot),
        [
            ("c", Metric::ErrorRate, Status::Red, now),
            ("a", Metric::LatencySlo, Status::Red, now),
            ("b", Metric::LatencySlo, Status::Amber, now)
        ]
    );
    assert_worst_first(&snapshot.alerts);
    let c = snapshot.alerts.iter().find(|a| a.breach.id == "c").expect("c");
    assert_eq!((c.breach.observed_rate, c.breach.threshold_rate), (Some(0.5), Some(0.1)));
    assert_eq!((c.breach.observed_ms, c.breach.percentile), (None, None));
    // c's colour stays on latency (green) although it alerts on errors.
    let c_node = snapshot.nodes.iter().find(|n| n.latency.id == "c").expect("node c");
    assert_eq!(c_node.judgement.status, Status::Green);

    let a = snapshot.alerts.iter().find(|a| a.breach.id == "a").expect("a");
    assert_eq!(a.breach.entity_ref, "component:default/a");
    assert_eq!((a.breach.observed_ms, a.breach.threshold_ms), (Some(60.0), Some(50.0)));
    // Unknown to the catalog: the service name stands in for the entity ref.
    let b = snapshot.alerts.iter().find(|a| a.breach.id == "b").expect("b");
    assert_eq!(b.breach.entity_ref, "b");

    // The calls from `user` into b and c breach too, as edges.
    let edge = snapshot.alerts.iter().find(|a| a.breach.kind == AlertKind::Edge && a.breach.id == "user→b:sync");
    assert_eq!(edge.map(|e| (e.breach.metric, e.breach.target_ref.as_deref())), Some((Metric::EdgeSlo, Some("b"))));

    let json = serde_json::to_value(&snapshot.alerts[0]).expect("json");
    let mut keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "entityRef",
            "id",
            "kind",
            "metric",
            "observedMs",
            "observedRate",
            "percentile",
            "score",
            "since",
            // Latency breaches say so; Alertmanager alerts add their own fields (tests/alertmanager_join.rs).
            "source",
            "status",
            "targetRef",
            "thresholdMs",
            "thresholdRate"
        ]
    );
    assert_eq!(json["source"], "latency");
}

#[test]
fn since_is_the_first_snapshot_of_a_continuous_breach() {
    let mut map = heat_map();
    // The window is 10 s: each batch 20 s after the last sees only its own requests.
    let first = batch(&mut map, 0.0, &[("a", 60.0, 0), ("b", 20.0, 0), ("c", 10.0, 5)]);
    let t1 = first.generated_at.expect("t1");
    assert_eq!(
        node_alerts(&first),
        [("c", Metric::ErrorRate, Status::Red, t1), ("a", Metric::LatencySlo, Status::Red, t1)]
    );

    // Taking the same snapshot again changes nothing.
    let again = map.snapshot(&SnapshotOptions::default()).expect("snapshot");
    assert_eq!(node_alerts(&again), node_alerts(&first));

    let second = batch(&mut map, 20_000.0, &[("a", 60.0, 0), ("b", 85.0, 0)]);
    let t2 = second.generated_at.expect("t2");
    assert!(t2 > t1);
    // a still breaches since t1; b is new; c left the window (no error rate to judge) and is no longer listed.
    assert_eq!(
        node_alerts(&second),
        [("a", Metric::LatencySlo, Status::Red, t1), ("b", Metric::LatencySlo, Status::Amber, t2)]
    );
    // c's call is still held, with nothing in the window: not observed.
    let c_edge = second.edges.iter().find(|e| e.latency.id == "user→c:sync").expect("edge to c");
    assert!(!c_edge.observed);

    let third = batch(&mut map, 40_000.0, &[("a", 20.0, 0), ("b", 85.0, 0)]);
    assert_eq!(node_alerts(&third), [("b", Metric::LatencySlo, Status::Amber, t2)]);

    // a breaches again: a new breach, dated now.
    let fourth = batch(&mut map, 60_000.0, &[("a", 60.0, 0), ("b", 85.0, 0)]);
    let t4 = fourth.generated_at.expect("t4");
    assert_eq!(
        node_alerts(&fourth),
        [("a", Metric::LatencySlo, Status::Red, t4), ("b", Metric::LatencySlo, Status::Amber, t2)]
    );

    // A reset forgets when breaches began.
    map.reset();
    let fifth = batch(&mut map, 80_000.0, &[("b", 85.0, 0)]);
    let t5 = fifth.generated_at.expect("t5");
    assert_eq!(node_alerts(&fifth), [("b", Metric::LatencySlo, Status::Amber, t5)]);
}
