/**
 * `LatencyHeatmapClient` with a Prometheus source against a real Prometheus (Debian's, started by the
 * `tests/servers/` harness on a free port, backfilled with the shop fixture's service graph in the OTel Collector's
 * shape), reached through a local proxy path the test can break: a 503 for one query and a malformed body for
 * another are warnings naming their queries while the other answers still land; the proxy gone marks the last good
 * figures stale and keeps them; back on the same port, fresh again. Run by `make test-servers`
 * (`vitest.servers.config.ts`), not by `make test-js`, since it needs the Prometheus binaries.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../core';
import { serve, type FixtureServer } from '../testing';
// @ts-expect-error: the harness is plain ESM JavaScript without declarations.
import { startPrometheus } from '../../../tests/servers/prometheus.mjs';
// @ts-expect-error: the harness is plain ESM JavaScript without declarations.
import { QUERY_TIME, fixtureCalls, fixtureRound, writeOpenMetrics } from '../../../tests/servers/servicegraph.mjs';
// @ts-expect-error: the harness is plain ESM JavaScript without declarations.
import { tempDir } from '../../../tests/servers/process.mjs';
import { LatencyHeatmapClient } from './LatencyHeatmapClient';
import type { LatencyHeatmapState } from './types';

const repo = join(import.meta.dirname, '../../..');
const catalog = JSON.parse(readFileSync(join(repo, 'tests/fixtures/catalog/otel-shop.json'), 'utf8')) as {
  items: { kind: string; metadata: { name: string; namespace?: string } }[];
};
const refOf = (entity: (typeof catalog.items)[number]) => `${entity.kind.toLowerCase()}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
const byRef = new Map(catalog.items.map((entity) => [refOf(entity), entity]));
const FRONTEND = 'component:default/frontend';
const CHECKOUT = 'component:default/checkout';
const CALL = `${FRONTEND}→${CHECKOUT}:sync`;

let prometheus: { baseUrl: string; stop(): Promise<void> };
let seriesDir: string;
/** How the proxy answers: straight through, with one query refused and one cut, or not at all (closed). */
let mode: 'through' | 'faulty' = 'through';

beforeAll(async () => {
  initSync();
  seriesDir = tempDir('latency-heatmap-client-series');
  const file = join(seriesDir, 'otel.om');
  const rounds = fixtureRound(fixtureCalls(JSON.parse(readFileSync(join(repo, 'tests/fixtures/otel-sdk/jaeger.json'), 'utf8'))), 'otel');
  await writeOpenMetrics(file, 'otel', () => rounds);
  prometheus = await startPrometheus({ openMetrics: [file] });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  if (seriesDir) rmSync(seriesDir, { recursive: true, force: true });
});

/** Backstage's proxy endpoint `/prometheus`: forwards the query POSTs, or breaks two of them in `faulty` mode. */
function proxy(url: URL, response: ServerResponse, request: IncomingMessage): void {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const query = new URLSearchParams(body).get('query') ?? '';
    if (mode === 'faulty' && query.includes('_failed_total')) return void response.writeHead(503, { 'Content-Type': 'text/plain' }).end('overloaded');
    if (mode === 'faulty' && query.includes('_client_seconds_bucket')) {
      return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[{"metric":');
    }
    const path = url.pathname.replace(/^\/api\/proxy\/prometheus/, '');
    void fetch(`${prometheus.baseUrl}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }).then(async (answer) => {
      response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
}

function clientFor(server: FixtureServer): LatencyHeatmapClient {
  return new LatencyHeatmapClient({
    configApi: new ConfigReader({
      latencyHeatmap: {
        source: { type: 'prometheus', proxyPath: '/prometheus', time: QUERY_TIME * 1000, rateWindow: '5m', retries: 0, timeout: '3s' },
        pollInterval: '200ms',
        window: '5m',
      },
    }),
    discoveryApi: { getBaseUrl: async (pluginId) => `${server.baseUrl}/api/${pluginId}` },
    identityApi: { getCredentials: async () => ({ token: 'backstage-user-token' }) },
    catalogApi: { getEntitiesByRefs: async ({ entityRefs }) => ({ items: entityRefs.map((ref) => byRef.get(ref) as never) }) },
  });
}

async function until(states: LatencyHeatmapState[], test: (state: LatencyHeatmapState) => boolean, from = 0): Promise<LatencyHeatmapState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = states.slice(from).find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such state; got ${JSON.stringify(states.map((s) => [s.stale, s.error?.code, s.warnings.map((w) => w.code)]))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const call = (state: LatencyHeatmapState) => state.snapshot?.edges.find((edge) => edge.id === CALL);

describe('LatencyHeatmapClient with a real Prometheus behind the proxy', () => {
  it('warns about a refused and a malformed query but takes the rest; stale with the last good figures while down; fresh when back', async () => {
    let server = await serve(proxy);
    const port = server.port;
    const states: LatencyHeatmapState[] = [];
    const stop = clientFor(server).subscribe([FRONTEND, CHECKOUT], (state) => void states.push(state));
    try {
      const good = await until(states, (s) => call(s) !== undefined);
      expect(good.stale).toBe(false);
      const { serverStats, stats } = call(good)!;
      expect(stats.p95Ms).toEqual(expect.any(Number));
      expect(serverStats?.p95Ms).toEqual(expect.any(Number));

      mode = 'faulty';
      const from = states.length;
      const faulty = await until(states, (s) => s.warnings.some((w) => w.code === 'poll.failed-request'), from);
      expect(faulty.stale).toBe(false);
      const failed = faulty.warnings.filter((w) => w.code === 'poll.failed-request').map((w) => w.message);
      expect(failed).toHaveLength(2);
      expect(failed.find((m) => m.includes('_failed_total'))).toMatch(/HTTP 503/);
      expect(failed.find((m) => m.includes('_client_seconds_bucket'))).toMatch(/unreadable answer/);
      // The server histogram's figures still arrived in that round.
      expect(call(faulty)?.serverStats?.p95Ms).toBe(serverStats?.p95Ms);

      mode = 'through';
      await server.close();
      const down = await until(states, (s) => s.stale, states.length);
      expect(down.error?.code).toBe('POLL_FAILED');
      expect(call(down)).toEqual(call(states[states.indexOf(down) - 1]));

      server = await serve(proxy, port);
      const back = await until(states, (s) => !s.stale, states.indexOf(down) + 1);
      expect(call(back)?.stats.p95Ms).toBe(stats.p95Ms);
    } finally {
      stop();
      await server.close();
      mode = 'through';
    }
  }, 60_000);
});
