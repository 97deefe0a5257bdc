/**
 * An entry point's critical path as text: the one-line summary against its budget and each hop's share. The hops,
 * their times and the first hop over budget are the snapshot's.
 */
import type { CumulativeHop, EntryPoint } from '../core/types';
import { formatMs } from './duration';

/** `frontend: 812 ms along its critical path (budget 500 ms, over budget from checkout)`. */
export function criticalPathSummary(entry: Pick<EntryPoint, 'id' | 'budgetMs' | 'cumulative' | 'firstExceeded'>): string {
  const total = entry.cumulative[entry.cumulative.length - 1]?.cumulativeMs ?? null;
  const budget = entry.budgetMs === null ? 'no budget' : `budget ${formatMs(entry.budgetMs)}`;
  const over = entry.firstExceeded === null ? 'within budget' : `over budget from ${entry.firstExceeded}`;
  return `${entry.id}: ${formatMs(total)} along its critical path (${budget}, ${over})`;
}

/** `checkout: +43 ms → 120 ms`. */
export function hopText(hop: CumulativeHop): string {
  return `${hop.id}: +${formatMs(hop.ms)} → ${formatMs(hop.cumulativeMs)}`;
}
