// Harness self-test of the data path, without any card: the package's real LatencyHeatmapClient in Chromium polls
// the fixture Jaeger through the app's proxy (cross-origin: CORS preflight, the user's bearer token) for every
// entity of the page's catalog, and each state it hands its subscriber is kept on `window.latencyHeatmapStates`,
// reduced to what the cards draw (status and colour per node and edge, freshness).
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { LatencyHeatmapState } from 'backstage-plugin-latency-heatmap';
import { clientOf, loadPageData } from './app';

declare global {
  interface Window {
    latencyHeatmapStates: unknown[];
  }
}

window.latencyHeatmapStates = [];

void loadPageData().then((data) => {
  const client = clientOf(data);
  const refs = data.catalog.map((entity) => stringifyEntityRef(entity).toLowerCase());
  client.subscribe(refs, (state: LatencyHeatmapState) => {
    window.latencyHeatmapStates.push({
      stale: state.stale,
      updatedAt: state.updatedAt ?? null,
      error: state.error?.code ?? null,
      nodes: state.snapshot?.nodes.map((node) => ({ entityRef: node.entityRef, id: node.id, status: node.status, fill: node.color.fill })) ?? null,
      edges: state.snapshot?.edges.map((edge) => ({ id: edge.id, status: edge.status, fill: edge.color.fill })) ?? null,
    });
  });
});
