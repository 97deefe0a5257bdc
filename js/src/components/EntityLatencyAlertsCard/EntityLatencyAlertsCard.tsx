/**
 * `EntityLatencyAlertsCard`: a Backstage `Table` of the snapshot's alerts for the page's entity and its neighbours
 * (the targets of its catalog relations): latency breaches and the Alertmanager alerts firing on them (their
 * severity, alertname and start; every text of theirs rendered as text). Each row points the other cards on the page at its box or edge through the
 * client's highlight channel: hovering or focusing highlights it, clicking pins it. The alerts, their order and every
 * figure are the snapshot's; this card only filters, formats and sorts on request. It knows nothing of how the
 * graph card draws a highlight.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress, ResponseErrorPanel, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { MTableBodyRow } from '@material-table/core';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { latencyHeatmapApiRef, type LatencyHeatmapHighlight, type LatencyHeatmapView } from '../../api/types';
import type { Alert, Percentile } from '../../core/types';
import { alertFigures, alertMetric, alertSubject, breachAge, utcTime } from '../../format/alert-fields';
import { failureSummary, freshnessText } from '../../format/freshness';
import { useLatencyHeatmap } from '../../hooks/useLatencyHeatmap';

type InfoCardVariant = 'flex' | 'fullHeight' | 'gridItem';

export interface EntityLatencyAlertsCardProps {
  /** The card's title (default `Latency alerts`). */
  title?: string;
  /** InfoCard's variant, for the loading and error states and the table's height (default `gridItem`). */
  variant?: InfoCardVariant;
  /** How the data is judged; give the graph card on the same page the same view so both agree. */
  heatmap?: LatencyHeatmapView;
}

/** One table row: the alert, and the texts its cells show (material-table sorts and searches row objects). */
interface AlertRow {
  alert: Alert;
  /** The alert's place in the snapshot (red first, then by score): the default order. */
  rank: number;
  subject: string;
  metric: string;
  figures: string;
  age: string;
}

const PERCENTILE_RANK: Record<Percentile, number> = { p50: 50, p90: 90, p95: 95, p99: 99 };

const useStyles = makeStyles((theme) => ({
  critical: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  warning: {
    backgroundColor: 'transparent',
    borderColor: theme.palette.warning.main,
    color: theme.palette.text.primary,
  },
  subject: { fontWeight: theme.typography.fontWeightMedium as number },
  row: { cursor: 'pointer' },
  empty: { padding: theme.spacing(2), color: theme.palette.text.secondary },
}));

/** What a row needs from the card: which row is pinned, and what to do on hover, leave and click. */
interface RowHandlers {
  pinned: string | undefined;
  enter(alert: Alert): void;
  leave(): void;
  toggle(alert: Alert): void;
}

const RowHandlersContext = createContext<RowHandlers | undefined>(undefined);

const rowKey = (alert: Alert) => `${alert.kind}\n${alert.id}\n${alert.metric}\n${alert.fingerprint ?? ''}\n${alert.entityRef}`;
const targetOf = (alert: Alert): LatencyHeatmapHighlight => ({ kind: alert.kind, id: alert.id, entityRef: alert.entityRef, targetRef: alert.targetRef });

/** material-table's own row, carrying the DOM contract's attributes and the highlight handlers. */
function AlertTableRow(props: { data: AlertRow } & Record<string, unknown>) {
  const handlers = useContext(RowHandlersContext);
  const classes = useStyles();
  const { alert } = props.data;
  const pinned = handlers?.pinned === rowKey(alert);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    handlers?.toggle(alert);
  };
  return (
    <MTableBodyRow
      {...props}
      className={classes.row}
      data-testid="latency-heatmap-alert"
      data-alert-source={alert.source}
      data-alert-kind={alert.kind}
      data-alert-id={alert.id}
      data-alert-metric={alert.metric}
      data-alert-status={alert.status}
      data-pinned={pinned ? 'true' : 'false'}
      selected={pinned}
      tabIndex={0}
      aria-pressed={pinned}
      onMouseEnter={() => handlers?.enter(alert)}
      onMouseLeave={() => handlers?.leave()}
      onFocus={() => handlers?.enter(alert)}
      onBlur={() => handlers?.leave()}
      // material-table puts its own `onClick` on the row (a double-click detector that delays single clicks).
      onClickCapture={() => handlers?.toggle(alert)}
      onKeyDown={onKeyDown}
    />
  );
}

/** Styled by the status; labelled `critical`/`warning`, or by an Alertmanager alert's own severity (as text). */
function SeverityChip({ alert }: { alert: Alert }) {
  const classes = useStyles();
  const fallback = alert.status === 'red' ? 'critical' : alert.status === 'amber' ? 'warning' : 'info';
  const label = alert.source === 'alertmanager' ? alert.severity || fallback : fallback;
  return alert.status === 'red' ? (
    <Chip size="small" label={label} className={classes.critical} />
  ) : (
    <Chip size="small" variant="outlined" label={label} className={alert.status === 'amber' ? classes.warning : undefined} />
  );
}

const byNumber = (value: (row: AlertRow) => number) => (a: AlertRow, b: AlertRow) => value(a) - value(b);
const byText = (value: (row: AlertRow) => string) => (a: AlertRow, b: AlertRow) => value(a).localeCompare(value(b));

function useColumns(): TableColumn<AlertRow>[] {
  const classes = useStyles();
  return useMemo(
    () => [
      {
        title: 'Severity',
        field: 'alert.status',
        // Red before amber, then the higher score: the snapshot's own order.
        customSort: byNumber((row) => row.rank),
        render: (row) => <SeverityChip alert={row.alert} />,
      },
      {
        title: 'What breached',
        field: 'subject',
        customSort: byText((row) => row.subject),
        render: (row) => (
          <span className={classes.subject} title={row.alert.kind === 'edge' ? `${row.alert.entityRef} → ${row.alert.targetRef ?? '?'}` : row.alert.entityRef}>
            {row.subject}
          </span>
        ),
      },
      { title: 'Metric', field: 'metric', customSort: byText((row) => row.metric) },
      {
        title: 'Observed / threshold',
        field: 'figures',
        // Latencies and rates are not comparable; how far over the threshold is.
        customSort: byNumber((row) => row.alert.score ?? 0),
        render: (row) => <span title={row.alert.score === null ? undefined : `score ${row.alert.score.toFixed(2)}`}>{row.figures}</span>,
      },
      {
        title: 'Percentile',
        field: 'alert.percentile',
        customSort: byNumber((row) => (row.alert.percentile === null ? 0 : PERCENTILE_RANK[row.alert.percentile])),
        render: (row) => row.alert.percentile ?? '–',
      },
      {
        title: 'Since',
        field: 'alert.since',
        customSort: byNumber((row) => row.alert.since),
        render: (row) => <span title={`since ${utcTime(row.alert.since)}`}>{row.age}</span>,
      },
    ],
    [classes],
  );
}

/** The alerts of the snapshot that touch the entity or one of its neighbours, in the snapshot's order. */
function rowsFor(alerts: Alert[], refs: readonly string[], generatedAt: number | null): AlertRow[] {
  const wanted = new Set(refs.map((ref) => ref.toLowerCase()));
  return alerts
    .map((alert, rank) => ({ alert, rank }))
    .filter(({ alert }) => wanted.has(alert.entityRef.toLowerCase()) || (alert.targetRef !== null && wanted.has(alert.targetRef.toLowerCase())))
    .map(({ alert, rank }) => ({
      alert,
      rank,
      subject: alertSubject(alert),
      metric: alertMetric(alert),
      figures: alertFigures(alert),
      // An Alertmanager alert's start is wall-clock time, the snapshot's event time may be a replay's: its time.
      age: alert.source === 'alertmanager' ? utcTime(alert.since) : breachAge(alert.since, generatedAt),
    }));
}

/** The entity and the targets of its relations, each once, as refs. */
function refsAround(entity: ReturnType<typeof useEntity>['entity']): string[] {
  const self = stringifyEntityRef(entity);
  const neighbours = (entity.relations ?? []).map((relation) => relation.targetRef);
  return [...new Set([self, ...neighbours])];
}

/** Highlights as the rows ask, and clears what this card pointed at when it goes away. */
function useRowHandlers(): RowHandlers {
  const api = useApi(latencyHeatmapApiRef);
  const [pinned, setPinned] = useState<Alert>();
  const pinnedRef = useRef<Alert>();
  pinnedRef.current = pinned;
  const pointed = useRef(false);
  useEffect(
    () => () => {
      if (pointed.current) api.highlight(undefined);
    },
    [api],
  );
  return useMemo(() => {
    const point = (alert: Alert | undefined) => {
      pointed.current = alert !== undefined;
      api.highlight(alert === undefined ? undefined : targetOf(alert));
    };
    return {
      pinned: pinned === undefined ? undefined : rowKey(pinned),
      enter: (alert) => point(alert),
      leave: () => point(pinnedRef.current),
      toggle: (alert) => {
        const unpin = pinnedRef.current !== undefined && rowKey(pinnedRef.current) === rowKey(alert);
        pinnedRef.current = unpin ? undefined : alert;
        setPinned(pinnedRef.current);
        // Still under the pointer: it stays highlighted until the pointer leaves.
        point(alert);
      },
    };
  }, [api, pinned]);
}

const TABLE_COMPONENTS = { Row: AlertTableRow };

export function EntityLatencyAlertsCard(props: EntityLatencyAlertsCardProps) {
  const { title = 'Latency alerts', variant = 'gridItem', heatmap } = props;
  const { entity } = useEntity();
  const refs = useMemo(() => refsAround(entity), [entity]);
  const state = useLatencyHeatmap(refs, heatmap);
  const handlers = useRowHandlers();
  const snapshot = state?.snapshot;
  const generatedAt = snapshot?.generatedAt ?? null;
  const columns = useColumns();
  const classes = useStyles();
  const rows = useMemo(() => (snapshot === undefined ? [] : rowsFor(snapshot.alerts, refs, generatedAt)), [snapshot, refs, generatedAt]);

  if (snapshot === undefined) {
    return (
      <InfoCard title={title} variant={variant}>
        {state?.error === undefined ? <Progress /> : <ResponseErrorPanel error={state.error} />}
      </InfoCard>
    );
  }

  const name = entity.metadata.title ?? entity.metadata.name;
  // The graph card's wording, and why in a few words (its warning panel lists every failed URL).
  const stale =
    state?.stale === true ? `${freshnessText(state, Date.now())}${state.error === undefined ? '' : `: ${failureSummary(state.error)}`}` : undefined;
  return (
    <div data-testid="latency-heatmap-alerts-card" data-stale={state?.stale === true ? 'true' : 'false'} style={{ height: variant === 'gridItem' ? '100%' : undefined }}>
      <RowHandlersContext.Provider value={handlers}>
        <Table<AlertRow>
          title={title}
          subtitle={stale}
          columns={columns}
          data={rows}
          components={TABLE_COMPONENTS}
          emptyContent={<div className={classes.empty}>No latency breaches for {name} and its neighbours</div>}
          options={{ search: false, paging: false, padding: 'dense', draggable: false, sorting: true }}
          style={{ minWidth: 0, width: '100%', height: variant === 'gridItem' ? 'calc(100% - 10px)' : undefined }}
        />
      </RowHandlersContext.Provider>
    </div>
  );
}
