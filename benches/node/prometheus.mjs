// The Prometheus source's query budget and cost against a real Prometheus (Debian's 2.42, tests/servers/): a
// synthetic service graph (default 5 000 services / 20 000 edges in the OTel Collector's shape, 10 min at 60 s
// steps) generated with tests/servers/generate.mjs, backfilled with promtool, then `map.poll({ type: 'prometheus' })`
// of the built package for the whole system and for one entity card's neighbourhood (one service). Prints queries
// per poll, requests, bytes and ms to a snapshot; nothing is asserted.
//
//   node prometheus.mjs [--services=5000] [--edges=20000] [--seconds=600] [--step=60] [--shape=otel] [--runs=3]
import { execFile } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { REPO, int, load, loadCore, machine, median, ms, options, table } from './common.mjs';
import { startPrometheus } from '../../tests/servers/prometheus.mjs';
import { tempDir } from '../../tests/servers/process.mjs';
import { QUERY_TIME } from '../../tests/servers/servicegraph.mjs';

const run = promisify(execFile);
const opts = options({ services: '5000', edges: '20000', seconds: '600', step: '60', shape: 'otel', runs: '3' });
const runs = Number(opts.runs);

console.log(`Prometheus source: ${int(Number(opts.services))} services, ${int(Number(opts.edges))} edges (${opts.shape}), ${opts.seconds} s at ${opts.step} s steps`);
console.log(machine());

const dir = tempDir('latency-heatmap-bench-prometheus');
let prometheus;
try {
  const file = join(dir, 'series.om');
  let start = performance.now();
  await run('node', [resolve(REPO, 'tests/servers/generate.mjs'), '--shape', opts.shape, '--services', opts.services,
    '--edges', opts.edges, '--seconds', opts.seconds, '--step', opts.step, file], { maxBuffer: 1 << 20 });
  const generateMs = performance.now() - start;
  const sizeMb = statSync(file).size / 1e6;
  prometheus = await startPrometheus({ openMetrics: [file] });
  rmSync(file);
  console.log(`series: ${sizeMb.toFixed(0)} MB OpenMetrics written in ${ms(generateMs)} ms, backfilled in ${ms(prometheus.backfillMs)} ms, Prometheus ready in ${ms(prometheus.startMs)} ms\n`);

  const core = await loadCore();
  const width = String(Number(opts.services) - 1).length;
  const card = `svc-${String(42).padStart(width, '0')}`;
  const selector = opts.shape === 'otel' ? 'failed!=""' : '__metrics_gen_instance!=""';
  const views = [
    ['whole system', {}],
    [`entity card (${card})`, { services: [card] }],
  ];
  const rows = [];
  for (const [name, extra] of views) {
    const polls = [];
    const snapshots = [];
    let last;
    for (let i = 0; i < runs; i += 1) {
      const map = new core.HeatMap({ window: '5m', maxKeys: 100_000 });
      try {
        start = performance.now();
        last = await map.poll({ type: 'prometheus', baseUrl: prometheus.baseUrl, selector, time: QUERY_TIME * 1000, rateWindow: '5m', timeout: '300s', ...extra });
        polls.push(performance.now() - start);
        const snapStart = performance.now();
        const snapshot = map.snapshot();
        snapshots.push(performance.now() - snapStart);
        last.edgesInSnapshot = snapshot.edges.length;
      } finally {
        map.free();
      }
      if (last.failures.length > 0) console.log(`${name}: failures ${JSON.stringify(last.failures).slice(0, 400)}`);
    }
    rows.push([
      name, last.queries, last.requests, int(last.bytes), int(last.metrics?.edges ?? 0),
      int(last.edgesInSnapshot), ms(median(polls)), ms(median(snapshots)), ms(median(polls) + median(snapshots)),
    ]);
  }
  // After the polls (Prometheus has the blocks in memory by then): the same queries sent from Node and read to
  // their last byte, what Prometheus and the transfer take alone.
  const forms = await recordForms(core, { type: 'prometheus', selector, time: QUERY_TIME * 1000, rateWindow: '5m' });
  const alone = [];
  for (let i = 0; i < runs; i += 1) {
    start = performance.now();
    await Promise.all(forms.map(async (body) => {
      const answer = await fetch(`${prometheus.baseUrl}/api/v1/query`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      await answer.arrayBuffer();
    }));
    alone.push(performance.now() - start);
  }
  console.log(table(['view', 'queries', 'requests', 'bytes', 'edges taken', 'snapshot edges', 'poll ms', 'snapshot ms', 'ms to a snapshot'], rows));
  console.log(`\nmedian of ${runs} polls each, a new map per poll; poll ms includes Prometheus evaluating the queries.`);
  console.log(`the whole system's ${forms.length} queries fetched from Node and read to the last byte, nothing parsed: ${ms(median(alone))} ms (median of ${runs}); ${load()}`);
} finally {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** The form bodies a whole-system poll sends, recorded by a local server that answers each with an empty vector. */
async function recordForms(core, source) {
  const forms = [];
  const recorder = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      forms.push(body);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"status":"success","data":{"resultType":"vector","result":[]}}');
    });
  });
  await new Promise((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const map = new core.HeatMap({ window: '5m' });
  try {
    await map.poll({ ...source, baseUrl: `http://127.0.0.1:${recorder.address().port}` });
  } finally {
    map.free();
    recorder.closeAllConnections();
    await new Promise((resolve) => recorder.close(resolve));
  }
  return forms;
}
