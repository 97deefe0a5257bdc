/**
 * `backstage-plugin-latency-heatmap/core`: the wasm API with no React, for Node scripts, workers and the React
 * components of the package root alike. Every function here converts and forwards; the work happens in Rust.
 */
import * as wasm from './generated/latency_heatmap.js';
import { latencyHeatmapError } from './errors';
import { requireInit } from './loader';
import type {
  AlertsReport,
  CatalogReport,
  HeatMapConfig,
  IngestReport,
  JsonPayload,
  LayoutGraph,
  LayoutOptions,
  LayoutResult,
  PollReport,
  PollSource,
  Snapshot,
  SnapshotOptions,
} from './types';

export { initSync } from './loader';
export { isLatencyHeatmapError } from './errors';
export type { LatencyHeatmapError, LatencyHeatmapErrorCode } from './errors';
export type * from './types';

/**
 * Reads a duration as written in `catalog-info.yaml` annotations and in config (`300ms`, `1.5s`, `250us`, `5m`)
 * into milliseconds. Throws `INVALID_DURATION` for values like `"fast"`, `"-5ms"` or `""`.
 */
export function parseDuration(text: string): number {
  requireInit('parseDuration');
  return wasm.parseDuration(text);
}

/**
 * Layered layout (in Rust): positions, edge routes and group boxes. Throws `INVALID_GRAPH` for bad graphs; option
 * keys it does not know come back in `warnings` (`config.unknown-key`).
 */
export function layoutGraph(graph: LayoutGraph, options?: LayoutOptions): LayoutResult {
  requireInit('layoutGraph');
  return wasm.layoutGraph(graph, options) as LayoutResult;
}

/**
 * Latency state kept across polls, the catalog it is mapped onto, and the thresholds and palette it is judged
 * and coloured with. Call `free()` when done (or let the garbage collector do it).
 */
export class HeatMap {
  #inner: wasm.HeatMap | undefined;

  /**
   * Throws `INVALID_CONFIG` (or `INVALID_ARGUMENT` for a wrong type) naming the bad field with its path. Unknown
   * keys are not errors: they show in every snapshot's `warnings` as `config.unknown-key`.
   */
  constructor(config?: HeatMapConfig) {
    requireInit('new HeatMap');
    this.#inner = new wasm.HeatMap(config);
  }

  /** Entities as the catalog API returns them (array or `{ items }`). Unreadable entities become warnings. */
  setCatalog(entities: JsonPayload): CatalogReport {
    return this.#use('setCatalog').setCatalog(entities) as CatalogReport;
  }

  /** OTLP/JSON (`resourceSpans`, Tempo's `batches` or `{ trace }`). */
  ingestOtlp(payload: JsonPayload): IngestReport {
    return this.#use('ingestOtlp').ingestOtlp(payload) as IngestReport;
  }

  /** Jaeger query-API JSON (`{ data: [trace…] }`). */
  ingestJaeger(payload: JsonPayload): IngestReport {
    return this.#use('ingestJaeger').ingestJaeger(payload) as IngestReport;
  }

  /** Zipkin v2 JSON (an array of spans, or of traces). */
  ingestZipkin(payload: JsonPayload): IngestReport {
    return this.#use('ingestZipkin').ingestZipkin(payload) as IngestReport;
  }

  /**
   * Any of the three, told by the document's first keys (`resourceSpans`/`batches`, `data`, an array of spans);
   * the report's `format` says which was read, and `error` says so when none could be told.
   */
  ingest(payload: JsonPayload): IngestReport {
    return this.#use('ingest').ingest(payload) as IngestReport;
  }

  /**
   * One Alertmanager `GET /api/v2/alerts` answer (text, object or bytes): its firing alerts replace the previous
   * ones and join the next snapshots (forced statuses, `firingAlerts`, `alerts` with `source: 'alertmanager'`). An
   * answer that cannot be read keeps the previous list and says why in `error` (`alertmanager.unreadable`).
   */
  ingestAlertmanager(payload: JsonPayload): AlertsReport {
    return this.#use('ingestAlertmanager').ingestAlertmanager(payload) as AlertsReport;
  }

  /**
   * Ends a recorded replay: spans still waiting for their partner are analysed as if their `ttl` had passed, so
   * calls to services that never report become calls to virtual nodes. Live polling never needs it.
   */
  flushPending(): IngestReport {
    return this.#use('flushPending').flushPending() as IngestReport;
  }

  /**
   * Live polling: the wall-clock now (`Date.now()`), against which spans count as ending too far ahead
   * (`maxClockSkew`). Call it before each poll's ingest. `undefined` or `null` for recorded replays, where a
   * document's own span ends are the reference. Anything else (`NaN`, a negative time) throws `INVALID_ARGUMENT`.
   */
  setWallClock(nowMs?: number | null): void {
    this.#use('setWallClock').setWallClock(nowMs ?? undefined);
  }

  /** Forgets all latency state and the firing Alertmanager alerts; the catalog and config stay. */
  reset(): void {
    this.#use('reset').reset();
  }

  snapshot(options?: SnapshotOptions): Snapshot {
    return this.#use('snapshot').snapshot(options) as Snapshot;
  }

  /**
   * One poll round: the source's queries fetched in Rust (the global `fetch`, at most 4 at a time, each aborted
   * after `timeout` and retried with backoff), each answer ingested as it arrives, the wall clock set from
   * `Date.now()` first. Resolves to what it did; a request that fails is an entry in `failures`, not a rejection.
   * Rejects with `INVALID_CONFIG`/`INVALID_ARGUMENT` for a bad source (naming the key) and `POLL_IN_PROGRESS` while
   * another round of this map runs. The map's other methods stay usable meanwhile; `free()` is safe too.
   */
  async poll(source: PollSource): Promise<PollReport> {
    // `async`, so `FREED` too arrives as a rejection; the round starts (and is marked running) before the first await.
    return (await this.#use('poll').poll(source)) as PollReport;
  }

  /** Releases the wasm memory. Later calls throw `FREED`. */
  free(): void {
    this.#inner?.free();
    this.#inner = undefined;
  }

  #use(method: string): wasm.HeatMap {
    if (!this.#inner) throw latencyHeatmapError('FREED', `HeatMap.${method}: this HeatMap was freed`);
    return this.#inner;
  }
}
