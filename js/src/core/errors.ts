/**
 * The one error shape of the package. Errors raised inside the wasm module and errors raised by this shim both
 * arrive as an `Error` with `name === 'LatencyHeatmapError'` and a stable `code`.
 */
export type LatencyHeatmapErrorCode =
  /** A function was called before `initSync()`. */
  | 'NOT_INITIALIZED'
  /** An object was used after `free()`. */
  | 'FREED'
  /**
   * An argument had the wrong type or shape (a config value of the wrong JSON type included, named with its path:
   * `ewmaHalfLife: invalid type: sequence, …`), or reading it threw: a throwing getter or Proxy trap, a cyclic
   * object, a detached `ArrayBuffer` (`reading it threw TypeError: …`). The `HeatMap` stays usable either way.
   */
  | 'INVALID_ARGUMENT'
  /** A duration string such as `"fast"` or `"-5ms"` could not be read. */
  | 'INVALID_DURATION'
  /**
   * The `HeatMap` config has a value of the right type that cannot be used; the message names the field with its
   * path (`defaults.latencySlo: …`).
   */
  | 'INVALID_CONFIG'
  /** `layoutGraph` was given a graph it cannot lay out (unknown edge endpoint, duplicate id, NaN size…). */
  | 'INVALID_GRAPH'
  /** `poll(source)` was called while a poll of the same `HeatMap` was still running. */
  | 'POLL_IN_PROGRESS';

export interface LatencyHeatmapError extends Error {
  name: 'LatencyHeatmapError';
  code: LatencyHeatmapErrorCode;
}

export function isLatencyHeatmapError(value: unknown): value is LatencyHeatmapError {
  return value instanceof Error && value.name === 'LatencyHeatmapError' && typeof (value as { code?: unknown }).code === 'string';
}

/** Raises an error of the same shape as those the wasm module raises. */
export function latencyHeatmapError(code: LatencyHeatmapErrorCode, message: string): LatencyHeatmapError {
  const error = new Error(message) as LatencyHeatmapError;
  error.name = 'LatencyHeatmapError';
  error.code = code;
  return error;
}
