/**
 * What the card shows around the graph: the legend (the snapshot's own swatch per status and the line cues), the
 * warnings of the latest round, and the observed calls the catalog does not declare (the host draws only catalog
 * relations, so they are listed here with their figures). All text from the snapshot renders as text.
 */
import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import type { Snapshot, Status, Swatch, Warning } from '../../core/types';
import { dashArray, verdict } from '../../format';

const useStyles = makeStyles((theme: Theme) => ({
  legend: { display: 'flex', alignItems: 'center', gap: theme.spacing(2), flexWrap: 'wrap', margin: theme.spacing(1, 0) },
  item: { display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5), color: theme.palette.text.secondary },
  list: { margin: 0, paddingLeft: theme.spacing(2) },
}));

const ORDER: Status[] = ['green', 'amber', 'red', 'unknown'];

/** The first swatch the snapshot gives each status (nodes, then edges), in status order. */
function swatchesOf(snapshot: Snapshot): { status: Status; swatch: Swatch }[] {
  const seen = new Map<Status, Swatch>();
  for (const judged of [...snapshot.nodes, ...snapshot.edges]) if (!seen.has(judged.status)) seen.set(judged.status, judged.color);
  return ORDER.flatMap((status) => {
    const swatch = seen.get(status);
    return swatch === undefined ? [] : [{ status, swatch }];
  });
}

export function Legend({ snapshot }: { snapshot?: Snapshot }) {
  const classes = useStyles();
  if (snapshot === undefined) return null;
  return (
    <div className={classes.legend} data-testid="latency-heatmap-legend">
      {swatchesOf(snapshot).map(({ status, swatch }) => (
        <span key={status} className={classes.item} data-status={status}>
          <svg width={26} height={14} aria-hidden>
            <rect x={1} y={1} width={24} height={12} rx={3} fill={swatch.fill} stroke={swatch.text} strokeWidth={2} strokeDasharray={dashArray(swatch.pattern, 2)} />
          </svg>
          {status} ({swatch.pattern})
        </span>
      ))}
      <span className={classes.item}>line width: request rate</span>
      <span className={classes.item}>hollow line, open arrow: async</span>
      <span className={classes.item}>round end: database</span>
      <span className={classes.item}>faint grey: no observed calls</span>
    </div>
  );
}

export function WarningsPanel({ warnings }: { warnings: readonly Warning[] }) {
  const classes = useStyles();
  if (warnings.length === 0) return null;
  return (
    <div data-testid="latency-heatmap-warnings">
      <WarningPanel severity="warning" title={`${warnings.length} warning${warnings.length === 1 ? '' : 's'} from the latest round`}>
        <ul className={classes.list}>
          {warnings.map((warning, index) => (
            <li key={index}>
              <Typography variant="body2" component="span">
                <code>{warning.code}</code> {warning.message}
              </Typography>
            </li>
          ))}
        </ul>
      </WarningPanel>
    </div>
  );
}

export function DriftPanel({ snapshot }: { snapshot?: Snapshot }) {
  const classes = useStyles();
  const undeclared = snapshot?.drift.undeclared ?? [];
  if (snapshot === undefined || undeclared.length === 0) return null;
  return (
    <div data-testid="latency-heatmap-drift">
      <WarningPanel severity="info" title={`${undeclared.length} observed call${undeclared.length === 1 ? '' : 's'} the catalog does not declare`}>
        <ul className={classes.list}>
          {undeclared.map((call) => {
            // `edgeId` names the service-level call; an entity-level edge lists it among its members.
            const edge = snapshot.edges.find((each) => each.id === call.edgeId || each.members.includes(call.edgeId));
            return (
              <li key={call.edgeId} data-status={edge?.status ?? 'unknown'}>
                <Typography variant="body2" component="span">
                  {call.from} → {call.to}
                  {edge === undefined ? '' : ` (${edge.kind}): ${edge.status}, ${verdict(edge)}`}
                </Typography>
              </li>
            );
          })}
        </ul>
      </WarningPanel>
    </div>
  );
}
