import { describe, expect, it } from 'vitest';
import type { Alert } from '../core/types';
import { alertText } from './alert';

const callAlert: Alert = {
  source: 'latency',
  kind: 'edge',
  id: 'checkout->payment',
  entityRef: 'component:default/checkout',
  targetRef: 'component:default/payment',
  metric: 'edgeSlo',
  percentile: 'p95',
  observedMs: 612.4,
  thresholdMs: 300,
  observedRate: null,
  thresholdRate: null,
  score: 2.04,
  status: 'red',
  since: Date.UTC(2026, 11, 3, 14, 2, 9, 500),
};

describe('alertText', () => {
  it('writes a call breach with both ends', () => {
    expect(alertText(callAlert)).toBe('red · checkout → payment call: p95 612 ms / 300 ms (since 14:02:09 UTC)');
  });

  it('writes a node breach with its metric', () => {
    const alert: Alert = { ...callAlert, kind: 'node', id: 'cart', entityRef: 'component:default/cart', targetRef: null, metric: 'processingTime', status: 'amber' };
    expect(alertText(alert)).toBe('amber · cart self time: p95 612 ms / 300 ms (since 14:02:09 UTC)');
    expect(alertText({ ...alert, metric: 'latencySlo', observedMs: 1200, thresholdMs: 1000 })).toBe(
      'amber · cart latency: p95 1.20 s / 1.00 s (since 14:02:09 UTC)',
    );
  });

  it('writes an error rate in percent', () => {
    const alert: Alert = { ...callAlert, metric: 'errorRate', percentile: null, observedMs: null, thresholdMs: null, observedRate: 0.125, thresholdRate: 0.05 };
    expect(alertText(alert)).toBe('red · checkout → payment error rate: 12.5 % / 5.0 % (since 14:02:09 UTC)');
  });

  it('writes ? for a call whose callee has no ref', () => {
    expect(alertText({ ...callAlert, targetRef: null })).toBe('red · checkout → ? call: p95 612 ms / 300 ms (since 14:02:09 UTC)');
  });
});

describe('alertText of an Alertmanager alert', () => {
  it('names the alert, its severity and its start', () => {
    const firing: Alert = {
      ...callAlert,
      source: 'alertmanager',
      kind: 'node',
      id: 'component:default/checkout',
      targetRef: null,
      metric: 'alert',
      percentile: null,
      observedMs: null,
      thresholdMs: null,
      score: null,
      since: Date.UTC(2026, 11, 3, 8, 41, 30),
      alertname: 'CheckoutLatencyHigh',
      severity: 'critical',
    };
    expect(alertText(firing)).toBe('red · checkout alert CheckoutLatencyHigh (critical) (since 08:41:30 UTC)');
    expect(alertText({ ...firing, status: 'amber', severity: null })).toBe('amber · checkout alert CheckoutLatencyHigh (since 08:41:30 UTC)');
  });
});
