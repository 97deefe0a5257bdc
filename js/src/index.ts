/**
 * `backstage-plugin-latency-heatmap`: the package root. The Backstage React components are exported from here as
 * they arrive; everything in `/core` is re-exported so one import serves both.
 */
export * from './core';
