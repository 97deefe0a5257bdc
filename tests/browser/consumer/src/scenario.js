// What a consumer app does with the package; every environment of the matrix runs this same file and must get
// the result in ../expected.json.
import { initSync, isLatencyHeatmapError, parseDuration } from 'backstage-plugin-latency-heatmap/core';
import * as root from 'backstage-plugin-latency-heatmap';
import { firstStateWithBadInterval } from './lazy-core.js';

function codeOf(call) {
  try {
    call();
    return 'no error';
  } catch (error) {
    return isLatencyHeatmapError(error) ? error.code : `untyped: ${error}`;
  }
}

export async function runScenario() {
  const beforeInit = codeOf(() => parseDuration('1s'));
  initSync();
  initSync();
  return {
    beforeInit,
    // The root leaves the core's functions to `/core`, so importing it does not pull in the wasm.
    rootLeavesCoreToSlashCore: !('parseDuration' in root) && !('initSync' in root),
    durationMs: parseDuration('300 ms'),
    badDuration: codeOf(() => parseDuration('fast')),
    wrongType: codeOf(() => parseDuration(42)),
    pluginId: root.latencyHeatmapPlugin.getId(),
    apiRefId: root.latencyHeatmapApiRef.id,
    clientIsExported: typeof root.LatencyHeatmapClient === 'function' && typeof root.useEntityLatencyStatus === 'function',
    cardsAreExported: typeof root.EntityLatencyHeatmapCard === 'function' && typeof root.EntityLatencyAlertsCard === 'function',
    lazyCore: await firstStateWithBadInterval(),
  };
}
