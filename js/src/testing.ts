/** Helpers shared by the tests beside this file; not part of the package. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeatMap, type HeatMapConfig } from './core';

/**
 * A `HeatMap` built with `config`, handed to `run` and freed after it, also when `run` throws or its promise
 * rejects (the wasm memory of a map is not garbage-collected).
 */
export function withHeatMap<T>(config: HeatMapConfig | undefined, run: (map: HeatMap) => T): T {
  const map = new HeatMap(config);
  let result: T;
  try {
    result = run(map);
  } catch (error) {
    map.free();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => map.free()) as T;
  map.free();
  return result;
}

/** What `call` threw; fails the test when it returns. */
export function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

export type Handler = (url: URL, response: ServerResponse, request: IncomingMessage) => void;

export interface FixtureServer {
  baseUrl: string;
  port: number;
  /** Path and query of every request, in arrival order. */
  hits: string[];
  close(): Promise<void>;
}

const open: FixtureServer[] = [];

/**
 * A local fixture server (node:http on 127.0.0.1, CORS headers as a proxy would send). `port` 0 takes a free one;
 * a test that stops a server and starts it again passes the old one's port.
 */
export async function serve(handler: Handler, port = 0): Promise<FixtureServer> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Headers', '*');
    if (request.method === 'OPTIONS') return void response.writeHead(204).end();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    hits.push(`${url.pathname}${url.search}`);
    handler(url, response, request);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const fixture: FixtureServer = {
    baseUrl: `http://127.0.0.1:${bound}`,
    port: bound,
    hits,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
  open.push(fixture);
  return fixture;
}

/** Closes every fixture server still open (an `afterEach`). */
export async function closeFixtureServers(): Promise<void> {
  await Promise.all(open.splice(0).map((server) => server.close()));
}

export function json(response: ServerResponse, body: Uint8Array | string, status = 200): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
}
