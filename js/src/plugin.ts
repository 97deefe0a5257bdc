/**
 * `latencyHeatmapPlugin` for Backstage's legacy frontend system: the plugin with its default API, the client that
 * polls through the app's proxy with the user's token. The cards are its extensions (extensions.tsx); `/alpha`
 * registers the same client for the new frontend system.
 */
import { configApiRef, createApiFactory, createPlugin, discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { LatencyHeatmapClient } from './api/LatencyHeatmapClient';
import { catalogEntitiesApiRef, latencyHeatmapApiRef } from './api/types';

export const latencyHeatmapPlugin = createPlugin({
  id: 'latency-heatmap',
  apis: [
    createApiFactory({
      api: latencyHeatmapApiRef,
      deps: { configApi: configApiRef, discoveryApi: discoveryApiRef, identityApi: identityApiRef, catalogApi: catalogEntitiesApiRef },
      factory: (deps) => new LatencyHeatmapClient(deps),
    }),
  ],
});
