/**
 * The card's header actions: the percentile and window the card judges with (the client refuses a window longer
 * than the configured one with `INVALID_VIEW`, which the card shows), and how fresh the figures are, ticking.
 */
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import { useEffect, useId, useState } from 'react';
import type { LatencyHeatmapState, LatencyHeatmapView } from '../../api/types';
import type { Percentile } from '../../core/types';
import { freshnessText } from '../../format';

const PERCENTILES: Percentile[] = ['p50', 'p90', 'p95', 'p99'];
const WINDOWS = ['1m', '5m', '15m'];
/** The empty choice: what app-config (and, for the percentile, each entity's annotation) says. */
const CONFIGURED = '';

const useStyles = makeStyles((theme: Theme) => ({
  header: { display: 'flex', alignItems: 'center', gap: theme.spacing(2), flexWrap: 'wrap' },
  select: { minWidth: 110 },
  fresh: { color: theme.palette.text.secondary },
  stale: { color: theme.palette.warning.main, fontWeight: 'bold' },
}));

function Choice({ label, value, choices, onChange }: { label: string; value: string; choices: string[]; onChange: (value: string) => void }) {
  const classes = useStyles();
  const id = useId();
  return (
    <FormControl size="small" className={classes.select}>
      <InputLabel id={id}>{label}</InputLabel>
      <Select labelId={id} value={value} onChange={(event) => onChange(String(event.target.value))} data-testid={`latency-heatmap-${label}`}>
        <MenuItem value={CONFIGURED}>configured</MenuItem>
        {choices.map((choice) => (
          <MenuItem key={choice} value={choice}>
            {choice}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** `updated 12 s ago` / `stale since 14:02 — showing last good data`, re-read every second. */
export function Freshness({ state }: { state?: LatencyHeatmapState }) {
  const classes = useStyles();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const stale = state?.stale ?? false;
  return (
    <Typography variant="body2" data-testid="latency-heatmap-freshness" data-stale={stale ? 'true' : 'false'} className={stale ? classes.stale : classes.fresh}>
      {freshnessText(state ?? { stale: false }, now)}
    </Typography>
  );
}

export function CardHeader({ view, onView, state }: { view: LatencyHeatmapView; onView: (view: LatencyHeatmapView) => void; state?: LatencyHeatmapState }) {
  const classes = useStyles();
  return (
    <div className={classes.header}>
      <Choice
        label="percentile"
        value={view.percentile ?? CONFIGURED}
        choices={PERCENTILES}
        onChange={(value) => onView({ ...view, percentile: value === CONFIGURED ? undefined : (value as Percentile) })}
      />
      <Choice label="window" value={view.window ?? CONFIGURED} choices={WINDOWS} onChange={(value) => onView({ ...view, window: value === CONFIGURED ? undefined : value })} />
      <Freshness state={state} />
    </div>
  );
}
