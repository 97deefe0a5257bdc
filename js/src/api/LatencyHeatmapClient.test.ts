/**
 * `LatencyHeatmapClient` against a local fixture server answering the Jaeger query API (through a fake Backstage
 * proxy path that insists on the user's token), with the shop catalog from `tests/fixtures/catalog/otel-shop.json`:
 * sharing one poller, what subscribers receive, staleness and recovery, the schedule, and config errors.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigReader } from '@backstage/config';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeatMap, initSync, type HeatMapConfig } from '../core';
import { closeFixtureServers, json, serve, type FixtureServer, withHeatMap } from '../testing';
import { LatencyHeatmapClient } from './LatencyHeatmapClient';
import type { LatencyHeatmapState } from './types';

const jaeger = readFileSync(new URL('../../../tests/fixtures/otel-sdk/jaeger.json', import.meta.url));
const shop = JSON.parse(readFileSync(new URL('../../../tests/fixtures/catalog/otel-shop.json', import.meta.url), 'utf8')) as {
  items: { kind: string; metadata: { name: string; namespace?: string } }[];
};
const refOf = (entity: (typeof shop.items)[number]) => `${entity.kind.toLowerCase()}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
const byRef = new Map(shop.items.map((entity) => [refOf(entity), entity]));

const FRONTEND = 'component:default/frontend';
const CHECKOUT = 'component:default/checkout';
const TOKEN = 'backstage-user-token';

/** The proxy's `/jaeger` endpoint: the Jaeger query API for requests that carry the user's token. */
function proxiedJaeger(seen: { authorization: (string | undefined)[] }) {
  return (url: URL, response: ServerResponse, request: IncomingMessage) => {
    seen.authorization.push(request.headers.authorization);
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, '{"error":"Missing credentials"}', 401);
    if (url.pathname === '/api/proxy/jaeger/api/traces') return json(response, jaeger);
    json(response, '{"errors":["not found"]}', 404);
  };
}

interface Harness {
  client: LatencyHeatmapClient;
  catalogCalls: string[][];
}

function clientFor(server: FixtureServer | string, section: Record<string, unknown> | undefined): Harness {
  const catalogCalls: string[][] = [];
  const base = typeof server === 'string' ? server : server.baseUrl;
  const client = new LatencyHeatmapClient({
    configApi: new ConfigReader((section === undefined ? {} : { latencyHeatmap: section }) as ConstructorParameters<typeof ConfigReader>[0]),
    discoveryApi: { getBaseUrl: async (pluginId) => `${base}/api/${pluginId}` },
    identityApi: { getCredentials: async () => ({ token: TOKEN }) },
    catalogApi: {
      getEntitiesByRefs: async ({ entityRefs }) => {
        catalogCalls.push([...entityRefs]);
        return { items: entityRefs.map((ref) => byRef.get(ref) as never) };
      },
    },
  });
  return { client, catalogCalls };
}

const proxied = (extra: Record<string, unknown> = {}) => ({
  source: { type: 'jaeger', proxyPath: '/jaeger', retries: 0, timeout: '2s' },
  pollInterval: '150ms',
  window: 'all',
  ...extra,
});

/** Every state a listener received, and a way to wait for one that passes `test`. */
function recorder() {
  const states: LatencyHeatmapState[] = [];
  return {
    states,
    listener: (state: LatencyHeatmapState) => void states.push(state),
    async until(test: (state: LatencyHeatmapState) => boolean, from = 0, timeoutMs = 8000): Promise<LatencyHeatmapState> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = states.slice(from).find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such state within ${timeoutMs} ms; got ${JSON.stringify(states.map(summary))}`);
        await sleep(10);
      }
    },
  };
}

function summary(state: LatencyHeatmapState) {
  return { stale: state.stale, error: state.error?.message, snapshot: state.snapshot !== undefined };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const services = (hits: string[]) => hits.map((hit) => new URL(hit, 'http://h').searchParams.get('service'));

function reference(config: HeatMapConfig, refs: string[]) {
  return withHeatMap(config, (map) => {
    map.setCatalog(refs.map((ref) => byRef.get(ref)));
    map.ingestJaeger(jaeger);
    return map.snapshot();
  });
}

beforeAll(() => initSync());
afterEach(closeFixtureServers);

describe('LatencyHeatmapClient', () => {
  it('polls once per round however many subscribers, with the union of their services', async () => {
    const seen = { authorization: [] as (string | undefined)[] };
    const server = await serve(proxiedJaeger(seen));
    const { client, catalogCalls } = clientFor(server, proxied());
    const a = recorder();
    const b = recorder();
    const stopA = client.subscribe([FRONTEND], a.listener);
    const stopB = client.subscribe([FRONTEND], b.listener);
    await a.until(() => a.states.length >= 2);
    // Two rounds, one request each, every state shared by both cards.
    expect(services(server.hits)).toEqual(['frontend', 'frontend']);
    expect(b.states.slice(0, 2)).toEqual(a.states.slice(0, 2));
    // Same view, same snapshots: judged once per round, not once per card.
    expect(b.states[0].snapshot).toBe(a.states[0].snapshot);
    expect(b.states[0].groups?.system).toBe(a.states[0].groups?.system);
    expect(catalogCalls).toEqual([[FRONTEND]]);

    const c = recorder();
    const stopC = client.subscribe([CHECKOUT, FRONTEND], c.listener);
    // At once: the state there is; then a round with the new entity's service too.
    expect(c.states).toEqual([a.states[a.states.length - 1]]);
    const hitsBefore = server.hits.length;
    await c.until(() => c.states.length >= 2);
    expect(services(server.hits.slice(hitsBefore, hitsBefore + 2)).sort()).toEqual(['checkout', 'frontend']);
    expect(catalogCalls).toEqual([[FRONTEND], [CHECKOUT, FRONTEND]]);
    expect(seen.authorization.every((header) => header === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.authorization.length).toBe(server.hits.length);
    stopA();
    stopB();
    stopC();
  });

  it("emits the scorecard the core computes from the same data, and each entity's snapshot figures", async () => {
    const server = await serve(proxiedJaeger({ authorization: [] }));
    const { client } = clientFor(server, proxied({ defaults: { latencySlo: '500ms' } }));
    const a = recorder();
    const stop = client.subscribe([FRONTEND, CHECKOUT], a.listener);
    const state = await a.until((s) => s.snapshot !== undefined);
    stop();
    const expected = reference({ window: 'all', defaults: { latencySlo: '500ms' } }, [CHECKOUT, FRONTEND]);
    expect(state.snapshot?.scorecard).toEqual(expected.scorecard);
    expect(Object.keys(expected.scorecard)).toEqual([CHECKOUT, FRONTEND]);
    expect(state.snapshot?.scorecard[CHECKOUT]).toMatchObject({ metric: expect.any(String), observedMs: expect.any(Number), thresholdMs: 50 });
    expect(state).toMatchObject({ stale: false, updatedAt: expect.any(Number) });
    expect(state.error).toBeUndefined();
    // The two services' queries answer the same traces: the second copy of each span is skipped, and said so.
    const [duplicates, ...rest] = state.warnings;
    expect(duplicates).toMatchObject({ code: 'aggregate.duplicate-spans' });
    expect(rest).toEqual(expected.warnings);
  });

  it('hands every subscriber the System and Domain snapshots of the same moment', async () => {
    const server = await serve(proxiedJaeger({ authorization: [] }));
    const { client } = clientFor(server, proxied());
    const a = recorder();
    const stop = client.subscribe([FRONTEND, CHECKOUT], a.listener);
    const state = await a.until((s) => s.snapshot !== undefined);
    stop();
    expect(state.groups?.system.level).toBe('system');
    expect(state.groups?.domain.level).toBe('domain');
    expect(state.groups?.system.generatedAt).toBe(state.snapshot?.generatedAt);
    expect(state.groups?.system.entryPoints).toEqual([]);
  });

  it('passes a highlight to every listener, the current one at once to a late listener, until cleared', () => {
    const { client } = clientFor('http://127.0.0.1:9', proxied());
    const heard: unknown[] = [];
    const stop = client.subscribeHighlight((target) => heard.push(target));
    const edge = { kind: 'edge', id: 'frontend→checkout:sync', entityRef: FRONTEND, targetRef: CHECKOUT } as const;
    client.highlight(edge);
    const late: unknown[] = [];
    client.subscribeHighlight((target) => late.push(target));
    client.highlight(undefined);
    stop();
    client.highlight(edge);
    expect(heard).toEqual([edge, undefined]);
    expect(late).toEqual([edge, undefined, edge]);
  });

  it('keeps the last good snapshot marked stale while the backend is down, and is fresh again when it returns', async () => {
    let server = await serve(proxiedJaeger({ authorization: [] }));
    const port = server.port;
    const { client } = clientFor(server, proxied());
    const a = recorder();
    const stop = client.subscribe([FRONTEND], a.listener);
    const good = await a.until((s) => s.snapshot !== undefined);
    await server.close();
    const stale = await a.until((s) => s.stale, a.states.indexOf(good));
    expect(stale.snapshot).toBe(good.snapshot);
    expect(stale.updatedAt).toBe(good.updatedAt);
    expect(stale.staleSince).toBeGreaterThanOrEqual(good.updatedAt ?? Infinity);
    expect(stale.error).toMatchObject({ name: 'LatencyHeatmapError', code: 'POLL_FAILED' });
    expect(stale.error?.message).toMatch(
      new RegExp(`^latencyHeatmap: every query of the poll failed: http://127\\.0\\.0\\.1:${port}/api/proxy/jaeger/api/traces\\?service=frontend&lookback=5m&limit=200&start=\\d+&end=\\d+: network error: TypeError: fetch failed$`),
    );
    // A second failed round keeps the first failure's time.
    const staler = await a.until((s) => s.stale, a.states.indexOf(stale) + 1);
    expect(staler.staleSince).toBe(stale.staleSince);

    server = await serve(proxiedJaeger({ authorization: [] }), port);
    const fresh = await a.until((s) => !s.stale, a.states.indexOf(staler) + 1);
    expect(fresh.error).toBeUndefined();
    expect(fresh.staleSince).toBeUndefined();
    expect(fresh.updatedAt).toBeGreaterThan(good.updatedAt ?? Infinity);
    expect(fresh.snapshot?.scorecard).toEqual(good.snapshot?.scorecard);
    stop();
  });

  it("polls a Prometheus source for its subscribers' neighbourhood, and keeps the last good figures stale when every query fails", async () => {
    const queries: string[] = [];
    let down = false;
    // The proxy's `/prometheus` endpoint: instant queries POSTed as forms; one edge, frontend → checkout.
    const prometheus = (url: URL, response: ServerResponse, request: IncomingMessage) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, '{"error":"Missing credentials"}', 401);
        if (url.pathname !== '/api/proxy/prometheus/api/v1/query' || request.method !== 'POST') return json(response, '{}', 404);
        const query = new URLSearchParams(body).get('query') ?? '';
        queries.push(query);
        if (down) return json(response, '{"status":"error","errorType":"unavailable","error":"storage is down"}', 503);
        const edge = '"client":"frontend","server":"checkout"';
        const result = query.includes('_bucket')
          ? [['0.05', '1'], ['0.1', '2'], ['+Inf', '2']].map(([le, v]) => `{"metric":{${edge},"le":"${le}"},"value":[1,"${v}"]}`)
          : query.includes('failed_total') ? [] : [`{"metric":{${edge}},"value":[1,"2"]}`];
        json(response, `{"status":"success","data":{"resultType":"vector","result":[${result.join(',')}]}}`);
      });
    };
    const server = await serve(prometheus);
    const { client } = clientFor(server, proxied({ source: { type: 'prometheus', proxyPath: '/prometheus', retries: 0, timeout: '2s' }, window: '5m' }));
    const a = recorder();
    const stop = client.subscribe([FRONTEND, CHECKOUT], a.listener);
    const good = await a.until((s) => s.snapshot !== undefined);
    expect(queries).toHaveLength(4);
    expect(queries.every((query) => query.includes('server=~"checkout|frontend"') && query.includes('client=~"checkout|frontend"'))).toBe(true);
    const edge = good.snapshot?.edges.find((e) => e.fromEntityRef === FRONTEND && e.toEntityRef === CHECKOUT);
    expect(edge?.serverStats?.p95Ms).toBeCloseTo(95, 9);
    expect([edge?.stats.ratePerSec, edge?.stats.errorRate]).toEqual([2, 0]);

    down = true;
    const stale = await a.until((s) => s.stale, a.states.indexOf(good));
    expect(stale.snapshot).toBe(good.snapshot);
    expect(stale.error).toMatchObject({ name: 'LatencyHeatmapError', code: 'POLL_FAILED' });
    expect(stale.error?.message).toContain('HTTP 503: Prometheus answered unavailable: storage is down');
    stop();
  });

  it('stops polling when the last subscriber leaves, and starts again for the next', async () => {
    const server = await serve(proxiedJaeger({ authorization: [] }));
    const { client } = clientFor(server, proxied());
    const a = recorder();
    const b = recorder();
    const stopA = client.subscribe([FRONTEND], a.listener);
    const stopB = client.subscribe([FRONTEND], b.listener);
    await a.until(() => a.states.length >= 1);
    stopA();
    await b.until(() => b.states.length >= 2);
    stopB();
    stopB();
    const polled = server.hits.length;
    await sleep(500);
    expect(server.hits.length).toBe(polled);
    const c = recorder();
    const stopC = client.subscribe([FRONTEND], c.listener);
    expect(c.states).toHaveLength(1);
    await c.until(() => c.states.length >= 2);
    expect(server.hits.length).toBeGreaterThan(polled);
    stopC();
  });

  it('pauses while the page is hidden and polls when it shows', async () => {
    const server = await serve(proxiedJaeger({ authorization: [] }));
    const page = Object.assign(new EventTarget(), { visibilityState: 'hidden' as DocumentVisibilityState });
    const global = globalThis as { document?: unknown };
    global.document = page;
    try {
      const { client } = clientFor(server, proxied());
      const a = recorder();
      const stop = client.subscribe([FRONTEND], a.listener);
      await sleep(400);
      expect(server.hits).toEqual([]);
      page.visibilityState = 'visible';
      page.dispatchEvent(new Event('visibilitychange'));
      await a.until((s) => s.snapshot !== undefined);
      expect(server.hits).toHaveLength(1);
      stop();
    } finally {
      delete global.document;
    }
  });

  it('sends the backend no Backstage token when it is polled directly', async () => {
    const seen: (string | undefined)[] = [];
    const server = await serve((url, response, request) => {
      seen.push(request.headers.authorization);
      json(response, jaeger);
    });
    const { client } = clientFor(server, { source: { type: 'jaeger', baseUrl: server.baseUrl, headers: { 'X-Tenant': 'shop' } } });
    const a = recorder();
    const stop = client.subscribe([FRONTEND], a.listener);
    await a.until((s) => s.snapshot !== undefined);
    stop();
    expect(seen).toEqual([undefined]);
    expect(server.hits[0]).toMatch(/^\/api\/traces\?service=frontend&/);
  });

  it("polls the app's Alertmanager after the traces, through the proxy, and hands its mapping keys to the map", async () => {
    const seen = { authorization: [] as (string | undefined)[] };
    const traces = proxiedJaeger(seen);
    const firing = JSON.stringify([
      {
        labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'page' },
        annotations: { summary: 'checkout fails' },
        startsAt: '2026-12-03T14:02:00Z',
        endsAt: '2026-12-03T15:02:00Z',
        updatedAt: '2026-12-03T14:02:00Z',
        fingerprint: '0123456789abcdef',
        receivers: [{ name: 'null' }],
        status: { state: 'active', silencedBy: [], inhibitedBy: [] },
      },
    ]);
    const server = await serve((url, response, request) => {
      if (!url.pathname.startsWith('/api/proxy/alertmanager/')) return traces(url, response, request);
      seen.authorization.push(request.headers.authorization);
      if (url.pathname === '/api/proxy/alertmanager/api/v2/alerts' && url.searchParams.get('filter') === 'team="orders"') return json(response, firing);
      json(response, '{"error":"unexpected"}', 400);
    });
    const alerts = { type: 'alertmanager', proxyPath: '/alertmanager', filter: ['team="orders"'], retries: 0, severities: { page: 'red' } };
    const { client } = clientFor(server, proxied({ alerts }));
    const a = recorder();
    const stop = client.subscribe([FRONTEND, CHECKOUT], a.listener);
    const state = await a.until((s) => s.snapshot !== undefined);
    stop();
    // One round: the two services' traces, then the alerts.
    const [first, second, third, ...more] = server.hits;
    expect([services([first, second]).sort(), third.split('?')[0], more]).toEqual([['checkout', 'frontend'], '/api/proxy/alertmanager/api/v2/alerts', []]);
    expect(seen.authorization.every((header) => header === `Bearer ${TOKEN}`)).toBe(true);
    const fromAlertmanager = state.snapshot?.alerts.filter((alert) => alert.source === 'alertmanager');
    expect(fromAlertmanager?.map((alert) => [alert.alertname, alert.entityRef, alert.status])).toEqual([['CheckoutErrors', CHECKOUT, 'red']]);
    expect(state.snapshot?.nodes.find((node) => node.entityRef === CHECKOUT)?.status).toBe('red');
    expect(state.warnings.filter((warning) => warning.code === 'config.unknown-key')).toEqual([]);
  });

  describe('bad config', () => {
    const cases: [string, Record<string, unknown> | undefined, string, string][] = [
      ['pollInterval: fast', proxied({ pollInterval: 'fast' }), 'latencyHeatmap.pollInterval', 'latencyHeatmap.pollInterval: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)'],
      ['no section', undefined, 'latencyHeatmap.source', 'latencyHeatmap.source: missing: set latencyHeatmap.source.type and source.proxyPath (or source.baseUrl)'],
      ['no target', { source: { type: 'jaeger' } }, 'latencyHeatmap.source', 'latencyHeatmap.source: set proxyPath (through the Backstage proxy) or baseUrl'],
      ['relative proxyPath', proxied({ source: { type: 'jaeger', proxyPath: 'jaeger' } }), 'latencyHeatmap.source.proxyPath', 'latencyHeatmap.source.proxyPath: "jaeger" must start with "/" (e.g. /jaeger)'],
      ['zero pollInterval', proxied({ pollInterval: 0 }), 'latencyHeatmap.pollInterval', 'latencyHeatmap.pollInterval: 0 is not a positive number of milliseconds'],
      ['window: soon', proxied({ window: 'soon' }), 'latencyHeatmap.window', 'latencyHeatmap.window: "soon" has no number (expected e.g. 300ms, 1.5s, 250us)'],
      ['lookback: soon', proxied({ source: { type: 'jaeger', proxyPath: '/jaeger', lookback: 'soon' } }), 'latencyHeatmap.source.lookback', 'latencyHeatmap.source.lookback: "soon" has no number (expected e.g. 300ms, 1.5s, 250us)'],
      ['prometheus rateWindow: soon', proxied({ source: { type: 'prometheus', proxyPath: '/prometheus', rateWindow: 'soon' } }), 'latencyHeatmap.source.rateWindow', 'latencyHeatmap.source.rateWindow: "soon" has no number (expected e.g. 300ms, 1.5s, 250us)'],
      ['prometheus serverHistogram', proxied({ source: { type: 'prometheus', proxyPath: '/prometheus', serverHistogram: 'server seconds' } }), 'latencyHeatmap.source.serverHistogram', 'latencyHeatmap.source.serverHistogram: "server seconds" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)'],
      ['prometheus serviceLabels.client', proxied({ source: { type: 'prometheus', proxyPath: '/prometheus', serviceLabels: { client: 'peer.service' } } }), 'latencyHeatmap.source.serviceLabels.client', 'latencyHeatmap.source.serviceLabels.client: "peer.service" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)'],
      ['prometheus queries[0].serviceLabel', proxied({ source: { type: 'prometheus', proxyPath: '/prometheus', queries: [{ name: 'rps', query: 'up', serviceLabel: 'service.name' }] } }), 'latencyHeatmap.source.queries[0].serviceLabel', 'latencyHeatmap.source.queries[0].serviceLabel: "service.name" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)'],
      ['alerts.type: pagerduty', proxied({ alerts: { type: 'pagerduty', proxyPath: '/alertmanager' } }), 'latencyHeatmap.alerts.type', 'latencyHeatmap.alerts.type: "pagerduty" is not a source of alerts (alertmanager)'],
      ['alerts without a type', proxied({ alerts: { proxyPath: '/alertmanager' } }), 'latencyHeatmap.alerts.type', 'latencyHeatmap.alerts.type: missing: set alerts.type: alertmanager'],
      ['alerts without a target', proxied({ alerts: { type: 'alertmanager' } }), 'latencyHeatmap.alerts', 'latencyHeatmap.alerts: set proxyPath (through the Backstage proxy) or baseUrl'],
    ];
    it.each(cases)('%s: an INVALID_CONFIG error naming the key, delivered to subscribers', async (_name, section, key, message) => {
      const server = await serve(proxiedJaeger({ authorization: [] }));
      let harness: Harness | undefined;
      expect(() => (harness = clientFor(server, section))).not.toThrow();
      const a = recorder();
      const stop = harness!.client.subscribe([FRONTEND], a.listener);
      const state = await a.until((s) => s.error !== undefined);
      stop();
      expect(state.error).toMatchObject({ name: 'LatencyHeatmapError', code: 'INVALID_CONFIG', key, message });
      expect(state.snapshot).toBeUndefined();
      expect(server.hits).toEqual([]);
    });
  });
});
