export { LatencyHeatmapClient, type LatencyHeatmapClientOptions } from './LatencyHeatmapClient';
export { latencyHeatmapApiRef, type CatalogEntitiesApi, type LatencyHeatmapApi, type LatencyHeatmapListener, type LatencyHeatmapState } from './types';
export type { LatencyHeatmapClientError, LatencyHeatmapClientErrorCode } from './errors';
