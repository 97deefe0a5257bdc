// A native-histogram exporter for Prometheus 2.42, which cannot backfill native histograms from OpenMetrics (the
// text format has no native histograms): a loopback HTTP server answering every scrape in the protobuf exposition
// format (varint-delimited `io.prometheus.client.MetricFamily`), one sparse schema-0 histogram per edge, each scrape
// the next step of a cumulative series with an explicit timestamp (`t0 + step * 1 s`), so the samples and therefore
// the queries at `t0 + n` are deterministic however late the scrapes come. The protobuf encoder is the few fields
// this needs, written by hand (no protobuf dependency).
import { createServer } from 'node:http';
import { once } from 'node:events';

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
/** Prometheus's default native-histogram zero threshold (2^-128). */
const ZERO_THRESHOLD = 2.938735877055719e-39;

function varint(bytes, value) {
  let v = BigInt.asUintN(64, BigInt(value));
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
}
const zigzag = (value) => (value < 0 ? -2 * value - 1 : 2 * value);
const key = (bytes, field, wireType) => varint(bytes, (field << 3) | wireType);
function uintField(bytes, field, value) {
  key(bytes, field, 0);
  varint(bytes, value);
}
function sintField(bytes, field, value) {
  uintField(bytes, field, zigzag(value));
}
function doubleField(bytes, field, value) {
  key(bytes, field, 1);
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value);
  bytes.push(...buffer);
}
function bytesField(bytes, field, content) {
  key(bytes, field, 2);
  varint(bytes, content.length);
  bytes.push(...content);
}
const stringField = (bytes, field, text) => bytesField(bytes, field, [...Buffer.from(text, 'utf8')]);

/** The schema-0 bucket index of a positive value: bucket i holds (2^(i-1), 2^i]. */
export function nativeBucketIndex(value) {
  let index = Math.ceil(Math.log2(value));
  // Guard log2's rounding at exact powers of two and their neighbours.
  if (2 ** index < value) index += 1;
  if (2 ** (index - 1) >= value) index -= 1;
  return index;
}

/** Sparse buckets of `values` (seconds): `{ zeroCount, buckets: Map(index → count), count, sum }`. */
export function nativeHistogram(values) {
  const buckets = new Map();
  let zeroCount = 0;
  let sum = 0;
  for (const value of values) {
    sum += value;
    if (value <= ZERO_THRESHOLD) zeroCount += 1;
    else buckets.set(nativeBucketIndex(value), (buckets.get(nativeBucketIndex(value)) ?? 0) + 1);
  }
  return { zeroCount, buckets: new Map([...buckets].sort((a, b) => a[0] - b[0])), count: values.length, sum };
}

function encodeHistogram(histogram, times) {
  const bytes = [];
  uintField(bytes, 1, histogram.count * times);
  doubleField(bytes, 2, histogram.sum * times);
  sintField(bytes, 5, 0);
  doubleField(bytes, 6, ZERO_THRESHOLD);
  uintField(bytes, 7, histogram.zeroCount * times);
  const indices = [...histogram.buckets.keys()];
  let previousEnd = 0;
  for (let start = 0; start < indices.length; ) {
    let end = start + 1;
    while (end < indices.length && indices[end] === indices[end - 1] + 1) end += 1;
    const span = [];
    sintField(span, 1, start === 0 ? indices[0] : indices[start] - previousEnd);
    uintField(span, 2, end - start);
    bytesField(bytes, 12, span);
    previousEnd = indices[end - 1] + 1;
    start = end;
  }
  let previous = 0;
  for (const count of histogram.buckets.values()) {
    sintField(bytes, 13, count * times - previous);
    previous = count * times;
  }
  return bytes;
}

/**
 * One metric family of native histograms: `series` is `[{ labels: [[name, value]], histogram }]`, each sample the
 * histogram times `times`, stamped `timestampMs`. Returns the varint-delimited message.
 */
export function encodeFamily(name, series, times, timestampMs) {
  const family = [];
  stringField(family, 1, name);
  uintField(family, 3, 4); // HISTOGRAM
  for (const { labels, histogram } of series) {
    const metric = [];
    for (const [labelName, value] of labels) {
      const pair = [];
      stringField(pair, 1, labelName);
      stringField(pair, 2, value);
      bytesField(metric, 1, pair);
    }
    bytesField(metric, 7, encodeHistogram(histogram, times));
    uintField(metric, 6, timestampMs);
    bytesField(family, 4, metric);
  }
  const framed = [];
  varint(framed, family.length);
  return Buffer.from([...framed, ...family]);
}

/**
 * Serves `name`'s `series` on a free loopback port. Scrape n (from 0) answers the histograms times n + 1 stamped
 * `t0Ms + n * 1000`; after the last of `steps` scrapes it keeps answering the last one (a duplicate sample,
 * which Prometheus ignores). Resolves to `{ target, t0Ms, scrapes(), waitForScrapes(n), close() }`.
 */
export async function startNativeExporter(name, series, { steps = 4, t0Ms = Math.floor(Date.now() / 1000) * 1000 } = {}) {
  let scrapes = 0;
  const waiters = [];
  const server = createServer((request, response) => {
    const step = Math.min(scrapes, steps - 1);
    scrapes += 1;
    response.writeHead(200, { 'content-type': PROTOBUF_CONTENT_TYPE });
    response.end(encodeFamily(name, series, step + 1, t0Ms + step * 1000));
    for (const waiter of waiters.splice(0)) waiter();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const waitForScrapes = async (n, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (scrapes < n) {
      if (Date.now() > deadline) throw new Error(`${scrapes} scrapes of ${name} in ${timeoutMs} ms, wanted ${n}`);
      await Promise.race([new Promise((resolve) => waiters.push(resolve)), new Promise((r) => setTimeout(r, 200))]);
    }
  };
  return {
    target: `127.0.0.1:${server.address().port}`,
    t0Ms,
    scrapes: () => scrapes,
    waitForScrapes,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** One native-histogram series per edge of the fixture's calls: the server latencies (seconds) of its calls. */
export function nativeSeriesOf(calls) {
  const byEdge = new Map();
  for (const call of calls) {
    const key = JSON.stringify([call.client, call.server, call.connectionType]);
    byEdge.set(key, [...(byEdge.get(key) ?? []), call.serverSeconds]);
  }
  return [...byEdge].map(([key, values]) => {
    const [client, server, connectionType] = JSON.parse(key);
    const labels = [['client', client], ['server', server]];
    if (connectionType !== '') labels.push(['connection_type', connectionType]);
    return { labels, histogram: nativeHistogram(values) };
  });
}
