/**
 * The client's public shapes: what subscribers receive and the API ref apps register. No behaviour here.
 */
import { createApiRef } from '@backstage/core-plugin-api';
import type { Snapshot, Warning } from '../core';
import type { LatencyHeatmapClientError } from './errors';

/**
 * What every subscriber receives after each poll round (and at once on subscribing, when there is something).
 * A failed round keeps the last good snapshot, marked stale with the time it went stale.
 */
export interface LatencyHeatmapState {
  /** The last good snapshot; undefined until the first round succeeded. */
  snapshot?: Snapshot;
  /** `Date.now()` of the round that produced `snapshot`. */
  updatedAt?: number;
  /** The latest round failed (or the config is bad): `snapshot`, if any, is older than one poll interval. */
  stale: boolean;
  /** `Date.now()` of the first failed round since the last good one. */
  staleSince?: number;
  /** Why the latest round failed: `INVALID_CONFIG` (naming the key), `POLL_FAILED`, `CATALOG_FAILED`. */
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

export interface LatencyHeatmapApi {
  /**
   * Starts receiving states for these entities (refs like `component:default/checkout`). Every subscription of a
   * client shares one `HeatMap` and one poller; the union of their entities' services is polled. Returns the
   * function that ends the subscription; when the last one ends, polling stops.
   */
  subscribe(entityRefs: readonly string[], listener: LatencyHeatmapListener): () => void;
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
