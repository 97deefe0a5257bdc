// @vitest-environment jsdom
/**
 * `useEntityLatencyStatus` inside Backstage's `TestApiProvider`, fed by an API that delivers a state holding a
 * snapshot the core computed from the shop fixture: loading first, then the entity's scorecard entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApiProvider } from '@backstage/test-utils';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initSync, type Snapshot } from '../core';
import { latencyHeatmapApiRef, type LatencyHeatmapApi, type LatencyHeatmapListener } from '../api/types';
import { useEntityLatencyStatus } from './useEntityLatencyStatus';
import { withHeatMap } from '../testing';

// Text, not a Buffer: under jsdom a Node Buffer is a Uint8Array of another realm, which the core does not read as bytes.
const jaeger = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/otel-sdk/jaeger.json'), 'utf8');
const shop = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/catalog/otel-shop.json'), 'utf8');

/** An API whose test decides when states arrive. */
function manualApi() {
  const listeners = new Map<string, LatencyHeatmapListener>();
  const api: LatencyHeatmapApi = {
    subscribe(entityRefs, listener) {
      const key = entityRefs.join(',');
      listeners.set(key, listener);
      return () => listeners.delete(key);
    },
    highlight() {},
    subscribeHighlight: () => () => {},
  };
  return { api, listeners };
}

function shopSnapshot(): Snapshot {
  return withHeatMap({ window: 'all' }, (map) => {
    map.setCatalog(shop);
    map.ingestJaeger(jaeger);
    return map.snapshot();
  });
}

beforeAll(() => initSync());


afterEach(cleanup);
describe('useEntityLatencyStatus', () => {
  it('is loading until the first state, then returns the entity scorecard entry', () => {
    const { api, listeners } = manualApi();
    const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={[[latencyHeatmapApiRef, api]]}>{children}</TestApiProvider>;
    const { result, unmount } = renderHook(() => useEntityLatencyStatus('component:default/checkout'), { wrapper });
    expect(result.current).toEqual({
      loading: true,
      stale: false,
      status: 'unknown',
      score: null,
      observedMs: null,
      thresholdMs: null,
      percentile: null,
      metric: null,
      checkedAt: null,
    });
    expect([...listeners.keys()]).toEqual(['component:default/checkout']);

    const snapshot = shopSnapshot();
    const entry = snapshot.scorecard['component:default/checkout'];
    act(() => listeners.get('component:default/checkout')?.({ snapshot, updatedAt: 1, stale: false, warnings: [] }));
    expect(result.current).toEqual({ loading: false, stale: false, ...entry });
    expect(result.current).toMatchObject({ status: 'amber', thresholdMs: 50, metric: 'latencySlo', percentile: 'p95', checkedAt: 1700000039155.052 });
    unmount();
    expect(listeners.size).toBe(0);
  });

  it('reports an entity without telemetry as unknown, and a stale state with its error', () => {
    const { api, listeners } = manualApi();
    const wrapper = ({ children }: { children: ReactNode }) => <TestApiProvider apis={[[latencyHeatmapApiRef, api]]}>{children}</TestApiProvider>;
    const { result } = renderHook(() => useEntityLatencyStatus('api:default/cart-api'), { wrapper });
    const snapshot = shopSnapshot();
    const error = Object.assign(new Error('latencyHeatmap: every query of the poll failed: …'), { name: 'LatencyHeatmapError' as const, code: 'POLL_FAILED' as const });
    act(() => listeners.get('api:default/cart-api')?.({ snapshot, updatedAt: 1, stale: true, staleSince: 2, error, warnings: [] }));
    expect(result.current).toEqual({
      loading: false,
      stale: true,
      error,
      status: 'unknown',
      score: null,
      observedMs: null,
      thresholdMs: null,
      percentile: null,
      metric: null,
      checkedAt: snapshot.generatedAt,
    });
  });
});
