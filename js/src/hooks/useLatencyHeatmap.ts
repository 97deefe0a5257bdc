/**
 * `useLatencyHeatmap(entityRefs, view)`: the app client's state for these entities, judged with `view`, for the
 * cards. It subscribes to `latencyHeatmapApiRef` (one poller per app, shared with every other card and hook) and
 * re-subscribes only when the set of refs or the view changes, not on every render.
 */
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { latencyHeatmapApiRef, type LatencyHeatmapState, type LatencyHeatmapView } from '../api/types';

/** `undefined` until the first state arrives (the first round is running). */
export function useLatencyHeatmap(entityRefs: readonly string[], view: LatencyHeatmapView = {}): LatencyHeatmapState | undefined {
  const api = useApi(latencyHeatmapApiRef);
  const [state, setState] = useState<LatencyHeatmapState>();
  const refsKey = [...new Set(entityRefs.map((ref) => ref.toLowerCase()))].sort().join('\n');
  const { percentile, window, palette, tolerance } = view;
  useEffect(
    () => api.subscribe(refsKey === '' ? [] : refsKey.split('\n'), setState, { percentile, window, palette, tolerance }),
    [api, refsKey, percentile, window, palette, tolerance],
  );
  return state;
}
