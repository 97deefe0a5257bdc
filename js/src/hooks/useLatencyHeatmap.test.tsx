// @vitest-environment jsdom
/**
 * `useLatencyHeatmap` against a recording API: when it subscribes again (new refs or view) and when it does not
 * (the same refs in another order or case, a re-render).
 */
import { TestApiProvider } from '@backstage/test-utils';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { latencyHeatmapApiRef, type LatencyHeatmapApi, type LatencyHeatmapListener, type LatencyHeatmapView } from '../api/types';
import { useLatencyHeatmap } from './useLatencyHeatmap';

function recordingApi() {
  const calls: { refs: readonly string[]; view?: LatencyHeatmapView; listener: LatencyHeatmapListener }[] = [];
  let ended = 0;
  const api: LatencyHeatmapApi = {
    subscribe(refs, listener, view) {
      calls.push({ refs, view, listener });
      return () => void (ended += 1);
    },
    highlight() {},
    subscribeHighlight: () => () => {},
  };
  return { api, calls, ended: () => ended };
}


afterEach(cleanup);
describe('useLatencyHeatmap', () => {
  it('subscribes once per set of refs and view, and hands back what the client sends', () => {
    const { api, calls, ended } = recordingApi();
    const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={[[latencyHeatmapApiRef, api]]}>{children}</TestApiProvider>;
    const { result, rerender } = renderHook(({ refs, view }: { refs: string[]; view: LatencyHeatmapView }) => useLatencyHeatmap(refs, view), {
      wrapper,
      initialProps: { refs: ['component:default/B', 'component:default/a'], view: { percentile: 'p95' } },
    });
    expect(result.current).toBeUndefined();
    expect(calls.map((c) => [c.refs, c.view])).toEqual([[['component:default/a', 'component:default/b'], { percentile: 'p95' }]]);
    act(() => calls[0].listener({ stale: false, warnings: [] }));
    expect(result.current).toEqual({ stale: false, warnings: [] });

    rerender({ refs: ['component:default/a', 'component:default/b'], view: { percentile: 'p95' } });
    expect(calls).toHaveLength(1);
    rerender({ refs: ['component:default/a', 'component:default/b'], view: { percentile: 'p50' } });
    expect(calls).toHaveLength(2);
    expect(calls[1].view).toEqual({ percentile: 'p50' });
    expect(ended()).toBe(1);
  });
});
