/**
 * One alert of the snapshot as a line of text: what breached, which metric, observed against threshold, since when.
 */
import type { Alert, Metric } from '../core/types';
import { formatMs } from './duration';
import { shortRef } from './entity-ref';

const METRIC: Record<Metric, string> = {
  latencySlo: 'latency',
  processingTime: 'self time',
  edgeSlo: 'call',
  errorRate: 'error rate',
  alert: 'alert',
};

/**
 * `red · checkout → payment call: p95 612 ms / 300 ms (since 14:02:09 UTC)`; for an Alertmanager alert
 * `red · checkout alert CheckoutLatencyHigh (critical) (since 08:41:30 UTC)`.
 */
export function alertText(alert: Alert): string {
  if (alert.source === 'alertmanager') {
    const started = new Date(alert.since).toISOString().slice(11, 19);
    const severity = alert.severity ? ` (${alert.severity})` : '';
    return `${alert.status} · ${shortRef(alert.entityRef)} alert ${alert.alertname ?? ''}${severity} (since ${started} UTC)`;
  }
  const subject = alert.kind === 'edge' ? `${shortRef(alert.entityRef)} → ${shortRef(alert.targetRef)}` : shortRef(alert.entityRef);
  const figures =
    alert.metric === 'errorRate'
      ? `${((alert.observedRate ?? 0) * 100).toFixed(1)} % / ${((alert.thresholdRate ?? 0) * 100).toFixed(1)} %`
      : `${alert.percentile ?? ''} ${formatMs(alert.observedMs)} / ${formatMs(alert.thresholdMs)}`;
  const since = new Date(alert.since).toISOString().slice(11, 19);
  return `${alert.status} · ${subject} ${METRIC[alert.metric]}: ${figures} (since ${since} UTC)`;
}
