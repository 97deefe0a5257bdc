/**
 * The client's public shapes: what subscribers receive and the API ref apps register. No behaviour here.
 */
import { createApiRef } from '@backstage/core-plugin-api';
import type { PaletteName, Percentile, Snapshot, Tolerance, Warning } from '../core';
import type { LatencyHeatmapClientError } from './errors';

/**
 * How one subscriber wants the data judged (a card's percentile and window selectors, its `heatmap` prop): passed to
 * every `snapshot()` taken for it. Unset fields take the app-config values (and, for `percentile` and `tolerance`,
 * the entities' annotations).
 */
export interface LatencyHeatmapView {
  percentile?: Percentile;
  /** A duration no longer than `latencyHeatmap.window` (e.g. `1m`). */
  window?: string;
  palette?: PaletteName;
  tolerance?: Tolerance;
}

/**
 * What every subscriber receives after each poll round (and at once on subscribing, when there is something).
 * A failed round keeps the last good snapshots, marked stale with the time they went stale.
 */
export interface LatencyHeatmapState {
  /**
   * The last good snapshot at `entity` level, judged with the subscriber's view: one node per catalog entity (its
   * services merged), calls between entities, alerts and the scorecard. Undefined until the first round succeeded.
   */
  snapshot?: Snapshot;
  /** The same moment at `system` and `domain` level: the merged judgement of each System's and Domain's members. */
  groups?: { system: Snapshot; domain: Snapshot };
  /** `Date.now()` of the round that produced `snapshot`. */
  updatedAt?: number;
  /** The latest round failed (or the config is bad): `snapshot`, if any, is older than one poll interval. */
  stale: boolean;
  /** `Date.now()` of the first failed round since the last good one. */
  staleSince?: number;
  /**
   * Why the latest round failed: `INVALID_CONFIG` (naming the key), `INVALID_VIEW` (this subscriber's view),
   * `POLL_FAILED`, `CATALOG_FAILED`.
   */
  error?: LatencyHeatmapClientError;
  /**
   * The snapshot's warnings, then the round's: unknown source keys (`config.unknown-key`) and each request that
   * failed while others answered (`poll.failed-request`, naming the URL and why).
   */
  warnings: Warning[];
  /** `latencyHeatmap.traceUrlTemplate`, for links to a trace UI (`{traceId}` is replaced). */
  traceUrlTemplate?: string;
}

export type LatencyHeatmapListener = (state: LatencyHeatmapState) => void;

/**
 * A node or edge of the entity-level snapshot that one card points at and the others on the page light up (a row
 * of the alerts card hovered or clicked → that box or edge in the graph card).
 */
export interface LatencyHeatmapHighlight {
  kind: 'node' | 'edge';
  /** The node or edge id in the `entity`-level snapshot. */
  id: string;
  /** The entity (an edge's caller). */
  entityRef: string;
  /** An edge's callee; null for a node. */
  targetRef: string | null;
}

export type LatencyHeatmapHighlightListener = (highlight: LatencyHeatmapHighlight | undefined) => void;

export interface LatencyHeatmapApi {
  /**
   * Starts receiving states for these entities (refs like `component:default/checkout`), judged with `view`. Every
   * subscription of a client shares one `HeatMap` and one poller; the union of their entities' services is polled.
   * Returns the function that ends the subscription; when the last one ends, polling stops.
   */
  subscribe(entityRefs: readonly string[], listener: LatencyHeatmapListener, view?: LatencyHeatmapView): () => void;
  /** Points at a node or edge (`undefined` clears); every highlight listener of the client hears it. */
  highlight(target: LatencyHeatmapHighlight | undefined): void;
  /** Hears highlights (at once the current one, when there is one); returns the function that stops it. */
  subscribeHighlight(listener: LatencyHeatmapHighlightListener): () => void;
}

/** The part of Backstage's `CatalogApi` (`@backstage/catalog-client`) the client uses. */
export interface CatalogEntitiesApi {
  getEntitiesByRefs(request: { entityRefs: string[] }): Promise<{ items: (object | undefined)[] }>;
}

/**
 * The app's catalog API, named by its id (`plugin.catalog.service`, the id of `catalogApiRef` in
 * `@backstage/plugin-catalog-react`): Backstage resolves API refs by id, and importing that package would make the
 * package root unloadable outside a bundler (its ESM build imports `lodash/get` without an extension, which Node
 * refuses), while the root must load in Node as `/core` does.
 */
export const catalogEntitiesApiRef = createApiRef<CatalogEntitiesApi>({ id: 'plugin.catalog.service' });

export const latencyHeatmapApiRef = createApiRef<LatencyHeatmapApi>({ id: 'plugin.latency-heatmap.service' });
