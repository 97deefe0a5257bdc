// The real-server harness proved against the servers themselves: Prometheus with the fixture's service graph
// backfilled in both emitters' shapes (and a scraped native histogram), Alertmanager with posted alerts and a
// silence. The expected edges and rates are written out below from the fixture's own counts (tests/fixtures/
// otel-sdk/README.md: 40 orders, every 8th failing at payment and the error carried up to the root span, 8 email
// batches), not taken from the generator.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { postAlerts, postSilence, startAlertmanager } from './alertmanager.mjs';
import { nativeBucketIndex, nativeSeriesOf, startNativeExporter } from './native.mjs';
import { prometheusQuantiles, prometheusQuery, prometheusRates, startPrometheus } from './prometheus.mjs';
import {
  OTEL_BUCKETS, QUERY_TIME, STEP_SECONDS, TEMPO_BUCKETS, fixtureCalls, fixtureRound, writeOpenMetrics,
} from './servicegraph.mjs';
import { tempDir } from './process.mjs';

const fixture = fileURLToPath(new URL('../fixtures/otel-sdk/jaeger.json', import.meta.url));
const calls = fixtureCalls(JSON.parse(readFileSync(fixture, 'utf8')));

// [client, server, connection_type, calls per round, failed calls per round]
const EXPECTED_EDGES = [
  ['cart', 'redis', 'virtual_node', 40, 0],
  ['checkout', 'orders', 'database', 40, 0],
  ['checkout', 'payment', '', 40, 5],
  ['checkout', 'shipping', 'messaging_system', 40, 0],
  ['frontend', 'cart', '', 40, 0],
  ['frontend', 'checkout', '', 40, 5],
  ['frontend', 'currency-api', 'virtual_node', 40, 0],
  ['user', 'email', 'virtual_node', 8, 0],
  ['user', 'frontend', 'virtual_node', 40, 5],
];
const SHAPES = { otel: { selector: 'failed!=""', bounds: OTEL_BUCKETS }, tempo: { selector: '__metrics_gen_instance!=""', bounds: TEMPO_BUCKETS } };
const TOLERANCE = 1e-9;

let prometheus;
let alertmanager;
let exporter;
let seriesDir;
const timings = {};

before(async () => {
  const dir = tempDir('latency-heatmap-series');
  const files = [];
  let start = performance.now();
  for (const shape of Object.keys(SHAPES)) {
    const file = join(dir, `${shape}.om`);
    const rounds = fixtureRound(calls, shape);
    await writeOpenMetrics(file, shape, () => rounds);
    files.push(file);
  }
  timings.generateMs = performance.now() - start;
  seriesDir = dir;
  exporter = await startNativeExporter('traces_service_graph_request_native_seconds', nativeSeriesOf(calls), { steps: 3 });
  start = performance.now();
  [prometheus, alertmanager] = await Promise.all([
    startPrometheus({ openMetrics: files, scrapeTargets: [exporter.target], nativeHistograms: true }),
    startAlertmanager(),
  ]);
  timings.bothReadyMs = performance.now() - start;
  Object.assign(timings, { backfillMs: prometheus.backfillMs, prometheusStartMs: prometheus.startMs });
});

after(async () => {
  await Promise.all([prometheus?.stop(), alertmanager?.stop(), exporter?.close()]);
  if (seriesDir) rmSync(seriesDir, { recursive: true, force: true });
});

const edgeOf = ([client, server, connectionType]) => ({ client, server, connectionType });
const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

/** histogram_quantile's rules over cumulative counts by ascending `le`, written here independently of Prometheus. */
function classicQuantile(q, bounds, cumulative) {
  const total = cumulative[cumulative.length - 1];
  if (total === 0) return NaN;
  const rank = q * total;
  const i = cumulative.findIndex((count) => count >= rank);
  if (i === bounds.length) return bounds[bounds.length - 1];
  const lower = i === 0 ? 0 : bounds[i - 1];
  const below = i === 0 ? 0 : cumulative[i - 1];
  return lower + (bounds[i] - lower) * ((rank - below) / (cumulative[i] - below));
}

function expectedQuantile(q, bounds, edge, side) {
  const values = calls
    .filter((call) => call.client === edge[0] && call.server === edge[1] && call.connectionType === edge[2])
    .map((call) => call[side]);
  const cumulative = [...bounds, Infinity].map((bound) => values.filter((value) => value <= bound).length);
  return classicQuantile(q, bounds, cumulative.map((count) => count / STEP_SECONDS));
}

for (const [shape, { selector, bounds }] of Object.entries(SHAPES)) {
  test(`${shape}: request and error rates per edge at the fixed time`, async (t) => {
    const start = performance.now();
    const rates = await prometheusRates(prometheus.baseUrl, QUERY_TIME, { selector });
    const failed = await prometheusRates(prometheus.baseUrl, QUERY_TIME, {
      selector, counter: 'traces_service_graph_request_failed_total',
    });
    t.diagnostic(`two rate queries: ${(performance.now() - start).toFixed(0)} ms`);
    assert.deepEqual(rates.map(({ value, ...edge }) => edge), EXPECTED_EDGES.map(edgeOf));
    rates.forEach((row, i) => close(row.value, EXPECTED_EDGES[i][3] / STEP_SECONDS, `${row.client}->${row.server}`));
    const failing = EXPECTED_EDGES.filter((edge) => edge[4] > 0);
    assert.deepEqual(failed.map(({ value, ...edge }) => edge), failing.map(edgeOf));
    failed.forEach((row, i) => close(row.value, failing[i][4] / STEP_SECONDS, `${row.client}->${row.server} failed`));
  });

  test(`${shape}: histogram_quantile per edge equals the quantile of the fixture's latencies`, async (t) => {
    const start = performance.now();
    for (const [histogram, side] of [['server', 'serverSeconds'], ['client', 'clientSeconds']]) {
      for (const q of [0.5, 0.95, 0.99]) {
        const rows = await prometheusQuantiles(prometheus.baseUrl, q, QUERY_TIME, {
          selector, histogram: `traces_service_graph_request_${histogram}_seconds`,
        });
        assert.deepEqual(rows.map(({ value, ...edge }) => edge), EXPECTED_EDGES.map(edgeOf));
        rows.forEach((row, i) =>
          close(row.value, expectedQuantile(q, bounds, EXPECTED_EDGES[i], side), `${histogram} p${q * 100} ${row.client}->${row.server}`));
      }
    }
    t.diagnostic(`six quantile queries: ${(performance.now() - start).toFixed(0)} ms`);
  });
}

test('otel: two series sets per failing edge, none for connection_type on plain calls', async () => {
  const result = await prometheusQuery(prometheus.baseUrl,
    'count by (client, server, connection_type, failed) (traces_service_graph_request_total{failed!=""})', QUERY_TIME);
  const sets = result.map(({ metric }) => `${metric.client}->${metric.server} ${metric.connection_type ?? '-'} ${metric.failed}`).sort();
  assert.deepEqual(sets, [
    'cart->redis virtual_node false', 'checkout->orders database false', 'checkout->payment - false',
    'checkout->payment - true', 'checkout->shipping messaging_system false', 'frontend->cart - false',
    'frontend->checkout - false', 'frontend->checkout - true', 'frontend->currency-api virtual_node false',
    'user->email virtual_node false', 'user->frontend virtual_node false', 'user->frontend virtual_node true',
  ]);
});

test('tempo: each edge split across two instances, and the queue delay of the messaging edge', async () => {
  const instances = await prometheusQuery(prometheus.baseUrl,
    'sum by (__metrics_gen_instance) (rate(traces_service_graph_request_total{__metrics_gen_instance!=""}[5m]))', QUERY_TIME);
  assert.deepEqual(instances.map(({ metric }) => metric.__metrics_gen_instance).sort(),
    ['metrics-generator-0', 'metrics-generator-1']);
  const shares = instances.map(({ value }) => Number(value[1]));
  assert.ok(shares.every((share) => share > 0), `instance shares ${shares}`);
  const allCalls = EXPECTED_EDGES.reduce((sum, edge) => sum + edge[3], 0);
  close(shares[0] + shares[1], allCalls / STEP_SECONDS, 'both instances together');
  const rows = await prometheusQuantiles(prometheus.baseUrl, 0.95, QUERY_TIME, {
    selector: '__metrics_gen_instance!=""', histogram: 'traces_service_graph_request_messaging_system_seconds',
  });
  const edge = ['checkout', 'shipping', 'messaging_system'];
  assert.deepEqual(rows.map(({ value, ...row }) => row), [edgeOf(edge)]);
  close(rows[0].value, expectedQuantile(0.95, TEMPO_BUCKETS, edge, 'messagingSeconds'), 'queue delay p95');
});

test('alertmanager: posted alerts listed, a silenced one left out of the unsilenced list', async () => {
  const now = Date.now();
  const alert = (alertname, service, severity) => ({
    labels: { alertname, service, severity },
    annotations: { summary: `${service} ${alertname}`, description: '<img src=x onerror=alert(1)>' },
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
  });
  await postAlerts(alertmanager.baseUrl, [
    alert('CheckoutErrors', 'checkout', 'critical'),
    alert('PaymentSlow', 'payment', 'warning'),
    alert('CartSlow', 'cart', 'warning'),
  ]);
  const silenceId = await postSilence(alertmanager.baseUrl, {
    matchers: [{ name: 'alertname', value: 'CartSlow', isRegex: false, isEqual: true }],
    startsAt: new Date(now - 1_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'servers.test.mjs',
    comment: 'the silenced case',
  });
  assert.match(silenceId, /^[0-9a-f-]{36}$/);
  const list = async (query) => (await (await fetch(`${alertmanager.baseUrl}/api/v2/alerts?${query}`)).json())
    .map((a) => `${a.labels.alertname} ${a.labels.service} ${a.labels.severity} ${a.status.state}`).sort();
  assert.deepEqual(await list('active=true&silenced=false&inhibited=false'),
    ['CheckoutErrors checkout critical active', 'PaymentSlow payment warning active']);
  assert.deepEqual(await list('active=true&silenced=true&inhibited=false'),
    ['CartSlow cart warning suppressed', 'CheckoutErrors checkout critical active', 'PaymentSlow payment warning active']);
});

test('native histogram (scraped as protobuf): p95 per edge in the schema-0 bucket holding the rank', async (t) => {
  const start = performance.now();
  await exporter.waitForScrapes(3);
  t.diagnostic(`three scrapes ${(performance.now() - start).toFixed(0)} ms after the tests reached them`);
  const time = exporter.t0Ms / 1000 + 2;
  const rows = await prometheusQuantiles(prometheus.baseUrl, 0.95, time, {
    histogram: 'traces_service_graph_request_native_seconds', native: true, rateWindow: '3s',
  });
  assert.deepEqual(rows.map(({ value, ...edge }) => edge), EXPECTED_EDGES.map(edgeOf));
  rows.forEach((row, i) => {
    const edge = EXPECTED_EDGES[i];
    const values = calls
      .filter((call) => call.client === edge[0] && call.server === edge[1] && call.connectionType === edge[2])
      .map((call) => call.serverSeconds)
      .sort((a, b) => a - b);
    const atRank = values[Math.ceil(0.95 * values.length) - 1];
    if (atRank === 0) {
      // The missing side of a virtual-node edge is recorded as 0: the zero bucket, [-2^-128, 2^-128].
      assert.ok(Math.abs(row.value) <= 2 ** -128, `${edge[0]}->${edge[1]}: ${row.value}`);
    } else {
      const index = nativeBucketIndex(atRank);
      assert.ok(row.value > 2 ** (index - 1) && row.value <= 2 ** index, `${edge[0]}->${edge[1]}: ${row.value} not in bucket ${index}`);
    }
  });
});

test('stopping: processes gone, ports refused, temp dirs removed', async (t) => {
  t.diagnostic(`timings: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
  for (const server of [prometheus, alertmanager]) {
    const start = performance.now();
    await server.stop();
    t.diagnostic(`${server.name} stopped in ${(performance.now() - start).toFixed(0)} ms`);
    await assert.rejects(fetch(`${server.baseUrl}/-/ready`), /fetch failed/);
    assert.equal(existsSync(server.dir), false);
  }
});
