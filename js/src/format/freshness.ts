/**
 * How old the figures on a card are, as people read it: `updated 12 s ago`, `stale since 14:02 — showing last good
 * data`. Knows nothing of polling; the times are the client state's (`updatedAt`, `staleSince`).
 */

/** `4 s`, `12 min`, `3 h`: whole units, rounded down, never negative. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`;
}

/** A wall-clock time in the viewer's time zone, `14:02`. */
export function formatClock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** The freshness line of a card at `now`. */
export function freshnessText(state: { stale: boolean; updatedAt?: number; staleSince?: number }, now: number): string {
  if (state.stale) {
    const since = state.staleSince === undefined ? 'stale' : `stale since ${formatClock(state.staleSince)}`;
    return state.updatedAt === undefined ? `${since} — no data yet` : `${since} — showing last good data`;
  }
  return state.updatedAt === undefined ? 'waiting for the first data' : `updated ${formatAge(now - state.updatedAt)} ago`;
}
