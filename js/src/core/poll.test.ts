/**
 * `map.poll(source)` against a local fixture server (node:http on 127.0.0.1, a random port, CORS headers as a
 * proxy would send): the requests the wasm module makes with the global `fetch`, what it ingests, and how it
 * reports failures, retries, timeouts and a second poll at once.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeFixtureServers, json, serve, type Handler, withHeatMap } from '../testing';
import { HeatMap, initSync, type PollReport, type Snapshot } from './index';

const fixtures = new URL('../../../tests/fixtures/otel-sdk/', import.meta.url);
const jaeger = readFileSync(new URL('jaeger.json', fixtures));
const zipkin = readFileSync(new URL('zipkin.json', fixtures));
const otlp = readFileSync(new URL('otlp.json', fixtures));
const tempo = readFileSync(new URL('tempo.json', fixtures));

/** The Jaeger query API over the fixture: every service's query answers all 48 traces. */
const jaegerApi: Handler = (url, response) =>
  url.pathname === '/api/traces' ? json(response, jaeger) : json(response, '{"errors":["not found"]}', 404);

/** Nodes and edges with their call counts: what two maps must agree on. */
function counts(snapshot: Snapshot): Record<string, number> {
  return Object.fromEntries([...snapshot.nodes, ...snapshot.edges].map((item) => [item.id, item.stats.count]));
}

function reference(ingest: (map: HeatMap) => unknown): Record<string, number> {
  return withHeatMap({ window: 'all' }, (map) => {
    map.setWallClock(Date.now());
    ingest(map);
    return counts(map.snapshot());
  });
}

const withMap = <T>(run: (map: HeatMap) => Promise<T>): Promise<T> => withHeatMap({ window: 'all' }, run);

beforeAll(() => initSync());
afterEach(closeFixtureServers);

describe('HeatMap.poll', () => {
  it('polls the Jaeger query API and ingests what one ingestJaeger of the same answer does', async () => {
    const server = await serve(jaegerApi);
    const expected = reference((map) => map.ingestJaeger(jaeger));
    await withMap(async (map) => {
      const report = await map.poll({ type: 'jaeger', baseUrl: `${server.baseUrl}/`, services: ['frontend'] });
      expect(report).toMatchObject({
        requests: 1,
        bytes: jaeger.length,
        retries: 0,
        failures: [],
        warnings: [],
        ingest: { documents: 1, spansRead: 608, accepted: 608, rejected: 0, duplicates: 0 },
      });
      expect(report.ms).toBeGreaterThan(0);
      expect(server.hits).toHaveLength(1);
      expect(server.hits[0]).toMatch(/^\/api\/traces\?service=frontend&lookback=5m&limit=200&start=\d{16}&end=\d{16}$/);
      expect(counts(map.snapshot())).toEqual(expected);
      console.info(`poll of jaeger.json: ${report.requests} request, ${report.bytes} bytes, ${report.ms.toFixed(1)} ms`);
    });
  });

  it('counts a span once however often overlapping lookbacks and other services return it', async () => {
    const server = await serve(jaegerApi);
    const expected = reference((map) => map.ingestJaeger(jaeger));
    await withMap(async (map) => {
      const source = { type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend', 'checkout', 'frontend'] } as const;
      const first = await map.poll(source);
      expect(first).toMatchObject({ requests: 2, bytes: 2 * jaeger.length, failures: [] });
      expect(first.ingest).toMatchObject({ documents: 2, accepted: 1216, duplicates: 608 });
      const second = await map.poll({ ...source, lookback: '10m' });
      expect(second.ingest).toMatchObject({ documents: 2, accepted: 1216, duplicates: 1216, paired: 0 });
      expect(server.hits.map((hit) => new URL(hit, 'http://h').searchParams.get('service'))).toEqual(
        expect.arrayContaining(['frontend', 'checkout']),
      );
      expect(counts(map.snapshot())).toEqual(expected);
    });
  });

  it('retries a 500 and then takes the answer', async () => {
    let calls = 0;
    const server = await serve((url, response) => {
      calls += 1;
      if (calls === 1) json(response, '{"errors":["overloaded"]}', 500);
      else jaegerApi(url, response, undefined as never);
    });
    await withMap(async (map) => {
      const report = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'] });
      expect(report).toMatchObject({ requests: 2, retries: 1, failures: [], ingest: { accepted: 608 } });
      // The first retry waits 125 to 250 ms.
      expect(report.ms).toBeGreaterThanOrEqual(120);
    });
  });

  it("waits as long as a 429's Retry-After asks, and leaves a backend alone for the round when it asks for longer", async () => {
    let calls = 0;
    const server = await serve((url, response) => {
      calls += 1;
      if (url.searchParams.get('service') === 'cart') return void response.writeHead(503, { 'Retry-After': '120' }).end();
      if (calls === 1) return void response.writeHead(429, { 'Retry-After': '1' }).end();
      jaegerApi(url, response, undefined as never);
    });
    await withMap(async (map) => {
      const first = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'] });
      expect(first).toMatchObject({ requests: 2, retries: 1, failures: [], ingest: { accepted: 608 } });
      expect(first.ms).toBeGreaterThanOrEqual(1000);
      const second = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['cart'] });
      expect(second).toMatchObject({ requests: 1, retries: 0 });
      expect(second.failures).toEqual([{ url: expect.stringContaining('service=cart'), code: 'poll.http-status', reason: 'HTTP 503, asked to retry after 120 s' }]);
    });
  });

  it('does not retry a 404 and names the URL that failed', async () => {
    const server = await serve((_url, response) => json(response, '{}', 404));
    await withMap(async (map) => {
      const report = await map.poll({ type: 'zipkin', baseUrl: server.baseUrl, services: ['cart'], limit: 5 });
      expect(report.requests).toBe(1);
      expect(report.failures).toEqual([
        { url: expect.stringMatching(/\/api\/v2\/traces\?serviceName=cart&endTs=\d+&lookback=300000&limit=5$/), code: 'poll.http-status', reason: 'HTTP 404' },
      ]);
      expect(report.failures[0].url.startsWith(server.baseUrl)).toBe(true);
    });
  });

  it('aborts a request that gets no answer within the timeout, and retries it', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    await withMap(async (map) => {
      const report = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'], timeout: '150ms', retries: 1 });
      expect(report).toMatchObject({ requests: 2, retries: 1, bytes: 0, ingest: { documents: 0 } });
      expect(report.failures).toEqual([
        { url: expect.stringContaining('/api/traces?service=frontend&'), code: 'poll.timeout', reason: 'no answer within 150 ms' },
      ]);
      expect(report.ms).toBeGreaterThanOrEqual(300);
    });
  });

  it('reports a refused connection and keeps what the map had', async () => {
    const server = await serve(jaegerApi);
    const closed = server.baseUrl;
    await server.close();
    await withMap(async (map) => {
      map.ingestJaeger(jaeger);
      const before = counts(map.snapshot());
      const report = await map.poll({ type: 'jaeger', baseUrl: closed, services: ['frontend'], retries: 0 });
      expect(report.failures).toEqual([
        { url: expect.stringContaining(`${closed}/api/traces?`), code: 'poll.network', reason: 'network error: TypeError: fetch failed' },
      ]);
      expect(counts(map.snapshot())).toEqual(before);
    });
  });

  it('ingests the answers that came when others fail: 500, malformed JSON', async () => {
    const half = jaeger.subarray(0, jaeger.length / 2);
    const server = await serve((url, response) => {
      const service = url.searchParams.get('service');
      if (service === 'broken') json(response, '{"errors":["boom"]}', 500);
      else if (service === 'cut') json(response, half);
      else json(response, jaeger);
    });
    await withMap(async (map) => {
      const report = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['broken', 'cut', 'frontend'], retries: 0 });
      expect(report.requests).toBe(3);
      const failures = Object.fromEntries(report.failures.map((failure) => [new URL(failure.url).searchParams.get('service'), failure.reason]));
      expect(Object.keys(failures).sort()).toEqual(['broken', 'cut']);
      expect(failures.broken).toBe('HTTP 500');
      expect(failures.cut).toMatch(/^unreadable answer: /);
      // Everything in the full answer, once: the cut one's spans are all among them.
      expect(report.ingest.accepted - report.ingest.duplicates).toBe(608);
      expect(counts(map.snapshot())).toEqual(reference((reference) => reference.ingestJaeger(jaeger)));
    });
  });

  it('refuses a second poll of the same map while one runs, and polls again after it', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await serve((url, response) => void gate.then(() => jaegerApi(url, response, undefined as never)));
    await withMap(async (map) => {
      const source = { type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'] } as const;
      const first = map.poll(source);
      await expect(map.poll(source)).rejects.toMatchObject({
        name: 'LatencyHeatmapError',
        code: 'POLL_IN_PROGRESS',
        message: 'poll(source): a poll of this HeatMap is still running; await it before starting another',
      });
      // The map stays usable meanwhile.
      expect(map.snapshot().nodes).toEqual([]);
      release();
      expect((await first).ingest.accepted).toBe(608);
      expect((await map.poll(source)).ingest.duplicates).toBe(608);
    });
  });

  it('survives free() during a poll', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await serve((url, response) => void gate.then(() => jaegerApi(url, response, undefined as never)));
    const map = new HeatMap();
    const running = map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'] });
    map.free();
    release();
    const report: PollReport = await running;
    expect(report.ingest.accepted).toBe(608);
    expect(() => map.snapshot()).toThrow(expect.objectContaining({ code: 'FREED' }));
    await expect(map.poll({ type: 'otlp', baseUrl: server.baseUrl })).rejects.toMatchObject({ code: 'FREED' });
  });

  it('polls the Zipkin v2 API', async () => {
    const server = await serve((url, response) =>
      url.pathname === '/api/v2/traces' ? json(response, zipkin) : json(response, '[]', 404),
    );
    const expected = reference((map) => map.ingestZipkin(zipkin));
    await withMap(async (map) => {
      const report = await map.poll({ type: 'zipkin', baseUrl: server.baseUrl, services: ['frontend'], lookback: '1h' });
      expect(report).toMatchObject({ requests: 1, bytes: zipkin.length, failures: [], ingest: { accepted: 608 } });
      expect(server.hits[0]).toMatch(/^\/api\/v2\/traces\?serviceName=frontend&endTs=\d{13}&lookback=3600000&limit=200$/);
      expect(counts(map.snapshot())).toEqual(expected);
    });
  });

  it('searches Tempo per service, then fetches each trace found once', async () => {
    const server = await serve((url, response) => {
      if (url.pathname === '/api/search') json(response, JSON.stringify({ traces: [{ traceID: 'a1b2' }] }));
      else if (url.pathname === '/api/traces/a1b2') json(response, tempo);
      else json(response, '{}', 404);
    });
    await withMap(async (map) => {
      const report = await map.poll({ type: 'tempo', baseUrl: server.baseUrl, services: ['frontend', 'cart'], headers: { 'X-Scope-OrgID': 'shop' } });
      expect(report).toMatchObject({ requests: 3, failures: [], ingest: { documents: 1, accepted: 608 } });
      expect(server.hits.slice(0, 2).sort()).toEqual([
        expect.stringMatching(/^\/api\/search\?tags=service.name%3Dcart&limit=200&start=\d{10}&end=\d{10}$/),
        expect.stringMatching(/^\/api\/search\?tags=service.name%3Dfrontend&limit=200&start=\d{10}&end=\d{10}$/),
      ]);
      expect(server.hits[2]).toBe('/api/traces/a1b2');
    });
  });

  it('fetches an OTLP URL as it is', async () => {
    const server = await serve((url, response) => (url.pathname === '/otlp.json' ? json(response, otlp) : json(response, '{}', 404)));
    await withMap(async (map) => {
      const report = await map.poll({ type: 'otlp', baseUrl: `${server.baseUrl}/otlp.json?day=1` });
      expect(report).toMatchObject({ requests: 1, bytes: otlp.length, ingest: { accepted: 608 } });
      expect(server.hits).toEqual(['/otlp.json?day=1']);
    });
  });

  it('rejects a source it cannot use, naming the key, and warns about unknown keys', async () => {
    await withMap(async (map) => {
      await expect(map.poll({ type: 'jaeger', baseUrl: 'http://127.0.0.1:9', services: ['a'], lookback: 'soon' })).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: 'poll(source): lookback: "soon" has no number (expected e.g. 300ms, 1.5s, 250us)',
      });
      await expect(map.poll({ type: 'jaegr', baseUrl: 'x' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(map.poll(undefined as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const server = await serve(jaegerApi);
      const report = await map.poll({ type: 'jaeger', baseUrl: server.baseUrl, services: ['frontend'], lookbak: '1m' } as never);
      expect(report.warnings).toEqual([
        { code: 'config.unknown-key', message: 'poll source: unknown key "lookbak" is ignored (did you mean "lookback"?)' },
      ]);
    });
  });
});
