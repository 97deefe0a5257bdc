/**
 * One entity of the host graph as a box coloured by the snapshot (`renderNode`'s child, so hooks are allowed):
 * fill, text colour and border dash from the entity's swatch, its title and its judged figure as text. Entities the
 * snapshot does not know, or judges `unknown`, stay neutral. It registers its entity with the card so the card
 * subscribes for it. The host measures what this returns and places it.
 */
import type { EntityNode } from '@backstage/plugin-catalog-graph';
import Tooltip from '@material-ui/core/Tooltip';
import { useTheme, type Theme } from '@material-ui/core/styles';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { dashArray, verdict } from '../../format';
import { boxLookOf, firingAlertsOf, heatNodeOf, useHeatmapGraph } from './context';
import { NodeDetails } from './HeatDetails';

const PADDING = 10;
const TITLE_SIZE = 14;
const FIGURE_SIZE = 12;
const LINE_GAP = 6;
const BORDER = 2;
/**
 * The widest figure line the box makes room for from its first render. The host measures a box when it lays the
 * graph out, not when its content changes, so a box that grew when the data arrived would overflow its place (and
 * the card's edge): the width depends on the title and this, never on the figures.
 */
const WIDEST_FIGURE = 'self p99 999 ms / 999 ms';

export function EntityBox({ node }: { node: EntityNode }) {
  const { state, highlight, register } = useHeatmapGraph();
  const theme = useTheme<Theme>();
  const textRef = useRef<SVGGElement>(null);
  const [textWidth, setTextWidth] = useState(0);
  useEffect(() => register(node.id), [register, node.id]);

  const heat = heatNodeOf(state, node.id);
  const firing = firingAlertsOf(state, node.id);
  // An entity without telemetry has no node, but its alerts are still listed: badge them all the same.
  const firingCount = heat?.firingAlerts ?? firing.length;
  const title = node.entity.metadata.title ?? node.entity.metadata.name;
  const figure = heat === undefined ? 'no telemetry' : verdict(heat);
  // Measured like the host's own box: the wider of the title and the widest figure decides the width.
  useLayoutEffect(() => {
    const width = Math.round(textRef.current?.getBBox().width ?? 0);
    if (width !== textWidth) setTextWidth(width);
  }, [title, textWidth]);

  // Without a node, an entity whose alerts fire still shows the status they force, in the snapshot's colours.
  const look = boxLookOf(state, node.id, heat);
  // Neutral in either theme: a light box on a dark card would outshine the judged ones.
  const neutralFill = theme.palette.type === 'dark' ? theme.palette.grey[700] : theme.palette.grey[300];
  const fill = look?.color.fill ?? neutralFill;
  const text = look?.color.text ?? theme.palette.getContrastText(neutralFill);
  const pattern = look?.color.pattern ?? 'solid';
  const status = look?.status ?? 'unknown';
  const highlighted = highlight?.kind === 'node' && highlight.entityRef.toLowerCase() === node.id.toLowerCase();
  const width = textWidth + PADDING * 2;
  const height = PADDING * 2 + TITLE_SIZE + LINE_GAP + FIGURE_SIZE;

  return (
    <Tooltip
      interactive
      title={<NodeDetails entity={node.entity} entityRef={node.id} node={heat} firing={firing} traceUrlTemplate={state?.traceUrlTemplate} />}
    >
      <g
        data-entity-ref={node.id.toLowerCase()}
        data-status={status}
        data-highlighted={highlighted ? 'true' : 'false'}
        data-firing-alerts={firingCount}
        onClick={node.onClick}
        style={{ cursor: node.onClick ? 'pointer' : undefined }}
      >
        {highlighted && (
          <rect x={-5} y={-5} width={width + 10} height={height + 10} rx={14} fill="none" stroke={theme.palette.primary.main} strokeWidth={3} />
        )}
        <rect
          width={width}
          height={height}
          rx={10}
          fill={fill}
          stroke={text}
          strokeWidth={BORDER}
          strokeDasharray={dashArray(pattern, BORDER)}
        />
        {firingCount > 0 && <FiringBadge x={width} count={firingCount} fill={fill} stroke={text} />}
        <g ref={textRef} fill={text}>
          <text x={width / 2} y={PADDING + TITLE_SIZE} textAnchor="middle" fontSize={TITLE_SIZE} fontWeight={node.focused ? 'bold' : 'normal'}>
            {title}
          </text>
          <text x={width / 2} y={PADDING + TITLE_SIZE + LINE_GAP + FIGURE_SIZE} textAnchor="middle" fontSize={FIGURE_SIZE}>
            {figure}
          </text>
          <text x={width / 2} y={PADDING + TITLE_SIZE + LINE_GAP + FIGURE_SIZE} textAnchor="middle" fontSize={FIGURE_SIZE} visibility="hidden" aria-hidden>
            {WIDEST_FIGURE}
          </text>
        </g>
      </g>
    </Tooltip>
  );
}

const BADGE_RADIUS = 9;

/**
 * A count of firing Alertmanager alerts on the box's top-right corner, in the box's (status) colour with its text
 * colour, so it reads against the box and the page alike.
 */
function FiringBadge({ x, count, fill, stroke }: { x: number; count: number; fill: string; stroke: string }) {
  const label = `${count} firing alert${count === 1 ? '' : 's'}`;
  return (
    <g data-testid="latency-heatmap-firing-badge" transform={`translate(${x - 2}, 2)`} role="img" aria-label={label}>
      <title>{label}</title>
      <circle r={BADGE_RADIUS} fill={fill} stroke={stroke} strokeWidth={BORDER} />
      <text textAnchor="middle" dominantBaseline="central" fontSize={11} fontWeight="bold" fill={stroke}>
        {count > 9 ? '9+' : count}
      </text>
    </g>
  );
}
