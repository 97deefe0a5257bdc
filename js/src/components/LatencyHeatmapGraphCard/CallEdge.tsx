/**
 * One relation edge of the host graph (`renderEdge` replaces the host's whole edge): the curve through the host's
 * points, our own arrowhead, and — when the relation carries observed calls — the worst call's colour, its dash, a
 * width by request rate and its figure. Async calls are drawn hollow with an open arrow, database calls end in a
 * dot: colour is never the only cue. Relations without calls stay thin, grey and faint.
 */
import type { DependencyGraphTypes } from '@backstage/core-components';
import type { EntityEdge } from '@backstage/plugin-catalog-graph';
import Tooltip from '@material-ui/core/Tooltip';
import { useTheme, type Theme } from '@material-ui/core/styles';
import { curveMonotoneX, line } from 'd3-shape';
import { useId } from 'react';
import type { HeatEdge } from '../../core/types';
import { dashArray, formatMs, segmentKey, strokeWidthForRate, worstCall } from '../../format';
import { useHeatmapGraph } from './context';
import { CallDetails } from './HeatDetails';

type Point = { x: number; y: number };
const path = line<Point>()
  .x((point) => point.x)
  .y((point) => point.y)
  .curve(curveMonotoneX);
const ARROW = 10;
const NEUTRAL_WIDTH = 1;
const KIND_WORD: Record<HeatEdge['kind'], string> = { sync: '', async: ' · async', database: ' · db' };

function Arrowhead({ id, kind, color }: { id: string; kind: HeatEdge['kind'] | 'none'; color: string }) {
  return (
    <marker id={id} viewBox={`0 0 ${ARROW} ${ARROW}`} refX={ARROW} refY={ARROW / 2} markerWidth={ARROW} markerHeight={ARROW} markerUnits="userSpaceOnUse" orient="auto">
      {kind === 'database' ? (
        <circle cx={ARROW / 2} cy={ARROW / 2} r={ARROW / 2 - 1} fill={color} />
      ) : kind === 'async' ? (
        <polyline points={`1,1 ${ARROW - 1},${ARROW / 2} 1,${ARROW - 1}`} fill="none" stroke={color} strokeWidth={2} />
      ) : (
        <path d={`M0,0 L${ARROW},${ARROW / 2} L0,${ARROW} z`} fill={color} />
      )}
    </marker>
  );
}

export function CallEdge({ edge }: { edge: DependencyGraphTypes.RenderEdgeProps<EntityEdge>['edge'] }) {
  const { state, segments, highlight } = useHeatmapGraph();
  const theme = useTheme<Theme>();
  const markerId = `latency-heatmap-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const points = edge.points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
  const d = path(points) ?? '';
  const calls = segments.get(segmentKey(edge.from, edge.to)) ?? [];
  const call = worstCall(calls);
  const highlighted = highlight?.kind === 'edge' && calls.some((each) => each.id === highlight.id);

  const color = call?.color.fill ?? theme.palette.grey[500];
  const width = call === undefined ? NEUTRAL_WIDTH : strokeWidthForRate(call.stats.ratePerSec);
  const middle = points[Math.floor(points.length / 2)];
  const callerServices = [...new Set(calls.flatMap((each) => state?.snapshot?.nodes.find((node) => node.id === each.from)?.members ?? []))];

  const drawn = (
    <g opacity={call === undefined ? 0.4 : 1}>
      <defs>
        <Arrowhead id={markerId} kind={call?.kind ?? 'none'} color={color} />
      </defs>
      {highlighted && <path d={d} fill="none" stroke={theme.palette.primary.main} strokeOpacity={0.35} strokeWidth={width + 8} />}
      <path
        d={d}
        fill="none"
        stroke={color}
        strokeWidth={width}
        strokeDasharray={call === undefined ? undefined : dashArray(call.color.pattern, width)}
        markerEnd={`url(#${markerId})`}
        data-from={edge.from}
        data-to={edge.to}
        data-status={call?.status ?? 'none'}
        data-kind={call?.kind ?? 'none'}
        data-highlighted={highlighted ? 'true' : 'false'}
      />
      {/* Async calls are hollow: a background-coloured core inside the stroke. */}
      {call?.kind === 'async' && <path d={d} fill="none" stroke={theme.palette.background.paper} strokeWidth={width / 3} />}
      {call !== undefined && middle !== undefined && (
        <text
          x={middle.x}
          y={middle.y - width - 3}
          textAnchor="middle"
          fontSize={11}
          fill={theme.palette.text.primary}
          stroke={theme.palette.background.paper}
          strokeWidth={3}
          paintOrder="stroke"
          data-testid="latency-heatmap-edge-label"
        >
          {call.percentile} {formatMs(call.observedMs)}
          {KIND_WORD[call.kind]}
        </text>
      )}
    </g>
  );
  if (call === undefined) return drawn;
  return (
    <Tooltip interactive title={<CallDetails calls={[call, ...calls.filter((each) => each !== call)]} callerServices={callerServices} traceUrlTemplate={state?.traceUrlTemplate} />}>
      {drawn}
    </Tooltip>
  );
}
