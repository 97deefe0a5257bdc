/**
 * The fields of one alert as the alerts table shows them, one cell each: what breached, the metric's name, observed
 * against threshold, and how long the breach has lasted. The figures, status and times are the snapshot's; nothing
 * is judged or sorted here.
 */
import type { Alert, Metric } from '../core/types';
import { formatMs } from './duration';
import { formatShare } from './edge-style';
import { shortRef } from './entity-ref';
import { formatAge } from './freshness';

const METRIC_LABEL: Record<Metric, string> = {
  latencySlo: 'latency SLO',
  processingTime: 'processing time',
  edgeSlo: 'call SLO',
  errorRate: 'error rate',
  alert: 'alert',
};

/** `latencySlo` → `latency SLO`: the metric's name for a column. */
export function metricLabel(metric: Metric): string {
  return METRIC_LABEL[metric];
}

/**
 * The caller of an edge alert as a ref, or the service name when the catalog does not know it (the core then puts
 * the edge id, `user→frontend:sync`, in `entityRef`).
 */
function callerOf(alert: Alert): string {
  return alert.entityRef === alert.id ? alert.id.slice(0, alert.id.indexOf('→')) : alert.entityRef;
}

/** `checkout` for a node, `checkout → payment` for a call (`user → frontend` when the caller is not in the catalog). */
export function alertSubject(alert: Alert): string {
  return alert.kind === 'edge' ? `${shortRef(callerOf(alert))} → ${shortRef(alert.targetRef)}` : shortRef(alert.entityRef);
}

/** The metric column: the metric's name, or an Alertmanager alert's `alertname` (plain text). */
export function alertMetric(alert: Alert): string {
  return alert.source === 'alertmanager' ? (alert.alertname ?? '') || 'alert' : metricLabel(alert.metric);
}

/** `43 ms / 50 ms` for a latency metric, `12.5 % / 5.0 %` for an error rate, `–` for an Alertmanager alert. */
export function alertFigures(alert: Alert): string {
  if (alert.source === 'alertmanager') return '–';
  return alert.metric === 'errorRate'
    ? `${formatShare(alert.observedRate)} / ${formatShare(alert.thresholdRate)}`
    : `${formatMs(alert.observedMs)} / ${formatMs(alert.thresholdMs)}`;
}

/**
 * How long a breach has lasted at the snapshot's time (both event times, so a skewed browser clock does not matter):
 * `just now` under a second, then `12 s`, `3 min`, `2 h 5 min`, `3 d 4 h`, each followed by ` ago`.
 */
export function breachAge(since: number, generatedAt: number | null): string {
  const ms = (generatedAt ?? since) - since;
  return ms < 1000 ? 'just now' : `${formatAge(ms)} ago`;
}

/** `2023-11-14 22:13:59 UTC`: an event time in full, for a tooltip. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * `text` when it is an absolute `http:` or `https:` URL, else undefined: what an alert's `runbook_url` may become a
 * link with (a `javascript:` or `data:` URL, or anything unreadable, is shown as text instead).
 */
export function httpUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
