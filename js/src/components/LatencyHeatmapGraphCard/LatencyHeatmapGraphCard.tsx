/**
 * `LatencyHeatmapGraphCard`: the host's `EntityCatalogGraphCard` (all its props forwarded) with our boxes and
 * edges coloured by the latency heat map, a header to change the percentile and window, and the legend, warnings
 * and undeclared calls around it. The entities in view are the card's and every one the host draws; the card
 * subscribes for all of them at once (debounced as the host's boxes come and go). Nothing is judged here.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityCatalogGraphCard, type EntityEdge, type EntityNode } from '@backstage/plugin-catalog-graph';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { DependencyGraphTypes } from '@backstage/core-components';
import { useCallback, useEffect, useMemo, useRef, useState, type ComponentProps } from 'react';
import { latencyHeatmapApiRef, type LatencyHeatmapHighlight, type LatencyHeatmapView } from '../../api/types';
import { callsBySegment, segmentKey } from '../../format';
import { useLatencyHeatmap } from '../../hooks/useLatencyHeatmap';
import { CardHeader } from './CardHeader';
import { CallEdge } from './CallEdge';
import { CatalogGraphApiFallback } from './CatalogGraphApiFallback';
import { HeatmapGraphContext, type HeatmapGraphContextValue } from './context';
import { EntityBox } from './EntityBox';
import { DriftPanel, Legend, WarningsPanel } from './HeatPanels';

/** The host card's props, forwarded (`renderNode` and `renderEdge` are the card's own; `unidirectional` defaults to false). */
export type LatencyHeatmapGraphCardProps = ComponentProps<typeof EntityCatalogGraphCard> & {
  /** The view the card starts with; its header changes the percentile and the window. */
  heatmap?: LatencyHeatmapView;
};

/** How long the card waits for the host's boxes to settle before subscribing for the entities in view. */
const REGISTER_DEBOUNCE_MS = 100;

const renderNode = ({ node }: DependencyGraphTypes.RenderNodeProps<EntityNode>) => <EntityBox node={node} />;
// The host maps edges without keys: the key is ours to give.
const renderEdge = ({ edge }: DependencyGraphTypes.RenderEdgeProps<EntityEdge>) => <CallEdge key={segmentKey(edge.from, edge.to)} edge={edge} />;

/** The refs of the boxes on screen, renewed at most once per debounce, as a sorted array. */
function useEntitiesInView(): [string[], (ref: string) => () => void] {
  const counts = useRef(new Map<string, number>());
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [refs, setRefs] = useState<string[]>([]);
  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const next = [...counts.current.keys()].sort();
      setRefs((previous) => (previous.join('\n') === next.join('\n') ? previous : next));
    }, REGISTER_DEBOUNCE_MS);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  const register = useCallback(
    (ref: string) => {
      const key = ref.toLowerCase();
      counts.current.set(key, (counts.current.get(key) ?? 0) + 1);
      schedule();
      return () => {
        const left = (counts.current.get(key) ?? 1) - 1;
        if (left === 0) counts.current.delete(key);
        else counts.current.set(key, left);
        schedule();
      };
    },
    [schedule],
  );
  return [refs, register];
}

function useHighlight(): LatencyHeatmapHighlight | undefined {
  const api = useApi(latencyHeatmapApiRef);
  const [highlight, setHighlight] = useState<LatencyHeatmapHighlight>();
  useEffect(() => api.subscribeHighlight(setHighlight), [api]);
  return highlight;
}

function HeatmapGraph({ heatmap, action, ...hostProps }: LatencyHeatmapGraphCardProps) {
  const { entity } = useEntity();
  const [view, setView] = useState<LatencyHeatmapView>(heatmap ?? {});
  const [inView, register] = useEntitiesInView();
  const entityRef = stringifyEntityRef(entity);
  const refs = useMemo(() => [entityRef, ...inView], [entityRef, inView]);
  const state = useLatencyHeatmap(refs, view);
  const highlight = useHighlight();
  const segments = useMemo(() => callsBySegment(state?.snapshot?.edges ?? []), [state?.snapshot]);
  const context = useMemo<HeatmapGraphContextValue>(() => ({ state, segments, highlight, register }), [state, segments, highlight, register]);

  return (
    <HeatmapGraphContext.Provider value={context}>
      {state === undefined && <Progress />}
      {state?.error !== undefined && state.snapshot === undefined && <ResponseErrorPanel error={state.error} />}
      {state?.error !== undefined && state.snapshot !== undefined && (
        <WarningPanel severity="error" title="The latest round failed: showing the last good data" message={state.error.message} />
      )}
      <EntityCatalogGraphCard
        unidirectional={false}
        {...hostProps}
        renderNode={renderNode}
        renderEdge={renderEdge}
        action={
          <>
            <CardHeader view={view} onView={setView} state={state} />
            {action}
          </>
        }
      />
      {/* Under the graph it explains, as a chart's legend is; the host card has no slot of its own for it. */}
      <Legend snapshot={state?.snapshot} />
      <WarningsPanel warnings={state?.warnings ?? []} />
      <DriftPanel snapshot={state?.snapshot} />
    </HeatmapGraphContext.Provider>
  );
}

export function LatencyHeatmapGraphCard(props: LatencyHeatmapGraphCardProps) {
  return (
    <div data-testid="latency-heatmap-graph-card">
      <CatalogGraphApiFallback>
        <HeatmapGraph {...props} />
      </CatalogGraphApiFallback>
    </div>
  );
}
