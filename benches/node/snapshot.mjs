// `snapshot()` at scale in Node (issue 11, item 10): a generated catalog of 2 000 Components in 100 Systems with
// tight `latencyheatmap/*` thresholds, and Jaeger traces giving ~6 000 calls between them plus the virtual `user`
// calling ~1 900 entry points, ingested once; then `snapshot()` timed, as it is, with each option that leaves parts
// out, and at `level: 'system'`. Figures are printed, never asserted.
//
//   node snapshot.mjs [--services=2000] [--calls=6000] [--passes=3] [--runs=7] [--warmup=2]
//                     [--only=default,after-poll,no-entry-points,system,domain]
//
// Each row is the median of --runs calls after --warmup untimed ones, on the same HeatMap (so `since` is carried).
// `after a poll` ingests a fresh pass of traces touching every key before each call (untimed), as a live poll
// does; the other rows repeat the snapshot on unchanged state (keys reuse their merged windows). `median` is wall
// time, `CPU` the process's (steadier on a shared machine). `JSON.parse of it` times JSON.parse on the result's
// JSON text: since the wasm build hands its result over as JSON text, that is the JS side of the call (the rest is
// Rust: judging, then writing the text). `JSON length` is the size of that text; the counts are what it holds.
import { performance } from 'node:perf_hooks';
import { CORE, int, loadCore, machine, median, ms, mulberry32, options, table } from './common.mjs';

const opts = options({ services: '2000', calls: '6000', passes: '3', runs: '7', warmup: '2', only: '' });
const ONLY = opts.only ? new Set(opts.only.split(',')) : null;
const SERVICES = Number(opts.services);
const CALLS = Number(opts.calls);
const PASSES = Number(opts.passes);
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
const SYSTEMS = Math.max(1, Math.round(SERVICES / 20));
const DOMAINS = Math.max(1, Math.round(SYSTEMS / 10));

// ---------------------------------------------------------------------------------------------------------------
// A fixed-seed generator.

function rng(seed) {
  const next = mulberry32(seed);
  return { next, below: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

const name = (i) => `svc-${String(i).padStart(4, '0')}`;
const systemOf = (i) => i % SYSTEMS;

// ---------------------------------------------------------------------------------------------------------------
// The catalog: Domains, Systems, Components. Thresholds are tight (10–40 ms SLOs against 5–120 ms calls), so
// thousands of nodes and edges breach; a quarter of the components declare their calls (`dependsOn`), so drift has
// both undeclared and declared calls; every tenth component sets an edge SLO on one callee.

function calls() {
  const r = rng(0x5ca1e);
  const seen = new Set();
  const out = [];
  while (out.length < CALLS) {
    const a = r.below(SERVICES - 1);
    const b = a + 1 + r.below(Math.min(200, SERVICES - 1 - a));
    const key = `${a}>${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}

function catalog(edges) {
  const r = rng(0xca7a);
  const out = [];
  for (let d = 0; d < DOMAINS; d++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${d}`, annotations: { 'latencyheatmap/latency-slo': '80ms' } },
      spec: { owner: `group:default/team-${d}` },
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `system-${s}`, annotations: { 'latencyheatmap/latency-slo': '60ms' } },
      spec: { owner: `group:default/team-${s % 40}`, domain: `domain-${s % DOMAINS}` },
    });
  }
  const callees = new Map();
  for (const [a, b] of edges) (callees.get(a) ?? callees.set(a, []).get(a)).push(b);
  for (let i = 0; i < SERVICES; i++) {
    const annotations = {
      'latencyheatmap/latency-slo': `${10 + r.below(30)}ms`,
      'latencyheatmap/processingthreshold': `${4 + r.below(12)}ms`,
      'latencyheatmap/percentile': ['p50', 'p90', 'p95', 'p99'][r.below(4)],
    };
    const mine = callees.get(i) ?? [];
    if (i % 10 === 0 && mine.length) annotations[`latencyheatmap/edge-slo.${name(mine[0])}`] = `${5 + r.below(20)}ms`;
    const spec = { type: 'service', lifecycle: 'production', owner: `group:default/team-${i % 40}`, system: `system-${systemOf(i)}` };
    if (i % 4 === 0 && mine.length) spec.dependsOn = mine.slice(0, 2).map((b) => `component:default/${name(b)}`);
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: name(i), title: `Service ${i}`, annotations },
      spec,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The traces (Jaeger query-API JSON, one document per pass): for every call a→b one trace: the root SERVER span at
// a (so `user` calls a), a CLIENT span at a and its SERVER span at b, and b's first own call if it has one. Spans
// end within the last 4 minutes of event time, so the default 5-minute window holds them all; ~2 % are errors.

function traces(edges, pass) {
  const r = rng(0x7ace + pass);
  const callees = new Map();
  for (const [a, b] of edges) (callees.get(a) ?? callees.set(a, []).get(a)).push(b);
  const base = 1_700_000_000_000_000; // µs
  const data = [];
  let traceNo = 0;
  let spanNo = 0;
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  for (const [a, b] of edges) {
    const traceID = hex(pass + 1, 8) + hex(++traceNo, 24);
    const start = base + Math.floor((traceNo / edges.length) * 240e6) + pass * 7;
    const spans = [];
    const span = (service, kind, parent, at, duration) => {
      const spanID = hex(++spanNo, 16);
      const tags = [{ key: 'span.kind', type: 'string', value: kind }];
      if (r.chance(0.02)) tags.push({ key: 'error', type: 'bool', value: true });
      spans.push({
        traceID,
        spanID,
        operationName: `${kind} ${service}`,
        references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
        startTime: at,
        duration,
        tags,
        process: { serviceName: name(service) },
      });
      return spanID;
    };
    const hop = (caller, callerSpan, callee, at, depth) => {
      const dur = 5000 + r.below(60_000 >> depth);
      const client = span(caller, 'client', callerSpan, at, dur + 600);
      const server = span(callee, 'server', client, at + 300, dur);
      const next = callees.get(callee);
      if (depth < 1 && next) hop(callee, server, next[r.below(next.length)], at + 700, depth + 1);
    };
    const total = 90_000 + r.below(30_000);
    const root = span(a, 'server', null, start, total);
    hop(a, root, b, start + 1000, 0);
    data.push({ traceID, spans, processes: {} });
  }
  return { data };
}

// ---------------------------------------------------------------------------------------------------------------

function time(fn, before) {
  for (let i = 0; i < WARMUP; i++) {
    before?.();
    fn();
  }
  const times = [];
  const cpu = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    before?.();
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(times), cpu: median(cpu), result };
}

function describe(label, fn, before) {
  const { ms: took, cpu, result } = time(fn, before);
  const json = JSON.stringify(result);
  const parseTimes = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    JSON.parse(json);
    parseTimes.push(performance.now() - t0);
  }
  return [
    label,
    `${ms(took)} ms`,
    `${ms(cpu)} ms`,
    `${ms(median(parseTimes))} ms`,
    `${(json.length / 1048576).toFixed(2)} MiB`,
    int(result.nodes.length),
    int(result.edges.length),
    int(result.alerts.length),
    int(result.entryPoints.length),
  ];
}

/** [--only key, label, options]: the default, each documented option that leaves parts out, the group levels. */
const VARIANTS = [
  ['default', 'snapshot()', undefined],
  ['no-entry-points', 'snapshot({ entryPoints: false })', { entryPoints: false }],
  ['system', "snapshot({ level: 'system' })", { level: 'system' }],
  ['domain', "snapshot({ level: 'domain' })", { level: 'domain' }],
  // Last: the polls change the state the other rows see.
  ['after-poll', 'snapshot() after a poll', undefined, true],
];

const core = await loadCore();
console.log(`snapshot() at scale — ${machine()}`);
console.log(`core: ${CORE}`);

const edges = calls();
const entities = catalog(edges);
const map = new core.HeatMap({ defaults: { errorRate: 0.01 } });
const catalogReport = map.setCatalog(entities);
let spans = 0;
let ingestMs = 0;
for (let pass = 0; pass < PASSES; pass++) {
  const doc = Buffer.from(JSON.stringify(traces(edges, pass)));
  const t0 = performance.now();
  spans += map.ingestJaeger(doc).accepted;
  ingestMs += performance.now() - t0;
}
const t0 = performance.now();
map.flushPending();
const flushMs = performance.now() - t0;
console.log(
  `catalog: ${int(catalogReport.entities)} entities (${catalogReport.warnings.length} warnings); ` +
    `${int(spans)} spans accepted in ${ms(ingestMs)} ms, flushPending() ${ms(flushMs)} ms\n`,
);

const rows = [];
let pass = PASSES;
for (const [key, label, options, afterPoll] of VARIANTS) {
  if (ONLY && !ONLY.has(key)) continue;
  // A poll of new traces touching every node, edge and entry point before each call (untimed): nothing read by the
  // previous snapshot is reused, as in live use.
  const poll = afterPoll ? () => map.ingestJaeger(Buffer.from(JSON.stringify(traces(edges, pass++)))) : undefined;
  rows.push(describe(label, () => map.snapshot(options), poll));
}
console.log(
  table(['call', 'median', 'CPU', 'JSON.parse of it', 'JSON length', 'nodes', 'edges', 'alerts', 'entry points'], rows),
);
map.free();
