//! Behaviour through the public API on traces written by the real OpenTelemetry Python SDK
//! (`tests/fixtures/otel-sdk/`, see its README for what the system does): exact counts, pairing, kinds, virtual
//! nodes, errors, self time, critical paths, and quantiles against exact values from the raw spans.

mod common;

use common::*;
use latency_heatmap::aggregate::{AggregateConfig, DurationValue, CallKind, LatencySnapshot, LatencyState, SnapshotWindow};
use latency_heatmap::telemetry::Format;
use std::collections::HashMap;

const OTLP: &str = "otel-sdk/otlp.json";

fn all_formats() -> [(Format, &'static str); 4] {
    [
        (Format::Otlp, "otel-sdk/otlp.json"),
        (Format::Otlp, "otel-sdk/tempo.json"),
        (Format::Jaeger, "otel-sdk/jaeger.json"),
        (Format::Zipkin, "otel-sdk/zipkin.json"),
    ]
}

#[test]
fn every_format_reads_all_608_spans_and_pairs_the_same_calls() {
    for (format, path) in all_formats() {
        let (report, flushed, snapshot) = replay(format, &fixture(path));
        assert_eq!((report.spans_read, report.accepted, report.rejected), (608, 608, 0), "{path}");
        assert_eq!(report.error, None);
        // 40 orders × (frontend→cart, frontend→checkout, checkout→payment, checkout→shipping) + 40 batch links;
        // Zipkin has no links. 40 inferred shipping→inventory calls.
        let links = if format == Format::Zipkin { 0 } else { 40 };
        assert_eq!((report.paired, report.inferred), (160 + links, 40), "{path}");
        // The data spans 40 s of event time and the TTL is 30 s: the first 10 orders' currency-api calls expire
        // during the ingest; the other 30, and the 30 producers still open for links, wait until the flush.
        assert_eq!((report.expired, report.pending), (10, 30 + 30), "{path}");
        assert_eq!((flushed.expired, flushed.pending, flushed.dropped), (30, 0, 0), "{path}");

        let nodes: Vec<(&str, bool, u64)> =
            snapshot.nodes.iter().map(|n| (n.id.as_str(), n.is_virtual, n.stats.count)).collect();
        assert_eq!(
            nodes,
            vec![
                ("cart", false, 40),
                ("checkout", false, 40),
                ("currency-api", true, 0),
                ("email", false, 8),
                ("frontend", false, 40),
                ("inventory", false, 40),
                ("orders", true, 0),
                ("payment", false, 40),
                ("redis", true, 0),
                ("shipping", false, 40),
                ("user", true, 0),
            ],
            "{path}"
        );

        let mut expected = vec![
            ("cart→redis:database", CallKind::Database, false, 40, 0),
            ("checkout→email:async", CallKind::Async, false, 40, 0),
            ("checkout→orders:database", CallKind::Database, false, 40, 0),
            ("checkout→payment:sync", CallKind::Sync, false, 40, 5),
            ("checkout→shipping:async", CallKind::Async, false, 40, 0),
            ("frontend→cart:sync", CallKind::Sync, false, 40, 0),
            ("frontend→checkout:sync", CallKind::Sync, false, 40, 5),
            ("frontend→currency-api:sync", CallKind::Sync, false, 40, 0),
            ("shipping→inventory:sync", CallKind::Sync, true, 40, 0),
            ("user→frontend:sync", CallKind::Sync, false, 40, 5),
        ];
        if format == Format::Zipkin {
            expected.retain(|e| e.0 != "checkout→email:async");
        }
        let edges: Vec<(&str, CallKind, bool, u64, u64)> = snapshot
            .edges
            .iter()
            .map(|e| (e.id.as_str(), e.kind, e.inferred, e.stats.count, e.stats.errors))
            .collect();
        assert_eq!(edges, expected, "{path}");
        for (id, errors) in [("frontend", 5), ("checkout", 5), ("payment", 5), ("cart", 0), ("email", 0)] {
            assert_eq!(node(&snapshot, id).stats.errors, errors, "{path} {id}");
        }
        assert!(snapshot.warnings.is_empty(), "{:?}", snapshot.warnings);
    }
}

#[test]
fn node_and_edge_quantiles_match_the_raw_spans_within_one_percent() {
    let bytes = fixture(OTLP);
    let raw = raw_otlp(&bytes);
    let spans = by_id(&raw);
    let (_, _, snapshot) = replay(Format::Otlp, &bytes);
    let parent_of = |s: &RawSpan| spans.get(&(s.trace.clone(), s.parent.clone())).copied();

    // Nodes: durations of each service's entry spans (SERVER/CONSUMER, or inventory's kind-less callee spans).
    let mut per_service: HashMap<&str, Vec<f64>> = HashMap::new();
    // Sync edges: the CLIENT's duration, the SERVER's, and their gap.
    let mut client: HashMap<String, Vec<f64>> = HashMap::new();
    let mut server: HashMap<String, Vec<f64>> = HashMap::new();
    let mut gap: HashMap<String, Vec<f64>> = HashMap::new();
    let (mut delivery, mut queue) = (Vec::new(), Vec::new());
    for s in &raw {
        let parent = parent_of(s);
        let entry = s.kind == SERVER
            || s.kind == CONSUMER
            || (s.kind != CLIENT && s.kind != PRODUCER && parent.is_none_or(|p| p.service != s.service));
        if entry {
            per_service.entry(&s.service).or_default().push(s.ms());
        }
        if let Some(p) = parent.filter(|p| p.service != s.service) {
            let id = format!("{}→{}:sync", p.service, s.service);
            if p.kind == CLIENT && s.kind == SERVER {
                client.entry(id.clone()).or_default().push(p.ms());
                server.entry(id.clone()).or_default().push(s.ms());
                gap.entry(id).or_default().push(p.ms() - s.ms());
            } else if p.kind == PRODUCER && s.kind == CONSUMER {
                delivery.push((s.end - p.start) as f64 / 1e6);
                queue.push((s.start - p.end) as f64 / 1e6);
            }
        }
    }
    for (service, values) in &per_service {
        let stats = &node(&snapshot, service).stats;
        assert_eq!(stats.count as usize, values.len());
        for (q, got) in [(0.5, stats.p50_ms), (0.95, stats.p95_ms), (0.99, stats.p99_ms)] {
            assert_within_1pct(got, exact_quantile(values, q), &format!("{service} p{q}"));
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((stats.mean_ms.unwrap_or(0.0) - mean).abs() < 1e-9 * mean.max(1.0), "{service} mean");
        assert_eq!(stats.recent_ms.len(), values.len().min(10));
    }
    assert_eq!(client.len(), 3);
    for (id, values) in &client {
        let e = edge(&snapshot, id);
        for (q, got) in [(0.5, e.stats.p50_ms), (0.95, e.stats.p95_ms), (0.99, e.stats.p99_ms)] {
            assert_within_1pct(got, exact_quantile(values, q), &format!("{id} p{q}"));
        }
        let server_stats = e.server_stats.as_ref().map(|s| s.p95_ms).expect("server stats of a paired call");
        assert_within_1pct(server_stats, exact_quantile(&server[id], 0.95), &format!("{id} server p95"));
        assert_within_1pct(e.gap_p95_ms, exact_quantile(&gap[id], 0.95), &format!("{id} gap p95"));
    }
    let shipping = edge(&snapshot, "checkout→shipping:async");
    assert_eq!(delivery.len(), 40);
    assert_within_1pct(shipping.stats.p95_ms, exact_quantile(&delivery, 0.95), "delivery p95");
    assert_within_1pct(shipping.queue_delay_p95_ms, exact_quantile(&queue, 0.95), "queue delay p95");

    // Batch links: consumer end − producer start for each of the 5 producers each email batch links to.
    let batch_delivery: Vec<f64> = raw
        .iter()
        .filter(|s| s.service == "email")
        .flat_map(|s| s.links.iter().map(move |l| (s, l)))
        .filter_map(|(s, l)| spans.get(l).map(|p| (s.end - p.start) as f64 / 1e6))
        .collect();
    assert_eq!(batch_delivery.len(), 40);
    let email = edge(&snapshot, "checkout→email:async");
    assert_within_1pct(email.stats.p50_ms, exact_quantile(&batch_delivery, 0.5), "batch delivery p50");

    // Database edges: the CLIENT span's duration.
    let db: Vec<f64> = raw.iter().filter(|s| s.kind == CLIENT && s.service == "checkout" && s.ms() < 20.0 && {
        parent_of(s).is_some_and(|p| p.kind == SERVER) && !raw.iter().any(|c| c.parent == s.id)
    }).map(RawSpan::ms).collect();
    assert_eq!(db.len(), 40);
    assert_within_1pct(edge(&snapshot, "checkout→orders:database").stats.p95_ms, exact_quantile(&db, 0.95), "db p95");
}

#[test]
fn self_time_is_the_span_minus_its_outgoing_calls() {
    let bytes = fixture(OTLP);
    let raw = raw_otlp(&bytes);
    let (_, _, snapshot) = replay(Format::Otlp, &bytes);
    // frontend's three CLIENT calls run one after another inside the root, so self = root − Σ calls.
    let self_ms: Vec<f64> = raw
        .iter()
        .filter(|s| s.service == "frontend" && s.kind == SERVER)
        .map(|root| {
            let calls: f64 = raw.iter().filter(|c| c.parent == root.id && c.kind == CLIENT).map(RawSpan::ms).sum();
            root.ms() - calls
        })
        .collect();
    assert_eq!(self_ms.len(), 40);
    assert_within_1pct(node(&snapshot, "frontend").stats.self_p95_ms, exact_quantile(&self_ms, 0.95), "frontend self");
    // payment calls nothing: its self time is its whole duration.
    let payment = &node(&snapshot, "payment").stats;
    assert_eq!(payment.self_p95_ms, payment.p95_ms);
}

#[test]
fn critical_path_walks_through_the_skewed_payment_service() {
    let (_, _, snapshot) = replay(Format::Otlp, &fixture(OTLP));
    let frontend = snapshot.entry_points.iter().find(|e| e.id == "frontend").map(|e| e.critical_path.clone());
    assert_eq!(
        frontend.expect("frontend is an entry point"),
        [
            "frontend",
            "frontend→cart:sync",
            "cart",
            "cart→redis:database",
            "cart",
            "frontend→cart:sync",
            "frontend",
            "frontend→checkout:sync",
            "checkout",
            "checkout→payment:sync",
            "payment",
            "checkout→payment:sync",
            "checkout",
            "checkout→orders:database",
            "checkout",
            "checkout→shipping:async",
            "checkout",
            "frontend→checkout:sync",
            "frontend",
            "frontend→currency-api:sync",
            "frontend",
        ]
    );
    // payment's clock is 40 ms ahead, so its span lies after its client's end: without skew tolerance it would
    // be off the path. Its share is its fraud check, the largest single piece of work.
    let payment = node(&snapshot, "payment").critical_path_share.unwrap_or(0.0);
    assert!(payment > 0.15, "{payment}");
    let total: f64 = snapshot.nodes.iter().filter_map(|n| n.critical_path_share).sum::<f64>()
        + snapshot.edges.iter().filter_map(|e| e.critical_path_share).sum::<f64>();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    // Consumers run after the request returned: never on its critical path.
    assert_eq!(node(&snapshot, "shipping").critical_path_share, Some(0.0));
    let entry = snapshot.entry_points.iter().find(|e| e.id == "frontend").and_then(|e| e.p95_ms);
    assert_eq!(entry, node(&snapshot, "frontend").stats.p95_ms);
}

#[test]
fn formats_agree_on_the_figures() {
    let (_, _, otlp) = replay(Format::Otlp, &fixture(OTLP));
    let (_, _, tempo) = replay(Format::Otlp, &fixture("otel-sdk/tempo.json"));
    assert_eq!(otlp, tempo);
    for (format, path) in [(Format::Jaeger, "otel-sdk/jaeger.json"), (Format::Zipkin, "otel-sdk/zipkin.json")] {
        let (_, _, other) = replay(format, &fixture(path));
        for n in &otlp.nodes {
            let m = node(&other, &n.id);
            // Jaeger and Zipkin keep microseconds: figures agree to well within the sketch's 1 %.
            if let Some(p95) = n.stats.p95_ms {
                assert_within_1pct(m.stats.p95_ms, p95, &format!("{path} {}", n.id));
            }
        }
        for e in other.edges.iter() {
            assert_within_1pct(e.stats.p95_ms, edge(&otlp, &e.id).stats.p95_ms.unwrap_or(0.0), &format!("{path} {}", e.id));
        }
    }
}

/// The OTLP document split into one with frontend's spans and one with everyone else's.
fn split_by_service(bytes: &[u8], first: &str) -> (Vec<u8>, Vec<u8>) {
    let doc: serde_json::Value = serde_json::from_slice(bytes).expect("OTLP fixture");
    let all = doc["resourceSpans"].as_array().cloned().expect("resourceSpans");
    let is_first = |rs: &serde_json::Value| rs.to_string().contains(&format!("\"stringValue\":\"{first}\""));
    let (a, b): (Vec<_>, Vec<_>) = all.into_iter().partition(is_first);
    let doc = |v: Vec<serde_json::Value>| serde_json::json!({ "resourceSpans": v }).to_string().into_bytes();
    (doc(a), doc(b))
}

#[test]
fn calls_pair_across_polls_and_state_persists_until_reset() {
    let (frontend, rest) = split_by_service(&fixture(OTLP), "frontend");
    // The frontend's spans cover 40 s of event time: a TTL above that keeps its first calls waiting for poll 2.
    let config = AggregateConfig {
        window: DurationValue::Text("all".into()),
        ttl: DurationValue::Text("2m".into()),
        ..AggregateConfig::default()
    };
    let mut state = LatencyState::new(config).unwrap_or_else(|e| panic!("{e}"));
    let first = state.ingest(Format::Otlp, &frontend);
    assert_eq!((first.accepted, first.paired), (160, 0));
    let second = state.ingest(Format::Otlp, &rest);
    assert_eq!(second.accepted, 448);
    // The servers of the second poll meet the clients waiting from the first without waiting for the TTL.
    let before_flush = state.snapshot();
    assert_eq!(edge(&before_flush, "frontend→cart:sync").stats.count, 40);
    assert_eq!(edge(&before_flush, "frontend→checkout:sync").server_stats.as_ref().map(|s| s.count), Some(40));
    state.flush_pending();
    let split = state.snapshot();
    let (_, _, whole) = replay(Format::Otlp, &fixture(OTLP));
    assert_eq!(ids(&split), ids(&whole));
    for e in &whole.edges {
        assert_eq!(edge(&split, &e.id).stats.count, e.stats.count, "{}", e.id);
    }

    state.reset();
    let empty = state.snapshot();
    assert!(empty.nodes.is_empty() && empty.edges.is_empty() && empty.entry_points.is_empty());
    assert_eq!(empty.generated_at, None);
}

#[test]
fn sliding_window_runs_in_event_time() {
    let mut state = state_with("10s");
    state.ingest(Format::Otlp, &fixture(OTLP));
    let snapshot = state.snapshot();
    assert_eq!(snapshot.window, SnapshotWindow::Millis(10_000.0));
    let frontend = &node(&snapshot, "frontend").stats;
    // 40 orders, one per second: the last 10 s hold 10 or 11 of them (slices are 1 s wide).
    assert_eq!(frontend.count, 40);
    assert!((10..=11).contains(&frontend.window_count), "{}", frontend.window_count);
    let rate = frontend.rate_per_sec.unwrap_or(0.0);
    assert!((1.0..=1.1).contains(&rate), "{rate}");
    // generatedAt is the newest span end (event time), not the wall clock.
    let newest = raw_otlp(&fixture(OTLP)).iter().map(|s| s.end).max().unwrap_or(0) as f64 / 1e6;
    assert_eq!(snapshot.generated_at, Some(newest));
}

#[test]
fn snapshot_and_report_serialise_as_the_js_api_without_nan() {
    let mut state = state_with("5m");
    let report = state.ingest(Format::Otlp, &fixture(OTLP));
    let report_json = serde_json::to_value(&report).expect("report as JSON");
    for key in ["format", "spansRead", "accepted", "rejected", "rejections", "paired", "inferred", "pending", "expired", "dropped"] {
        assert!(report_json.get(key).is_some(), "report lacks {key}: {report_json}");
    }
    assert_eq!(report_json["format"], "otlp");
    let snapshot = state.snapshot();
    let text = serde_json::to_string(&snapshot).expect("snapshot as JSON");
    assert!(!text.contains("NaN") && !text.contains("Infinity"), "{text}");
    let value: serde_json::Value = serde_json::from_str(&text).expect("snapshot JSON reads back");
    for key in ["generatedAt", "window", "nodes", "edges", "entryPoints", "warnings"] {
        assert!(value.get(key).is_some(), "snapshot lacks {key}");
    }
    let stats = &value["nodes"][0]["stats"];
    for key in ["count", "errors", "errorRate", "ratePerSec", "meanMs", "ewmaMs", "p50Ms", "p95Ms", "p99Ms", "recentMs"] {
        assert!(stats.get(key).is_some(), "stats lack {key}: {stats}");
    }
    let edge = &value["edges"][0];
    for key in ["id", "from", "to", "kind", "inferred", "stats", "gapP95Ms", "queueDelayP95Ms", "criticalPathShare"] {
        assert!(edge.get(key).is_some(), "edge lacks {key}: {edge}");
    }
    assert_eq!(value["window"], 300_000.0);
    // Deserialize too (the evaluation layer and JS tests read snapshots back); floats round-trip to ~1 ulp.
    let back: LatencySnapshot = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&back), ids(&snapshot));
    assert_eq!(back.entry_points.len(), snapshot.entry_points.len());
    for (a, b) in back.nodes.iter().zip(&snapshot.nodes) {
        assert_eq!((&a.id, a.is_virtual, a.stats.count), (&b.id, b.is_virtual, b.stats.count));
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * y.abs(),
            (x, y) => x == y,
        };
        assert!(close(a.stats.p95_ms, b.stats.p95_ms) && close(a.critical_path_share, b.critical_path_share), "{}", a.id);
    }
}

#[test]
fn group_stats_merge_like_one_key() {
    let mut state = state_with("all");
    state.ingest(Format::Otlp, &fixture(OTLP));
    let settings = state.settings().stats;
    let (Some(cart), Some(checkout)) = (state.stats_for_node("cart"), state.stats_for_node("checkout")) else {
        panic!("nodes missing")
    };
    let mut group = cart.latency.clone();
    group.merge(&checkout.latency, &settings);
    let watermark = state.snapshot().generated_at.unwrap_or(0.0);
    let merged = group.view(&settings, watermark, 0.0);
    assert_eq!(merged.count, 80);
    assert_eq!(merged.errors, 5);
    let raw = raw_otlp(&fixture(OTLP));
    let both: Vec<f64> =
        raw.iter().filter(|s| s.kind == SERVER && (s.service == "cart" || s.service == "checkout")).map(RawSpan::ms).collect();
    assert_within_1pct(merged.p95_ms, exact_quantile(&both, 0.95), "merged p95");
    assert!(state.stats_for_edge("frontend→cart:sync").is_some());
}
