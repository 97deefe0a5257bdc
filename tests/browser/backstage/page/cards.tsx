// The page under test: the package's graph and alerts cards as an app's entity page would hold them, fed by a real
// LatencyHeatmapClient that polls the fixture Jaeger through the app's proxy with the user's token. No
// catalog-graph API is registered (as in a legacy app whose element tree lacks the host's own card), so the graph
// card must fall back to the host's default.
import React from 'react';
import { ConfigReader } from '@backstage/config';
import { EntityLatencyAlertsCard, EntityLatencyHeatmapCard, LatencyHeatmapClient, latencyHeatmapApiRef } from 'backstage-plugin-latency-heatmap';
import { catalogApiOf, mount } from './app';

void mount(({ catalog, config, proxyBaseUrl, token }) => {
  const client = new LatencyHeatmapClient({
    configApi: new ConfigReader(config),
    discoveryApi: { getBaseUrl: async (pluginId: string) => (pluginId === 'proxy' ? proxyBaseUrl : `${proxyBaseUrl}/${pluginId}`) },
    identityApi: { getCredentials: async () => ({ token }) },
    catalogApi: catalogApiOf(catalog),
  });
  return {
    apis: [[latencyHeatmapApiRef, client]],
    children: (
      <>
        <EntityLatencyHeatmapCard maxDepth={Number.POSITIVE_INFINITY} height={700} />
        <EntityLatencyAlertsCard />
      </>
    ),
  };
});
