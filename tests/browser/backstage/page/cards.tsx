// The page under test: the package's graph and alerts cards as an app's entity page would hold them, fed by a real
// LatencyHeatmapClient that polls the fixture Jaeger through the app's proxy with the user's token. No
// catalog-graph API is registered (as in a legacy app whose element tree lacks the host's own card), so the graph
// card must fall back to the host's default.
import React from 'react';
import { EntityLatencyAlertsCard, EntityLatencyHeatmapCard, latencyHeatmapApiRef } from 'backstage-plugin-latency-heatmap';
import { clientOf, mount } from './app';

void mount((data) => ({
  apis: [[latencyHeatmapApiRef, clientOf(data)]],
  children: (
    <>
      <EntityLatencyHeatmapCard maxDepth={Number.POSITIVE_INFINITY} height={700} />
      <EntityLatencyAlertsCard />
    </>
  ),
}));
