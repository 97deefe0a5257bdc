/**
 * The cards as the legacy frontend system's component extensions of `latencyHeatmapPlugin`. Each is loaded with a
 * dynamic `import()`, so an app's initial chunk carries neither the cards nor, through them, the wasm core: both
 * arrive when an entity page first renders a card. It knows nothing of the cards' internals.
 */
import { createComponentExtension } from '@backstage/core-plugin-api';
import { latencyHeatmapPlugin } from './plugin';

/** `LatencyHeatmapGraphCard` for an entity page: `EntityCatalogGraphCard`'s props plus `heatmap`. */
export const EntityLatencyHeatmapCard = latencyHeatmapPlugin.provide(
  createComponentExtension({
    name: 'EntityLatencyHeatmapCard',
    component: {
      lazy: () => import('./components/LatencyHeatmapGraphCard').then((m) => m.LatencyHeatmapGraphCard),
    },
  }),
);

/** The table of latency alerts for the entity in context and its neighbours. */
export const EntityLatencyAlertsCard = latencyHeatmapPlugin.provide(
  createComponentExtension({
    name: 'EntityLatencyAlertsCard',
    component: {
      lazy: () => import('./components/EntityLatencyAlertsCard').then((m) => m.EntityLatencyAlertsCard),
    },
  }),
);
