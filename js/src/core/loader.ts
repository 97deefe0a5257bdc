/**
 * Instantiates the wasm module once, synchronously, from bytes inlined in the package.
 *
 * Inlining (instead of wasm-bindgen's `new URL('…wasm', import.meta.url)`) is what lets the package load with no
 * bundler configuration in Backstage's rspack and webpack builds, in Jest's CommonJS transform and in Node.
 */
import { initSync as instantiate } from './generated/latency_heatmap.js';
import { wasmBase64 } from './generated/wasm_inline.js';
import { latencyHeatmapError } from './errors';

let initialized = false;

/** Instantiates the wasm module. Idempotent: later calls return at once. */
export function initSync(): void {
  if (initialized) return;
  instantiate({ module: decodeBase64(wasmBase64) });
  initialized = true;
}

/** Throws `NOT_INITIALIZED` unless `initSync()` has run, so no call reaches an uninstantiated module. */
export function requireInit(caller: string): void {
  if (!initialized) {
    throw latencyHeatmapError('NOT_INITIALIZED', `${caller}: call initSync() before using the latency heat map`);
  }
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
