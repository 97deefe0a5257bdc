/**
 * The TypeScript contract cannot drift from the Rust serde types: for every shape that crosses the wasm boundary,
 * a key list here is checked twice.
 *
 * - By the compiler (`tsc --noEmit`, first step of `make test-js`): `contract<T>(…)` takes exactly the keys of `T`
 *   in `types.ts`, each marked with its presence (`always` / `optional`, i.e. `?`) and whether it may be `null`. A
 *   key added to or removed from `types.ts`, or a `?` / `| null` changed, without this list following is a type error.
 * - Against the wasm module, on objects it produced from real fixtures (`tests/fixtures/otel-sdk`,
 *   `tests/fixtures/catalog`, `../shared/data`): the keys seen must be exactly the list (a field Rust adds, renames
 *   or removes fails here), `always` keys present in every object, `optional` keys (`skip_serializing_if` in Rust)
 *   present in some and absent in others, and `null` only where `types.ts` allows it. Each scenario below says which
 *   optional or nullable fields it is there to provoke. What no public input can provoke is listed in `UNSEEN` and
 *   `NEVER_NULL`, with the reason, and those lists are asserted exactly, so they cannot go stale.
 * - Against the Rust source, for what a scenario might never reach: every `skip_serializing_if` field of an output
 *   struct must be an optional key of the contract naming that struct, and every optional key such a field.
 *
 * A failure names the key and what to change; update `types.ts`, then the list here, in the same commit as Rust.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HeatMap,
  initSync,
  layoutGraph,
  type Alert,
  type AlertsReport,
  type CatalogReport,
  type CumulativeHop,
  type Drift,
  type EntryPoint,
  type HeatEdge,
  type HeatNode,
  type IngestReport,
  type LatencyStats,
  type Layout,
  type LayoutOptions,
  type LayoutResult,
  type Point,
  type PollReport,
  type QueryValue,
  type ScorecardEntry,
  type Snapshot,
  type Swatch,
  type Warning,
} from './index';
import { withHeatMap } from '../testing';

// ---------------------------------------------------------------------------------------------------------------
// The key lists, checked by the compiler against types.ts.

type Mark = 'always' | 'always|null' | 'optional' | 'optional|null';
type MarkOf<T, K extends keyof T> = `${{} extends Pick<T, K> ? 'optional' : 'always'}${null extends T[K] ? '|null' : ''}`;
/** Every key of `T` (optional ones included), each with the mark that `T` gives it; nothing else. */
type KeySpec<T> = { [K in keyof T]-?: MarkOf<T, K> };

interface Contract {
  /** The TypeScript name in types.ts. */
  name: string;
  /** The Rust serde structs it is serialised from: the struct, then the ones `#[serde(flatten)]`ed into it. */
  rust: string[];
  keys: Record<string, Mark>;
}

function contract<T>(name: string, rust: string[], keys: KeySpec<T>): Contract {
  return { name, rust, keys };
}

const STATS = contract<LatencyStats>('LatencyStats', ['StatsView'], {
  count: 'always',
  errors: 'always',
  windowCount: 'always',
  errorRate: 'always|null',
  ratePerSec: 'always|null',
  meanMs: 'always|null',
  ewmaMs: 'always|null',
  p50Ms: 'always|null',
  p95Ms: 'always|null',
  p99Ms: 'always|null',
  selfP95Ms: 'optional',
  recentMs: 'always',
  fallback: 'optional',
  malformed: 'optional',
});

const SWATCH = contract<Swatch>('Swatch', ['Swatch'], { fill: 'always', text: 'always', pattern: 'always' });
const STATUS_SWATCHES = contract<Snapshot['statusSwatches']>('Snapshot.statusSwatches', ['StatusSwatches'], {
  green: 'always',
  amber: 'always',
  red: 'always',
  unknown: 'always',
});

/** The judgement's keys, flattened into every node and edge (Rust `Judgement`). */
const JUDGEMENT = {
  metric: 'always|null',
  percentile: 'always',
  observedMs: 'always|null',
  thresholdMs: 'always|null',
  thresholdSource: 'always',
  score: 'always|null',
  status: 'always',
  color: 'always',
} as const;

const NODE = contract<HeatNode>('HeatNode', ['HeatNode', 'NodeSnapshot', 'Judgement'], {
  id: 'always',
  service: 'always',
  virtual: 'optional',
  stats: 'always',
  criticalPathShare: 'always|null',
  entityRef: 'always|null',
  label: 'always',
  members: 'always',
  firingAlerts: 'always',
  queries: 'always',
  ...JUDGEMENT,
});

const EDGE = contract<HeatEdge>('HeatEdge', ['HeatEdge', 'EdgeSnapshot', 'Judgement'], {
  id: 'always',
  from: 'always',
  to: 'always',
  kind: 'always',
  inferred: 'always',
  stats: 'always',
  serverStats: 'optional',
  gapP95Ms: 'always|null',
  queueDelayP95Ms: 'always|null',
  criticalPathShare: 'always|null',
  fromEntityRef: 'always|null',
  toEntityRef: 'always|null',
  declared: 'always',
  viaApis: 'always',
  observed: 'always',
  members: 'always',
  ...JUDGEMENT,
});

const HOP = contract<CumulativeHop>('CumulativeHop', ['CumulativeHop'], {
  id: 'always',
  ms: 'always|null',
  cumulativeMs: 'always',
  budgetMs: 'optional',
  exceeded: 'always',
});

const ENTRY_POINT = contract<EntryPoint>(
  'EntryPoint',
  ['HeatEntryPoint', 'EntryPointSnapshot', 'CumulativePath'],
  {
    id: 'always',
    p95Ms: 'always|null',
    criticalPath: 'always',
    stats: 'always',
    entityRef: 'always|null',
    budgetMs: 'always|null',
    percentile: 'always',
    cumulative: 'always',
    firstExceeded: 'always|null',
  },
);

const ALERT = contract<Alert>('Alert', ['Alert', 'Breach', 'Evaluation', 'FiringDetails'], {
  source: 'always',
  kind: 'always',
  id: 'always',
  entityRef: 'always',
  targetRef: 'always|null',
  metric: 'always',
  percentile: 'always|null',
  observedMs: 'always|null',
  thresholdMs: 'always|null',
  observedRate: 'always|null',
  thresholdRate: 'always|null',
  score: 'always|null',
  status: 'always',
  since: 'always',
  alertname: 'optional',
  severity: 'optional|null',
  labels: 'optional',
  annotations: 'optional',
  startsAt: 'optional',
  fingerprint: 'optional',
  generatorURL: 'optional|null',
});

const ALERTS_REPORT = contract<AlertsReport>('AlertsReport', ['AlertsReport'], {
  firing: 'always',
  mapped: 'always',
  unmapped: 'always',
  silenced: 'always',
  inhibited: 'always',
  muted: 'always',
  skipped: 'always',
  warnings: 'always',
  error: 'optional',
  receivedAt: 'always|null',
});

const SCORECARD_ENTRY = contract<ScorecardEntry>('ScorecardEntry', ['ScorecardEntry'], {
  status: 'always',
  score: 'always|null',
  thresholdMs: 'always|null',
  observedMs: 'always|null',
  percentile: 'always',
  metric: 'always|null',
  checkedAt: 'always',
});

const DRIFT = contract<Drift>('Drift', ['Drift'], { undeclared: 'always', unobserved: 'always' });
const UNDECLARED = contract<Drift['undeclared'][number]>('Drift.undeclared[]', ['UndeclaredCall'], {
  from: 'always',
  to: 'always',
  edgeId: 'always',
});
const UNOBSERVED = contract<Drift['unobserved'][number]>('Drift.unobserved[]', ['UnobservedCall'], {
  from: 'always',
  to: 'always',
});

const WARNING = contract<Warning>('Warning', ['Warning'], { code: 'always', message: 'always' });

const POINT = contract<Point>('Point', ['Point'], { x: 'always', y: 'always' });
const LAYOUT = contract<Layout>('Layout', ['Layout'], {
  width: 'always',
  height: 'always',
  nodes: 'always',
  edges: 'always',
  groups: 'always',
  stats: 'always',
});
// `layoutGraph`'s result: the layout's keys flattened beside the warnings about its options.
const LAYOUT_RESULT = contract<LayoutResult>('LayoutResult', ['LaidOut', 'Layout'], {
  width: 'always',
  height: 'always',
  nodes: 'always',
  edges: 'always',
  groups: 'always',
  stats: 'always',
  warnings: 'always',
});
const LAYOUT_NODE = contract<Layout['nodes'][number]>('Layout.nodes[]', ['PlacedNode'], {
  id: 'always',
  x: 'always',
  y: 'always',
  width: 'always',
  height: 'always',
});
const LAYOUT_EDGE = contract<Layout['edges'][number]>('Layout.edges[]', ['RoutedEdge'], {
  id: 'always',
  from: 'always',
  to: 'always',
  points: 'always',
  reversed: 'always',
});
const LAYOUT_GROUP = contract<Layout['groups'][number]>('Layout.groups[]', ['PlacedGroup'], {
  id: 'always',
  x: 'always',
  y: 'always',
  width: 'always',
  height: 'always',
});
const LAYOUT_STATS = contract<Layout['stats']>('Layout.stats', ['LayoutStats'], {
  crossings: 'always',
  layers: 'always',
  dummies: 'always',
  straightEdges: 'always',
  ms: 'always',
});

const SNAPSHOT = contract<Snapshot>('Snapshot', ['Snapshot'], {
  generatedAt: 'always|null',
  level: 'always',
  window: 'always',
  nodes: 'always',
  edges: 'always',
  entryPoints: 'always',
  alerts: 'always',
  scorecard: 'always',
  drift: 'always',
  statusSwatches: 'always',
  warnings: 'always',
  layout: 'optional',
});

const INGEST_REPORT = contract<IngestReport>('IngestReport', ['IngestReport'], {
  format: 'optional',
  spansRead: 'always',
  accepted: 'always',
  rejected: 'always',
  rejections: 'always',
  paired: 'always',
  inferred: 'always',
  pending: 'always',
  expired: 'always',
  dropped: 'always',
  truncated: 'always',
  duplicates: 'always',
  futureSpans: 'always',
  error: 'optional',
});
const FUTURE_SPANS = contract<IngestReport['futureSpans'][number]>('IngestReport.futureSpans[]', ['FutureSpans'], {
  service: 'always',
  spans: 'always',
  aheadMs: 'always',
});
const REJECTION = contract<IngestReport['rejections'][number]>('IngestReport.rejections[]', ['Rejection'], {
  location: 'always',
  reason: 'always',
});

const CATALOG_REPORT = contract<CatalogReport>('CatalogReport', ['CatalogReport'], {
  entities: 'always',
  services: 'always',
  warnings: 'always',
});

const QUERY_VALUE = contract<QueryValue>('QueryValue', ['QueryValue'], {
  name: 'always',
  service: 'always',
  value: 'always|null',
  answeredAt: 'always',
  stale: 'always',
});

const POLL_REPORT = contract<PollReport>('PollReport', ['PollReport'], {
  requests: 'always',
  queries: 'always',
  bytes: 'always',
  retries: 'always',
  ms: 'always',
  failures: 'always',
  ingest: 'always',
  metrics: 'always|null',
  alerts: 'always|null',
  warnings: 'always',
});
const POLL_METRICS = contract<NonNullable<PollReport['metrics']>>('PollMetrics', ['ServiceGraphReport'], {
  edges: 'always',
  services: 'always',
  refused: 'always',
});
const POLL_FAILURE = contract<PollReport['failures'][number]>('PollFailure', ['PollFailure'], {
  url: 'always',
  code: 'always',
  reason: 'always',
});
const POLL_INGEST = contract<PollReport['ingest']>('PollIngest', ['IngestTotals'], {
  documents: 'always',
  spansRead: 'always',
  accepted: 'always',
  rejected: 'always',
  duplicates: 'always',
  paired: 'always',
  inferred: 'always',
  expired: 'always',
  dropped: 'always',
  truncated: 'always',
  pending: 'always',
});

const CONTRACTS: Contract[] = [
  SNAPSHOT,
  NODE,
  EDGE,
  STATS,
  SWATCH,
  STATUS_SWATCHES,
  ENTRY_POINT,
  HOP,
  ALERT,
  SCORECARD_ENTRY,
  DRIFT,
  UNDECLARED,
  UNOBSERVED,
  WARNING,
  LAYOUT,
  LAYOUT_RESULT,
  LAYOUT_NODE,
  LAYOUT_EDGE,
  LAYOUT_GROUP,
  LAYOUT_STATS,
  POINT,
  INGEST_REPORT,
  REJECTION,
  FUTURE_SPANS,
  CATALOG_REPORT,
  QUERY_VALUE,
  POLL_REPORT,
  POLL_FAILURE,
  POLL_INGEST,
  POLL_METRICS,
  ALERTS_REPORT,
];

/**
 * Keys that no input through the public API can make Rust emit. A finding each: either the field is dead in the
 * JSON, or a fixture is missing. The test fails if one of them is seen after all (then take it off the list).
 */
const UNSEEN: Record<string, string[]> = {
  // `LatencyStats::record_at` counts a sample as malformed when it is not a finite, non-negative latency; every
  // caller passes `ms(u64 nanoseconds)` (span durations, self time, gaps are saturating u64), so it stays 0 and is
  // skipped. Kept in types.ts because the Rust field exists and is serialised when non-zero.
  LatencyStats: ['malformed'],
};

/**
 * Keys that `types.ts` (mirroring a Rust `Option`) says may be null but never are in any output. The test fails
 * if one of them turns up null (then take it off the list).
 */
const NEVER_NULL: Record<string, string[]> = {
  // Null only when the window holds no critical-path time at all (`critical_total_ms == 0`, aggregate/snapshot.rs):
  // no trace analysed in it, or every one lasted 0 ns. A node or edge with data in the window has a trace there.
  HeatNode: ['criticalPathShare'],
  HeatEdge: ['criticalPathShare'],
};

// ---------------------------------------------------------------------------------------------------------------
// Real objects from the wasm module.

const repo = new URL('../../../', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(`tests/fixtures/${path}`, repo), 'utf8');
/** Public sample data beside the repository (`../shared/data`), as the Rust tests read it. */
const shared = (path: string) => readFileSync(new URL(`../shared/data/${path}`, repo), 'utf8');

const seen = new Map<Contract, object[]>(CONTRACTS.map((c) => [c, []]));

function add(c: Contract, value: object): void {
  seen.get(c)?.push(value);
}

/** A layout's parts; `whole` is the contract of the object itself (a snapshot's `Layout`, or a `LayoutResult`). */
function collectLayout(layout: Layout, whole: Contract = LAYOUT): void {
  add(whole, layout);
  add(LAYOUT_STATS, layout.stats);
  layout.nodes.forEach((node) => add(LAYOUT_NODE, node));
  layout.groups.forEach((group) => add(LAYOUT_GROUP, group));
  for (const edge of layout.edges) {
    add(LAYOUT_EDGE, edge);
    edge.points.forEach((point) => add(POINT, point));
  }
}

function collectSnapshot(snapshot: Snapshot): Snapshot {
  add(SNAPSHOT, snapshot);
  add(STATUS_SWATCHES, snapshot.statusSwatches);
  Object.values(snapshot.statusSwatches).forEach((swatch) => add(SWATCH, swatch));
  for (const node of snapshot.nodes) {
    add(NODE, node);
    add(STATS, node.stats);
    add(SWATCH, node.color);
  }
  for (const edge of snapshot.edges) {
    add(EDGE, edge);
    add(STATS, edge.stats);
    if (edge.serverStats) add(STATS, edge.serverStats);
    add(SWATCH, edge.color);
  }
  for (const entry of snapshot.entryPoints) {
    add(ENTRY_POINT, entry);
    add(STATS, entry.stats);
    entry.cumulative.forEach((hop) => add(HOP, hop));
  }
  snapshot.alerts.forEach((alert) => add(ALERT, alert));
  Object.values(snapshot.scorecard).forEach((entry) => add(SCORECARD_ENTRY, entry));
  add(DRIFT, snapshot.drift);
  snapshot.drift.undeclared.forEach((call) => add(UNDECLARED, call));
  snapshot.drift.unobserved.forEach((call) => add(UNOBSERVED, call));
  snapshot.warnings.forEach((warning) => add(WARNING, warning));
  if (snapshot.layout) collectLayout(snapshot.layout);
  return snapshot;
}

function collectIngest(report: IngestReport): IngestReport {
  add(INGEST_REPORT, report);
  report.rejections.forEach((rejection) => add(REJECTION, rejection));
  report.futureSpans.forEach((future) => add(FUTURE_SPANS, future));
  return report;
}

function collectAlertsReport(report: AlertsReport): AlertsReport {
  add(ALERTS_REPORT, report);
  report.warnings.forEach((warning) => add(WARNING, warning));
  if (report.error) add(WARNING, report.error);
  return report;
}

/** Alertmanager 0.28's `GET /api/v2/alerts` shape: two firing on the shop, one silenced, one unmapped, one broken. */
const ALERTMANAGER_ANSWER = JSON.stringify([
  {
    annotations: { summary: 'Checkout is slow', runbook_url: 'https://runbooks.example/checkout' },
    endsAt: '2026-12-03T09:10:00.000Z', fingerprint: 'a1b2c3d4e5f60718', receivers: [{ name: 'orders' }],
    startsAt: '2026-12-03T08:41:30.250Z', status: { inhibitedBy: [], mutedBy: [], silencedBy: [], state: 'active' },
    updatedAt: '2026-12-03T09:05:00.000Z', generatorURL: 'http://prometheus:9090/graph',
    labels: { alertname: 'CheckoutLatencyHigh', service: 'checkout', severity: 'critical' },
  },
  {
    annotations: {}, endsAt: '2026-12-03T09:10:00.000Z', fingerprint: '0f1e2d3c4b5a6978', receivers: [],
    startsAt: '2026-12-03T08:55:00Z', status: { inhibitedBy: [], silencedBy: [], state: 'active' },
    updatedAt: '2026-12-03T09:05:00.000Z', labels: { alertname: 'CartErrors', service: 'cart' },
  },
  {
    annotations: {}, endsAt: '2026-12-03T09:10:00.000Z', fingerprint: '2222222222222222', receivers: [],
    startsAt: '2026-12-03T08:50:00Z', status: { inhibitedBy: [], silencedBy: ['3f9a2c1e'], state: 'suppressed' },
    updatedAt: '2026-12-03T09:05:00.000Z', labels: { alertname: 'EmailBounces', service: 'email', severity: 'critical' },
  },
  {
    annotations: {}, endsAt: '2026-12-03T09:10:00.000Z', fingerprint: '3333333333333333', receivers: [],
    startsAt: '2026-12-03T08:30:00Z', status: { inhibitedBy: [], silencedBy: [], state: 'active' },
    updatedAt: '2026-12-03T09:05:00.000Z', labels: { alertname: 'NodeDown', service: 'node-exporter', severity: 'page' },
  },
  { labels: { alertname: 'Broken' }, fingerprint: '6666666666666666', startsAt: '03/12/2026', status: { state: 'active' } },
]);

function collectCatalog(report: CatalogReport): CatalogReport {
  add(CATALOG_REPORT, report);
  report.warnings.forEach((warning) => add(WARNING, warning));
  return report;
}

/** Each scenario says what it is there to provoke; together they show every key and every `null` they can. */
function runScenarios(): void {
  const otlp = fixture('otel-sdk/otlp.json');
  const shopCatalog = fixture('catalog/otel-shop.json');

  // The shop with its catalog, an SLO default and an error-rate threshold: virtual nodes (`virtual`), edges with
  // and without `serverStats`, async `queueDelayP95Ms`, error-rate alerts (null `percentile`/`observedMs`) beside
  // latency alerts (null `observedRate`), node alerts (null `targetRef`), drift both ways, a layout, group levels;
  // then `flushPending()`, whose report has no document and so no `format`.
  withHeatMap({ window: 'all', defaults: { latencySlo: '500ms', errorRate: 0.05 } }, (map) => {
    expect(collectCatalog(map.setCatalog(shopCatalog))).toEqual({
      entities: 18,
      // The shop's eight Components by name; its two Resources by their service-name annotations (cart-cache → redis,
      // orders-db → orders), checked by hand against the fixture.
      services: ['cart', 'checkout', 'email', 'frontend', 'inventory', 'orders', 'payment', 'recommendations', 'redis', 'shipping'],
      warnings: [],
    });
    expect(collectIngest(map.ingestOtlp(otlp))).toMatchObject({ format: 'otlp', accepted: 608 });
    collectSnapshot(map.snapshot({ layout: { direction: 'LR' } }));
    expect(collectIngest(map.flushPending())).not.toHaveProperty('format');
    const after = collectSnapshot(map.snapshot({ layout: {} }));
    expect(after.alerts.map((alert) => alert.metric)).toEqual(expect.arrayContaining(['errorRate', 'edgeSlo', 'latencySlo']));
    collectSnapshot(map.snapshot({ level: 'entity', percentile: 'p50', tolerance: 'aggressive', palette: 'viridis' }));
    collectSnapshot(map.snapshot({ level: 'system' }));
    collectSnapshot(map.snapshot({ level: 'domain', layout: {} }));
  });

  // The catalog without thresholds: nodes and scorecard entries with no `metric`/`thresholdMs`/`score`, entry
  // points with a null `budgetMs` and hops without `budgetMs`; the scorecard entry of the Resource behind the
  // `redis` virtual node has no `observedMs`.
  withHeatMap({ window: 'all' }, (map) => {
    collectCatalog(map.setCatalog(shopCatalog));
    collectIngest(map.ingestOtlp(otlp));
    const snapshot = collectSnapshot(map.snapshot());
    expect(snapshot.scorecard['resource:default/cart-cache']).toMatchObject({ observedMs: null });
  });

  // An Alertmanager answer on the shop: an unreadable one first (`error`, a null `receivedAt`), then firing alerts
  // with and without a severity and a `generatorURL`, a skipped item (a report warning), a silenced one and an
  // unmapped one (`alertmanager.unmapped`): `source: 'alertmanager'` entries with their own fields and null figures
  // beside latency alerts, nodes with `firingAlerts`.
  withHeatMap({ window: 'all', defaults: { latencySlo: '500ms' } }, (map) => {
    collectCatalog(map.setCatalog(shopCatalog));
    collectIngest(map.ingestOtlp(otlp));
    expect(collectAlertsReport(map.ingestAlertmanager('[{"labels": '))).toMatchObject({ receivedAt: null, error: { code: 'alertmanager.unreadable' } });
    const report = collectAlertsReport(map.ingestAlertmanager(ALERTMANAGER_ANSWER));
    expect(report).toMatchObject({ firing: 3, mapped: 2, unmapped: 1, silenced: 1, skipped: 1 });
    expect(report).not.toHaveProperty('error');
    const snapshot = collectSnapshot(map.snapshot({ level: 'entity' }));
    expect(snapshot.alerts.filter((alert) => alert.source === 'alertmanager').map((alert) => [alert.alertname, alert.entityRef])).toEqual([
      ['CheckoutLatencyHigh', 'component:default/checkout'],
      ['CartErrors', 'component:default/cart'],
    ]);
    collectSnapshot(map.snapshot({ level: 'system' }));
  });

  // No catalog and a 1 ms budget: entry points with a null `entityRef` whose path passes the budget
  // (`firstExceeded`), edges with null entity refs at both ends.
  withHeatMap({ window: 'all', defaults: { latencySlo: '1ms' } }, (map) => {
    collectIngest(map.ingestOtlp(otlp));
    const snapshot = collectSnapshot(map.snapshot());
    expect(snapshot.entryPoints.some((entry) => entry.firstExceeded !== null)).toBe(true);
  });

  // A 1 s window, then an older trace (Zipkin's yelp.json, 2016) after the shop: its keys have nothing in the
  // window, so their stats fall back to the latest sample (`fallback`) and its critical-path hops have no figure
  // (`ms: null`).
  withHeatMap({ window: '1s' }, (map) => {
    collectIngest(map.ingestOtlp(otlp));
    collectIngest(map.ingestZipkin(shared('zipkin/yelp.json')));
    collectSnapshot(map.snapshot());
  });

  // Envoy's single span: the `"all"` window covers no event time yet, so there is no rate (`ratePerSec: null`).
  withHeatMap({ window: 'all' }, (map) => {
    collectIngest(map.ingestZipkin(shared('zipkin/envoy.json')));
    expect(collectSnapshot(map.snapshot()).nodes.map((node) => node.stats.ratePerSec)).toEqual([null, null]);
  });

  // Real Zipkin spans without a duration: rejected, each with its location (`rejections[]`).
  withHeatMap({ window: 'all' }, (map) => {
    const report = collectIngest(map.ingestZipkin(shared('zipkin/smartthings-oauth-authorization.json')));
    expect(report.rejections[0]).toEqual({ location: '[23]', reason: 'missing duration' });
  });

  // A wall clock an hour behind the shop's spans: every service's spans are future spans (`futureSpans[]`); the
  // same document again is all duplicates.
  withHeatMap({ window: 'all' }, (map) => {
    map.setWallClock(1_700_000_000_000 - 3_600_000);
    expect(collectIngest(map.ingestOtlp(otlp)).futureSpans.length).toBeGreaterThan(1);
    expect(collectIngest(map.ingestOtlp(otlp))).toMatchObject({ duplicates: 608, futureSpans: [] });
    const codes = collectSnapshot(map.snapshot()).warnings.map((warning) => warning.code);
    expect(codes).toEqual(expect.arrayContaining(['aggregate.future-spans', 'aggregate.duplicate-spans']));
  });

  // A document cut in half: `error`, with what came before kept.
  withHeatMap({}, (map) => {
    expect(collectIngest(map.ingestOtlp(otlp.slice(0, otlp.length / 2)))).toHaveProperty('error');
  });

  // More spans waiting than `maxPending`: a telemetry warning in the snapshot (Jaeger, for a third reader).
  withHeatMap({ window: 'all', maxPending: 50 }, (map) => {
    collectIngest(map.ingestJaeger(fixture('otel-sdk/jaeger.json')));
    expect(collectSnapshot(map.snapshot()).warnings).toHaveLength(1);
  });

  // A catalog with unreadable entities, bad references and clashing service names: catalog warnings.
  withHeatMap({}, (map) => {
    expect(collectCatalog(map.setCatalog(fixture('catalog/broken.json'))).warnings.length).toBeGreaterThan(0);
  });

  // Nothing ingested: a null `generatedAt`, and no `layout` when none is asked for.
  withHeatMap({}, (map) => {
    expect(collectSnapshot(map.snapshot())).toMatchObject({ generatedAt: null, nodes: [] });
  });

  // `layoutGraph` with nested groups (a snapshot's layout has none), a cycle (a reversed edge), an edge with an
  // `id` and two without (routes then carry their index), and a misspelt option (a `config.unknown-key` warning).
  const result = layoutGraph(
    {
      nodes: [
        { id: 'a', width: 80, height: 40, group: 'inner' },
        { id: 'b', width: 80, height: 40, group: 'outer' },
        { id: 'c', width: 80, height: 40 },
      ],
      edges: [
        { id: 'a→b', from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
      ],
      groups: [{ id: 'outer', label: 'Outer' }, { id: 'inner', parent: 'outer' }],
    },
    { nodeSep: 10 } as LayoutOptions,
  );
  expect(result.edges.map((edge) => edge.id)).toEqual(['a→b', '1', '2']);
  expect(result.warnings.map((warning) => warning.code)).toEqual(['config.unknown-key']);
  collectLayout(result, LAYOUT_RESULT);
  result.warnings.forEach((warning) => add(WARNING, warning));
  // And one node without options: no warnings.
  collectLayout(layoutGraph({ nodes: [{ id: 'x', width: 10, height: 10 }] }), LAYOUT_RESULT);
}

function collectPoll(report: PollReport): PollReport {
  add(POLL_REPORT, report);
  add(POLL_INGEST, report.ingest);
  if (report.metrics) add(POLL_METRICS, report.metrics);
  report.failures.forEach((failure) => add(POLL_FAILURE, failure));
  report.warnings.forEach((warning) => add(WARNING, warning));
  return report;
}

/**
 * `poll` against a local Jaeger query API that answers the fixture for `frontend`, 500 for `broken` and 404 for
 * `missing` (two failures), then once more with a misspelt key (a warning); and a Prometheus round (`metrics` not
 * null) whose every query is answered with one rate sample (the histogram queries' samples skipped: warnings).
 */
async function runPollScenarios(): Promise<void> {
  const jaeger = fixture('otel-sdk/jaeger.json');
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/api/v1/query') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        // A query that divides by zero (`/ 0`, form-encoded) is answered NaN, as Prometheus would.
        const value = body.includes('%2F%200') ? 'NaN' : '2';
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"client":"a","server":"b"},"value":[1,"${value}"]}]}}`);
      });
      return;
    }
    const service = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('service');
    const status = service === 'broken' ? 500 : service === 'missing' ? 404 : 200;
    response.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    response.end(status === 200 ? jaeger : '{"errors":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const map = new HeatMap({ window: 'all' });
  try {
    const first = collectPoll(await map.poll({ type: 'jaeger', baseUrl, services: ['frontend', 'broken', 'missing'], retries: 0 }));
    expect(first.failures).toHaveLength(2);
    const second = collectPoll(await map.poll({ type: 'jaeger', baseUrl, services: ['frontend'], limt: 5 } as never));
    expect(second.warnings).toHaveLength(1);
    for (const services of [undefined, ['a']]) {
      const metrics = collectPoll(await map.poll({ type: 'prometheus', baseUrl, time: 1_000, services }));
      expect([metrics.queries, metrics.metrics]).toEqual([4, { edges: 1, services: 2, refused: 0 }]);
      expect(metrics.warnings.map((warning) => warning.code)).toEqual(['prometheus.bad-histogram', 'prometheus.bad-histogram']);
    }
    // Extra queries' values on the nodes of their services, one NaN (null).
    const queries = [
      { name: 'rps', query: 'sum by (server) (rate(x[5m]))', serviceLabel: 'server' },
      { name: 'nan', query: 'sum by (client) (rate(x[5m])) / 0', serviceLabel: 'client' },
    ];
    collectPoll(await map.poll({ type: 'prometheus', baseUrl, time: 1_000, queries }));
    const values = map.snapshot().nodes.flatMap((node) => node.queries);
    expect(values.map(({ name, service, value }) => [name, service, value])).toEqual([['nan', 'a', null], ['rps', 'b', 2]]);
    values.forEach((value) => add(QUERY_VALUE, value));
  } finally {
    map.free();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The comparison.

interface Findings {
  /** Emitted by Rust, not declared in types.ts. */
  undeclared: string[];
  /** Declared in types.ts, never emitted. */
  unseen: string[];
  /** `always` in types.ts, missing from some object. */
  sometimesMissing: string[];
  /** Optional (`?`) in types.ts, present in every object: Rust always emits it. */
  neverAbsent: string[];
  /** Null in some object, not `| null` in types.ts. */
  unexpectedNull: string[];
  /** `| null` in types.ts, never null. */
  neverNull: string[];
}

function compare(c: Contract, objects: object[]): Findings {
  const declared = Object.keys(c.keys);
  const keysSeen = new Set(objects.flatMap((object) => Object.keys(object)));
  const values = (key: string) => objects.map((object) => (object as Record<string, unknown>)[key]);
  const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
  const known = declared.filter((key) => keysSeen.has(key));
  return {
    undeclared: [...keysSeen].filter((key) => !(key in c.keys)).sort(),
    unseen: declared.filter((key) => !keysSeen.has(key)),
    // The rest judge keys both sides know, so a renamed key is reported once on each side and nothing more.
    sometimesMissing: known.filter((key) => c.keys[key].startsWith('always') && objects.some((o) => !has(o, key))),
    neverAbsent: known.filter((key) => c.keys[key].startsWith('optional') && objects.every((o) => has(o, key))),
    unexpectedNull: known.filter((key) => !c.keys[key].endsWith('|null') && values(key).includes(null)),
    neverNull: known.filter((key) => c.keys[key].endsWith('|null') && !values(key).includes(null)),
  };
}

beforeAll(async () => {
  initSync();
  runScenarios();
  await runPollScenarios();
});

/** What differs from the expectation, one sentence per key, so a failure reads without a diff. */
function problems(c: Contract, found: Findings): string[] {
  const expected: Findings = {
    undeclared: [],
    unseen: UNSEEN[c.name] ?? [],
    sometimesMissing: [],
    neverAbsent: [],
    unexpectedNull: [],
    neverNull: NEVER_NULL[c.name] ?? [],
  };
  const say: Record<keyof Findings, string> = {
    undeclared: 'emitted by Rust but not declared in types.ts (a Rust field added or renamed?)',
    unseen: 'declared in types.ts but never emitted (a Rust field removed or renamed, or no scenario provokes it?)',
    sometimesMissing: 'missing from some objects though types.ts says always present (`skip_serializing_if`: mark it `?`)',
    neverAbsent: 'optional in types.ts but always emitted (no `skip_serializing_if`: drop the `?`, use `| null` for an Option)',
    unexpectedNull: 'null in some objects though types.ts does not allow null (a Rust Option: add `| null`)',
    neverNull: 'never null though types.ts allows null (no longer an Option in Rust, or no scenario provokes it?)',
  };
  return (Object.keys(say) as (keyof Findings)[]).flatMap((kind) => {
    const surprising = found[kind].filter((key) => !expected[kind].includes(key));
    const stale = expected[kind].filter((key) => !found[kind].includes(key));
    return [
      ...surprising.map((key) => `${c.name}.${key} (Rust ${c.rust.join(' + ')}): ${say[kind]}`),
      ...stale.map((key) => `${c.name}.${key}: listed as ${kind} in this test but is not any more; take it off the list`),
    ];
  });
}

describe('the TypeScript contract matches what the wasm module emits', () => {
  it.each(CONTRACTS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const objects = seen.get(c) ?? [];
    expect(objects.length, `no ${c.name} (Rust ${c.rust.join(' + ')}) produced by any scenario`).toBeGreaterThan(1);
    const found = problems(c, compare(c, objects));
    expect(found, `\n${found.join('\n')}\n`).toEqual([]);
  });

  it('lists only contracts that exist', () => {
    const names = new Set(CONTRACTS.map((c) => c.name));
    for (const [name, keys] of [...Object.entries(UNSEEN), ...Object.entries(NEVER_NULL)]) {
      expect(names.has(name), name).toBe(true);
      const c = CONTRACTS.find((candidate) => candidate.name === name);
      for (const key of keys) expect(c?.keys, `${name}.${key}`).toHaveProperty(key);
    }
  });

  // A field Rust skips when empty shows only on the paths that fill it; one no scenario reaches would slip past the
  // comparison above. So read the Rust source: every `skip_serializing_if` field of an output struct must be an
  // optional key of the contract that covers its struct.
  it('covers every field Rust skips when empty, and names only structs that exist', () => {
    const sources = rustSources();
    const structs = new Set([...sources.matchAll(/pub struct (\w+)/g)].map((match) => match[1]));
    expect(CONTRACTS.flatMap((c) => c.rust).filter((name) => !structs.has(name))).toEqual([]);
    const uncovered = skippedWhenEmpty(sources).flatMap(({ struct, key }) => {
      if (INPUT_ONLY.includes(struct) || NOT_EXPORTED.includes(struct)) return [];
      const covering = CONTRACTS.filter((c) => c.rust.includes(struct));
      if (covering.length === 0) return [`${struct}.${key}: skipped when empty, but no contract covers ${struct}`];
      return covering
        .filter((c) => !c.keys[key]?.startsWith('optional'))
        .map((c) => `${struct}.${key}: skipped when empty, but ${c.name}.${key} is ${c.keys[key] ?? 'not declared'}`);
    });
    expect(uncovered, `\n${uncovered.join('\n')}\n`).toEqual([]);
    // And the other way: every `?` in the contracts is such a field (which also shows the scan finds them).
    const skipped = new Set(skippedWhenEmpty(sources).map(({ struct, key }) => `${struct}.${key}`));
    const unexplained = CONTRACTS.flatMap((c) =>
      Object.keys(c.keys)
        .filter((key) => c.keys[key].startsWith('optional') && !c.rust.some((struct) => skipped.has(`${struct}.${key}`)))
        .map((key) => `${c.name}.${key}: optional in types.ts, but no \`skip_serializing_if\` field of ${c.rust.join(' + ')}`),
    );
    expect(unexplained, `\n${unexplained.join('\n')}\n`).toEqual([]);
  });
});

/** Deserialized from JS only (their `Serialize` serves Rust tests): nothing of theirs is in any result. */
const INPUT_ONLY = ['NodeInput', 'EdgeInput', 'GroupInput', 'LayoutOptions'];
/**
 * Output structs that never cross to JS: `AnswerReport` (one Prometheus answer read) becomes the poll report's
 * warnings and failures in `wasm/poll.rs`.
 */
const NOT_EXPORTED = ['AnswerReport'];

function rustSources(): string {
  const src = new URL('src/', repo);
  return (readdirSync(src, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.rs'))
    .map((path) => readFileSync(new URL(path, src), 'utf8'))
    .join('\n');
}

/**
 * `(struct, JSON key)` of every field with `skip_serializing_if` (renamed, or camelCase as every output struct is),
 * and every field of a struct flattened as an `Option` (`#[serde(flatten)] pub x: Option<Inner>`: `None` writes
 * none of `Inner`'s keys), named under `Inner`.
 */
function skippedWhenEmpty(sources: string): { struct: string; key: string }[] {
  const found: { struct: string; key: string }[] = [];
  for (const [, inner] of sources.matchAll(/#\[serde\(flatten\)\]\s*pub \w+\s*:\s*Option<(\w+)>/g)) {
    const body = new RegExp(`pub struct ${inner} \\{([\\s\\S]*?)\\n\\}`).exec(sources)?.[1] ?? '';
    for (const [, attributes, field] of body.matchAll(/((?:#\[[^\]]*\]\s*)*)pub (\w+)\s*:/g)) {
      const rename = /rename = "([^"]+)"/.exec(attributes)?.[1];
      found.push({ struct: inner, key: rename ?? field.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()) });
    }
  }
  let struct = '';
  const items = /pub struct (\w+)|#\[serde\(([^\]]*skip_serializing_if[^\]]*)\)\]\s*pub (\w+)\s*:/g;
  for (const [, structName, attribute, field] of sources.matchAll(items)) {
    if (structName) {
      struct = structName;
      continue;
    }
    const rename = /rename = "([^"]+)"/.exec(attribute)?.[1];
    found.push({ struct, key: rename ?? field.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()) });
  }
  return found;
}
