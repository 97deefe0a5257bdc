/**
 * Errors the client delivers to its subscribers, in the core's shape (`name === 'LatencyHeatmapError'`, a stable
 * `code`), so `isLatencyHeatmapError` recognises them too. It does not know how they are shown.
 */
import type { PollFailure } from '../core';

export type LatencyHeatmapClientErrorCode =
  /** The `latencyHeatmap:` app-config section has a value that cannot be used; `key` names it. */
  | 'INVALID_CONFIG'
  /** The core refused a subscriber's view (`percentile`, `window`, … of a card): only that subscriber sees it. */
  | 'INVALID_VIEW'
  /** Every request of a poll round failed; `failures` lists them. The last good snapshot is kept, marked stale. */
  | 'POLL_FAILED'
  /** The catalog API could not load the subscribed entities. */
  | 'CATALOG_FAILED';

export interface LatencyHeatmapClientError extends Error {
  name: 'LatencyHeatmapError';
  code: LatencyHeatmapClientErrorCode;
  /** `INVALID_CONFIG`: the full config key, e.g. `latencyHeatmap.pollInterval`. */
  key?: string;
  /** `POLL_FAILED`: each failed request with why. */
  failures?: PollFailure[];
}

export function clientError(
  code: LatencyHeatmapClientErrorCode,
  message: string,
  details: { key?: string; failures?: PollFailure[] } = {},
): LatencyHeatmapClientError {
  const error = new Error(message) as LatencyHeatmapClientError;
  error.name = 'LatencyHeatmapError';
  error.code = code;
  if (details.key !== undefined) error.key = details.key;
  if (details.failures !== undefined) error.failures = details.failures;
  return error;
}

/** `INVALID_CONFIG` for `key` (relative to `latencyHeatmap`), the message saying what is wrong with it. */
export function invalidConfig(key: string, problem: string): LatencyHeatmapClientError {
  const full = key === '' ? 'latencyHeatmap' : `latencyHeatmap.${key}`;
  return clientError('INVALID_CONFIG', `${full}: ${problem}`, { key: full });
}
