import { describe, expect, it } from 'vitest';
import type { Alert } from '../core/types';
import { alertFigures, alertMetric, alertSubject, breachAge, httpUrl, metricLabel, utcTime } from './alert-fields';

const call: Alert = {
  source: 'latency',
  kind: 'edge',
  id: 'checkout→payment:sync',
  entityRef: 'component:default/checkout',
  targetRef: 'component:default/payment',
  metric: 'edgeSlo',
  percentile: 'p95',
  observedMs: 28.504491486265202,
  thresholdMs: 25,
  observedRate: null,
  thresholdRate: null,
  score: 1.14,
  status: 'red',
  since: Date.UTC(2026, 11, 3, 14, 2, 9, 500),
};

describe('alertSubject', () => {
  it('names a call by both ends and a node by its entity', () => {
    expect(alertSubject(call)).toBe('checkout → payment');
    expect(alertSubject({ ...call, kind: 'node', id: 'cart', entityRef: 'component:default/cart', targetRef: null })).toBe('cart');
  });

  it('names a caller the catalog does not know by its service, and a missing callee by ?', () => {
    expect(alertSubject({ ...call, id: 'user→frontend:sync', entityRef: 'user→frontend:sync', targetRef: 'component:default/frontend' })).toBe(
      'user → frontend',
    );
    expect(alertSubject({ ...call, targetRef: null })).toBe('checkout → ?');
  });
});

describe('alertFigures', () => {
  it('writes latencies in ms and error rates in percent', () => {
    expect(alertFigures(call)).toBe('29 ms / 25 ms');
    expect(alertFigures({ ...call, observedMs: 1200, thresholdMs: 1000 })).toBe('1.20 s / 1.00 s');
    const rate: Alert = { ...call, metric: 'errorRate', percentile: null, observedMs: null, thresholdMs: null, observedRate: 0.125, thresholdRate: 0.05 };
    expect(alertFigures(rate)).toBe('12.5 % / 5.0 %');
  });

  it('writes – for a missing figure', () => {
    expect(alertFigures({ ...call, metric: 'errorRate', observedRate: 0.125, thresholdRate: null })).toBe('12.5 % / –');
    expect(alertFigures({ ...call, thresholdMs: null })).toBe('29 ms / –');
  });
});

describe('metricLabel', () => {
  it('names every metric', () => {
    expect(['latencySlo', 'processingTime', 'edgeSlo', 'errorRate'].map((metric) => metricLabel(metric as Alert['metric']))).toEqual([
      'latency SLO',
      'processing time',
      'call SLO',
      'error rate',
    ]);
  });
});

describe('breachAge', () => {
  it('counts from the breach to the snapshot, in the largest units that fit', () => {
    const at = (ms: number) => breachAge(call.since, call.since + ms);
    expect([at(0), at(999), at(12_400), at(3 * 60_000 + 5_000), at((2 * 60 + 5) * 60_000), at((3 * 24 + 4) * 3_600_000)]).toEqual([
      'just now',
      'just now',
      '12 s ago',
      '3 min ago',
      '2 h 5 min ago',
      '3 d 4 h ago',
    ]);
  });

  it('says just now when the snapshot has no time', () => {
    expect(breachAge(call.since, null)).toBe('just now');
  });
});

describe('utcTime', () => {
  it('writes the date and time to the second in UTC', () => {
    expect(utcTime(call.since)).toBe('2026-12-03 14:02:09 UTC');
  });
});

describe('Alertmanager alerts', () => {
  const firing: Alert = {
    source: 'alertmanager',
    kind: 'node',
    id: 'component:default/checkout',
    entityRef: 'component:default/checkout',
    targetRef: null,
    metric: 'alert',
    percentile: null,
    observedMs: null,
    thresholdMs: null,
    observedRate: null,
    thresholdRate: null,
    score: null,
    status: 'red',
    since: Date.UTC(2026, 11, 3, 8, 41, 30, 250),
    alertname: 'CheckoutLatencyHigh',
    severity: 'critical',
    labels: { alertname: 'CheckoutLatencyHigh', severity: 'critical' },
    annotations: {},
    startsAt: Date.UTC(2026, 11, 3, 8, 41, 30, 250),
    fingerprint: 'a1b2c3d4e5f60718',
    generatorURL: null,
  };

  it('show the alertname as the metric and no figures', () => {
    expect([alertSubject(firing), alertMetric(firing), alertFigures(firing)]).toEqual(['checkout', 'CheckoutLatencyHigh', '–']);
    expect(alertMetric({ ...firing, alertname: '' })).toBe('alert');
    expect(alertMetric(call)).toBe('call SLO');
  });

  it('make links of http(s) runbook URLs only', () => {
    expect(httpUrl('https://runbooks.example/checkout')).toBe('https://runbooks.example/checkout');
    expect(httpUrl(' http://wiki/Runbook ')).toBe('http://wiki/Runbook');
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(httpUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(httpUrl('/runbooks/checkout')).toBeUndefined();
    expect(httpUrl(undefined)).toBeUndefined();
  });
});
