import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeatMap, initSync, layoutGraph, type HeatNode, type Snapshot } from './index';
import { withHeatMap } from '../testing';

const fixtures = new URL('../../../tests/fixtures/', import.meta.url);
const otlp = readFileSync(new URL('otel-sdk/otlp.json', fixtures), 'utf8');
const catalog = JSON.parse(readFileSync(new URL('catalog/otel-shop.json', fixtures), 'utf8'));

beforeAll(() => initSync());

function shop(): Snapshot {
  return withHeatMap({ window: 'all', defaults: { latencySlo: '500ms' } }, (map) => {
    expect(map.setCatalog(catalog).entities).toBe(18);
    const report = map.ingestOtlp(otlp);
    expect(report).toMatchObject({ format: 'otlp', accepted: 608, rejected: 0 });
    return map.snapshot({ layout: { direction: 'LR' } });
  });
}

describe('HeatMap', () => {
  it('returns a snapshot in the documented shape', () => {
    const snapshot = shop();
    const checkout = snapshot.nodes.find((node) => node.id === 'checkout') as HeatNode;
    expect(checkout).toMatchObject({
      service: 'checkout',
      entityRef: 'component:default/checkout',
      label: 'Checkout',
      metric: 'latencySlo',
      percentile: 'p95',
      thresholdMs: 50,
      thresholdSource: 'entityAnnotation',
      status: 'amber',
      color: { pattern: 'dashed' },
    });
    expect(checkout.color.fill).toMatch(/^#[0-9a-f]{6}$/);
    expect(checkout.stats.p95Ms).toBeGreaterThan(0);
    expect(snapshot.edges.map((edge) => edge.kind)).toEqual(expect.arrayContaining(['sync', 'async', 'database']));
    expect(snapshot.layout?.nodes).toHaveLength(snapshot.nodes.length);
    expect(snapshot.warnings.some((warning) => warning.code === 'evaluate.bad-annotation')).toBe(true);
  });

  it('accepts bytes and parsed objects as well as text', () => {
    const map = new HeatMap({ window: 'all' });
    expect(map.ingestOtlp(new TextEncoder().encode(otlp)).accepted).toBe(608);
    expect(map.ingestOtlp(JSON.parse(otlp)).accepted).toBe(608);
    map.reset();
    expect(map.snapshot().nodes).toEqual([]);
    map.free();
  });

  it('flushPending turns calls still waiting for a partner into calls to virtual nodes', () => {
    const map = new HeatMap({ window: 'all' });
    map.ingestOtlp(otlp);
    const count = () => map.snapshot().edges.find((edge) => edge.id === 'frontend→currency-api:sync')?.stats.count ?? 0;
    const before = count();
    const report = map.flushPending();
    expect(report.pending).toBe(0);
    expect(count()).toBe(40);
    expect(before).toBeLessThan(40);
    map.free();
  });

  it('reports a broken document without throwing, keeping what came before', () => {
    const map = new HeatMap();
    const report = map.ingestOtlp(otlp.slice(0, otlp.length / 2));
    expect(report.error).toBeTruthy();
    expect(report.accepted).toBeGreaterThan(0);
    map.free();
  });

  it('throws typed errors for bad config and after free()', () => {
    expect(() => new HeatMap({ window: 'fast' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => new HeatMap({ tolerance: 'lenient' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const map = new HeatMap();
    expect(() => map.snapshot({ window: '10m' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining("window: 600000 ms is longer than the config's window of 300000 ms"),
      }),
    );
    expect(() => map.snapshot({ palette: ['#00ff00'] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(map.snapshot({ window: '30s' }).window).toBe(30000);
    map.free();
    expect(() => map.snapshot()).toThrow(expect.objectContaining({ code: 'FREED' }));
    expect(() => map.free()).not.toThrow();
  });
});

describe('layoutGraph', () => {
  it('lays out a graph and rejects unknown endpoints with INVALID_GRAPH', () => {
    const layout = layoutGraph(
      { nodes: [{ id: 'a', width: 80, height: 40 }, { id: 'b', width: 80, height: 40 }], edges: [{ from: 'a', to: 'b' }] },
      { direction: 'TB' },
    );
    const [a, b] = layout.nodes;
    expect(b.y).toBeGreaterThan(a.y);
    expect(layout.edges[0].points.length).toBeGreaterThanOrEqual(2);
    expect(() => layoutGraph({ nodes: [{ id: 'a', width: 1, height: 1 }], edges: [{ from: 'a', to: 'x' }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_GRAPH' }),
    );
  });
});

describe('HeatMap.ingestAlertmanager', () => {
  it('takes an Alertmanager answer as text, bytes or an object; a bad body is reported, a wrong type thrown', () => {
    const map = new HeatMap({ window: 'all', defaults: { latencySlo: '500ms' }, alerts: { labels: ['service'], severities: { page: 'red' } } });
    try {
      map.setCatalog(catalog);
      map.ingestOtlp(otlp);
      const answer = [
        {
          labels: { alertname: 'CartDown', service: 'cart', severity: 'page' },
          annotations: { summary: 'Cart is down' },
          fingerprint: 'a1b2c3d4e5f60718',
          receivers: [],
          startsAt: '2026-12-03T08:41:30Z',
          status: { state: 'active', silencedBy: [], inhibitedBy: [] },
        },
      ];
      const expected = { firing: 1, mapped: 1, unmapped: 0, silenced: 0, inhibited: 0, muted: 0, skipped: 0, warnings: [] };
      expect(map.ingestAlertmanager(answer)).toMatchObject(expected);
      expect(map.ingestAlertmanager(JSON.stringify(answer))).toMatchObject(expected);
      expect(map.ingestAlertmanager(new TextEncoder().encode(JSON.stringify(answer)))).toMatchObject(expected);
      const cart = map.snapshot().nodes.find((node) => node.id === 'cart') as HeatNode;
      expect([cart.status, cart.firingAlerts, cart.color.fill]).toEqual(['red', 1, '#d93025']);
      const bad = map.ingestAlertmanager('{"data": []}');
      expect(bad).toMatchObject({
        firing: 1,
        error: { code: 'alertmanager.unreadable', message: 'Alertmanager answer does not have the expected shape (line 1, column 1): expected an array of alerts, found an object' },
      });
      expect(map.snapshot().alerts.filter((alert) => alert.source === 'alertmanager').map((alert) => alert.alertname)).toEqual(['CartDown']);
      expect(() => map.ingestAlertmanager(42 as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      map.reset();
      expect(map.snapshot().alerts).toEqual([]);
    } finally {
      map.free();
    }
  });
});
