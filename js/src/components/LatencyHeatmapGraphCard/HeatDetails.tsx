/**
 * The tooltip contents of a box and of an edge: every figure the snapshot has for the entity or the calls, the
 * threshold with its source, and links (the entity's `metadata.links`, the trace UI). Text only from the snapshot
 * and the catalog, rendered as text.
 */
import type { Entity } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import type { Alert, HeatEdge, HeatNode, LatencyStats, QueryValue } from '../../core/types';
import { describeJudgement, formatClock, formatMs, formatRate, formatShare, traceSearchUrl } from '../../format';
import { httpUrl, utcTime } from '../../format/alert-fields';

function Line({ children }: { children: ReactNode }) {
  return (
    <Typography variant="body2" component="div">
      {children}
    </Typography>
  );
}

function StatsLines({ stats }: { stats: LatencyStats }) {
  return (
    <>
      <Line>
        p50 {formatMs(stats.p50Ms)} · p95 {formatMs(stats.p95Ms)} · p99 {formatMs(stats.p99Ms)}
      </Line>
      <Line>
        rate {formatRate(stats.ratePerSec)} · errors {formatShare(stats.errorRate)}
      </Line>
    </>
  );
}

/** Trace UI links for telemetry services (Jaeger-shaped templates only; see `traceSearchUrl`). */
function TraceLinks({ template, services }: { template?: string; services: readonly string[] }) {
  if (template === undefined) return null;
  const links = services.flatMap((service) => {
    const url = traceSearchUrl(template, service);
    return url === undefined ? [] : [{ service, url }];
  });
  return (
    <>
      {links.map(({ service, url }) => (
        <Line key={service}>
          <Link to={url}>traces of {service}</Link>
        </Line>
      ))}
    </>
  );
}

/**
 * The Alertmanager alerts firing on a box: name, severity and start, `summary` and `description` as text, and the
 * `runbook_url` as a link only when it is http(s) — anything else is shown as text.
 */
function FiringLines({ alerts }: { alerts: readonly Alert[] }) {
  return (
    <>
      {alerts.map((alert) => {
        const runbook = alert.annotations?.runbook_url;
        const link = httpUrl(runbook);
        return (
          <div key={`${alert.fingerprint ?? ''}\n${alert.entityRef}`} data-testid="latency-heatmap-firing-alert">
            <Line>
              <strong>
                {alert.alertname}
                {alert.severity ? ` (${alert.severity})` : ''}
              </strong>{' '}
              firing since {utcTime(alert.since)}
            </Line>
            {alert.annotations?.summary !== undefined && <Line>{alert.annotations.summary}</Line>}
            {alert.annotations?.description !== undefined && <Line>{alert.annotations.description}</Line>}
            {runbook !== undefined && <Line>{link === undefined ? `runbook: ${runbook}` : <Link to={link}>runbook</Link>}</Line>}
          </div>
        );
      })}
    </>
  );
}

/**
 * A Prometheus source's extra `queries` on a box: `name: value` each, naming the service when the box stands for
 * several; a NaN/±Inf answer reads `no value`; a value kept from an earlier round says from when.
 */
function QueryLines({ values, members }: { values: readonly QueryValue[]; members: readonly string[] }) {
  if (values.length === 0) return null;
  return (
    <div data-testid="latency-heatmap-query-values">
      {values.map(({ name, service, value, answeredAt, stale }) => (
        <Line key={`${service}\n${name}`}>
          {`${name}${members.length > 1 ? ` (${service})` : ''}: ${value === null ? 'no value' : String(value)}`}
          {stale && ` (as of ${formatClock(answeredAt)}: the latest query failed)`}
        </Line>
      ))}
    </div>
  );
}

export function NodeDetails({ entity, entityRef, node, firing = [], traceUrlTemplate }: {
  entity?: Entity;
  entityRef: string;
  node?: HeatNode;
  /** Alertmanager alerts firing on the box (`snapshot().alerts` with `source: 'alertmanager'`). */
  firing?: readonly Alert[];
  traceUrlTemplate?: string;
}) {
  return (
    <div data-testid="latency-heatmap-node-details">
      <Line>
        <strong>{entityRef}</strong>
      </Line>
      {node === undefined ? (
        <Line>unknown: no telemetry in the snapshot</Line>
      ) : (
        <>
          <Line>{describeJudgement(node)}</Line>
          <StatsLines stats={node.stats} />
          <Line>self p95 {formatMs(node.stats.selfP95Ms)}</Line>
          <QueryLines values={node.queries} members={node.members} />
        </>
      )}
      <FiringLines alerts={firing} />
      {/* Entity data like alert text: only http(s) URLs become links, anything else (`javascript:`) stays text. */}
      {(entity?.metadata.links ?? []).map((link) => {
        const url = httpUrl(link.url);
        return <Line key={link.url}>{url === undefined ? `${link.title ?? link.url}: ${link.url}` : <Link to={url}>{link.title ?? link.url}</Link>}</Line>;
      })}
      <TraceLinks template={traceUrlTemplate} services={node?.members ?? []} />
    </div>
  );
}

function CallLines({ call }: { call: HeatEdge }) {
  return (
    <>
      <Line>
        <strong>
          {call.fromEntityRef} → {call.toEntityRef} ({call.kind}
          {call.viaApis?.length ? ` via ${call.viaApis.join(', ')}` : ''})
        </strong>
      </Line>
      <Line>{describeJudgement(call)}</Line>
      <StatsLines stats={call.stats} />
      <Line>
        server p95 {formatMs(call.serverStats?.p95Ms)} · client−server gap p95 {formatMs(call.gapP95Ms)} · queue delay p95{' '}
        {formatMs(call.queueDelayP95Ms)}
      </Line>
    </>
  );
}

/** The calls a relation carries, worst first as the edge shows it; the callers' services for trace links. */
export function CallDetails({ calls, callerServices, traceUrlTemplate }: {
  calls: readonly HeatEdge[];
  callerServices: readonly string[];
  traceUrlTemplate?: string;
}) {
  return (
    <div data-testid="latency-heatmap-edge-details">
      {calls.map((call) => (
        <CallLines key={call.id} call={call} />
      ))}
      <TraceLinks template={traceUrlTemplate} services={callerServices} />
    </div>
  );
}
