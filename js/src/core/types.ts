/**
 * The shapes that cross the wasm boundary, written by hand (as automerge does) so they are documented. They
 * mirror the Rust serde types field for field: a Rust `Option` the serializer always writes is `| null`; a field
 * Rust skips when empty (`skip_serializing_if`) is optional (`?`). `./contract.test.ts` keeps them honest: its
 * key lists must match these types exactly (checked by `tsc`), and the keys and nulls of real results of the wasm
 * module must match those lists (checked by vitest). Change a shape here and there together.
 */

/** A duration as people write it (`"300ms"`, `"1.5s"`, `"5m"`) or a number of milliseconds. */
export type Duration = string | number;

export type Percentile = 'p50' | 'p90' | 'p95' | 'p99';
export type Tolerance = 'conservative' | 'moderate' | 'aggressive';
export type PaletteName = 'rag' | 'viridis' | 'cividis';

/**
 * `new HeatMap(config)`; also the `latencyHeatmap:` app-config section. Every field is optional, and a field that
 * is `undefined` (what `config.getOptionalString()` returns for an unset key) is absent, at every depth. Unknown
 * keys are ignored with a `config.unknown-key` warning in every snapshot, naming the nearest known key.
 */
export interface HeatMapConfig {
  /** Sliding window for quantiles and rates, in event time (default `"5m"`); `"all"` keeps everything. */
  window?: Duration | 'all';
  /** How long an unpaired span waits for its partner before it becomes an edge to a virtual node (default `"30s"`). */
  ttl?: Duration;
  /** Most unpaired spans kept waiting (default 100 000); the oldest are forced out and counted. */
  maxPending?: number;
  /** Latest samples kept per service and call (default 10). */
  recentSamples?: number;
  /** Half-life of the exponentially weighted average (default `"1m"`). */
  ewmaHalfLife?: Duration;
  /** Longest span accepted (default `"1h"`); longer spans are rejected with their location. */
  maxSpanDuration?: Duration;
  /**
   * How far a span may end ahead of the other spans (or of the wall clock given to `setWallClock`) before its host
   * clock counts as fast (default `"1m"`): such a span is counted as ending at that reference, with its duration,
   * listed in `futureSpans` and warned about (`aggregate.future-spans`), and does not move the window.
   */
  maxClockSkew?: Duration;
  /**
   * Most (trace id, span id) pairs remembered so that re-polled spans are skipped (default 1 000 000, about 30
   * bytes each); older ones are forgotten once they leave the window.
   */
  maxSeenSpans?: number;
  /**
   * Most services, calls and entry points kept, each (default 10 000; 1 to 1 000 000). When one kind is full, every
   * key with nothing left in the window is evicted first; only when none has are new ones ignored, with an
   * `aggregate.key-limit` warning naming the first refused. With `window: "all"` nothing leaves the window, so a
   * full map refuses.
   */
  maxKeys?: number;
  defaults?: {
    /** SLO for calls served by an entity without a `latencyheatmap/latency-slo` annotation. */
    latencySlo?: Duration;
    /** Processing (self) time allowed per request without a `latencyheatmap/processingthreshold` annotation. */
    processingThreshold?: Duration;
    /** Error rate (above 0, at most 1) at which a service or call counts as breaching. */
    errorRate?: number;
  };
  /** Percentile compared against thresholds, unless an entity says otherwise (default `"p95"`). */
  percentile?: Percentile;
  /** Where amber and red begin relative to a threshold (default `"moderate"`: amber at 0.8, red at 1.0). */
  tolerance?: Tolerance;
  /** Entity annotations may only tighten the configured defaults, never loosen them. */
  enforceDefaults?: boolean;
  /** A named palette, or 2 to 8 custom anchor colours (`#rgb`/`#rrggbb`) from good to bad. */
  palette?: PaletteName | string[];
  /** How Alertmanager alerts (`ingestAlertmanager`) find their entities, and what their severities force. */
  alerts?: AlertsConfig;
}

export interface AlertsConfig {
  /**
   * Labels whose value names a telemetry service, an entity ref or an entity name (default `['service']`;
   * statusgraph's is `service_id`). Entities with a `latencyheatmap/alert-selector` annotation match too.
   */
  labels?: string[];
  /**
   * Severity (the `severity` label, any case) → the least status it forces, laid over the defaults `critical: red`,
   * `warning: amber`, `info`/`none: green` (nothing forced); any other severity forces amber.
   */
  severities?: Record<string, Status>;
}

/** What one `ingestAlertmanager` read. */
export interface AlertsReport {
  /** Firing alerts now kept (the previous list's when the answer could not be read). */
  firing: number;
  /** Of those, placed on at least one catalog entity, and on none (named in `alertmanager.unmapped`). */
  mapped: number;
  unmapped: number;
  /** Left out, never shown as firing. */
  silenced: number;
  inhibited: number;
  muted: number;
  /** Items that could not be read and were skipped. */
  skipped: number;
  /** Skipped items (`alertmanager.missing-field`, `alertmanager.bad-time`, …) and `alertmanager.truncated`. */
  warnings: Warning[];
  /** The answer could not be read at all (`alertmanager.unreadable`): the previous list is kept. */
  error?: Warning;
  /** When the list now kept was received (`Date.now()` of its ingest); null before any. */
  receivedAt: number | null;
}

/** Telemetry or catalog JSON: text, bytes, or an already-parsed object. */
export type JsonPayload = string | Uint8Array | ArrayBuffer | object;

export interface Warning {
  /**
   * Stable; switch on it. `catalog.*` from `setCatalog` (`catalog.unreadable`, `catalog.not-a-list`,
   * `catalog.missing-metadata`, `catalog.invalid-entity`, `catalog.unknown-kind`, `catalog.duplicate-ref`,
   * `catalog.bad-reference`, `catalog.dangling-relation`, `catalog.self-loop`, `catalog.unknown-annotation`,
   * `catalog.bad-alert-selector`, `catalog.service-name-clash`, `catalog.truncated`: Rust `CatalogWarning`); `evaluate.*` from threshold resolution
   * (`evaluate.bad-annotation`, `evaluate.looser-than-default`, `evaluate.looser-percentile`: `EvaluateWarning`);
   * `aggregate.*` for spans the latency state had to drop or ignore (`aggregate.dropped-spans`,
   * `aggregate.duplicate-spans`, `aggregate.key-limit`, `aggregate.future-spans`: `AggregateWarning`); `config.unknown-key` for a key of the
   * config or options object that is not read; `alertmanager.unmapped` for firing alerts that map to no entity.
   * Every code is in the README's *Warning codes* table.
   * A list holds at most 20 warnings of one code (200 in all); the rest of a code are summed up in one more
   * warning of that code (`… and 99980 more catalog.invalid-entity warnings`).
   */
  code: string;
  /**
   * For people. Entity names inside are data: render as text, never as markup. A bad value is quoted as its first
   * 40 characters at most.
   */
  message: string;
}

export interface IngestReport {
  /**
   * The format read: the method's, or the one `ingest()` told. Absent from `flushPending()`'s report and when
   * `ingest()` could not tell.
   */
  format?: 'otlp' | 'jaeger' | 'zipkin';
  spansRead: number;
  accepted: number;
  rejected: number;
  /** The first rejected spans, each with where it was and why (`resourceSpans[3].scopeSpans[0].spans[17]: …`). */
  rejections: { location: string; reason: string }[];
  paired: number;
  inferred: number;
  pending: number;
  expired: number;
  dropped: number;
  /** Service names and attribute values cut to 256 characters in this document. */
  truncated: number;
  /**
   * Spans skipped because the same (trace id, span id) was taken before: repeated in the document, re-polled by an
   * overlapping lookback, or arriving after their trace was analysed. Included in `accepted`.
   */
  duplicates: number;
  /**
   * Services whose spans ended more than `maxClockSkew` ahead (their host clock is probably fast), most spans
   * first, at most 20. Those spans were counted as ending at the reference time, durations kept.
   */
  futureSpans: FutureSpans[];
  /**
   * Set when the document itself is broken (everything read before the break is kept), when it is plainly another
   * format (`this looks like OTLP (resourceSpans); use ingestOtlp`: nothing is read), or when `ingest()` could not
   * tell its format.
   */
  error?: string;
}

/**
 * `map.poll(source)`: one poll round against a tracing backend or a Prometheus holding service-graph metrics.
 * `undefined` fields take their default; unknown keys warn in the report's `warnings` (`config.unknown-key`).
 * Requests go to the global `fetch` (browsers, Node 18+).
 */
/**
 * Alertmanager's v2 API: one `GET {baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false` (plus a
 * `filter=` per matcher) a round; the firing alerts replace the map's list (as `ingestAlertmanager` does) and join
 * the snapshots (`alerts` with `source: 'alertmanager'`, the judgement of the entities they map to).
 */
export interface AlertmanagerPollSource extends PollSourceCommon {
  type: 'alertmanager';
  /** Label matchers sent as `filter=`, Alertmanager's syntax: `['team="checkout"', 'env=~"prod|eu"']`. Default none. */
  filter?: readonly string[];
}

export type PollSource = TracePollSource | PrometheusPollSource | AlertmanagerPollSource;

/** The keys every source has. */
interface PollSourceCommon {
  /** The backend's API root (or Backstage's proxy path in a browser); for `otlp`, the document's URL. */
  baseUrl: string;
  /** Sent with every request (a token, a tenant header such as Mimir's `X-Scope-OrgID`). `Accept: application/json` is sent unless given here. */
  headers?: Record<string, string>;
  /** Per request, until the last byte of the answer; then it is aborted. Default `"10s"`. */
  timeout?: Duration;
  /**
   * Further tries of a request failing in a way that may pass (network error, timeout, 429, 5xx; never another
   * 4xx), after 125–250 ms, then doubling, at most 4 s (jittered). Default 2, at most 10.
   */
  retries?: number;
}

/** A tracing backend: spans fetched and ingested. */
export interface TracePollSource extends PollSourceCommon {
  /**
   * `jaeger`: `GET {baseUrl}/api/traces?service=…` per service; `zipkin`: `GET {baseUrl}/api/v2/traces?serviceName=…`;
   * `tempo`: `GET {baseUrl}/api/search?tags=service.name=…` per service, then each trace found by id
   * (`/api/traces/{id}`, at most `limit` in a round); `otlp`: `baseUrl` itself answers OTLP JSON.
   */
  type: 'jaeger' | 'zipkin' | 'tempo' | 'otlp';
  /** The telemetry services to ask for, one query each. Required but for `otlp`. */
  services?: readonly string[];
  /** How far back each query reaches. Default `"5m"`. */
  lookback?: Duration;
  /** Traces per query (for Tempo also the most traces fetched by id per round). Default 200. */
  limit?: number;
}

/**
 * Prometheus (or Mimir / Thanos) holding the OpenTelemetry Collector's or Tempo's service-graph metrics: instant
 * queries POSTed to `{baseUrl}/api/v1/query` as form bodies, evaluated at `time`. Quantiles are computed from the
 * bucket rates, never asked of Prometheus.
 */
export interface PrometheusPollSource extends PollSourceCommon {
  type: 'prometheus';
  /**
   * The services in view: only edges touching them are asked for (chunked under the URL limit, 4 queries a chunk,
   * 5 with `messaging`). None → the whole system in 4 (or 5) queries, however many services.
   */
  services?: readonly string[];
  /** `'system'` asks for every edge even when `services` are given. Default: neighbourhood when `services`, else system. */
  view?: 'system' | 'neighbourhood';
  /** Extra label matchers in every selector, e.g. `cluster="prod", namespace=~"shop.*"`. Default none. */
  selector?: string;
  /** Server-side histogram base name. Default `traces_service_graph_request_server_seconds` (OTel without unit suffixes: `…_server`). */
  serverHistogram?: string;
  /** Client-side histogram base name. Default `traces_service_graph_request_client_seconds`. */
  clientHistogram?: string;
  /** The `rate()` window. Default: the map's `window` (5 min when it is `"all"`). */
  rateWindow?: Duration;
  /** Which labels name an edge's services. Default `{ client: 'client', server: 'server' }`. */
  serviceLabels?: { client?: string; server?: string };
  /** Classic `_bucket` series, or native histograms. Default `'classic'`. */
  histograms?: 'classic' | 'native';
  /** Also ask for Tempo's `traces_service_graph_request_messaging_system_seconds` (queue delay). Default false. */
  messaging?: boolean;
  /** The evaluation time in ms since the epoch (replays, tests). Default: `Date.now()` at the poll. */
  time?: number;
  /**
   * Extra PromQL shown per service (moolen/statusgraph's shape), at most 20, each one more instant query per round
   * at the same `time`: each sample's `serviceLabel` label names its telemetry service, its value lands on the
   * nodes as `HeatNode.queries`. Names must be unique and non-empty; `serviceLabel` a Prometheus label name.
   */
  queries?: readonly PrometheusExtraQuery[];
}

/** One of a Prometheus source's `queries`, e.g. `{ name: 'rps', query: 'sum by (server) (rate(…[5m]))', serviceLabel: 'server' }`. */
export interface PrometheusExtraQuery {
  name: string;
  query: string;
  serviceLabel: string;
}

/** An extra query's value for one of a node's services. */
export interface QueryValue {
  /** The query's `name`. */
  name: string;
  /** The telemetry service (one of the node's `members`). */
  service: string;
  /** Null when Prometheus answered NaN or ±Inf. */
  value: number | null;
  /** The evaluation time (ms since the epoch) of the round whose answer this is. */
  answeredAt: number;
  /** The latest round's query was not answered: this is an earlier round's value, kept. */
  stale: boolean;
}

/** What one `poll` round did. A failed request is an entry in `failures`; the others' spans were ingested. */
export interface PollReport {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Prometheus instant queries the round planned (its query budget); 0 for the trace sources. */
  queries: number;
  /** Bytes of the successful answers, all ingested straight from wasm memory. */
  bytes: number;
  /** Requests sent again after a failure that may pass. */
  retries: number;
  /** Wall time of the round. */
  ms: number;
  /** Each request that failed after its retries, with why (`HTTP 503`, `no answer within 10000 ms`, …). */
  failures: PollFailure[];
  /** The ingest reports of the round's answers, summed (trace sources). */
  ingest: PollIngest;
  /**
   * What taking a Prometheus round's service graph did; `null` for the trace sources and for a round none of whose
   * queries was answered (the state and the last good figures were left as they were).
   */
  metrics: PollMetrics | null;
  /**
   * What taking an Alertmanager answer did (firing, mapped, left out); `null` for the other sources and for a round
   * whose answer did not come or could not be read (the previous list is kept).
   */
  alerts: AlertsReport | null;
  /**
   * Unknown keys of the source object (`config.unknown-key`); for Alertmanager the answer's skipped items
   * (`alertmanager.*`); for Prometheus also each answer's skipped samples
   * (`prometheus.*`, `metrics.*`) and Prometheus's own warnings (`prometheus.warning`), each naming its query's figure.
   */
  warnings: Warning[];
}

/** A Prometheus round taken into the map. */
export interface PollMetrics {
  /** Calls with figures in the round. */
  edges: number;
  /** Services named by them. */
  services: number;
  /** Calls refused because `maxKeys` services or calls were held. */
  refused: number;
}

export interface PollFailure {
  url: string;
  /** Stable; switch on it: `poll.http-status`, `poll.timeout`, `poll.network`, `poll.unreadable`, `poll.api-error`. */
  code: 'poll.http-status' | 'poll.timeout' | 'poll.network' | 'poll.unreadable' | 'poll.api-error';
  /**
   * `HTTP <status>` (for Prometheus followed by its error envelope: `HTTP 400: Prometheus answered bad_data: …`),
   * `no answer within <timeout> ms`, `network error: <what fetch threw>` (refused, DNS, CORS),
   * `unreadable answer: <where the JSON broke>` (spans before the break were ingested), or a 2xx Prometheus error
   * envelope (`Prometheus answered <errorType>: <error>`). A Prometheus query's `url` carries its form body as a
   * query string, naming the query.
   */
  reason: string;
}

/** `IngestReport`'s counts over a round's answers: each summed, except `pending` (what waits after the last). */
export interface PollIngest {
  /** Answers ingested. */
  documents: number;
  spansRead: number;
  accepted: number;
  rejected: number;
  /** Spans taken before: an overlapping lookback, a trace found for two services. Included in `accepted`. */
  duplicates: number;
  paired: number;
  inferred: number;
  expired: number;
  dropped: number;
  truncated: number;
  pending: number;
}

export interface FutureSpans {
  service: string;
  spans: number;
  /** How far the farthest of them ended ahead of the reference, in ms. */
  aheadMs: number;
}

export interface CatalogReport {
  entities: number;
  /**
   * The telemetry service names the entities claim (`latencyheatmap/service-name`, else a Component's or
   * Resource's name), sorted, each once: what to poll a tracing backend for.
   */
  services: string[];
  warnings: Warning[];
}

export interface LatencyStats {
  count: number;
  errors: number;
  windowCount: number;
  errorRate: number | null;
  ratePerSec: number | null;
  meanMs: number | null;
  ewmaMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** p95 of processing (self) time; nodes only. */
  selfP95Ms?: number;
  recentMs: number[];
  /** Nothing fell inside the window: the figures are the latest sample alone. */
  fallback?: boolean;
  malformed?: number;
}

export type Status = 'green' | 'amber' | 'red' | 'unknown';

export interface Swatch {
  /** CSS hex fill from the palette's gradient over the score. */
  fill: string;
  /** Text colour with at least WCAG AA contrast on `fill`. */
  text: string;
  /** A cue that does not rely on colour: solid (green/unknown), dashed (amber), dotted (red). */
  pattern: 'solid' | 'dashed' | 'dotted';
}

export interface Judgement {
  /**
   * What was compared: `latencySlo` or `processingTime` for a node (the worse of the two is shown), `edgeSlo` for an
   * edge; null without a threshold. Error rate is judged separately and shows only in `alerts`.
   */
  metric: 'latencySlo' | 'processingTime' | 'edgeSlo' | null;
  percentile: Percentile;
  observedMs: number | null;
  thresholdMs: number | null;
  thresholdSource: 'edgeAnnotation' | 'entityAnnotation' | 'configDefault' | 'none';
  /** observed / threshold. */
  score: number | null;
  status: Status;
  color: Swatch;
}

export interface HeatNode extends Judgement {
  /**
   * The telemetry service name; at `entity`/`system`/`domain` level the entity ref for merged nodes (the
   * service's own entity at `entity`, its group above; services unknown to the catalog, or without a group, keep
   * their name).
   */
  id: string;
  /** Equal to `id`. */
  service: string;
  /** Known only as a call target (an uninstrumented peer, a database, a queue, `user`). */
  virtual?: boolean;
  /** Latency of the requests the service served (its server/consumer spans); `selfP95Ms` is its processing time. */
  stats: LatencyStats;
  /**
   * Share of all critical-path time in the window spent in this service's own processing (0..1); a merged node
   * adds its members' shares and those of the calls inside it. Null when no critical-path time was recorded.
   */
  criticalPathShare: number | null;
  /**
   * The catalog entity (`component:default/checkout`; a System or Domain when collapsed to those levels); null
   * when the catalog does not know the service.
   */
  entityRef: string | null;
  /** The entity's title or name, as plain text. */
  label: string;
  /**
   * Telemetry services drawn as this node: `[id]` at `component` level, the entity's or group's services above it
   * (sorted).
   */
  members: string[];
  /**
   * Alertmanager alerts firing on this node's entity (at `system`/`domain` level on the group or its members;
   * `snapshot().alerts` entries with `source: 'alertmanager'` and this `id`). The status is at least what their
   * severities force, coloured as that status.
   */
  firingAlerts: number;
  /**
   * A Prometheus source's extra `queries`, per member service (member then config order), at `component` and
   * `entity` level; empty above (a value of unknown meaning is not merged across a System or Domain) and for
   * services no answered query named. A query whose answer failed keeps its last values.
   */
  queries: QueryValue[];
}

export interface HeatEdge extends Judgement {
  /** `from→to:kind` (node ids, so group refs when collapsed). */
  id: string;
  from: string;
  to: string;
  kind: 'sync' | 'async' | 'database';
  /** Built from a parent/child pair without span kinds. */
  inferred: boolean;
  /** What the caller waits: client span duration; for async, consumer end − producer start. */
  stats: LatencyStats;
  /** The callee's own (server or consumer) span durations; absent until the callee's side of a call was seen. */
  serverStats?: LatencyStats;
  /** Sync calls seen from both sides: p95 of client − server duration (network, queueing in front of the server). */
  gapP95Ms: number | null;
  /** Async calls seen from both sides: p95 of consumer start − producer end. */
  queueDelayP95Ms: number | null;
  /**
   * Share of all critical-path time in the window spent waiting on this call beyond the callee's spans (0..1); a
   * merged edge adds its members' shares. Null when no critical-path time was recorded.
   */
  criticalPathShare: number | null;
  fromEntityRef: string | null;
  toEntityRef: string | null;
  /**
   * The catalog declares this call (`dependsOn`, or `consumesApi` of an API the callee provides). When collapsed:
   * any of `members` is declared.
   */
  declared: boolean;
  /**
   * The API entities through which the catalog declares this call (the caller `consumesApi` an API that the callee
   * `providesApi`), sorted refs; when collapsed, those of every member call. Always present, empty when none: a card
   * colours both segments consumer → API and API → provider with this call's colour.
   */
  viaApis: string[];
  /** Seen in the window (an edge can be held with only older samples: `stats.windowCount` is 0). */
  observed: boolean;
  /** Service-level edge ids drawn as this edge: `[id]` at `component` level, the merged calls above it (sorted). */
  members: string[];
}

export interface EntryPoint {
  /** The root service of the traces (always a service: entry points are not collapsed into groups). */
  id: string;
  p95Ms: number | null;
  /** Node and edge ids on the most frequent critical path, in time order. */
  criticalPath: string[];
  stats: LatencyStats;
  /** The root service's entity; null when unknown to the catalog. */
  entityRef: string | null;
  /** The entry point's latency SLO (its entity's `latencyheatmap/latency-slo`, else `defaults.latencySlo`). */
  budgetMs: number | null;
  /** The percentile each hop's latency is taken at (the entity's, else the config's). */
  percentile: Percentile;
  /**
   * The critical path hop by hop, each id once (first appearance), with each hop's own part of the time so the sum
   * does not count nested calls twice: a service's processing (self) time; a call's time outside its callee
   * (client − server gap, queue delay for async), or the whole call when the callee has no spans (a database, an
   * uninstrumented peer). A hop without a figure has `ms: null` and adds nothing.
   */
  cumulative: CumulativeHop[];
  /** The first hop whose `cumulativeMs` passes `budgetMs`; null when none does or there is no budget. */
  firstExceeded: string | null;
}

export interface CumulativeHop {
  /** A node or edge id (service level). */
  id: string;
  /**
   * The entry point's percentile, over the traces whose critical path ran through this hop, of the time the path
   * spent in it: a service's own spans, a call outside its callee (an async call: its publish, not the delivery).
   */
  ms: number | null;
  /** Sum of `ms` from the entry point up to and including this hop. */
  cumulativeMs: number;
  /** The entry point's budget (its `budgetMs`); absent without one. */
  budgetMs?: number;
  /** `cumulativeMs > budgetMs`. */
  exceeded: boolean;
}

export type Metric = 'latencySlo' | 'processingTime' | 'edgeSlo' | 'errorRate' | 'alert';

/**
 * One breached metric of one node or edge (a node can be listed for its latency SLO, its processing time and its
 * error rate, `source: 'latency'`), or one Alertmanager alert firing on an entity (`source: 'alertmanager'`, one
 * entry per entity it maps to, `metric: 'alert'`, figures null). `snapshot().alerts` is sorted red first, then by
 * score descending (firing alerts, without a score, after the scored breaches of their status, by `startsAt`).
 */
export interface Alert {
  source: 'latency' | 'alertmanager';
  kind: 'node' | 'edge';
  /** The node or edge id in this snapshot. */
  id: string;
  /** The entity (for an edge: the caller's); the service or edge id when the catalog does not know it. */
  entityRef: string;
  /** For an edge: the callee's entity ref, or its service name when unknown; null for nodes. */
  targetRef: string | null;
  metric: Metric;
  /** Percentile of a latency metric; null for `errorRate`. */
  percentile: Percentile | null;
  /** Latency metrics: observed and threshold in ms (null for `errorRate`). */
  observedMs: number | null;
  thresholdMs: number | null;
  /** `errorRate`: share of failed calls in the window (0..1) and `defaults.errorRate` (null for latency metrics). */
  observedRate: number | null;
  thresholdRate: number | null;
  /** observed / threshold. */
  score: number | null;
  /** `amber` or `red` for latency; for a firing alert the status its severity forces (`green`: none). */
  status: Status;
  /**
   * Event time (ms since the epoch) of the first snapshot that saw this breach, which has lasted through every
   * snapshot since. A breach that clears and comes back starts again; `reset()` forgets them all. Tracked per level.
   * A firing alert's `startsAt`.
   */
  since: number;
  /** Alertmanager alerts only. Every text is data from the Alertmanager: render it as text, never as markup. */
  alertname?: string;
  severity?: string | null;
  labels?: Record<string, string>;
  /** `summary`, `description`, `runbook_url` (a link only when it is http or https), … */
  annotations?: Record<string, string>;
  /** ms since the epoch (= `since`). */
  startsAt?: number;
  fingerprint?: string;
  generatorURL?: string | null;
}

/**
 * The check result a scorecard tool (Soundcheck, Tech Insights) reads for one entity: the node's judgement (latency
 * SLO or processing time, whichever is worse; the worst service when several map to the entity).
 */
export interface ScorecardEntry {
  /** `unknown` when the entity had nothing of its own to judge (no data in the window, or no threshold). */
  status: Status;
  score: number | null;
  thresholdMs: number | null;
  observedMs: number | null;
  percentile: Percentile;
  metric: 'latencySlo' | 'processingTime' | null;
  /** Event time of the snapshot (ms since the epoch): the newest span end seen. */
  checkedAt: number;
}

/** Where the catalog and the traces disagree, entity to entity (the same at every level). */
export interface Drift {
  /** Calls seen in the window between two catalog entities that the catalog does not declare; by `edgeId`. */
  undeclared: { from: string; to: string; edgeId: string }[];
  /**
   * Declared calls (API hops folded into consumer → provider) whose caller had spans in the window but never made
   * them; by `from`, then `to`. Callers without telemetry are not judged.
   */
  unobserved: { from: string; to: string }[];
}

/**
 * `component`: one node per service (default); `entity`: one node per catalog entity, all the telemetry services it
 * claims (`latencyheatmap/service-name`, else its name) merged; `system` / `domain`: services merged into their group.
 */
export type Level = 'component' | 'entity' | 'system' | 'domain';

export interface Snapshot {
  /** Event time: the newest span end seen, ms since the epoch. */
  generatedAt: number | null;
  /** The level asked for. */
  level: Level;
  /** The window read, in ms (the config's, or `snapshot({ window })` rounded up to whole slices), or `'all'`. */
  window: number | 'all';
  nodes: HeatNode[];
  edges: HeatEdge[];
  entryPoints: EntryPoint[];
  /** Every amber/red metric of a node or edge, red first, then by score. */
  alerts: Alert[];
  /** Entity ref → check result, for each entity among this level's nodes (in ref order). */
  scorecard: Record<string, ScorecardEntry>;
  drift: Drift;
  /**
   * The palette's swatch at each status's band, for an entity that has a status but no node: one whose
   * Alertmanager alerts fire and that has no telemetry (its `scorecard` entry holds the status).
   */
  statusSwatches: Record<Status, Swatch>;
  warnings: Warning[];
  /** Present when `snapshot({ layout })` asked for it. */
  layout?: Layout;
}

/** `snapshot(options)`: `undefined` fields are absent; unknown keys warn (`config.unknown-key`) in that snapshot. */
export interface SnapshotOptions {
  /** Lay the nodes out in Rust and return positions and routes. */
  layout?: LayoutOptions & { nodeWidth?: number; nodeHeight?: number };
  /**
   * Collapse services into their catalog entity, System or Domain (default `component`: one node per service).
   * Merged nodes and edges carry merged statistics (the p95 of all member samples, summed counts); calls inside an
   * entity or group are dropped; a merged node is judged against its own entity's annotations, else the config
   * defaults. Services unknown to the catalog stay one node each under their name.
   */
  level?: Level;
  /**
   * `false` leaves `entryPoints` empty and skips summing their critical paths (default `true`). A map that only
   * draws nodes and edges saves about a sixth of a large snapshot's size and time.
   */
  entryPoints?: boolean;
  /**
   * Judge every node, edge and entry point at this percentile (the viewer's choice): wins over the config's
   * `percentile` and over entities' `latencyheatmap/percentile` annotations.
   */
  percentile?: Percentile;
  /** The tolerance profile for this snapshot instead of the config's (statuses, colours, error-rate alerts). */
  tolerance?: Tolerance;
  /** The palette for this snapshot instead of the config's: a name, or 2 to 8 anchor colours from good to bad. */
  palette?: PaletteName | string[];
  /**
   * Read quantiles, `windowCount`, `ratePerSec` and `errorRate` over only the newest part of the config's window:
   * a duration no longer than it, rounded up to whole slices (the state keeps 10 per config window);
   * `Snapshot.window` is the window read. Longer than the config's, or with the config's `window: "all"` (unless
   * `"all"` too), it throws `INVALID_ARGUMENT` naming `window`; so does an unusable `palette`.
   */
  window?: Duration | 'all';
}

export interface LayoutGraph {
  nodes: { id: string; width: number; height: number; group?: string }[];
  /**
   * `id` names the edge in `Layout.edges[].id` so routes are matched by id, not position (two calls between the same
   * pair are two edges); unique within the graph (a duplicate is `INVALID_GRAPH` naming it). Optional: without it
   * the edge's index ("0", "1", …) stands in.
   */
  edges?: { id?: string; from: string; to: string; weight?: number; minlen?: number }[];
  groups?: { id: string; parent?: string; label?: string }[];
}

/** `layoutGraph(graph, options)`: `undefined` fields are absent; unknown keys warn in the result's `warnings`. */
export interface LayoutOptions {
  direction?: 'TB' | 'BT' | 'LR' | 'RL';
  nodesep?: number;
  ranksep?: number;
  edgesep?: number;
  groupPadding?: number;
  /** Most crossing-reduction sweeps (default 12); more trades time for a few fewer crossings on large graphs. */
  maxSweeps?: number;
  /**
   * Most bend points long edges may add (default 32 per node, at least 40 000). Past it the longest edges are drawn
   * straight (`stats.straightEdges`), so dense or hub-shaped graphs stay fast. Spacings and node sizes must lie in
   * 0–1 000 000.
   */
  maxBends?: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface Layout {
  width: number;
  height: number;
  /** Centres, as dagre reports them. */
  nodes: { id: string; x: number; y: number; width: number; height: number }[];
  /** In input order; `id` is the input edge's `id` (its index when it had none). */
  edges: { id: string; from: string; to: string; points: Point[]; reversed: boolean }[];
  groups: { id: string; x: number; y: number; width: number; height: number }[];
  /**
   * `straightEdges`: edges drawn as one straight segment, without bends, because the drawing would have needed more
   * than `maxBends` bend points (0: the budget did not kick in). Their crossings are not in `crossings`.
   */
  stats: { crossings: number; layers: number; dummies: number; straightEdges: number; ms: number };
}

/** What `layoutGraph` returns: the layout, and warnings about its options (`config.unknown-key`). */
export interface LayoutResult extends Layout {
  warnings: Warning[];
}
