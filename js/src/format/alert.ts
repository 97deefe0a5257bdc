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
};

/** `red · checkout → payment call: p95 612 ms / 300 ms (since 14:02:09 UTC)`. */
export function alertText(alert: Alert): string {
  const subject = alert.kind === 'edge' ? `${shortRef(alert.entityRef)} → ${shortRef(alert.targetRef)}` : shortRef(alert.entityRef);
  const figures =
    alert.metric === 'errorRate'
      ? `${((alert.observedRate ?? 0) * 100).toFixed(1)} % / ${((alert.thresholdRate ?? 0) * 100).toFixed(1)} %`
      : `${alert.percentile ?? ''} ${formatMs(alert.observedMs)} / ${formatMs(alert.thresholdMs)}`;
  const since = new Date(alert.since).toISOString().slice(11, 19);
  return `${alert.status} · ${subject} ${METRIC[alert.metric]}: ${figures} (since ${since} UTC)`;
}
