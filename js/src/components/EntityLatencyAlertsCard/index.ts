export { EntityLatencyAlertsCard, type EntityLatencyAlertsCardProps } from './EntityLatencyAlertsCard';
