import { describe, expect, it } from 'vitest';
import type { HeatEdge, LatencyStats, Status } from '../core/types';
import { callsBySegment, segmentKey, worstCall } from './relation-calls';

const stats: LatencyStats = {
  count: 8, errors: 0, windowCount: 8, errorRate: 0, ratePerSec: 0.1, meanMs: 10, ewmaMs: 10, p50Ms: 9, p95Ms: 12, p99Ms: 12, recentMs: [],
};

function call(id: string, from: string | null, to: string | null, status: Status, score: number | null, viaApis: string[] = []): HeatEdge {
  return {
    id, from: id, to: id, kind: 'sync', inferred: false, stats, gapP95Ms: null, queueDelayP95Ms: null, criticalPathShare: null,
    fromEntityRef: from, toEntityRef: to, declared: true, viaApis, observed: true, members: [id],
    metric: 'edgeSlo', percentile: 'p95', observedMs: 12, thresholdMs: 10, thresholdSource: 'configDefault', score, status,
    color: { fill: '#d93025', text: '#ffffff', pattern: 'dotted' },
  };
}

const FRONTEND = 'component:default/frontend';
const CART = 'component:default/cart';
const CART_API = 'api:default/cart-api';

describe('callsBySegment', () => {
  it('puts a call on its own pair and on both segments of each API it goes through', () => {
    const viaApi = call('frontend→cart:sync', FRONTEND, CART, 'green', 0.5, [CART_API]);
    const unknownCallee = call('frontend→currency-api:sync', FRONTEND, null, 'unknown', null);
    const segments = callsBySegment([viaApi, unknownCallee]);
    expect([...segments.keys()]).toEqual([segmentKey(FRONTEND, CART), segmentKey(FRONTEND, CART_API), segmentKey(CART_API, CART)]);
    expect(segments.get(segmentKey('Component:default/Frontend', CART_API))).toEqual([viaApi]);
  });
});

describe('worstCall', () => {
  it('shows the worst status, then the highest score', () => {
    const green = call('a', FRONTEND, CART, 'green', 0.9);
    const amber = call('b', FRONTEND, CART, 'amber', 0.85);
    const amberWorse = call('c', FRONTEND, CART, 'amber', 0.95);
    const unknown = call('d', FRONTEND, CART, 'unknown', null);
    expect(worstCall([unknown, green, amber, amberWorse])?.id).toBe('c');
    expect(worstCall([unknown, green])?.id).toBe('a');
    expect(worstCall([])).toBeUndefined();
  });
});
