//! The public sample data in `../shared/data/` (Zipkin's own test traces, a Jaeger benchmark export), read as
//! they are: real-world shapes (B3 shared spans, clock skew, spans without duration, kind-less clients).

mod common;

use common::*;
use latency_heatmap::telemetry::Format;

fn edges(snapshot: &latency_heatmap::aggregate::LatencySnapshot) -> Vec<(String, bool, u64)> {
    snapshot.edges.iter().map(|e| (e.id.clone(), e.inferred, e.stats.count)).collect()
}

fn owned(list: &[(&str, bool, u64)]) -> Vec<(String, bool, u64)> {
    list.iter().map(|(id, inferred, n)| (id.to_string(), *inferred, *n)).collect()
}

#[test]
fn zipkin_skew_pairs_the_shared_span_and_keeps_the_skewed_server_on_the_path() {
    let (report, _, snapshot) = replay(Format::Zipkin, &shared("zipkin/skew.json"));
    assert_eq!((report.accepted, report.paired, report.inferred), (4, 1, 0));
    assert_eq!(edges(&snapshot), owned(&[("servicea→serviceb:sync", false, 1), ("user→servicea:sync", false, 1)]));
    let sync = edge(&snapshot, "servicea→serviceb:sync");
    assert_eq!(sync.stats.p50_ms, Some(94.539)); // the CLIENT span, exact for one sample
    assert_eq!(sync.server_stats.as_ref().and_then(|s| s.p50_ms), Some(93.577));
    // serviceb's clock is 65 ms behind: its span starts before its client. Shifted inside, it carries the path.
    let path = snapshot.entry_points.first().map(|e| e.critical_path.clone()).expect("an entry point");
    assert_eq!(path, ["servicea", "servicea→serviceb:sync", "serviceb", "servicea→serviceb:sync", "servicea"]);
    assert!(node(&snapshot, "serviceb").critical_path_share.unwrap_or(0.0) > 0.9);
}

#[test]
fn zipkin_kafka_pairs_producers_with_consumers_in_other_services() {
    let (report, flushed, snapshot) = replay(Format::Zipkin, &shared("zipkin/messaging-kafka.json"));
    // 9 PRODUCERs: 3 consumed by serviceb (and servicea), 6 never consumed (they become edges to `kafka`).
    assert_eq!((report.accepted, report.paired), (28, 3));
    assert_eq!(flushed.expired, 6);
    assert_eq!(
        edges(&snapshot),
        owned(&[("servicea→kafka:async", false, 6), ("servicea→serviceb:async", false, 3)])
    );
    assert!(node(&snapshot, "kafka").is_virtual);
    // Queue delays (consumer start − producer end): one consumer starts before its producer span ends (send
    // waits for the ack) and clamps to 0; the others wait 271 µs and 324 µs. p95 is rank ⌊0.95·2⌋ = 1.
    let queue = edge(&snapshot, "servicea→serviceb:async").queue_delay_p95_ms;
    assert_within_1pct(queue, 0.271, "queue delay p95");
}

#[test]
fn zipkin_database_calls_from_sql_statements() {
    let (_, _, snapshot) = replay(Format::Zipkin, &shared("zipkin/simple-db-p6.json"));
    assert_eq!(
        edges(&snapshot),
        owned(&[("bootifulmeters→app_db:database", false, 4), ("user→bootifulmeters:sync", false, 1)])
    );
    assert!(node(&snapshot, "app_db").is_virtual);
    // 252.016 ms of request minus four sequential statements (2.033 + 2.414 + 6.051 + 1.118 ms).
    let self_ms = node(&snapshot, "bootifulmeters").stats.self_p95_ms;
    assert_within_1pct(self_ms, 252.016 - (2.033 + 2.414 + 6.051 + 1.118), "self time");
}

#[test]
fn zipkin_production_trace_with_incomplete_spans() {
    let (report, flushed, snapshot) = replay(Format::Zipkin, &shared("zipkin/smartthings-mobile-web-install.json"));
    // 175 spans carry no duration (84 of them no timestamp either): rejected with their location, the rest read.
    assert_eq!((report.spans_read, report.accepted, report.rejected), (1041, 866, 175));
    assert_eq!(report.rejections.len(), 20);
    assert_eq!(report.rejections[0].location, "[0]");
    assert_eq!(report.rejections[0].reason, "missing timestamp");
    // Parents that were rejected keep the trace open until its TTL: everything pairs at the flush.
    assert_eq!(report.paired, 0);
    assert_eq!((flushed.paired, flushed.inferred, flushed.pending), (288, 2, 0));
    let services: Vec<&str> = snapshot.nodes.iter().filter(|n| !n.is_virtual).map(|n| n.id.as_str()).collect();
    assert_eq!(services.len(), 16, "{services:?}");
    assert_eq!(snapshot.edges.len(), 27);
    assert_eq!(edge(&snapshot, "stLogin→platformapi:sync").stats.count, 53);
    assert_eq!(edge(&snapshot, "execution→alice:sync").stats.errors, 1);
}

#[test]
fn jaeger_benchmark_export_with_server_only_instrumentation() {
    let bytes = shared("jaeger/nodejs-microservices.json");
    let (report, _, snapshot) = replay(Format::Jaeger, &bytes);
    assert_eq!((report.accepted, report.rejected, report.paired, report.inferred), (900, 0, 150, 600));
    // Only init-service's root is a CLIENT; services call each other SERVER → SERVER: inferred edges.
    assert_eq!(
        edges(&snapshot),
        owned(&[
            ("init-service→service1:sync", false, 150),
            ("service1→service2:sync", true, 150),
            ("service1→service3:sync", true, 150),
            ("service2→service4:sync", true, 150),
            ("service3→service5:sync", true, 150),
        ])
    );
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("Jaeger sample");
    for service in ["service1", "service2", "service3", "service4", "service5"] {
        let durations: Vec<f64> = doc["data"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| {
                let processes = t["processes"].clone();
                t["spans"].as_array().cloned().expect("a trace's spans").into_iter().filter_map(move |s| {
                    let process = s["processID"].as_str().expect("a span's processID");
                    (processes[process]["serviceName"] == service).then(|| s["duration"].as_f64().unwrap_or(0.0) / 1000.0)
                })
            })
            .collect();
        assert_eq!(durations.len(), 150);
        let stats = &node(&snapshot, service).stats;
        for (q, got) in [(0.5, stats.p50_ms), (0.95, stats.p95_ms), (0.99, stats.p99_ms)] {
            assert_within_1pct(got, exact_quantile(&durations, q), &format!("{service} p{q}"));
        }
    }
    let entry = snapshot.entry_points.iter().find(|e| e.id == "init-service").map(|e| e.stats.count);
    assert_eq!(entry, Some(150));
}

#[test]
fn every_shared_sample_reads_without_error_or_panic() {
    for name in [
        "zipkin/ascend.json",
        "zipkin/envoy.json",
        "zipkin/messaging.json",
        "zipkin/messaging2.json",
        "zipkin/smartthings-oauth-authorization.json",
        "zipkin/yelp.json",
    ] {
        let (report, flushed, snapshot) = replay(Format::Zipkin, &shared(name));
        assert_eq!(report.error, None, "{name}");
        assert_eq!(flushed.pending, 0, "{name}");
        assert!(!snapshot.nodes.is_empty(), "{name}");
        let text = serde_json::to_string(&snapshot).expect("snapshot as JSON");
        assert!(!text.contains("NaN"), "{name}");
    }
}
