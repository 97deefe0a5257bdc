/**
 * `useEntityLatencyStatus(entityRef)`: one entity's latency check result (the snapshot's `scorecard` entry) for
 * scorecard plugins (Tech Insights, Soundcheck) and badges, without drawing anything. It subscribes to the app's
 * `latencyHeatmapApiRef` client, so it shares the one poller with every card on the page.
 */
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import type { Percentile, ScorecardEntry, Status } from '../core';
import { latencyHeatmapApiRef, type LatencyHeatmapState } from '../api/types';
import type { LatencyHeatmapClientError } from '../api/errors';

export interface EntityLatencyStatus {
  /** True until the first state arrives. */
  loading: boolean;
  /** The latest round's error (bad config, every query failed); the figures below are the last good ones. */
  error?: LatencyHeatmapClientError;
  /** The figures are from an older round: the latest failed. */
  stale: boolean;
  /** `unknown` while loading, and when the entity had nothing of its own to judge (no telemetry, no threshold). */
  status: Status;
  score: number | null;
  observedMs: number | null;
  thresholdMs: number | null;
  /** Null while the entity has no entry in the snapshot. */
  percentile: Percentile | null;
  metric: ScorecardEntry['metric'];
  /** Event time of the snapshot (ms since the epoch); null before there is one. */
  checkedAt: number | null;
}

const NOTHING = { status: 'unknown', score: null, observedMs: null, thresholdMs: null, percentile: null, metric: null } as const;

/** The status of `entityRef` (e.g. `component:default/checkout`) in a client's state. */
export function entityLatencyStatus(entityRef: string, state: LatencyHeatmapState | undefined): EntityLatencyStatus {
  if (!state) return { loading: true, stale: false, ...NOTHING, checkedAt: null };
  const { snapshot, error, stale } = state;
  const entry = snapshot?.scorecard[entityRef.toLowerCase()] ?? snapshot?.scorecard[entityRef];
  const figures = entry ?? { ...NOTHING, checkedAt: snapshot?.generatedAt ?? null };
  return { loading: false, stale, ...(error ? { error } : {}), ...figures };
}

export function useEntityLatencyStatus(entityRef: string): EntityLatencyStatus {
  const api = useApi(latencyHeatmapApiRef);
  const [state, setState] = useState<LatencyHeatmapState>();
  useEffect(() => {
    setState(undefined);
    return api.subscribe([entityRef], setState);
  }, [api, entityRef]);
  return entityLatencyStatus(entityRef, state);
}
