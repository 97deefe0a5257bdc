// A stand-in for Jaeger's query service behind Backstage's proxy: `GET {PROXY_BASE}{PROXY_PATH}/api/traces?service=&lookback=
// &limit=` answered from the recorded tests/fixtures/otel-sdk/jaeger.json, with the CORS headers the proxy would
// add (preflight included, `Authorization` allowed) and, as the proxy's default `credentials: require` does, 401
// without a Bearer token. It knows nothing of the catalog or the heat map.
//
// Time: the recording is from November 2023 and is served as it was recorded (its bytes, not re-stamped), so the
// page and the Node oracle ingest exactly the same spans on every run. `lookback` is honoured relative to the
// recording's own newest span end, as if the recording had just finished; the absolute `start`/`end` the poller
// adds (wall clock, µs) are ignored, since they would exclude every recorded span.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { repo } from '../harness.mjs';

const GO_UNITS_US = { h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1000, us: 1, 'µs': 1, ns: 0.001 };

/** A Go `time.ParseDuration` string (`5m`, `1m30s`, `250ms`) in microseconds; throws on anything else. */
export function goDurationUs(text) {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * GO_UNITS_US[unit], 0);
}

export function loadRecording() {
  const recording = JSON.parse(readFileSync(join(repo, 'tests/fixtures/otel-sdk/jaeger.json'), 'utf8'));
  const newestEndUs = Math.max(...recording.data.flatMap((trace) => trace.spans.map((span) => span.startTime + span.duration)));
  return { traces: recording.data, newestEndUs };
}

/**
 * The traces in which `service` has a span starting within `lookbackUs` of the recording's newest span end, newest
 * first (by that service's latest span), at most `limit`: what Jaeger's search answers.
 */
export function findTraces({ traces, newestEndUs }, { service, lookbackUs, limit }) {
  const from = newestEndUs - lookbackUs;
  const found = [];
  for (const trace of traces) {
    const starts = trace.spans
      .filter((span) => trace.processes[span.processID]?.serviceName === service && span.startTime >= from)
      .map((span) => span.startTime);
    if (starts.length > 0) found.push({ trace, latest: Math.max(...starts) });
  }
  found.sort((a, b) => b.latest - a.latest);
  return found.slice(0, limit).map(({ trace }) => trace);
}

/** Where the app's proxy mounts the Jaeger endpoint (`{discovery 'proxy'}/jaeger`, `source.proxyPath: /jaeger`). */
export const PROXY_BASE = '/api/proxy';
export const PROXY_PATH = '/jaeger';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'Authorization, Accept, Content-Type',
  'access-control-max-age': '600',
};

/**
 * Serves the recording on 127.0.0.1 (port 0: a free one). `stop()` closes the port (connections refused, as a
 * proxy whose backend is down would fail the request); `start()` listens again on the same port. `requests` lists
 * the `service` of each answered query; `counts` the preflights and the requests refused for want of a token.
 */
export async function startJaeger({ port = 0 } = {}) {
  const recording = loadRecording();
  const requests = [];
  const counts = { preflights: 0, unauthorized: 0 };
  const handler = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'OPTIONS') {
      counts.preflights += 1;
      return response.writeHead(204, CORS).end();
    }
    if (request.method !== 'GET' || url.pathname !== `${PROXY_BASE}${PROXY_PATH}/api/traces`) return response.writeHead(404, CORS).end();
    if (!/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
      counts.unauthorized += 1;
      return response.writeHead(401, { ...CORS, 'content-type': 'application/json' }).end('{"error":{"name":"AuthenticationError","message":"Missing credentials"}}');
    }
    const service = url.searchParams.get('service');
    const limit = Number(url.searchParams.get('limit') ?? 20);
    let lookbackUs;
    try {
      lookbackUs = goDurationUs(url.searchParams.get('lookback') ?? '1h');
    } catch (error) {
      return response.writeHead(400, { ...CORS, 'content-type': 'text/plain' }).end(error.message);
    }
    if (!service || !Number.isInteger(limit) || limit <= 0) {
      return response.writeHead(400, { ...CORS, 'content-type': 'text/plain' }).end('service and a positive limit are required');
    }
    const data = findTraces(recording, { service, lookbackUs, limit });
    requests.push(service);
    response.writeHead(200, { ...CORS, 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ data, total: data.length, limit, offset: 0, errors: null }));
  };
  let server;
  const sockets = new Set();
  const listen = (at) =>
    new Promise((resolve, reject) => {
      server = createServer(handler);
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.once('error', reject);
      server.listen(at, '127.0.0.1', () => resolve(server.address().port));
    });
  const boundPort = await listen(port);
  return {
    url: `http://127.0.0.1:${boundPort}`,
    proxyUrl: `http://127.0.0.1:${boundPort}${PROXY_BASE}`,
    requests,
    counts,
    newestEndUs: recording.newestEndUs,
    /** Closes the port and drops open keep-alive connections, so the next request is refused. */
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    start: () => listen(boundPort),
  };
}
