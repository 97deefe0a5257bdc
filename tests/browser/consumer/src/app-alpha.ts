// An app of the new frontend system with the plugin among its features (what `createApp({ features })` receives):
// the cards and the wasm must stay out of its initial chunk too.
import latencyHeatmapPlugin from 'backstage-plugin-latency-heatmap/alpha';

declare global {
  interface Window {
    latencyHeatmapFeatures?: unknown[];
  }
}

window.latencyHeatmapFeatures = [latencyHeatmapPlugin];
