//! Ingest throughput in spans/s (criterion's "thrpt" line, elements = spans) for the stages of `LatencyState`:
//! parse only, parse + pair + stats, and pair + stats on already-parsed spans. Inputs are
//! synthetic traces shaped like real ones (10 spans: 2 services, a call, a database query, internal work),
//! written as OTLP/JSON and Jaeger JSON the way exporters write them.
//!
//! `cargo bench --bench ingest` (the bench profile is opt-level 3).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use latency_heatmap::aggregate::{AggregateConfig, LatencyState};
use latency_heatmap::telemetry::{self, Format, ReadLimits, RejectReason, Span, SpanSink};
use serde_json::{json, Value};

const TRACES: u64 = 10_000;
const SERVICES: u64 = 8;

/// (span number, parent, service offset, kind as OTLP int, start µs, end µs, is db call)
type Step = (u64, Option<u64>, u64, i64, u64, u64, bool);

const SHAPE: [Step; 10] = [
    (1, None, 0, 2, 0, 10_000, false),
    (2, Some(1), 0, 1, 100, 900, false),
    (3, Some(1), 0, 1, 200, 800, false),
    (4, Some(3), 0, 1, 300, 700, false),
    (5, Some(1), 0, 3, 1_000, 9_000, false),
    (6, Some(5), 1, 2, 1_500, 8_000, false),
    (7, Some(6), 1, 1, 1_600, 1_900, false),
    (8, Some(7), 1, 1, 1_700, 1_800, false),
    (9, Some(6), 1, 3, 2_000, 6_000, true),
    (10, Some(6), 1, 1, 6_500, 7_000, false),
];

const BASE_US: u64 = 1_700_000_000_000_000;

fn ids(t: u64, n: u64) -> (String, String) {
    (format!("{:032x}", t + 1), format!("{:016x}", (t << 8) | n))
}

fn service(t: u64, offset: u64) -> String {
    format!("service-{}", (t + offset) % SERVICES)
}

/// OTLP as the Collector batches it: one resourceSpans per service holding its spans of every trace.
fn otlp() -> Vec<u8> {
    let mut per_service: Vec<Vec<Value>> = vec![Vec::new(); SERVICES as usize];
    for t in 0..TRACES {
        let start = BASE_US + t * 100 + (t * 7919) % 3_000;
        for &(n, parent, offset, kind, s, e, db) in &SHAPE {
            let (trace_id, span_id) = ids(t, n);
            let mut attributes = vec![json!({"key": "http.route", "value": {"stringValue": "/api/items"}})];
            if db {
                attributes.push(json!({"key": "db.system", "value": {"stringValue": "postgresql"}}));
                attributes.push(json!({"key": "db.name", "value": {"stringValue": "orders"}}));
            }
            let mut span = json!({
                "traceId": trace_id, "spanId": span_id, "name": "GET /api/items", "kind": kind,
                "startTimeUnixNano": ((start + s) * 1000).to_string(), "endTimeUnixNano": ((start + e) * 1000).to_string(),
                "attributes": attributes, "status": {"code": 0},
            });
            if let Some(p) = parent {
                span["parentSpanId"] = json!(ids(t, p).1);
            }
            per_service[((t + offset) % SERVICES) as usize].push(span);
        }
    }
    let resources: Vec<Value> = per_service
        .into_iter()
        .enumerate()
        .map(|(i, spans)| {
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": format!("service-{i}")}}]},
                "scopeSpans": [{"scope": {"name": "bench", "version": "1"}, "spans": spans}],
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "resourceSpans": resources })).unwrap_or_default()
}

/// Jaeger as `/api/traces` returns it: one object per trace with its processes.
fn jaeger() -> Vec<u8> {
    let kinds = ["", "internal", "server", "client"];
    let traces: Vec<Value> = (0..TRACES)
        .map(|t| {
            let start = BASE_US + t * 100 + (t * 7919) % 3_000;
            let spans: Vec<Value> = SHAPE
                .iter()
                .map(|&(n, parent, offset, kind, s, e, db)| {
                    let (trace_id, span_id) = ids(t, n);
                    let mut tags = vec![json!({"key": "span.kind", "type": "string", "value": kinds[kind as usize]})];
                    if db {
                        tags.push(json!({"key": "db.system", "type": "string", "value": "postgresql"}));
                    }
                    let references: Vec<Value> = parent
                        .map(|p| json!({"refType": "CHILD_OF", "traceID": trace_id, "spanID": ids(t, p).1}))
                        .into_iter()
                        .collect();
                    json!({"traceID": trace_id, "spanID": span_id, "operationName": "GET /api/items",
                           "references": references, "startTime": start + s, "duration": e - s, "tags": tags,
                           "logs": [], "processID": format!("p{offset}"), "warnings": null})
                })
                .collect();
            json!({"traceID": ids(t, 0).0, "spans": spans, "processes": {
                "p0": {"serviceName": service(t, 0), "tags": []},
                "p1": {"serviceName": service(t, 1), "tags": []},
            }})
        })
        .collect();
    serde_json::to_vec(&json!({ "data": traces })).unwrap_or_default()
}

#[derive(Default)]
struct Collect(Vec<Span>, usize);

impl SpanSink for Collect {
    fn span(&mut self, span: Span) {
        self.0.push(span);
    }
    fn reject(&mut self, _: String, _: RejectReason) {
        self.1 += 1;
    }
    fn truncated(&mut self, _: u32) {}
}

struct Count(u64);

impl SpanSink for Count {
    fn span(&mut self, _: Span) {
        self.0 += 1;
    }
    fn reject(&mut self, _: String, _: RejectReason) {}
    fn truncated(&mut self, _: u32) {}
}

fn config() -> AggregateConfig {
    AggregateConfig::default()
}

fn stages(c: &mut Criterion) {
    let spans = TRACES * SHAPE.len() as u64;
    for (format, name, bytes) in [(Format::Otlp, "otlp", otlp()), (Format::Jaeger, "jaeger", jaeger())] {
        let mut group = c.benchmark_group(format!("ingest/{name}"));
        group.throughput(Throughput::Elements(spans));
        group.sample_size(10);
        group.bench_function("parse", |b| {
            b.iter(|| {
                let mut count = Count(0);
                let _ = telemetry::read(format, &bytes, &ReadLimits::default(), &mut count);
                assert_eq!(count.0, spans);
            })
        });
        group.bench_function("parse+pair+stats", |b| {
            b.iter_batched(
                || LatencyState::new(config()).unwrap_or_else(|e| panic!("{e}")),
                |mut state| assert_eq!(state.ingest(format, &bytes).accepted, spans),
                BatchSize::LargeInput,
            )
        });
        let mut parsed = Collect::default();
        let _ = telemetry::read(format, &bytes, &ReadLimits::default(), &mut parsed);
        group.bench_function("pair+stats (parsed spans)", |b| {
            b.iter_batched(
                || (LatencyState::new(config()).unwrap_or_else(|e| panic!("{e}")), parsed.0.clone()),
                |(mut state, spans)| state.ingest_spans(spans),
                BatchSize::LargeInput,
            )
        });
        group.finish();
        eprintln!("{name}: {} spans in {} bytes", spans, bytes.len());
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
