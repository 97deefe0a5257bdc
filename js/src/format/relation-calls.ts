/**
 * Which observed calls a catalog relation edge carries: the relation `from → to` whose entity refs equal a call's
 * (`fromEntityRef`, `toEntityRef`), or one of the two segments `consumer → API` and `API → provider` of a call the
 * catalog declares through that API (`viaApis`). It picks among the snapshot's verdicts (the worst status shows);
 * it judges nothing itself and knows nothing of drawing.
 */
import type { HeatEdge, Status } from '../core/types';

/** The key of a relation segment: both refs lower-cased, as the host's refs and the snapshot's may differ in case. */
export function segmentKey(from: string, to: string): string {
  return `${from.toLowerCase()}\n${to.toLowerCase()}`;
}

/** Every segment a call colours: its own (from, to), and consumer → API → provider for each API it goes through. */
export function callsBySegment(edges: readonly HeatEdge[]): Map<string, HeatEdge[]> {
  const segments = new Map<string, HeatEdge[]>();
  const add = (from: string, to: string, edge: HeatEdge) => {
    const key = segmentKey(from, to);
    const list = segments.get(key);
    if (list === undefined) segments.set(key, [edge]);
    else if (!list.includes(edge)) list.push(edge);
  };
  for (const edge of edges) {
    if (edge.fromEntityRef === null || edge.toEntityRef === null) continue;
    add(edge.fromEntityRef, edge.toEntityRef, edge);
    for (const api of edge.viaApis) {
      add(edge.fromEntityRef, api, edge);
      add(api, edge.toEntityRef, edge);
    }
  }
  return segments;
}

const SEVERITY: Record<Status, number> = { red: 3, amber: 2, green: 1, unknown: 0 };

/** The call a segment shows when it carries several: the worst status, then the highest score, then the first. */
export function worstCall(calls: readonly HeatEdge[]): HeatEdge | undefined {
  let worst: HeatEdge | undefined;
  for (const call of calls) {
    if (worst === undefined) worst = call;
    else {
      const bySeverity = SEVERITY[call.status] - SEVERITY[worst.status];
      if (bySeverity > 0 || (bySeverity === 0 && (call.score ?? -1) > (worst.score ?? -1))) worst = call;
    }
  }
  return worst;
}
