/**
 * `boxLookOf`: how the card paints a box, from snapshots the real core computed from the recorded Jaeger traces,
 * the shop catalog and Alertmanager answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSync } from '../../core';
import type { LatencyHeatmapState } from '../../api/types';
import { withHeatMap } from '../../testing';
import { boxLookOf, heatNodeOf } from './context';

const fixtures = join(import.meta.dirname, '../../../../tests/fixtures');
const jaeger = readFileSync(join(fixtures, 'otel-sdk/jaeger.json'), 'utf8');
const shop = (JSON.parse(readFileSync(join(fixtures, 'catalog/otel-shop.json'), 'utf8')) as { items: unknown[] }).items;

const lookOf = (state: LatencyHeatmapState | undefined, ref: string) => boxLookOf(state, ref, heatNodeOf(state, ref));

/** `recommendations` has no spans in the recording; one alert on it, with these labels. */
function stateWith(labels: Record<string, string>): LatencyHeatmapState {
  const alert = {
    labels: { alertname: 'RecommendationsDown', service: 'recommendations', ...labels },
    annotations: {},
    fingerprint: '2222222222222222',
    startsAt: '2026-12-03T08:41:30Z',
    status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  };
  return withHeatMap({}, (map) => {
    map.setCatalog(shop);
    map.ingestJaeger(jaeger);
    map.ingestAlertmanager([alert]);
    const at = (level: 'entity' | 'system' | 'domain') => map.snapshot({ level, entryPoints: false });
    return { snapshot: at('entity'), groups: { system: at('system'), domain: at('domain') }, stale: false, warnings: [] };
  });
}

beforeAll(() => initSync());

describe('boxLookOf', () => {
  it("is the node's own status and colour when the entity has a node", () => {
    const state = stateWith({ severity: 'critical' });
    const frontend = state.snapshot?.nodes.find((node) => node.entityRef === 'component:default/frontend');
    expect(lookOf(state, 'Component:default/frontend')).toBe(frontend);
    // A System's box reads the System-level snapshot.
    const storefront = state.groups?.system?.nodes.find((node) => node.entityRef === 'system:default/storefront');
    expect(lookOf(state, 'system:default/storefront')).toBe(storefront);
  });

  it('is the forced status in the snapshot’s swatch for an entity with firing alerts and no telemetry', () => {
    const critical = stateWith({ severity: 'critical' });
    expect(critical.snapshot?.nodes.some((node) => node.entityRef === 'component:default/recommendations')).toBe(false);
    expect(lookOf(critical, 'component:default/recommendations')).toEqual({
      status: 'red',
      color: { fill: '#d93025', text: '#ffffff', pattern: 'dotted' },
    });
    expect(lookOf(stateWith({ severity: 'warning' }), 'component:default/recommendations')).toEqual({
      status: 'amber',
      color: critical.snapshot?.statusSwatches.amber,
    });
  });

  it('is undefined (neutral) without a node and without a status an alert forces', () => {
    // An `info` alert forces nothing: the scorecard lists the entity as unknown.
    const state = stateWith({ severity: 'info' });
    expect(state.snapshot?.scorecard['component:default/recommendations']?.status).toBe('unknown');
    expect(lookOf(state, 'component:default/recommendations')).toBeUndefined();
    expect(lookOf(state, 'component:default/email-that-is-not-there')).toBeUndefined();
    expect(lookOf(undefined, 'component:default/frontend')).toBeUndefined();
  });
});
