//! Property tests for the three readers: spans written in each format (in the spellings real exporters use) read
//! back to the same normalised spans; arbitrary and mutated input never panics.

use latency_heatmap::aggregate::{AggregateConfig, AggregateWarning, LatencyState};
use latency_heatmap::telemetry::{self, Format, ReadLimits, RejectReason, Span, SpanId, SpanKind, SpanLink, SpanSink, TraceId};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Default)]
struct Collected {
    spans: Vec<Span>,
    rejected: usize,
}

impl SpanSink for Collected {
    fn span(&mut self, span: Span) {
        self.spans.push(span);
    }
    fn reject(&mut self, _: String, _: RejectReason) {
        self.rejected += 1;
    }
    fn truncated(&mut self, _: u32) {}
}

/// What a generated span should read back as.
#[derive(Debug, Clone)]
struct Expected {
    trace: u128,
    id: u64,
    parent: Option<u64>,
    link: Option<(u128, u64)>,
    service: String,
    kind: SpanKind,
    start_us: u64,
    duration_us: u64,
    peer: Option<String>,
    http_status: Option<i64>,
    error: bool,
}

fn kind_strategy() -> impl Strategy<Value = SpanKind> {
    prop_oneof![
        Just(SpanKind::Unspecified),
        Just(SpanKind::Internal),
        Just(SpanKind::Server),
        Just(SpanKind::Client),
        Just(SpanKind::Producer),
        Just(SpanKind::Consumer),
    ]
}

prop_compose! {
    fn expected()(
        trace in 1u128..,
        id in 1u64..,
        parent in proptest::option::of(1u64..),
        link in proptest::option::of((1u128.., 1u64..)),
        service in "[a-z][a-z0-9\\-\"\\\\é]{0,12}",
        kind in kind_strategy(),
        // Within what the readers accept: from 2000-01-01 on, at most the default `maxSpanDuration` (1 h).
        start_us in telemetry::EARLIEST_NS / 1000..(1 << 52),
        duration_us in 0u64..=3_600_000_000,
        peer in proptest::option::of("[a-z]{1,8}"),
        http_status in proptest::option::of(100i64..600),
        error in any::<bool>(),
    ) -> Expected {
        let parent = parent.filter(|p| *p != id);
        Expected { trace, id, parent, link, service, kind, start_us, duration_us, peer, http_status, error }
    }
}

fn otlp_kind(kind: SpanKind, as_name: bool) -> Value {
    let (n, name) = match kind {
        SpanKind::Unspecified => (0, "SPAN_KIND_UNSPECIFIED"),
        SpanKind::Internal => (1, "SPAN_KIND_INTERNAL"),
        SpanKind::Server => (2, "SPAN_KIND_SERVER"),
        SpanKind::Client => (3, "SPAN_KIND_CLIENT"),
        SpanKind::Producer => (4, "SPAN_KIND_PRODUCER"),
        SpanKind::Consumer => (5, "SPAN_KIND_CONSUMER"),
    };
    if as_name { json!(name) } else { json!(n) }
}

fn lower_name(kind: SpanKind) -> Option<&'static str> {
    match kind {
        SpanKind::Unspecified => None,
        SpanKind::Internal => Some("internal"),
        SpanKind::Server => Some("server"),
        SpanKind::Client => Some("client"),
        SpanKind::Producer => Some("producer"),
        SpanKind::Consumer => Some("consumer"),
    }
}

fn otlp(spans: &[Expected], spelling: bool) -> Value {
    let resources: Vec<Value> = spans
        .iter()
        .map(|e| {
            let start = e.start_us * 1000;
            let end = start + e.duration_us * 1000;
            let mut attributes = vec![];
            if let Some(peer) = &e.peer {
                attributes.push(json!({"key": "peer.service", "value": {"stringValue": peer}}));
            }
            if let Some(status) = e.http_status {
                attributes.push(json!({"key": "http.response.status_code", "value": {"intValue": status.to_string()}}));
            }
            let mut span = json!({
                "traceId": format!("{:032x}", e.trace),
                "spanId": format!("{:016x}", e.id),
                "name": "op",
                "kind": otlp_kind(e.kind, spelling),
                "startTimeUnixNano": if spelling { json!(start.to_string()) } else { json!(start) },
                "endTimeUnixNano": end.to_string(),
                "attributes": attributes,
                "status": {"code": if e.error { 2 } else { 0 }},
            });
            if let Some(p) = e.parent {
                span["parentSpanId"] = json!(format!("{p:016x}"));
            }
            if let Some((t, s)) = e.link {
                span["links"] = json!([{"traceId": format!("{t:032x}"), "spanId": format!("{s:016x}")}]);
            }
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": e.service}}]},
                "scopeSpans": [{"scope": {"name": "x"}, "spans": [span]}],
            })
        })
        .collect();
    json!({ "resourceSpans": resources })
}

fn jaeger(spans: &[Expected]) -> Value {
    let traces: Vec<Value> = spans
        .iter()
        .map(|e| {
            let mut references = vec![];
            if let Some(p) = e.parent {
                references.push(json!({"refType": "CHILD_OF", "traceID": format!("{:032x}", e.trace), "spanID": format!("{p:016x}")}));
            }
            if let Some((t, s)) = e.link {
                // Links in another trace (FOLLOWS_FROM in the same trace would name the parent).
                let t = if t == e.trace { t ^ 1 } else { t };
                references.push(json!({"refType": "FOLLOWS_FROM", "traceID": format!("{t:032x}"), "spanID": format!("{s:016x}")}));
            }
            let mut tags = vec![];
            if let Some(kind) = lower_name(e.kind) {
                tags.push(json!({"key": "span.kind", "type": "string", "value": kind}));
            }
            if let Some(peer) = &e.peer {
                tags.push(json!({"key": "peer.service", "type": "string", "value": peer}));
            }
            if let Some(status) = e.http_status {
                tags.push(json!({"key": "http.status_code", "type": "int64", "value": status}));
            }
            if e.error {
                tags.push(json!({"key": "error", "type": "bool", "value": true}));
            }
            json!({
                "traceID": format!("{:032x}", e.trace),
                "spans": [{
                    "traceID": format!("{:032x}", e.trace), "spanID": format!("{:016x}", e.id), "operationName": "op",
                    "references": references, "startTime": e.start_us, "duration": e.duration_us, "tags": tags,
                    "logs": [], "processID": "p1", "warnings": null,
                }],
                "processes": {"p1": {"serviceName": e.service, "tags": []}},
            })
        })
        .collect();
    json!({ "data": traces })
}

fn zipkin(spans: &[Expected]) -> Value {
    Value::Array(
        spans
            .iter()
            .map(|e| {
                let mut tags = serde_json::Map::new();
                if let Some(status) = e.http_status {
                    tags.insert("http.status_code".into(), json!(status.to_string()));
                }
                if e.error {
                    tags.insert("error".into(), json!(""));
                }
                if let Some(peer) = &e.peer {
                    tags.insert("peer.service".into(), json!(peer));
                }
                let mut span = json!({
                    "traceId": format!("{:032x}", e.trace), "id": format!("{:016x}", e.id), "name": "op",
                    "timestamp": e.start_us, "duration": e.duration_us,
                    "localEndpoint": {"serviceName": e.service}, "tags": tags,
                });
                if let Some(kind) = lower_name(e.kind).filter(|k| *k != "internal") {
                    span["kind"] = json!(kind.to_uppercase());
                }
                if let Some(p) = e.parent {
                    span["parentId"] = json!(format!("{p:016x}"));
                }
                span
            })
            .collect(),
    )
}

fn read(format: Format, doc: &Value) -> Collected {
    let mut out = Collected::default();
    let bytes = serde_json::to_vec(doc).expect("document as JSON");
    assert_eq!(telemetry::read(format, &bytes, &ReadLimits::default(), &mut out), Ok(()));
    out
}

fn check(format: Format, got: &Span, e: &Expected) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.trace_id, TraceId(e.trace));
    prop_assert_eq!(got.span_id, SpanId(e.id));
    prop_assert_eq!(got.parent_id, e.parent.map(SpanId));
    prop_assert_eq!(&*got.service, e.service.as_str());
    let kind = match (format, e.kind) {
        (Format::Zipkin, SpanKind::Internal) => SpanKind::Unspecified, // Zipkin has no INTERNAL
        (_, kind) => kind,
    };
    prop_assert_eq!(got.kind, kind);
    prop_assert_eq!(got.start_ns, e.start_us * 1000);
    prop_assert_eq!(got.duration_ns(), e.duration_us * 1000);
    prop_assert_eq!(got.attributes.peer_service(), e.peer.as_deref());
    prop_assert_eq!(got.attributes.http_status, e.http_status);
    prop_assert_eq!(got.is_error(), e.error || e.http_status.is_some_and(|s| s >= 500));
    let links: Vec<SpanLink> = got.links.clone();
    match (format, e.link) {
        (Format::Otlp, Some((t, s))) => {
            prop_assert_eq!(links, vec![SpanLink { trace_id: TraceId(t), span_id: SpanId(s) }])
        }
        (Format::Jaeger, Some((_, s))) => prop_assert_eq!(links.iter().map(|l| l.span_id).collect::<Vec<_>>(), vec![SpanId(s)]),
        _ => prop_assert!(links.is_empty()),
    }
    Ok(())
}

fn round_trip(format: Format, doc: &Value, spans: &[Expected]) -> Result<(), TestCaseError> {
    let out = read(format, doc);
    prop_assert_eq!(out.rejected, 0);
    prop_assert_eq!(out.spans.len(), spans.len());
    for (got, e) in out.spans.iter().zip(spans) {
        check(format, got, e)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn otlp_round_trips(spans in proptest::collection::vec(expected(), 0..8), spelling in any::<bool>()) {
        round_trip(Format::Otlp, &otlp(&spans, spelling), &spans)?;
    }

    #[test]
    fn jaeger_round_trips(spans in proptest::collection::vec(expected(), 0..8)) {
        round_trip(Format::Jaeger, &jaeger(&spans), &spans)?;
    }

    #[test]
    fn zipkin_round_trips(spans in proptest::collection::vec(expected(), 0..8)) {
        round_trip(Format::Zipkin, &zipkin(&spans), &spans)?;
    }

    /// Cutting a valid document anywhere, or replacing one byte, never panics; spans before the damage are kept.
    #[test]
    fn damaged_documents_never_panic(spans in proptest::collection::vec(expected(), 1..6), cut in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()) {
        for (format, doc) in [(Format::Otlp, otlp(&spans, true)), (Format::Jaeger, jaeger(&spans)), (Format::Zipkin, zipkin(&spans))] {
            let bytes = serde_json::to_vec(&doc).expect("document as JSON");
            let mut state = LatencyState::new(AggregateConfig::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let truncated = &bytes[..cut.index(bytes.len())];
            let report = state.ingest(format, truncated);
            prop_assert!(report.error.is_some() || truncated.len() == bytes.len());
            let mut mutated = bytes.clone();
            let i = at.index(mutated.len());
            mutated[i] = byte;
            let report = state.ingest(format, &mutated);
            prop_assert_eq!(report.spans_read, report.accepted + report.rejected);
            let _ = state.flush_pending();
            let _ = serde_json::to_string(&state.snapshot());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut state = LatencyState::new(AggregateConfig::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for format in [Format::Otlp, Format::Jaeger, Format::Zipkin] {
            let _ = state.ingest(format, &bytes);
        }
    }
}

/// Hostile shapes the issue lists, each read without panic and with the bad span reported.
#[test]
fn hostile_inputs_are_rejections_not_failures() {
    // Plausible times (readers reject anything before 2000): ns after 2023-09-21T17:28:13.594Z.
    let t = |ns: u64| (1_695_317_293_594_000_000 + ns).to_string();
    let doc = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"intValue": "7"}}]},
        "scopeSpans": [{"spans": [
            {"traceId": "00", "spanId": "01", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "0123456789abcdef0123456789abcdef00", "spanId": "01", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "0123456789abcdef0", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "02", "startTimeUnixNano": "99999999999999999999999999", "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "03", "startTimeUnixNano": 1e300, "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "04", "startTimeUnixNano": t(5), "endTimeUnixNano": "-2"},
            {"traceId": "01", "spanId": "05", "startTimeUnixNano": [], "endTimeUnixNano": {}},
            {"traceId": "01", "spanId": "06", "kind": 99, "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "07", "kind": "SPAN_KIND_BOGUS", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            "not a span", 42, null, [],
            {"traceId": "01", "spanId": "08", "parentSpanId": "09", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "09", "parentSpanId": "08", "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "0a", "parentSpanId": "0a", "kind": 2, "startTimeUnixNano": t(1), "endTimeUnixNano": t(2)},
            {"traceId": "01", "spanId": "0a", "kind": 2, "startTimeUnixNano": t(1), "endTimeUnixNano": t(3)}
        ]}]
    }]});
    let bytes = serde_json::to_vec(&doc).expect("document as JSON");
    let mut state = LatencyState::new(AggregateConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = state.ingest(Format::Otlp, &bytes);
    assert_eq!(report.error, None);
    // Accepted: the 08↔09 cycle (read fine, it only never closes) and the two 0a spans (a self-parent is a root;
    // the duplicate id is ignored when the trace is analysed).
    assert_eq!((report.spans_read, report.accepted, report.rejected), (17, 4, 13), "{:#?}", report.rejections);
    let reasons: Vec<&str> = report.rejections.iter().map(|r| r.reason.as_str()).collect();
    assert!(reasons[1].contains("34 hex digits"), "{reasons:?}");
    assert!(reasons[3].contains("startTimeUnixNano is not a timestamp"), "{reasons:?}");
    assert!(reasons[5].contains("negative"), "{reasons:?}");
    assert!(reasons[7].starts_with("unknown span kind"), "{reasons:?}");
    assert_eq!(report.rejections[9].location, "resourceSpans[0].scopeSpans[0].spans[9]");
    let flushed = state.flush_pending();
    assert_eq!(flushed.pending, 0);
    let snapshot = state.snapshot();
    // An int64 written as a string (protobuf's JSON mapping) is text: the service is named "7".
    let nodes: Vec<(&str, u64)> = snapshot.nodes.iter().map(|n| (n.id.as_str(), n.stats.count)).collect();
    // 0a once (its duplicate ignored). The 08↔09 cycle has no entry span: each has a parent in its service.
    assert_eq!(nodes, vec![("7", 1), ("user", 0)]);
    let duplicates = snapshot.warnings.iter().find(|w| w.code() == "aggregate.duplicate-spans");
    assert_eq!(duplicates, Some(&AggregateWarning::DuplicateSpans { spans: 1 }), "{:?}", snapshot.warnings);
    assert_eq!(
        duplicates.map(ToString::to_string).as_deref(),
        Some("1 spans were ignored: their trace already had a span with the same id")
    );
}

/// 2023-09-21T17:28:13.594Z: span times below are ns after it (readers reject anything before 2000).
const T0_NS: u64 = 1_695_317_293_594_000_000;

#[test]
fn parents_in_other_batches_pair_and_a_full_store_drops_with_a_count() {
    let span = |id: &str, parent: Option<&str>, service: &str, kind: u8, start: u64, end: u64| {
        let mut s = json!({"traceId": "0abc", "spanId": id, "kind": kind,
            "startTimeUnixNano": (T0_NS + start).to_string(), "endTimeUnixNano": (T0_NS + end).to_string()});
        if let Some(p) = parent {
            s["parentSpanId"] = json!(p);
        }
        json!({"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
               "scopeSpans": [{"spans": [s]}]})
    };
    let batch = |spans: Vec<Value>| serde_json::to_vec(&json!({"resourceSpans": spans})).expect("batch as JSON");
    let mut state = LatencyState::new(AggregateConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let first = state.ingest(Format::Otlp, &batch(vec![span("01", None, "a", 2, 0, 100), span("02", Some("01"), "a", 3, 10, 90)]));
    assert_eq!((first.paired, first.pending), (0, 1)); // the CLIENT waits for its server
    let second = state.ingest(Format::Otlp, &batch(vec![span("03", Some("02"), "b", 2, 20, 80)]));
    assert_eq!((second.paired, second.pending), (1, 0));

    let config = AggregateConfig { max_pending: 3, ..AggregateConfig::default() };
    let mut small = LatencyState::new(config).unwrap_or_else(|e| panic!("{e}"));
    // Five orphan servers waiting for a parent: the store holds 3, two are forced out and counted.
    let orphans: Vec<Value> = (0..5u64)
        .map(|i| {
            let mut v = span(&format!("{:02x}", 0x10 + i), Some("ff"), "b", 2, i, i + 1);
            v["scopeSpans"][0]["spans"][0]["traceId"] = json!(format!("{:04x}", 0x100 + i)); // one trace each
            v
        })
        .collect();
    let report = small.ingest(Format::Otlp, &batch(orphans));
    assert!(report.pending <= 3, "{report:?}");
    assert_eq!(report.dropped + report.pending, 5);
    let warnings = small.snapshot().warnings;
    assert_eq!(warnings, [AggregateWarning::DroppedSpans { spans: report.dropped, max_pending: 3 }]);
    assert!(warnings[0].to_string().contains("more were waiting than maxPending 3 allows"), "{warnings:?}");
}
