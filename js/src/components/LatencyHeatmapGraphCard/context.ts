/**
 * What the card hands down to the boxes and edges the host renders for it (they are called by the host's graph, so
 * props cannot reach them): the client state, the calls per relation segment, the highlight, and the way a box
 * tells the card that its entity is in view. No drawing here.
 */
import { createContext, useContext } from 'react';
import type { LatencyHeatmapHighlight, LatencyHeatmapState } from '../../api/types';
import type { Alert, HeatEdge, HeatNode, Status, Swatch } from '../../core/types';

export interface HeatmapGraphContextValue {
  /** Undefined until the first state arrived. */
  state?: LatencyHeatmapState;
  /** `segmentKey(from, to)` → the calls that relation carries (`callsBySegment` of the entity-level snapshot). */
  segments: Map<string, HeatEdge[]>;
  highlight?: LatencyHeatmapHighlight;
  /** A box's entity is in view; returns the function that takes it out again. */
  register(entityRef: string): () => void;
}

export const HeatmapGraphContext = createContext<HeatmapGraphContextValue | undefined>(undefined);

export function useHeatmapGraph(): HeatmapGraphContextValue {
  const value = useContext(HeatmapGraphContext);
  if (value === undefined) throw new Error('a latency heat map box or edge was rendered outside LatencyHeatmapGraphCard');
  return value;
}

/**
 * The snapshot node drawn for an entity: a System's or Domain's from the group snapshots (their members' merged
 * judgement), anything else's from the entity-level snapshot. Undefined when the snapshot has no node for it.
 */
export function heatNodeOf(state: LatencyHeatmapState | undefined, entityRef: string): HeatNode | undefined {
  const ref = entityRef.toLowerCase();
  return snapshotOf(state, ref)?.nodes.find((node) => node.entityRef?.toLowerCase() === ref);
}

/**
 * How an entity's box is painted: its snapshot node's (`heatNodeOf`) status and colour, else, for an entity whose
 * Alertmanager alerts fire and that has no telemetry, the status the core put in its scorecard entry in the
 * snapshot's swatch for that status. Undefined when the snapshot judges it neither way, or only `unknown` (the box
 * stays neutral).
 */
export function boxLookOf(
  state: LatencyHeatmapState | undefined,
  entityRef: string,
  node: HeatNode | undefined,
): { status: Status; color: Swatch } | undefined {
  if (node !== undefined) return node;
  const snapshot = snapshotOf(state, entityRef.toLowerCase());
  const entry = snapshot?.scorecard[entityRef.toLowerCase()];
  if (snapshot === undefined || entry === undefined || entry.status === 'unknown') return undefined;
  return { status: entry.status, color: snapshot.statusSwatches[entry.status] };
}

/**
 * The Alertmanager alerts firing on an entity's box, from the same snapshot as its node: those on the entity, and
 * for a System or Domain those on its members (the core lists them under the group's node id).
 */
export function firingAlertsOf(state: LatencyHeatmapState | undefined, entityRef: string): Alert[] {
  const ref = entityRef.toLowerCase();
  return (snapshotOf(state, ref)?.alerts ?? []).filter(
    (alert) => alert.source === 'alertmanager' && (alert.id.toLowerCase() === ref || alert.entityRef.toLowerCase() === ref),
  );
}

function snapshotOf(state: LatencyHeatmapState | undefined, ref: string) {
  const kind = ref.slice(0, ref.indexOf(':'));
  return kind === 'system' ? state?.groups?.system : kind === 'domain' ? state?.groups?.domain : state?.snapshot;
}
