// The Prometheus source end to end: `/core`'s `map.poll({ type: 'prometheus', … })` (the built package, pkg/)
// against a real Prometheus holding the fixture's service graph in both emitters' shapes. The oracle is Prometheus
// itself: every edge's p50/p95/p99 in the snapshot (`stats` from the client histogram, `serverStats` from the
// server histogram) equals its own `histogram_quantile`, and rates and error rates its own `rate()`. Also: a
// neighbourhood asks only about its services, native histograms, a stopped server and an error envelope are
// failures in the report with the state left as it was; an extra query's value per service equals Prometheus's own
// answer. Queries, bytes and ms per poll are printed, not asserted.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadCore, repo } from './core.mjs';
import { nativeSeriesOf, startNativeExporter } from './native.mjs';
import { prometheusQuantiles, prometheusQuery, prometheusRates, startPrometheus } from './prometheus.mjs';
import { QUERY_TIME, fixtureCalls, fixtureRound, writeOpenMetrics } from './servicegraph.mjs';
import { tempDir } from './process.mjs';

const calls = fixtureCalls(JSON.parse(readFileSync(join(repo, 'tests/fixtures/otel-sdk/jaeger.json'), 'utf8')));
const catalog = JSON.parse(readFileSync(join(repo, 'tests/fixtures/catalog/otel-shop.json'), 'utf8'));
const SHAPES = { otel: 'failed!=""', tempo: '__metrics_gen_instance!=""' };
const KIND = { '': 'sync', messaging_system: 'async', database: 'database', virtual_node: 'sync' };
const TOLERANCE = 1e-9;
const NATIVE = 'traces_service_graph_request_native_seconds';

let core;
let prometheus;
let exporter;
let seriesDir;

before(async () => {
  core = await loadCore();
  seriesDir = tempDir('latency-heatmap-source-series');
  const files = [];
  for (const shape of Object.keys(SHAPES)) {
    const file = join(seriesDir, `${shape}.om`);
    const rounds = fixtureRound(calls, shape);
    await writeOpenMetrics(file, shape, () => rounds);
    files.push(file);
  }
  exporter = await startNativeExporter(NATIVE, nativeSeriesOf(calls), { steps: 3 });
  prometheus = await startPrometheus({ openMetrics: files, scrapeTargets: [exporter.target], nativeHistograms: true });
});

after(async () => {
  await Promise.all([prometheus?.stop(), exporter?.close()]);
  if (seriesDir) rmSync(seriesDir, { recursive: true, force: true });
});

function newMap() {
  const map = new core.HeatMap({ window: '5m' });
  map.setCatalog(catalog);
  return map;
}

const close = (actual, expected, what) => {
  if (Number.isNaN(expected)) return assert.equal(actual, null, `${what}: Prometheus says NaN, got ${actual}`);
  assert.equal(typeof actual, 'number', `${what}: ${actual}`);
  assert.ok(Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
};

/** The snapshot's service-level edges by `client→server`. */
function edgesOf(map) {
  return new Map(map.snapshot().edges.map((edge) => [`${edge.from}→${edge.to}`, edge]));
}

function printed(t, what, report) {
  t.diagnostic(`${what}: ${report.queries} queries, ${report.requests} requests, ${report.bytes} bytes, ${report.ms.toFixed(1)} ms`);
}

async function assertQuantiles(edges, selector, { histogram, field, native = false, rateWindow = '5m', time = QUERY_TIME }) {
  for (const q of [0.5, 0.95, 0.99]) {
    const rows = await prometheusQuantiles(prometheus.baseUrl, q, time, { selector, histogram, native, rateWindow });
    assert.ok(rows.length > 0, `${histogram}: Prometheus has rows`);
    for (const row of rows) {
      const edge = edges.get(`${row.client}→${row.server}`);
      assert.ok(edge, `${row.client}→${row.server} is in the snapshot`);
      assert.equal(edge.kind, KIND[row.connectionType], `${row.client}→${row.server} kind`);
      const stats = edge[field];
      close(stats?.[`p${q * 100}Ms`], row.value * 1000, `${field} p${q * 100} ${row.client}→${row.server}`);
    }
  }
}

for (const [shape, selector] of Object.entries(SHAPES)) {
  test(`${shape}: whole system — quantiles, rates and error rates equal Prometheus's own`, async (t) => {
    const map = newMap();
    try {
      const report = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector, time: QUERY_TIME * 1000, rateWindow: '5m', messaging: shape === 'tempo' });
      printed(t, `${shape} whole system`, report);
      assert.deepEqual(report.failures, []);
      assert.equal(report.queries, shape === 'tempo' ? 5 : 4);
      assert.equal(report.requests, report.queries);
      assert.deepEqual(report.metrics, { edges: 9, services: 10, refused: 0 });
      const edges = edgesOf(map);
      await assertQuantiles(edges, selector, { histogram: 'traces_service_graph_request_client_seconds', field: 'stats' });
      await assertQuantiles(edges, selector, { histogram: 'traces_service_graph_request_server_seconds', field: 'serverStats' });
      const rates = await prometheusRates(prometheus.baseUrl, QUERY_TIME, { selector });
      const failed = await prometheusRates(prometheus.baseUrl, QUERY_TIME, { selector, counter: 'traces_service_graph_request_failed_total' });
      assert.equal(rates.length, 9);
      for (const row of rates) {
        const edge = edges.get(`${row.client}→${row.server}`);
        close(edge.stats.ratePerSec, row.value, `rate ${row.client}→${row.server}`);
        const failing = failed.find((f) => f.client === row.client && f.server === row.server)?.value ?? 0;
        close(edge.stats.errorRate, failing / row.value, `error rate ${row.client}→${row.server}`);
      }
      if (shape === 'tempo') {
        const [queue] = await prometheusQuantiles(prometheus.baseUrl, 0.95, QUERY_TIME, { selector, histogram: 'traces_service_graph_request_messaging_system_seconds' });
        close(edges.get('checkout→shipping').queueDelayP95Ms, queue.value * 1000, 'queue delay p95');
      }
    } finally {
      map.free();
    }
  });
}

test("neighbourhood: two entities' services ask only about their edges", async (t) => {
  const seen = [];
  // A recording proxy in front of Prometheus: the queries the poll sends, as Prometheus received them.
  const proxy = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: request.method, url: request.url, type: request.headers['content-type'], tenant: request.headers['x-scope-orgid'], body });
    const answer = await fetch(`${prometheus.baseUrl}${request.url}`, { method: request.method, headers: { 'Content-Type': request.headers['content-type'] }, body });
    response.writeHead(answer.status, { 'Content-Type': 'application/json' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const map = newMap();
  try {
    const baseUrl = `http://127.0.0.1:${proxy.address().port}/`;
    const report = await map.poll({
      type: 'prometheus', baseUrl, selector: SHAPES.otel, services: ['payment', 'shipping'], time: QUERY_TIME * 1000,
      rateWindow: '5m', headers: { 'X-Scope-OrgID': 'shop' },
    });
    printed(t, 'neighbourhood of payment and shipping', report);
    assert.deepEqual(report.failures, []);
    assert.equal(report.queries, 4);
    assert.ok(seen.every((r) => r.method === 'POST' && r.url === '/api/v1/query' && r.type === 'application/x-www-form-urlencoded' && r.tenant === 'shop'));
    const queries = seen.map((r) => new URLSearchParams(r.body).get('query'));
    assert.ok(queries.every((q) => q.includes('server=~"payment|shipping"') && q.includes('client=~"payment|shipping"')), queries.join('\n'));
    assert.deepEqual(seen.map((r) => new URLSearchParams(r.body).get('time')), Array(4).fill(`${QUERY_TIME}.000`));
    const edges = [...edgesOf(map).keys()].sort();
    assert.deepEqual(edges, ['checkout→payment', 'checkout→shipping']);
    const [p95] = (await prometheusQuantiles(prometheus.baseUrl, 0.95, QUERY_TIME, { selector: `${SHAPES.otel}, server="payment"` }));
    close(edgesOf(map).get('checkout→payment').serverStats.p95Ms, p95.value * 1000, 'payment p95');
  } finally {
    map.free();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test('native histograms: server quantiles equal Prometheus 2.42 histogram_quantile over the scraped histograms', async (t) => {
  await exporter.waitForScrapes(3);
  const time = exporter.t0Ms / 1000 + 2;
  const map = newMap();
  try {
    const report = await map.poll({
      type: 'prometheus', baseUrl: prometheus.baseUrl, histograms: 'native', serverHistogram: NATIVE, clientHistogram: NATIVE,
      time: time * 1000, rateWindow: '3s',
    });
    printed(t, 'native', report);
    assert.deepEqual(report.failures, []);
    assert.equal(report.metrics.edges, 9);
    const edges = edgesOf(map);
    await assertQuantiles(edges, '', { histogram: NATIVE, field: 'serverStats', native: true, rateWindow: '3s', time });
  } finally {
    map.free();
  }
});

test("extra queries: each service's value equals Prometheus's own answer; a refused one is a failure, the rest taken", async (t) => {
  const rps = `sum by (server) (rate(traces_service_graph_request_total{${SHAPES.otel}}[5m]))`;
  const queries = [
    { name: 'rps', query: rps, serviceLabel: 'server' },
    { name: 'nan', query: `${rps} * 0 / 0`, serviceLabel: 'server' },
    { name: 'broken', query: 'sum by (server) (rate(', serviceLabel: 'server' },
  ];
  const map = newMap();
  try {
    const report = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector: SHAPES.otel, time: QUERY_TIME * 1000, rateWindow: '5m', retries: 0, queries });
    printed(t, 'extra queries', report);
    assert.equal(report.queries, 7);
    assert.equal(report.failures.length, 1);
    assert.equal(report.failures[0].code, 'poll.http-status');
    assert.match(report.failures[0].url, /query=sum%20by%20%28server%29%20%28rate%28&time=/);
    assert.match(report.failures[0].reason, /^HTTP 400: Prometheus answered bad_data: /);
    assert.deepEqual(report.metrics, { edges: 9, services: 10, refused: 0 });
    const nodes = new Map(map.snapshot().nodes.map((node) => [node.id, node]));
    const oracle = await prometheusQuery(prometheus.baseUrl, rps, QUERY_TIME);
    assert.ok(oracle.length > 0, 'Prometheus has rows');
    for (const { metric, value } of oracle) {
      const node = nodes.get(metric.server);
      assert.ok(node, `${metric.server} is a node`);
      assert.deepEqual(node.queries.map((q) => q.name), ['rps', 'nan'], metric.server);
      close(node.queries[0].value, Number(value[1]), `rps of ${metric.server}`);
      assert.deepEqual(node.queries[1], { name: 'nan', service: metric.server, value: null, answeredAt: QUERY_TIME * 1000, stale: false });
    }
    // A service no series serves (nobody calls it) has none.
    const served = new Set(oracle.map(({ metric }) => metric.server));
    const unserved = [...nodes.values()].filter((node) => !served.has(node.id));
    assert.ok(unserved.length > 0);
    assert.ok(unserved.every((node) => node.queries.length === 0), JSON.stringify(unserved.map((n) => [n.id, n.queries])));

    // The next round's `rps` is refused: every service keeps the value Prometheus gave before, marked stale with
    // the time it was answered at; `nan`, answered again, is fresh at the new time.
    const later = QUERY_TIME * 1000 + 1000;
    const next = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector: SHAPES.otel, time: later, rateWindow: '5m', retries: 0, queries: [{ ...queries[2], name: 'rps' }, queries[1]] });
    assert.equal(next.failures.length, 1);
    const kept = new Map(map.snapshot().nodes.map((node) => [node.id, node.queries]));
    for (const { metric, value } of oracle) {
      const [rpsNow, nanNow] = kept.get(metric.server);
      assert.deepEqual({ ...rpsNow, value: undefined }, { name: 'rps', service: metric.server, value: undefined, answeredAt: QUERY_TIME * 1000, stale: true });
      close(rpsNow.value, Number(value[1]), `kept rps of ${metric.server}`);
      assert.deepEqual(nanNow, { name: 'nan', service: metric.server, value: null, answeredAt: later, stale: false });
    }
  } finally {
    map.free();
  }
});

test("an error envelope is a failure with Prometheus's error text; a stopped Prometheus leaves the state as it was", async (t) => {
  const map = newMap();
  try {
    const good = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector: SHAPES.otel, time: QUERY_TIME * 1000, rateWindow: '5m' });
    assert.deepEqual(good.failures, []);
    const before = map.snapshot();

    // A selector Prometheus refuses at evaluation (a regex RE2 cannot compile): 400 bad_data on every query.
    const refused = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector: 'server=~"("', time: QUERY_TIME * 1000, retries: 0 });
    printed(t, 'refused', refused);
    assert.equal(refused.failures.length, 4);
    assert.equal(refused.metrics, null);
    for (const failure of refused.failures) {
      assert.equal(failure.code, 'poll.http-status');
      assert.match(failure.url, new RegExp(`^${prometheus.baseUrl}/api/v1/query\\?query=`));
      assert.match(failure.reason, /^HTTP 400: Prometheus answered bad_data: .*error parsing regexp: missing closing \)/);
    }
    assert.deepEqual(map.snapshot().edges, before.edges);

    await prometheus.stop();
    const down = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector: SHAPES.otel, time: QUERY_TIME * 1000, retries: 0 });
    printed(t, 'stopped', down);
    assert.equal(down.failures.length, 4);
    assert.ok(down.failures.every((failure) => failure.code === 'poll.network'), JSON.stringify(down.failures));
    assert.equal(down.metrics, null);
    assert.deepEqual(map.snapshot().edges, before.edges);
  } finally {
    map.free();
  }
});
