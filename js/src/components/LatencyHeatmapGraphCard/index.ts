export { LatencyHeatmapGraphCard, type LatencyHeatmapGraphCardProps } from './LatencyHeatmapGraphCard';
