//! `snapshot({ level })`: services collapsed into their System or Domain with merged sketches and summed counts
//! (a group's p95 is the p95 of all its members' samples, not an average of their p95s), calls between groups
//! merged, calls inside a group dropped, and groups judged against their own annotations.

mod heatmap_support;

use heatmap_support::{at, edge, edge_ids, exact_quantile, node, Traces};
use latency_heatmap::catalog::Level;
use latency_heatmap::evaluate::{Status, ThresholdSource};
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, Snapshot, SnapshotOptions};
use latency_heatmap::telemetry::Format;

/// Domain d has systems s (with its own 800 ms SLO) and t; a and b are in s, c in t; solo has no system.
const CATALOG: &str = r#"[
  {"kind":"Domain","metadata":{"name":"d"},"spec":{}},
  {"kind":"System","metadata":{"name":"s","title":"System S","annotations":{"latencyheatmap/latency-slo":"800ms"}},
   "spec":{"domain":"d"}},
  {"kind":"System","metadata":{"name":"t"},"spec":{"domain":"d"}},
  {"kind":"Component","metadata":{"name":"a"},"spec":{"system":"s"}},
  {"kind":"Component","metadata":{"name":"b"},"spec":{"system":"s","dependsOn":["component:a"]}},
  {"kind":"Component","metadata":{"name":"c"},"spec":{"system":"t","dependsOn":["component:a"]}},
  {"kind":"Component","metadata":{"name":"solo"},"spec":{}}
]"#;

/// The samples each service's server spans recorded, to compute exact quantiles from.
struct Recorded {
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
}

fn heat_map() -> (HeatMap, Recorded) {
    let config: HeatMapConfig =
        serde_json::from_str(r#"{ "window": "all", "defaults": { "latencySlo": "5s" } }"#).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(CATALOG.as_bytes());
    let mut traces = Traces::new();
    let mut recorded = Recorded { a: Vec::new(), b: Vec::new(), c: Vec::new() };
    // a is fast (1..100 ms), b slow (1000..1099 ms): their p95s average to ~600 ms, the union's p95 is ~1090 ms.
    for i in 0..100 {
        let at = f64::from(i) * 2000.0;
        traces.request("a", at, f64::from(i + 1), false);
        recorded.a.push(f64::from(i + 1));
        traces.request("b", at, 1000.0 + f64::from(i), false);
        recorded.b.push(1000.0 + f64::from(i));
    }
    for i in 0..20 {
        let at = 300_000.0 + f64::from(i) * 2000.0;
        // c → a (t → s), c → b (t → s, undeclared), b → a (inside s).
        traces.call("c", "a", at, 50.0, 30.0, 20.0);
        traces.call("c", "b", at + 500.0, 60.0, 40.0, 30.0);
        traces.call("b", "a", at + 1000.0, 1100.0, 15.0, 10.0);
        recorded.c.extend([50.0, 60.0]);
        recorded.a.extend([20.0, 10.0]);
        recorded.b.extend([30.0, 1100.0]);
    }
    traces.request("solo", 0.0, 5.0, false);
    traces.request("legacy", 0.0, 7.0, false);
    let report = map.ingest(Format::Otlp, &traces.otlp());
    assert_eq!(report.rejected, 0, "{report:?}");
    (map, recorded)
}

#[test]
fn component_level_is_the_default_and_one_node_per_service() {
    let (mut map, _) = heat_map();
    let snapshot = map.snapshot(&SnapshotOptions::default()).expect("snapshot");
    assert_eq!(snapshot.level, Level::Component);
    assert_eq!(node(&snapshot, "a").members, ["a"]);
    assert!(edge_ids(&snapshot).contains(&"b→a:sync"));
    let options: SnapshotOptions = serde_json::from_str(r#"{ "level": "system" }"#).expect("options");
    assert_eq!(options.level, Level::System);
    assert!(serde_json::from_str::<SnapshotOptions>(r#"{ "level": "galaxy" }"#).is_err());
}

#[test]
fn a_system_merges_sketches_and_sums_counts_never_averaging_percentiles() {
    let (mut map, recorded) = heat_map();
    let components = at(&mut map, Level::Component);
    let snapshot = at(&mut map, Level::System);
    let s = node(&snapshot, "system:default/s");
    assert_eq!(s.entity_ref.as_deref(), Some("system:default/s"));
    assert_eq!(s.label, "System S");
    assert_eq!(s.members, ["a", "b"]);
    let (a, b) = (node(&components, "a"), node(&components, "b"));
    assert_eq!(s.latency.stats.count, a.latency.stats.count + b.latency.stats.count);
    assert_eq!(s.latency.stats.count, (recorded.a.len() + recorded.b.len()) as u64);

    let union: Vec<f64> = recorded.a.iter().chain(&recorded.b).copied().collect();
    let exact = exact_quantile(&union, 0.95);
    let merged = s.latency.stats.p95_ms.expect("merged p95");
    assert!((merged - exact).abs() <= 0.01 * exact, "merged p95 {merged} vs exact {exact}");
    let averaged = (a.latency.stats.p95_ms.expect("a p95") + b.latency.stats.p95_ms.expect("b p95")) / 2.0;
    assert!((merged - averaged).abs() > 0.1 * averaged, "merged p95 {merged} looks like an average ({averaged})");
    // Judged against the System's own annotation, not the 5 s default: ~1090 ms against 800 ms is red.
    assert_eq!(s.judgement.threshold_source, ThresholdSource::EntityAnnotation);
    assert_eq!(s.judgement.threshold_ms, Some(800.0));
    assert_eq!(s.judgement.status, Status::Red);
    // t has no annotation: the config default.
    let t = node(&snapshot, "system:default/t");
    assert_eq!(
        (t.judgement.threshold_source, t.judgement.threshold_ms),
        (ThresholdSource::ConfigDefault, Some(5000.0))
    );
}

#[test]
fn calls_between_groups_merge_and_calls_inside_a_group_are_dropped() {
    let (mut map, _) = heat_map();
    let components = at(&mut map, Level::Component);
    let snapshot = at(&mut map, Level::System);
    let between = edge(&snapshot, "system:default/t→system:default/s:sync");
    assert_eq!(between.members, ["c→a:sync", "c→b:sync"]);
    let member_count = |id| edge(&components, id).latency.stats.count;
    assert_eq!(between.latency.stats.count, member_count("c→a:sync") + member_count("c→b:sync"));
    assert_eq!((between.latency.from.as_str(), between.latency.to.as_str()), ("system:default/t", "system:default/s"));
    // c → a is declared, c → b is not: the merged call is declared.
    assert!(between.declared && between.observed);
    assert!(!edge_ids(&snapshot).iter().any(|id| id.starts_with("system:default/s→system:default/s")));
    assert!(!edge_ids(&snapshot).contains(&"b→a:sync"));
    // Every edge connects nodes that are drawn, and the layout places them.
    for e in &snapshot.edges {
        node(&snapshot, &e.latency.from);
        node(&snapshot, &e.latency.to);
    }
    let options: SnapshotOptions = serde_json::from_str(r#"{ "level": "system", "layout": {} }"#).expect("options");
    let layout = map.snapshot(&options).expect("snapshot").layout.expect("layout");
    assert_eq!(layout.nodes.len(), snapshot.nodes.len());
    assert_eq!(layout.edges.len(), snapshot.edges.len());
}

#[test]
fn critical_path_shares_still_add_up_when_collapsed() {
    let (mut map, _) = heat_map();
    let total = |snapshot: &Snapshot| -> f64 {
        let nodes = snapshot.nodes.iter().filter_map(|n| n.latency.critical_path_share);
        let edges = snapshot.edges.iter().filter_map(|e| e.latency.critical_path_share);
        nodes.chain(edges).sum()
    };
    let components = total(&at(&mut map, Level::Component));
    assert!((components - 1.0).abs() < 1e-9, "{components}");
    for level in [Level::System, Level::Domain] {
        let collapsed = total(&at(&mut map, level));
        assert!((collapsed - components).abs() < 1e-9, "{level:?}: {collapsed} vs {components}");
    }
}

#[test]
fn unknown_services_and_entities_without_a_group_stay_as_they_are() {
    let (mut map, _) = heat_map();
    let snapshot = at(&mut map, Level::System);
    let legacy = node(&snapshot, "legacy");
    assert_eq!((legacy.entity_ref.as_deref(), legacy.members.as_slice()), (None, ["legacy".to_owned()].as_slice()));
    let solo = node(&snapshot, "solo");
    assert_eq!(solo.entity_ref.as_deref(), Some("component:default/solo"));
    assert_eq!(solo.latency.stats.count, 1);
}

#[test]
fn a_domain_holds_everything_of_its_systems() {
    let (mut map, recorded) = heat_map();
    let snapshot = at(&mut map, Level::Domain);
    let d = node(&snapshot, "domain:default/d");
    assert_eq!(d.members, ["a", "b", "c"]);
    assert_eq!(d.latency.stats.count, (recorded.a.len() + recorded.b.len() + recorded.c.len()) as u64);
    let all: Vec<f64> = [&recorded.a, &recorded.b, &recorded.c].into_iter().flatten().copied().collect();
    let exact = exact_quantile(&all, 0.99);
    let merged = d.latency.stats.p99_ms.expect("p99");
    assert!((merged - exact).abs() <= 0.01 * exact, "{merged} vs {exact}");
    // Only the calls from outside (`user`) remain; every call between d's services is inside it.
    assert!(snapshot.edges.iter().all(|e| e.latency.from == "user"), "{:?}", edge_ids(&snapshot));
    // The scorecard follows the level: one entry per drawn entity.
    let refs: Vec<&str> = snapshot.scorecard.0.keys().map(String::as_str).collect();
    assert_eq!(refs, ["component:default/solo", "domain:default/d"]);
}
