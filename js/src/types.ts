/**
 * The shapes that cross the wasm boundary, written by hand (as automerge does) so they are documented. They
 * mirror the Rust serde types field for field; `js/src/core.test.ts` checks real snapshots against them.
 */

/** A duration as people write it (`"300ms"`, `"1.5s"`, `"5m"`) or a number of milliseconds. */
export type Duration = string | number;

export type Percentile = 'p50' | 'p90' | 'p95' | 'p99';
export type Tolerance = 'conservative' | 'moderate' | 'aggressive';
export type PaletteName = 'rag' | 'viridis' | 'cividis';

/** `new HeatMap(config)`; also the `latencyHeatmap:` app-config section. Every field is optional. */
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
  defaults?: {
    /** SLO for calls served by an entity without a `latencyheatmap/latency-slo` annotation. */
    latencySlo?: Duration;
    /** Processing (self) time allowed per request without a `latencyheatmap/processingthreshold` annotation. */
    processingThreshold?: Duration;
    /** Error rate (0..1) at which a service counts as breaching. */
    errorRate?: number;
  };
  /** Percentile compared against thresholds, unless an entity says otherwise (default `"p95"`). */
  percentile?: Percentile;
  /** Where amber and red begin relative to a threshold (default `"moderate"`: amber at 0.8, red at 1.0). */
  tolerance?: Tolerance;
  /** Entity annotations may only tighten the configured defaults, never loosen them. */
  enforceDefaults?: boolean;
  /** A named palette, or 2+ custom anchor colours (`#rgb`/`#rrggbb`) from good to bad. */
  palette?: PaletteName | string[];
}

/** Telemetry or catalog JSON: text, bytes, or an already-parsed object. */
export type JsonPayload = string | Uint8Array | ArrayBuffer | object;

export interface Warning {
  /** Stable, e.g. `evaluate.bad-annotation`, `catalog.unknown-relation-target`, `telemetry`. */
  code: string;
  /** For people. Entity names inside are data: render as text, never as markup. */
  message: string;
}

export interface IngestReport {
  format: 'otlp' | 'jaeger' | 'zipkin' | null;
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
  /** Set when the document itself is broken; everything read before the break is kept. */
  error?: string;
}

export interface CatalogReport {
  entities: number;
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
  selfP95Ms?: number | null;
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
  metric: 'latencySlo' | 'processingTime' | 'edgeSlo' | 'errorRate' | null;
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
  /** The telemetry service name. */
  id: string;
  service: string;
  /** Known only as a call target (an uninstrumented peer, a database, a queue, `user`). */
  virtual?: boolean;
  stats: LatencyStats;
  criticalPathShare: number | null;
  /** The catalog entity (`component:default/checkout`); null when the catalog does not know the service. */
  entityRef: string | null;
  /** The entity's title or name, as plain text. */
  label: string;
}

export interface HeatEdge extends Judgement {
  /** `from→to:kind`. */
  id: string;
  from: string;
  to: string;
  kind: 'sync' | 'async' | 'database';
  /** Built from a parent/child pair without span kinds. */
  inferred: boolean;
  /** What the caller waits: client span duration; for async, consumer end − producer start. */
  stats: LatencyStats;
  serverStats?: LatencyStats;
  gapP95Ms: number | null;
  queueDelayP95Ms: number | null;
  criticalPathShare: number | null;
  fromEntityRef: string | null;
  toEntityRef: string | null;
}

export interface EntryPoint {
  id: string;
  p95Ms: number | null;
  /** Node and edge ids on the most frequent critical path, in time order. */
  criticalPath: string[];
  stats: LatencyStats;
}

export interface Snapshot {
  /** Event time: the newest span end seen, ms since the epoch. */
  generatedAt: number | null;
  window: number | 'all';
  nodes: HeatNode[];
  edges: HeatEdge[];
  entryPoints: EntryPoint[];
  warnings: Warning[];
  /** Present when `snapshot({ layout })` asked for it. */
  layout?: Layout;
}

export interface SnapshotOptions {
  /** Lay the nodes out in Rust and return positions and routes. */
  layout?: LayoutOptions & { nodeWidth?: number; nodeHeight?: number };
}

export interface LayoutGraph {
  nodes: { id: string; width: number; height: number; group?: string }[];
  edges?: { from: string; to: string; weight?: number; minlen?: number }[];
  groups?: { id: string; parent?: string; label?: string }[];
}

export interface LayoutOptions {
  direction?: 'TB' | 'BT' | 'LR' | 'RL';
  nodesep?: number;
  ranksep?: number;
  edgesep?: number;
  groupPadding?: number;
  maxSweeps?: number;
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
  edges: { from: string; to: string; points: Point[]; reversed: boolean }[];
  groups: { id: string; x: number; y: number; width: number; height: number }[];
  stats: { crossings: number; layers: number; dummies: number; ms: number };
}
