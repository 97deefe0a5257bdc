// A real Prometheus (Debian's 2.42) for the tests: OpenMetrics files backfilled into a temp TSDB with promtool,
// served with a ten-year retention so old blocks stay, loopback only; optional scrape targets (the native-histogram
// exporter). And the oracle the source's tests compare against: Prometheus's own `histogram_quantile` and `rate`
// at a fixed time. Knows nothing about how the series were generated.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer, tempDir } from './process.mjs';

const run = promisify(execFile);

/**
 * Starts Prometheus on a free port with `openMetrics` files backfilled (`promtool tsdb create-blocks-from
 * openmetrics`) and `scrapeTargets` (`host:port`, scraped every second, timestamps honoured) if any;
 * `nativeHistograms` turns on `--enable-feature=native-histograms` (and protobuf scrapes with it).
 * Resolves to `{ baseUrl, port, stop(), backfillMs, startMs }`.
 */
export async function startPrometheus({ openMetrics = [], scrapeTargets = [], nativeHistograms = false } = {}) {
  const dir = tempDir('latency-heatmap-prometheus');
  const data = join(dir, 'data');
  mkdirSync(data);
  const backfillStart = performance.now();
  for (const file of openMetrics) {
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { maxBuffer: 1 << 24 });
  }
  const backfillMs = performance.now() - backfillStart;
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(scrapeTargets));
  const flags = nativeHistograms ? ['--enable-feature=native-histograms'] : [];
  const startStart = performance.now();
  const server = await startServer({
    name: 'prometheus',
    command: 'prometheus',
    dir,
    argsFor: (port) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=3650d',
      `--web.listen-address=127.0.0.1:${port}`,
      ...flags,
    ],
  });
  return Object.assign(server, { backfillMs, startMs: performance.now() - startStart });
}

function prometheusConfig(scrapeTargets) {
  const lines = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:'];
  if (scrapeTargets.length === 0) return `${lines.join('\n')} []\n`;
  lines.push('  - job_name: fixture', '    honor_timestamps: true', '    static_configs:',
    `      - targets: [${scrapeTargets.map((target) => `'${target}'`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** `GET /api/v1/query` at `time` (unix seconds); resolves to the result vector, rejects with the server's error. */
export async function prometheusQuery(baseUrl, query, time) {
  const url = `${baseUrl}/api/v1/query?${new URLSearchParams({ query, time: String(time) })}`;
  const response = await fetch(url);
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${query}: ${response.status} ${body.errorType} ${body.error}`);
  return body.data.result;
}

const EDGE = 'client, server, connection_type';

function edgeRows(result) {
  return result
    .map(({ metric, value }) => ({
      client: metric.client,
      server: metric.server,
      connectionType: metric.connection_type ?? '',
      value: Number(value[1]),
    }))
    .sort((a, b) => `${a.client}\u0000${a.server}\u0000${a.connectionType}`
      .localeCompare(`${b.client}\u0000${b.server}\u0000${b.connectionType}`));
}

/**
 * The oracle: Prometheus's `histogram_quantile(q, sum by (client, server, connection_type, le)
 * (rate(<histogram>_bucket[rateWindow])))` per edge at `time` — what the source must reproduce from bucket
 * counts. Options: `histogram` (default the server histogram), `rateWindow` ('5m'), `selector` (extra matchers,
 * e.g. `cluster="prod"`), `native` (a native histogram: no `_bucket`, no `le`). Resolves to
 * `[{ client, server, connectionType, value }]` sorted by edge; `connectionType` is '' where the label is absent,
 * `value` is NaN where Prometheus says so.
 */
export async function prometheusQuantiles(baseUrl, q, time, {
  histogram = 'traces_service_graph_request_server_seconds', rateWindow = '5m', selector = '', native = false,
} = {}) {
  const series = native ? `${histogram}{${selector}}` : `${histogram}_bucket{${selector}}`;
  const by = native ? EDGE : `${EDGE}, le`;
  return edgeRows(await prometheusQuery(baseUrl,
    `histogram_quantile(${q}, sum by (${by}) (rate(${series}[${rateWindow}])))`, time));
}

/**
 * Per-edge `sum by (client, server, connection_type) (rate(<counter>[rateWindow]))` at `time`; `counter` defaults to
 * `traces_service_graph_request_total` (`…_request_failed_total` for error rates). Same rows as prometheusQuantiles.
 */
export async function prometheusRates(baseUrl, time, {
  counter = 'traces_service_graph_request_total', rateWindow = '5m', selector = '',
} = {}) {
  return edgeRows(await prometheusQuery(baseUrl, `sum by (${EDGE}) (rate(${counter}{${selector}}[${rateWindow}]))`, time));
}
