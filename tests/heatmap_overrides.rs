//! `snapshot({ percentile, tolerance, palette, window })`: one snapshot judged with the viewer's choices instead
//! of the config's, on the same latency state, and unusable choices refused naming the option.

mod heatmap_support;

use heatmap_support::{exact_quantile, Traces};
use latency_heatmap::aggregate::SnapshotWindow;
use latency_heatmap::catalog::Percentile;
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, HeatMapError, HeatNode, Snapshot, SnapshotOptions};
use latency_heatmap::options::OptionError;
use latency_heatmap::telemetry::Format;

/// `a` is judged at p99 by its own annotation, against 80 ms.
const CATALOG: &str = r#"[
  {"kind":"Component","metadata":{"name":"a",
   "annotations":{"latencyheatmap/percentile":"p99","latencyheatmap/latency-slo":"80ms"}},"spec":{}}
]"#;

/// `a` served 100 requests, one a second: request i starts at i s and takes i + 1 ms. Returns each sample with
/// the event time (ms after `T0_MS`) it ended at.
fn heat_map(config: &str) -> (HeatMap, Vec<(f64, f64)>) {
    let config: HeatMapConfig = serde_json::from_str(config).expect("config");
    let mut map = HeatMap::new(config).expect("heat map");
    map.set_catalog(CATALOG.as_bytes());
    let mut traces = Traces::new();
    let mut samples = Vec::new();
    for i in 0..100 {
        let (start, ms) = (f64::from(i) * 1000.0, f64::from(i + 1));
        traces.request("a", start, ms, false);
        samples.push((start + ms, ms));
    }
    let report = map.ingest(Format::Otlp, &traces.otlp());
    assert_eq!(report.rejected, 0, "{report:?}");
    (map, samples)
}

fn snapshot(map: &mut HeatMap, options: &str) -> Snapshot {
    let options = SnapshotOptions::from_json(options.as_bytes()).expect("options");
    map.snapshot(&options).expect("snapshot")
}

fn a(snapshot: &Snapshot) -> &HeatNode {
    snapshot.nodes.iter().find(|n| n.latency.id == "a").expect("node a")
}

fn close(got: Option<f64>, want: f64) {
    let got = got.expect("a figure");
    assert!((got - want).abs() <= 0.01 * want, "{got} vs exact {want}");
}

#[test]
fn the_percentile_asked_for_wins_over_the_annotation_and_the_config() {
    let (mut map, samples) = heat_map(r#"{ "window": "all", "percentile": "p95" }"#);
    let values: Vec<f64> = samples.iter().map(|(_, ms)| *ms).collect();
    let (p50, p95, p99) = (exact_quantile(&values, 0.5), exact_quantile(&values, 0.95), exact_quantile(&values, 0.99));
    assert_eq!((p50, p95, p99), (50.0, 95.0, 99.0));

    // Without an override the entity's own p99 is judged.
    let plain = snapshot(&mut map, "{}");
    assert_eq!(a(&plain).judgement.percentile, Percentile::P99);
    close(a(&plain).judgement.observed_ms, p99);

    let median = snapshot(&mut map, r#"{ "percentile": "p50" }"#);
    let judgement = &a(&median).judgement;
    assert_eq!(judgement.percentile, Percentile::P50);
    close(judgement.observed_ms, p50);
    assert_eq!(judgement.threshold_ms, Some(80.0));
    close(judgement.score, p50 / 80.0);
    // Entry points are summed at the same percentile.
    assert_eq!(median.entry_points.iter().map(|e| e.percentile).collect::<Vec<_>>(), [Percentile::P50]);
    assert_eq!(median.scorecard.get("component:default/a").map(|e| e.percentile), Some(Percentile::P50));

    let tail = snapshot(&mut map, r#"{ "percentile": "p95" }"#);
    assert_eq!(a(&tail).judgement.percentile, Percentile::P95);
    close(a(&tail).judgement.observed_ms, p95);
    // The figures themselves do not move: only what is judged.
    assert_eq!(a(&median).latency.stats, a(&tail).latency.stats);
}

#[test]
fn a_percentile_asked_for_leaves_out_the_looser_percentile_warning_of_the_annotation_it_replaces() {
    let (mut map, _) = heat_map(r#"{ "window": "all", "percentile": "p99", "enforceDefaults": true }"#);
    map.set_catalog(
        br#"[{"kind":"Component","metadata":{"name":"a","annotations":{"latencyheatmap/percentile":"p50"}},"spec":{}}]"#,
    );
    let looser = |s: &Snapshot| s.warnings.iter().filter(|w| w.code == "evaluate.looser-percentile").count();
    // The config's percentile is enforced over the looser annotation, and the snapshot says so.
    let configured = snapshot(&mut map, "{}");
    assert_eq!((looser(&configured), a(&configured).judgement.percentile), (1, Percentile::P99));
    // The viewer's percentile replaces both: the warning would name a default that is not used.
    let chosen = snapshot(&mut map, r#"{"percentile":"p90"}"#);
    assert_eq!((looser(&chosen), a(&chosen).judgement.percentile), (0, Percentile::P90));
}

#[test]
fn palette_and_tolerance_asked_for_colour_and_judge_as_that_config_would() {
    let (mut rag, _) = heat_map(r#"{ "window": "all" }"#);
    let (mut viridis, _) = heat_map(r#"{ "window": "all", "palette": "viridis", "tolerance": "aggressive" }"#);
    let plain = snapshot(&mut rag, "{}");
    let asked = snapshot(&mut rag, r#"{ "palette": "viridis", "tolerance": "aggressive" }"#);
    let configured = snapshot(&mut viridis, "{}");
    assert_ne!(a(&asked).judgement.color, a(&plain).judgement.color);
    assert_eq!(a(&asked).judgement.color, a(&configured).judgement.color);
    assert_eq!(a(&asked).judgement.status, a(&configured).judgement.status);
    // p99 ≈ 99 ms against 80 ms: red under moderate tolerance, and so the rag red.
    assert_eq!(a(&plain).judgement.color.fill, snapshot(&mut rag, r#"{ "palette": "rag" }"#).nodes[0].judgement.color.fill);
    let custom = snapshot(&mut rag, r##"{ "palette": ["#00ff00", "#0000ff"] }"##);
    assert_eq!(a(&custom).judgement.color.fill, "#0000ff");
}

#[test]
fn a_shorter_window_reads_only_the_newest_slices() {
    // 100 s kept in ten 10 s slices; the newest sample ends at 99.1 s, in the slice 90..100 s.
    let (mut map, samples) = heat_map(r#"{ "window": "100s" }"#);
    let newest = samples.iter().map(|(end, _)| *end).fold(0.0, f64::max);
    let slice_of = |end: f64| (end / 10_000.0).floor();
    let in_slices = |slices: f64| -> Vec<f64> {
        samples.iter().filter(|(end, _)| slice_of(*end) > slice_of(newest) - slices).map(|(_, ms)| *ms).collect()
    };

    let full = snapshot(&mut map, "{}");
    assert_eq!(full.window, SnapshotWindow::Millis(100_000.0));
    assert_eq!(a(&full).latency.stats.window_count, 100);
    close(a(&full).latency.stats.p50_ms, exact_quantile(&in_slices(10.0), 0.5));

    let one = snapshot(&mut map, r#"{ "window": "10s" }"#);
    let newest_slice = in_slices(1.0);
    assert_eq!(newest_slice, (91..=100).map(f64::from).collect::<Vec<_>>());
    assert_eq!(one.window, SnapshotWindow::Millis(10_000.0));
    let stats = &a(&one).latency.stats;
    assert_eq!(stats.window_count, 10);
    assert_eq!(stats.rate_per_sec, Some(1.0));
    close(stats.p50_ms, exact_quantile(&newest_slice, 0.5));
    assert_eq!(exact_quantile(&newest_slice, 0.5), 95.0);
    // Counts since the start are not windowed.
    assert_eq!(stats.count, 100);

    // 15 s rounds up to two slices, and says so.
    let two = snapshot(&mut map, r#"{ "window": 15000 }"#);
    assert_eq!(two.window, SnapshotWindow::Millis(20_000.0));
    assert_eq!(a(&two).latency.stats.window_count, in_slices(2.0).len() as u64);
    assert_eq!(a(&two).latency.stats.window_count, 20);
    // The whole window asked for is the plain snapshot.
    assert_eq!(a(&snapshot(&mut map, r#"{ "window": "100s" }"#)).latency.stats, a(&full).latency.stats);
}

#[test]
fn unusable_overrides_are_refused_naming_the_option() {
    let (mut map, _) = heat_map(r#"{ "window": "100s" }"#);
    let refused = |map: &mut HeatMap, options: &str| -> String {
        match SnapshotOptions::from_json(options.as_bytes()) {
            Err(error) => error.to_string(),
            Ok(read) => match map.snapshot(&read) {
                Err(error) => error.to_string(),
                Ok(_) => panic!("{options} was accepted"),
            },
        }
    };
    assert_eq!(
        refused(&mut map, r#"{ "window": "2m" }"#),
        "snapshot options: window: 120000 ms is longer than the config's window of 100000 ms"
    );
    assert_eq!(
        refused(&mut map, r#"{ "window": "all" }"#),
        "snapshot options: window: \"all\" is longer than the config's window of 100000 ms"
    );
    assert_eq!(
        refused(&mut map, r#"{ "window": "-5s" }"#),
        "snapshot options: window: negative duration \"-5s\": durations must be zero or more"
    );
    assert_eq!(
        refused(&mut map, r##"{ "palette": ["#00ff00", "green"] }"##),
        "snapshot options: palette: anchor colour #1: colour \"green\" is not a hex colour (expected #rgb or #rrggbb)"
    );
    assert_eq!(
        refused(&mut map, r#"{ "percentile": "p75" }"#),
        "percentile: unknown variant `p75`, expected one of `p50`, `p90`, `p95`, `p99`"
    );
    assert_eq!(
        refused(&mut map, r#"{ "tolerance": "reckless" }"#),
        "tolerance: unknown variant `reckless`, expected one of `conservative`, `moderate`, `aggressive`"
    );
    // Typed: what the bindings turn into INVALID_ARGUMENT.
    let options = SnapshotOptions::from_json(br#"{ "window": "2m" }"#).expect("reads as options");
    assert!(matches!(
        map.snapshot(&options),
        Err(HeatMapError::SnapshotOption(OptionError::BadValue { path, .. })) if path == "window"
    ));
    let (mut all, _) = heat_map(r#"{ "window": "all" }"#);
    assert_eq!(
        refused(&mut all, r#"{ "window": "1m" }"#),
        "snapshot options: window: the config's window is \"all\", which keeps no slices to read a shorter window from"
    );
    assert_eq!(snapshot(&mut all, r#"{ "window": "all" }"#).window, SnapshotWindow::All);
}
