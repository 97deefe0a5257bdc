// Service-graph series as the OpenTelemetry Collector's `servicegraph` connector and Grafana Tempo's
// metrics-generator write them into Prometheus, as OpenMetrics text for `promtool tsdb create-blocks-from
// openmetrics`: from the repository's trace fixtures (deterministic) or a synthetic graph of any size (the
// benchmark's). Knows the emitters' metric names, labels and default buckets; knows nothing about running servers.
//
// Pairing follows the connectors: a CLIENT/PRODUCER span keyed by (trace, its span id) meets the SERVER/CONSUMER
// span keyed by (trace, its parent span id); a producer/consumer pair is `messaging_system`; a client span with
// `db.name` is a `database` edge to that name at once (its server latency is the client span's, as the Collector
// records it); with virtual nodes on (Tempo always, the Collector behind its `virtualNode` gate) a client span left
// alone goes to its `peer.service` or `db.system` and a root server span comes from `user`, both `virtual_node`,
// the missing side's latency recorded as 0. Kind-less (INTERNAL) spans and FOLLOWS_FROM links make no edges. A call
// fails when either side has status ERROR.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The Collector connector's default `latency_histogram_buckets` (2 ms … 15 s), in seconds. */
export const OTEL_BUCKETS = [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15];
/** Tempo's default `histogram_buckets`. */
export const TEMPO_BUCKETS = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8];
/** Tempo's metrics-generator instances the counts are split across (`__metrics_gen_instance`). */
export const TEMPO_INSTANCES = ['metrics-generator-0', 'metrics-generator-1'];

/** The fixed evaluation time of every query (unix seconds) and the series' span before it. */
export const QUERY_TIME = 1_700_003_600;
export const SERIES_SECONDS = 1_800;
export const STEP_SECONDS = 15;

const PREFIX = 'traces_service_graph_request';

/**
 * The calls of a Jaeger query-API document (`{ data: [trace] }`) as the connectors see them:
 * `[{ trace, client, server, connectionType, failed, clientSeconds, serverSeconds, messagingSeconds }]`,
 * `trace` being the trace id.
 */
export function fixtureCalls(jaeger) {
  const calls = [];
  for (const trace of jaeger.data) {
    const spans = trace.spans.map((span) => {
      const tags = Object.fromEntries(span.tags.map((tag) => [tag.key, tag.value]));
      const parent = span.references.find((reference) => reference.refType === 'CHILD_OF');
      return {
        id: span.spanID,
        parent: parent ? parent.spanID : '',
        kind: tags['span.kind'],
        tags,
        service: trace.processes[span.processID].serviceName,
        // Microseconds until the difference below: seconds since 1970 would lose the queue delay's low digits.
        startUs: span.startTime,
        durationUs: span.duration,
        seconds: span.duration / 1e6,
        failed: tags['otel.status_code'] === 'ERROR',
      };
    });
    const serverByParent = new Map();
    for (const span of spans) {
      if (span.kind === 'server' || span.kind === 'consumer') serverByParent.set(span.parent, span);
    }
    const paired = new Set();
    const call = (client, server, connectionType, failed, clientSeconds, serverSeconds, messagingSeconds) =>
      calls.push({ trace: trace.traceID, client, server, connectionType, failed, clientSeconds, serverSeconds, messagingSeconds });
    for (const span of spans) {
      if (span.kind !== 'client' && span.kind !== 'producer') continue;
      if (span.tags['db.name'] !== undefined) {
        call(span.service, span.tags['db.name'], 'database', span.failed, span.seconds, span.seconds, undefined);
        continue;
      }
      const server = serverByParent.get(span.id);
      if (server) {
        paired.add(server);
        const messaging = span.kind === 'producer';
        call(span.service, server.service, messaging ? 'messaging_system' : '', span.failed || server.failed,
          span.seconds, server.seconds, messaging ? (server.startUs - (span.startUs + span.durationUs)) / 1e6 : undefined);
        continue;
      }
      const peer = span.tags['peer.service'] ?? span.tags['db.system'];
      if (peer !== undefined) call(span.service, peer, 'virtual_node', span.failed, span.seconds, 0, undefined);
    }
    for (const span of serverByParent.values()) {
      if (!paired.has(span) && span.parent === '') {
        call('user', span.service, 'virtual_node', span.failed, 0, span.seconds, undefined);
      }
    }
  }
  return calls;
}

/** Non-cumulative counts per bucket (`bounds.length + 1`, the last being +Inf) and their sum. */
function histogram(bounds, values) {
  const counts = new Array(bounds.length + 1).fill(0);
  let sum = 0;
  for (const value of values) {
    const index = bounds.findIndex((bound) => value <= bound);
    counts[index === -1 ? bounds.length : index] += 1;
    sum += value;
  }
  return { counts, sum };
}

/**
 * One round of the fixture's calls per series key in the emitter's shape (`otel`: split by `failed`; `tempo`:
 * split across two instances by trace id, as Tempo's distributor shards traces by id). Each round is what one step adds to the cumulative series.
 */
export function fixtureRound(calls, shape) {
  const bounds = shape === 'otel' ? OTEL_BUCKETS : TEMPO_BUCKETS;
  const groups = new Map();
  for (const call of calls) {
    const split = shape === 'otel' ? String(call.failed) : TEMPO_INSTANCES[parseInt(call.trace.slice(-1), 16) % TEMPO_INSTANCES.length];
    const key = JSON.stringify([call.client, call.server, call.connectionType, split]);
    if (!groups.has(key)) groups.set(key, { call, split, calls: [] });
    groups.get(key).calls.push(call);
  }
  return [...groups.values()].map(({ call, split, calls: group }) => ({
    labels: edgeLabels(shape, call.client, call.server, call.connectionType, split),
    calls: group.length,
    failedCalls: group.filter((c) => c.failed).length,
    client: histogram(bounds, group.map((c) => c.clientSeconds)),
    server: histogram(bounds, group.map((c) => c.serverSeconds)),
    messaging: shape === 'tempo' && call.connectionType === 'messaging_system'
      ? histogram(bounds, group.map((c) => c.messagingSeconds))
      : undefined,
  }));
}

function edgeLabels(shape, client, server, connectionType, split) {
  const labels = [['client', client], ['server', server]];
  // Prometheus drops a label with an empty value, so a plain call has no connection_type at all.
  if (connectionType !== '') labels.push(['connection_type', connectionType]);
  labels.push(shape === 'otel' ? ['failed', split] : ['__metrics_gen_instance', split]);
  return labels.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',');
}

function escapeLabel(value) {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Writes the series of `roundsOf()` (an iterable of rounds, asked once per metric family so that a synthetic set
 * is never held whole) as OpenMetrics to `path`: cumulative counters and histograms over `seconds` up to `end`
 * at `step`, each step adding one round, so `rate()` over any window inside is the round's count per `step`.
 */
export async function writeOpenMetrics(path, shape, roundsOf, { end = QUERY_TIME, seconds = SERIES_SECONDS, step = STEP_SECONDS } = {}) {
  const bounds = (shape === 'otel' ? OTEL_BUCKETS : TEMPO_BUCKETS).map(String).concat('+Inf');
  const steps = seconds / step;
  const times = Array.from({ length: steps + 1 }, (_, k) => end - seconds + k * step);
  const out = createWriteStream(path);
  let buffer = '';
  const flush = async (force) => {
    if (buffer.length < 1 << 20 && !force) return;
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  const counter = async (family, valueOf) => {
    buffer += `# TYPE ${family} counter\n`;
    for (const round of roundsOf()) {
      const perRound = valueOf(round);
      if (perRound === 0) continue;
      for (let k = 0; k <= steps; k += 1) buffer += `${family}_total{${round.labels}} ${k * perRound} ${times[k]}\n`;
      await flush(false);
    }
  };
  const histogramFamily = async (family, partOf) => {
    buffer += `# TYPE ${family} histogram\n`;
    for (const round of roundsOf()) {
      const part = partOf(round);
      if (part === undefined) continue;
      let running = 0;
      const cumulative = part.counts.map((count) => (running += count));
      for (let k = 0; k <= steps; k += 1) {
        const t = times[k];
        for (let i = 0; i < bounds.length; i += 1) {
          buffer += `${family}_bucket{${round.labels},le="${bounds[i]}"} ${k * cumulative[i]} ${t}\n`;
        }
        buffer += `${family}_count{${round.labels}} ${k * cumulative[bounds.length - 1]} ${t}\n`;
        buffer += `${family}_sum{${round.labels}} ${k * part.sum} ${t}\n`;
      }
      await flush(false);
    }
  };
  await counter(PREFIX, (round) => round.calls);
  await counter(`${PREFIX}_failed`, (round) => round.failedCalls);
  await histogramFamily(`${PREFIX}_server_seconds`, (round) => round.server);
  await histogramFamily(`${PREFIX}_client_seconds`, (round) => round.client);
  if (shape === 'tempo') await histogramFamily(`${PREFIX}_messaging_system_seconds`, (round) => round.messaging);
  buffer += '# EOF\n';
  await flush(true);
  out.end();
  await once(out, 'finish');
}

/** A seeded PRNG (mulberry32): the synthetic set is the same on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A synthetic service graph's rounds, regenerated identically on each call: `services` services `svc-00000…`,
 * `edges` distinct caller→callee edges (callee index above the caller's, so no cycles), each with 1–40 calls per
 * round, a log-uniform median latency (5 ms … 2 s) spread over the buckets, about one edge in ten failing some
 * calls (OTel: its own `failed="true"` series), every fiftieth edge a database and every fortieth a messaging one.
 */
export function* syntheticRounds(shape, { services, edges, seed = 13 }) {
  if (edges > (services * (services - 1)) / 2) throw new Error(`${edges} edges do not fit ${services} services`);
  const bounds = shape === 'otel' ? OTEL_BUCKETS : TEMPO_BUCKETS;
  const next = random(seed);
  const seen = new Set();
  const width = String(services - 1).length;
  const name = (index) => `svc-${String(index).padStart(width, '0')}`;
  for (let edge = 0; edge < edges; ) {
    const a = Math.floor(next() * services);
    const b = Math.floor(next() * services);
    if (a === b || seen.has(Math.min(a, b) * services + Math.max(a, b))) continue;
    seen.add(Math.min(a, b) * services + Math.max(a, b));
    const connectionType = edge % 50 === 49 ? 'database' : edge % 40 === 39 ? 'messaging_system' : '';
    const calls = 1 + Math.floor(next() * 40);
    const failedCalls = next() < 0.1 ? 1 + Math.floor(next() * calls * 0.2) : 0;
    const median = 0.005 * 400 ** next();
    // Each call's latency: the median scaled by a fixed spread (deterministic per call index).
    const latencies = Array.from({ length: calls }, (_, i) => median * 2 ** (((i * 7) % calls) / calls * 4 - 2));
    const caller = name(Math.min(a, b));
    const callee = name(Math.max(a, b));
    edge += 1;
    // OTel splits an edge's calls by `failed`, Tempo across its two instances (the failures shared out too).
    const parts = shape === 'otel'
      ? [['false', latencies.slice(failedCalls), 0], ['true', latencies.slice(0, failedCalls), failedCalls]]
      : TEMPO_INSTANCES.map((instance, n) => [instance, latencies.filter((_, i) => i % 2 === n),
        n === 0 ? Math.ceil(failedCalls / 2) : Math.floor(failedCalls / 2)]);
    for (const [split, mine, failed] of parts) {
      if (mine.length === 0) continue;
      yield {
        labels: edgeLabels(shape, caller, callee, connectionType, split),
        calls: mine.length,
        failedCalls: failed,
        client: histogram(bounds, mine.map((seconds) => seconds * 1.1 + 0.001)),
        server: histogram(bounds, mine),
        messaging: shape === 'tempo' && connectionType === 'messaging_system'
          ? histogram(bounds, mine.map((seconds) => seconds / 4))
          : undefined,
      };
    }
  }
}
