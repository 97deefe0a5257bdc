/**
 * `backstage-plugin-latency-heatmap/core`: the wasm API with no React, for Node scripts, workers and the React
 * components of the package root alike.
 */
import * as wasm from './generated/latency_heatmap.js';
import { requireInit } from './loader';

export { initSync } from './loader';
export { isLatencyHeatmapError } from './errors';
export type { LatencyHeatmapError, LatencyHeatmapErrorCode } from './errors';

/**
 * Reads a duration as written in `catalog-info.yaml` annotations and in config (`300ms`, `1.5s`, `250us`, `5m`)
 * into milliseconds. Throws `INVALID_DURATION` for values like `"fast"`, `"-5ms"` or `""`.
 */
export function parseDuration(text: string): number {
  requireInit('parseDuration');
  return wasm.parseDuration(text);
}
