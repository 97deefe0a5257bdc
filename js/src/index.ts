/**
 * `backstage-plugin-latency-heatmap`: the package root. The plugin, its API (ref, default client, the
 * `useEntityLatencyStatus` hook) and everything in `/core`, so one import serves both. The cards arrive next.
 */
export * from './core';
export * from './api';
export { useEntityLatencyStatus, entityLatencyStatus, type EntityLatencyStatus } from './hooks/useEntityLatencyStatus';
export { latencyHeatmapPlugin } from './plugin';
