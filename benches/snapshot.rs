//! `HeatMap::snapshot` at scale, natively: the workload of `benches/node/snapshot.mjs` (issue 11, item 10), ported
//! draw for draw (the same mulberry32 generator, so the same catalog and traces): 2 000 Components in 100 Systems
//! and 10 Domains with tight thresholds, ~6 000 calls between them, the virtual `user` calling ~1 900 entry points,
//! three passes of Jaeger traces ingested once. Times `snapshot()` at component level right after a poll that
//! touched every key (the work of a live poll) and again with nothing new, at system level, and `serde_json::to_vec`
//! of the component snapshot (what the wasm build hands to `JSON.parse`).
//!
//! `cargo bench --bench snapshot`.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use latency_heatmap::catalog::Level;
use latency_heatmap::heatmap::{HeatMap, HeatMapConfig, SnapshotOptions};
use latency_heatmap::telemetry::Format;
use serde_json::{json, Map, Value};

const SERVICES: usize = 2000;
const CALLS: usize = 6000;
const PASSES: u32 = 3;
const SYSTEMS: usize = SERVICES / 20;
const DOMAINS: usize = SYSTEMS / 10;

/// mulberry32, as the Node script has it (JS `Math.imul` and `>>>` are wrapping u32 arithmetic).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() * n as f64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.next() < p
    }
}

fn name(i: usize) -> String {
    format!("svc-{i:04}")
}

fn calls() -> Vec<(usize, usize)> {
    let mut r = Rng(0x5ca1e);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while out.len() < CALLS {
        let a = r.below(SERVICES - 1);
        let b = a + 1 + r.below(200.min(SERVICES - 1 - a));
        if seen.insert((a, b)) {
            out.push((a, b));
        }
    }
    out
}

fn callees(edges: &[(usize, usize)]) -> HashMap<usize, Vec<usize>> {
    let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(a, b) in edges {
        map.entry(a).or_default().push(b);
    }
    map
}

fn catalog(edges: &[(usize, usize)]) -> Value {
    let mut r = Rng(0xca7a);
    let mut out = Vec::new();
    for d in 0..DOMAINS {
        out.push(json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Domain",
            "metadata": { "name": format!("domain-{d}"), "annotations": { "latencyheatmap/latency-slo": "80ms" } },
            "spec": { "owner": format!("group:default/team-{d}") },
        }));
    }
    for s in 0..SYSTEMS {
        out.push(json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "System",
            "metadata": { "name": format!("system-{s}"), "annotations": { "latencyheatmap/latency-slo": "60ms" } },
            "spec": { "owner": format!("group:default/team-{}", s % 40), "domain": format!("domain-{}", s % DOMAINS) },
        }));
    }
    let callees = callees(edges);
    for i in 0..SERVICES {
        let mut annotations = Map::new();
        annotations.insert("latencyheatmap/latency-slo".into(), format!("{}ms", 10 + r.below(30)).into());
        annotations.insert("latencyheatmap/processingthreshold".into(), format!("{}ms", 4 + r.below(12)).into());
        annotations.insert("latencyheatmap/percentile".into(), ["p50", "p90", "p95", "p99"][r.below(4)].into());
        let mine = callees.get(&i).map_or(&[][..], Vec::as_slice);
        if i % 10 == 0 && !mine.is_empty() {
            annotations.insert(format!("latencyheatmap/edge-slo.{}", name(mine[0])), format!("{}ms", 5 + r.below(20)).into());
        }
        let mut spec = json!({
            "type": "service", "lifecycle": "production",
            "owner": format!("group:default/team-{}", i % 40), "system": format!("system-{}", i % SYSTEMS),
        });
        if i % 4 == 0 && !mine.is_empty() {
            let depends: Vec<String> = mine.iter().take(2).map(|b| format!("component:default/{}", name(*b))).collect();
            spec["dependsOn"] = json!(depends);
        }
        out.push(json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": { "name": name(i), "title": format!("Service {i}"), "annotations": annotations },
            "spec": spec,
        }));
    }
    Value::Array(out)
}

/// One Jaeger document per pass: for every call a→b a trace with the root SERVER span at a, a's CLIENT span, b's
/// SERVER span, and b's first own call if it has one (see the Node script).
fn traces(edges: &[(usize, usize)], pass: u32) -> Value {
    struct Trace<'a> {
        r: &'a mut Rng,
        span_no: &'a mut u64,
        trace_id: String,
        spans: Vec<Value>,
        callees: &'a HashMap<usize, Vec<usize>>,
    }
    impl Trace<'_> {
        fn span(&mut self, service: usize, kind: &str, parent: Option<&str>, at: u64, duration: u64) -> String {
            *self.span_no += 1;
            let span_id = format!("{:016x}", *self.span_no);
            let mut tags = vec![json!({ "key": "span.kind", "type": "string", "value": kind })];
            if self.r.chance(0.02) {
                tags.push(json!({ "key": "error", "type": "bool", "value": true }));
            }
            let references: Vec<Value> = parent
                .map(|p| json!({ "refType": "CHILD_OF", "traceID": self.trace_id, "spanID": p }))
                .into_iter()
                .collect();
            self.spans.push(json!({
                "traceID": self.trace_id, "spanID": span_id, "operationName": format!("{kind} {}", name(service)),
                "references": references, "startTime": at, "duration": duration, "tags": tags,
                "process": { "serviceName": name(service) },
            }));
            span_id
        }
        fn hop(&mut self, caller: usize, caller_span: &str, callee: usize, at: u64, depth: u32) {
            let dur = 5000 + self.r.below(60_000 >> depth) as u64;
            let client = self.span(caller, "client", Some(caller_span), at, dur + 600);
            let server = self.span(callee, "server", Some(&client), at + 300, dur);
            if let Some(next) = self.callees.get(&callee).filter(|_| depth < 1) {
                let pick = next[self.r.below(next.len())];
                self.hop(callee, &server, pick, at + 700, depth + 1);
            }
        }
    }
    let mut r = Rng(0x7ace + pass);
    let callees = callees(edges);
    let base: u64 = 1_700_000_000_000_000;
    let mut span_no = 0;
    let mut data = Vec::new();
    for (trace_no, &(a, b)) in (1u64..).zip(edges) {
        let start = base + ((trace_no as f64 / edges.len() as f64) * 240e6) as u64 + u64::from(pass) * 7;
        let mut trace = Trace {
            r: &mut r,
            span_no: &mut span_no,
            trace_id: format!("{:08x}{trace_no:024x}", pass + 1),
            spans: Vec::new(),
            callees: &callees,
        };
        let total = 90_000 + trace.r.below(30_000) as u64;
        let root = trace.span(a, "server", None, start, total);
        trace.hop(a, &root, b, start + 1000, 0);
        data.push(json!({ "traceID": trace.trace_id, "spans": trace.spans, "processes": {} }));
    }
    json!({ "data": data })
}

fn heat_map() -> HeatMap {
    let config: HeatMapConfig =
        serde_json::from_value(json!({ "defaults": { "errorRate": 0.01 } })).expect("a valid config");
    let mut map = HeatMap::new(config).expect("a valid config");
    let edges = calls();
    let catalog = serde_json::to_vec(&catalog(&edges)).expect("JSON");
    map.set_catalog(&catalog);
    for pass in 0..PASSES {
        let doc = serde_json::to_vec(&traces(&edges, pass)).expect("JSON");
        map.ingest(Format::Jaeger, &doc);
    }
    map.flush_pending();
    map
}

fn snapshot(c: &mut Criterion) {
    let mut map = heat_map();
    let mut group = c.benchmark_group("snapshot 2000 services");
    group.sample_size(10);
    let component = SnapshotOptions::default();
    // Before each, a poll of new traces that touches every node, edge and entry point (untimed): nothing read
    // before is reused.
    let edges = calls();
    let mut pass = PASSES;
    group.bench_function("component after a poll", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                pass += 1;
                map.ingest(Format::Jaeger, &serde_json::to_vec(&traces(&edges, pass)).expect("JSON"));
                let started = Instant::now();
                black_box(map.snapshot(&component).expect("no layout asked"));
                spent += started.elapsed();
            }
            spent
        })
    });
    group.bench_function("component", |b| b.iter(|| map.snapshot(&component).expect("no layout asked")));
    let system = SnapshotOptions { level: Level::System, ..SnapshotOptions::default() };
    group.bench_function("system", |b| b.iter(|| map.snapshot(&system).expect("no layout asked")));
    let snapshot = map.snapshot(&component).expect("no layout asked");
    group.bench_function("component, serde_json::to_vec", |b| b.iter(|| serde_json::to_vec(&snapshot).expect("JSON")));
    group.finish();
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
