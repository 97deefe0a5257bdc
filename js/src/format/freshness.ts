/**
 * How old the figures on a card are, as people read it: `updated 12 s ago`, `stale since 14:02 — showing last good
 * data`, and why in a few words (`all 3 queries failed: HTTP 503`). Knows nothing of polling; the times and failures
 * are the client state's (`updatedAt`, `staleSince`, `error.failures`).
 */

/** `4 s`, `12 min`, `2 h 5 min`, `3 d 4 h`: whole units, rounded down, never negative. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return `${days} d ${hours % 24} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return minutes > 0 ? `${minutes} min` : `${seconds} s`;
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

/** How many distinct reasons a failure summary names before it says how many more there are. */
const NAMED_REASONS = 2;

/**
 * Why a round failed, short enough for a subtitle: the distinct reasons of the failed requests without their URLs
 * (`all 3 queries failed: HTTP 503`), or the error's message when it lists no requests.
 */
export function failureSummary(error: { message: string; failures?: { reason: string }[] }): string {
  const failures = error.failures ?? [];
  if (failures.length === 0) return error.message;
  const reasons = [...new Set(failures.map((failure) => failure.reason))];
  const named = reasons.slice(0, NAMED_REASONS).join('; ');
  const more = reasons.length > NAMED_REASONS ? ` (and ${reasons.length - NAMED_REASONS} other reasons)` : '';
  const subject = failures.length === 1 ? 'the query failed' : `all ${failures.length} queries failed`;
  return `${subject}: ${named}${more}`;
}
