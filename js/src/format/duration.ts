/**
 * Milliseconds as people read them on a card or a page: `43 ms`, `4.2 ms`, `1.20 s`, `–` for no figure. Knows
 * nothing of what was measured; the figures come from the snapshot.
 */
import type { Snapshot } from '../core/types';

/** `4.2 ms` below 10 ms, `43 ms` up to a second, `1.20 s` from there; `–` when there is no figure. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** A snapshot's window: `last 300.00 s` for a window of 300 000 ms, `all traces` for `'all'`. */
export function formatWindow(window: Snapshot['window']): string {
  return window === 'all' ? 'all traces' : `last ${formatMs(window)}`;
}
