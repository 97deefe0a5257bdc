//! What the readers refuse or cut, seen through `LatencyState::ingest`: spans with implausible times (rejected with
//! their location), megabyte service names (cut to 256 characters and counted), Jaeger CHILD_OF references to
//! another trace (links, not parents), and bad values quoted only by a short prefix.

mod common;

use common::{node, replay};
use latency_heatmap::aggregate::IngestReport;
use latency_heatmap::telemetry::Format;
use serde_json::{json, Value};

/// 2023-09-21T17:28:13.594Z, in µs: a plausible time for the spans below.
const T0_US: u64 = 1_695_317_293_594_000;

fn rejections(report: &IngestReport) -> Vec<(&str, &str)> {
    report.rejections.iter().map(|r| (r.location.as_str(), r.reason.as_str())).collect()
}

/// `truncated`, read from the report as JS sees it.
fn truncated(report: &IngestReport) -> Value {
    serde_json::to_value(report).expect("report as JSON")["truncated"].clone()
}

/// Twenty `checkout` SERVER spans of 40–59 ms, then `extra` spans (start, end in ns as JSON values).
fn otlp_checkout(extra: &[(Value, Value)]) -> Vec<u8> {
    let mut spans: Vec<Value> = (0..20u64)
        .map(|i| {
            let start = (T0_US + i * 100_000) * 1000;
            json!({"traceId": format!("{:032x}", 0x100 + i), "spanId": format!("{:016x}", 0x100 + i), "kind": 2,
                   "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + (40 + i) * 1_000_000).to_string()})
        })
        .collect();
    spans.extend(extra.iter().enumerate().map(|(i, (start, end))| {
        json!({"traceId": format!("{:032x}", 0x900 + i), "spanId": format!("{:016x}", 0x900 + i), "kind": 2,
               "startTimeUnixNano": start, "endTimeUnixNano": end})
    }));
    let doc = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
        "scopeSpans": [{"spans": spans}]}]});
    serde_json::to_vec(&doc).expect("document")
}

#[test]
fn spans_with_implausible_times_are_rejected_and_leave_the_quantiles_alone() {
    let end = json!(((T0_US + 50_000) * 1000).to_string());
    // `-0` and `1.5` as JSON numbers, as a hostile or broken exporter writes them.
    let bytes = String::from_utf8(otlp_checkout(&[
        (json!("0"), end.clone()),
        (json!("NEGZERO"), end.clone()),
        (json!("ONEHALF"), end.clone()),
        (json!(((T0_US + 60_000) * 1000).to_string()), end.clone()),
        (json!((T0_US * 1000).to_string()), json!(((T0_US + 7_200_000_000) * 1000).to_string())),
        (json!((T0_US * 1000).to_string()), json!("0")),
    ]))
    .expect("UTF-8")
    .replace("\"NEGZERO\"", "-0")
    .replace("\"ONEHALF\"", "1.5");
    let (report, _, snapshot) = replay(Format::Otlp, bytes.as_bytes());
    assert_eq!((report.accepted, report.rejected), (20, 6));
    let before_2000 = "startTimeUnixNano is 0 ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)";
    assert_eq!(
        rejections(&report),
        vec![
            ("resourceSpans[0].scopeSpans[0].spans[20]", before_2000),
            ("resourceSpans[0].scopeSpans[0].spans[21]", before_2000),
            (
                "resourceSpans[0].scopeSpans[0].spans[22]",
                "startTimeUnixNano is 1 ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)"
            ),
            ("resourceSpans[0].scopeSpans[0].spans[23]", "endTimeUnixNano before startTimeUnixNano"),
            ("resourceSpans[0].scopeSpans[0].spans[24]", "lasts 7200 s, longer than maxSpanDuration (3600 s)"),
            (
                "resourceSpans[0].scopeSpans[0].spans[25]",
                "endTimeUnixNano is 0 ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)"
            ),
        ]
    );
    let stats = &node(&snapshot, "checkout").stats;
    assert_eq!(stats.count, 20);
    // The 20 durations are 40..=59 ms: the sketch's p50 and p95 stay within 1 % of the 9th and 18th.
    let (p50, p95) = (stats.p50_ms.unwrap_or(f64::NAN), stats.p95_ms.unwrap_or(f64::NAN));
    assert!((p50 - 49.0).abs() < 0.5 && (p95 - 58.0).abs() < 0.6, "p50 {p50}, p95 {p95}");
}

#[test]
fn jaeger_and_zipkin_reject_a_start_of_zero_and_spans_beyond_max_span_duration() {
    let jaeger = json!({"data": [{"traceID": "1002499809f48d4b", "spans": [
        {"traceID": "1002499809f48d4b", "spanID": "1", "startTime": 0, "duration": 43000, "processID": "p1"},
        {"traceID": "1002499809f48d4b", "spanID": "2", "startTime": T0_US, "duration": 3_600_000_001u64, "processID": "p1"},
        {"traceID": "1002499809f48d4b", "spanID": "3", "startTime": T0_US, "duration": 3_600_000_000u64, "processID": "p1"}
    ], "processes": {"p1": {"serviceName": "checkout"}}}]});
    let (report, _, _) = replay(Format::Jaeger, &serde_json::to_vec(&jaeger).expect("document"));
    assert_eq!(report.accepted, 1);
    assert_eq!(
        rejections(&report),
        vec![
            (
                "data[0].spans[0]",
                "startTime is 0 ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)"
            ),
            ("data[0].spans[1]", "lasts 3600.000001 s, longer than maxSpanDuration (3600 s)"),
        ]
    );
    // Milliseconds where Zipkin wants microseconds: January 1970.
    let zipkin = json!([
        {"traceId": "1e223ff1f80f1c69", "id": "1", "kind": "SERVER", "timestamp": T0_US / 1000, "duration": 43000,
         "localEndpoint": {"serviceName": "checkout"}}
    ]);
    let (report, _, _) = replay(Format::Zipkin, &serde_json::to_vec(&zipkin).expect("document"));
    assert_eq!(
        rejections(&report),
        vec![(
            "[0]",
            "timestamp is 1695317293594000 ns after the Unix epoch, before 2000-01-01T00:00:00Z (unset, or in the wrong unit)"
        )]
    );
}

#[test]
fn a_longer_max_span_duration_accepts_longer_spans() {
    use latency_heatmap::aggregate::{AggregateConfig, DurationValue, LatencyState};
    let config = AggregateConfig { max_span_duration: DurationValue::Text("3h".into()), ..AggregateConfig::default() };
    let mut state = LatencyState::new(config).unwrap_or_else(|e| panic!("{e}"));
    let long = [(json!((T0_US * 1000).to_string()), json!(((T0_US + 7_200_000_000) * 1000).to_string()))];
    let report = state.ingest(Format::Otlp, &otlp_checkout(&long));
    assert_eq!((report.accepted, report.rejected), (21, 0));
}

/// A megabyte service name: 1 000 000 × `é` (two bytes each, so a cut off a character boundary would panic).
fn huge_name() -> String {
    "é".repeat(1_000_000)
}

#[test]
fn a_megabyte_service_name_is_cut_to_256_characters_in_every_format() {
    let name = huge_name();
    let kept = "é".repeat(256);
    let otlp = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}}]},
        "scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
            "kind": 2, "startTimeUnixNano": (T0_US * 1000).to_string(), "endTimeUnixNano": ((T0_US + 43_000) * 1000).to_string()}]}]}]});
    let jaeger = json!({"data": [{"traceID": "1002499809f48d4b", "spans": [
        {"traceID": "1002499809f48d4b", "spanID": "1", "startTime": T0_US, "duration": 43000, "processID": "p1",
         "tags": [{"key": "span.kind", "type": "string", "value": "server"}]}
    ], "processes": {"p1": {"serviceName": name}}}]});
    let zipkin = json!([{"traceId": "1e223ff1f80f1c69", "id": "1", "kind": "SERVER", "timestamp": T0_US,
        "duration": 43000, "localEndpoint": {"serviceName": name}}]);
    for (format, doc) in [(Format::Otlp, otlp), (Format::Jaeger, jaeger), (Format::Zipkin, zipkin)] {
        let (report, _, snapshot) = replay(format, &serde_json::to_vec(&doc).expect("document"));
        assert_eq!((report.accepted, truncated(&report)), (1, json!(1)), "{format}");
        assert_eq!(node(&snapshot, &kept).stats.count, 1, "{format}");
        assert!(snapshot.nodes.iter().all(|n| n.id.chars().count() <= 256), "{format}");
    }
}

#[test]
fn megabyte_attribute_values_are_cut_and_counted() {
    let value = "x".repeat(1_000_000);
    let zipkin = json!([{"traceId": "1e223ff1f80f1c69", "id": "1", "kind": "CLIENT", "timestamp": T0_US,
        "duration": 43000, "localEndpoint": {"serviceName": "checkout"},
        "remoteEndpoint": {"serviceName": value},
        "tags": {"db.system": value, "messaging.destination.name": value, "http.status_code": "200"}}]);
    let (report, _, snapshot) = replay(Format::Zipkin, &serde_json::to_vec(&zipkin).expect("document"));
    // remoteEndpoint (kept as peer.service), db.system and the destination.
    assert_eq!(truncated(&report), json!(3));
    assert!(snapshot.nodes.iter().all(|n| n.id.chars().count() <= 256), "{:?}", snapshot.nodes.len());
    // A value that is not cut is not counted.
    let (report, _, _) = replay(Format::Zipkin, br#"[{"traceId":"1e223ff1f80f1c69","id":"1","timestamp":1695317293594000,"duration":1,"localEndpoint":{"serviceName":"checkout"}}]"#);
    assert_eq!(truncated(&report), json!(0));
}

#[test]
fn a_jaeger_child_of_reference_to_another_trace_is_a_link_not_a_parent() {
    // Trace A: web (SERVER) → web calls orders (CLIENT). Trace B: a `billing` SERVER span whose only reference is a
    // CHILD_OF to A's client span — as OpenTracing bridges write a call made for another trace. Its span id
    // collides with nothing, so today's reading makes it a child of a parent that is nowhere in trace B.
    let doc = json!({"data": [
        {"traceID": "00000000000000000000000000000a0a", "spans": [
            {"traceID": "00000000000000000000000000000a0a", "spanID": "00000000000000a1", "operationName": "GET /",
             "references": [], "startTime": T0_US, "duration": 90000, "processID": "p1",
             "tags": [{"key": "span.kind", "type": "string", "value": "server"}]},
            {"traceID": "00000000000000000000000000000a0a", "spanID": "00000000000000a2", "operationName": "POST /orders",
             "references": [{"refType": "CHILD_OF", "traceID": "00000000000000000000000000000a0a", "spanID": "00000000000000a1"}],
             "startTime": T0_US + 1000, "duration": 60000, "processID": "p1",
             "tags": [{"key": "span.kind", "type": "string", "value": "client"}, {"key": "peer.service", "type": "string", "value": "orders"}]}
        ], "processes": {"p1": {"serviceName": "web", "tags": []}}},
        {"traceID": "00000000000000000000000000000b0b", "spans": [
            {"traceID": "00000000000000000000000000000b0b", "spanID": "00000000000000b1", "operationName": "charge",
             "references": [{"refType": "CHILD_OF", "traceID": "00000000000000000000000000000a0a", "spanID": "00000000000000a2"}],
             "startTime": T0_US + 2000, "duration": 30000, "processID": "p1",
             "tags": [{"key": "span.kind", "type": "string", "value": "server"}]}
        ], "processes": {"p1": {"serviceName": "billing", "tags": []}}}
    ]});
    let (report, _, snapshot) = replay(Format::Jaeger, &serde_json::to_vec(&doc).expect("document"));
    assert_eq!((report.accepted, report.rejected), (3, 0));
    let mut edges: Vec<&str> = snapshot.edges.iter().map(|e| e.id.as_str()).collect();
    edges.sort_unstable();
    // billing is the root of its own trace: called by the user, as every root SERVER span is.
    assert_eq!(edges, vec!["user→billing:sync", "user→web:sync", "web→orders:sync"]);
}

#[test]
fn bad_values_are_quoted_by_a_short_prefix() {
    let digits = format!("-{}", "9".repeat(1_000_000));
    let end = json!(((T0_US + 50_000) * 1000).to_string());
    let (report, _, _) = replay(Format::Otlp, &otlp_checkout(&[(json!(digits), end.clone()), (json!(format!("1{digits}")), end)]));
    let forty_nines = "9".repeat(39);
    assert_eq!(
        rejections(&report),
        vec![
            (
                "resourceSpans[0].scopeSpans[0].spans[20]",
                format!("startTimeUnixNano is not a timestamp: negative value \"-{forty_nines}\"…").as_str()
            ),
            (
                "resourceSpans[0].scopeSpans[0].spans[21]",
                format!("startTimeUnixNano is not a timestamp: \"1-{}\"… is not a non-negative integer", "9".repeat(38)).as_str()
            ),
        ]
    );
    let kind = "K".repeat(1_000_000);
    let zipkin = json!([{"traceId": "1e223ff1f80f1c69", "id": "1", "kind": kind, "timestamp": T0_US, "duration": 1}]);
    let (report, _, _) = replay(Format::Zipkin, &serde_json::to_vec(&zipkin).expect("document"));
    assert_eq!(rejections(&report), vec![("[0]", format!("unknown span kind {:?}", "K".repeat(40)).as_str())]);
}

#[test]
fn max_span_duration_is_a_known_config_key_named_in_its_errors() {
    use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
    let config = |json: &str| HeatMapConfig::from_json(json.as_bytes()).expect("config");
    let error = HeatMap::new(config(r#"{"maxSpanDuration":"forever"}"#)).err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(r#"config: maxSpanDuration: "forever" has no number (expected e.g. 300ms, 1.5s, 250us)"#)
    );
    let mut map = HeatMap::new(config(r#"{"maxSpanDuration":"2h"}"#)).expect("heat map");
    assert_eq!(map.snapshot(&SnapshotOptions::default()).expect("snapshot").warnings, vec![]);
}
