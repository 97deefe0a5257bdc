/**
 * `backstage-plugin-latency-heatmap`: the package root for Backstage's legacy frontend system. The plugin, its cards
 * (lazy component extensions), its API (ref, default client) and hooks, and the types of `/core`.
 *
 * The core's functions (`initSync`, `parseDuration`, `HeatMap`, …) are not re-exported here: a static re-export
 * would put the inlined wasm into every app's initial chunk. The client loads the core on its first subscription;
 * scripts and tests that call it directly import `backstage-plugin-latency-heatmap/core`.
 */
export type * from './core';
export * from './api';
// The view a card judges with and the highlight channel between cards, named by the cards' props.
export type { LatencyHeatmapView, LatencyHeatmapHighlight, LatencyHeatmapHighlightListener } from './api/types';
export { useEntityLatencyStatus, entityLatencyStatus, type EntityLatencyStatus } from './hooks/useEntityLatencyStatus';
export { useLatencyHeatmap } from './hooks/useLatencyHeatmap';
export { latencyHeatmapPlugin } from './plugin';
export { EntityLatencyHeatmapCard, EntityLatencyAlertsCard } from './extensions';
export type { LatencyHeatmapGraphCardProps } from './components/LatencyHeatmapGraphCard';
export type { EntityLatencyAlertsCardProps } from './components/EntityLatencyAlertsCard';
