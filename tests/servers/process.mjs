// The server processes of the real-server tests: a free loopback port, a temp dir, readiness on `/-/ready`, and a
// stop that also runs when the test process dies (failure, abort, Ctrl-C), so no server or temp dir outlives it.
// Knows nothing about Prometheus or Alertmanager flags; those are in prometheus.mjs and alertmanager.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set();
const dirs = new Set();

function cleanupAll() {
  for (const server of live) server.child.kill('SIGKILL');
  live.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
process.on('exit', cleanupAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanupAll();
    process.exit(130);
  });
}

/** A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A fresh temp dir, removed by the server's stop, or in any case when the process exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  dirs.add(dir);
  return dir;
}

/**
 * Starts `command` with the args `argsFor(port)` on a free port and waits until `GET /-/ready` answers 200.
 * A start that loses the port race (or fails otherwise) is retried on another port, then reported with the
 * server's own stderr.
 */
export async function startServer({ name, command, argsFor, dir, readyTimeoutMs = 15_000 }) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(command, argsFor(port), { stdio: ['ignore', 'ignore', 'pipe'] });
    const server = { name, child, dir, port, baseUrl: `http://127.0.0.1:${port}`, stderr: '' };
    child.stderr.on('data', (chunk) => {
      server.stderr = (server.stderr + chunk).slice(-8_000);
    });
    live.add(server);
    server.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await waitReady(server, readyTimeoutMs);
      server.stop = () => stopServer(server);
      return server;
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      await server.exited;
      live.delete(server);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

async function waitReady(server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exit;
  server.exited.then((status) => {
    exit = status;
  });
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`${server.name} exited (${JSON.stringify(exit)}) before ready:\n${server.stderr}`);
    }
    try {
      const response = await fetch(`${server.baseUrl}/-/ready`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${server.name} not ready within ${timeoutMs} ms:\n${server.stderr}`);
}

/** SIGTERM, SIGKILL after 5 s, then the temp dir goes. Resolves once the process is gone. */
async function stopServer(server) {
  if (!live.has(server)) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await server.exited;
  clearTimeout(timer);
  live.delete(server);
  rmSync(server.dir, { recursive: true, force: true });
}
