/**
 * `backstage-plugin-latency-heatmap/alpha`: the plugin for Backstage's new frontend system. The API through
 * `ApiBlueprint` (the same client and deps as the legacy plugin's factory) and both cards as `EntityCardBlueprint`
 * entity cards whose options come from `app.extensions` in app-config. The cards are lazy loaders, so the app's
 * initial chunk carries neither them nor the wasm. It knows nothing of the cards' internals beyond their props.
 */
import { ApiBlueprint, configApiRef, createFrontendPlugin, discoveryApiRef, identityApiRef } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { z } from 'zod/v4';
import { LatencyHeatmapClient } from './api/LatencyHeatmapClient';
import { catalogEntitiesApiRef, latencyHeatmapApiRef, type LatencyHeatmapView } from './api/types';

/** The kinds whose page shows a catalog graph worth colouring: the ones that carry or group calls (case-blind). */
const CARD_FILTER = { kind: { $in: ['component', 'api', 'resource', 'system', 'domain'] } };

/** The view options both cards take, as in the `latencyHeatmap:` app-config section (which sets their defaults). */
const viewSchema = {
  percentile: z.enum(['p50', 'p90', 'p95', 'p99']).optional(),
  window: z.string().optional(),
  palette: z.enum(['rag', 'viridis', 'cividis']).optional(),
  tolerance: z.enum(['conservative', 'moderate', 'aggressive']).optional(),
};

/** Only the keys that were set, so the cards' own defaults apply to the rest. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function view(config: LatencyHeatmapView): LatencyHeatmapView {
  const { percentile, window, palette, tolerance } = config;
  return defined({ percentile, window, palette, tolerance });
}

const latencyHeatmapApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: latencyHeatmapApiRef,
      deps: { configApi: configApiRef, discoveryApi: discoveryApiRef, identityApi: identityApiRef, catalogApi: catalogEntitiesApiRef },
      factory: (deps) => new LatencyHeatmapClient(deps),
    }),
});

/** `entity-card:latency-heatmap/graph`: the catalog graph coloured by latency. */
const latencyHeatmapGraphCard = EntityCardBlueprint.makeWithOverrides({
  name: 'graph',
  configSchema: {
    ...viewSchema,
    title: z.string().optional(),
    height: z.number().optional(),
    maxDepth: z.number().int().positive().optional(),
    kinds: z.array(z.string()).optional(),
    relations: z.array(z.string()).optional(),
    unidirectional: z.boolean().optional(),
    direction: z.enum(['TB', 'BT', 'LR', 'RL']).optional(),
    zoom: z.enum(['enabled', 'disabled', 'enable-on-click']).optional(),
  },
  factory(originalFactory, { config }) {
    const { title, height, maxDepth, kinds, relations, unidirectional, direction, zoom } = config;
    const props = { ...defined({ title, height, maxDepth, kinds, relations, unidirectional, direction, zoom }), heatmap: view(config) };
    return originalFactory({
      filter: CARD_FILTER,
      loader: () => import('./components/LatencyHeatmapGraphCard').then((m) => <m.LatencyHeatmapGraphCard {...props} />),
    });
  },
});

/** `entity-card:latency-heatmap/alerts`: the table of breaches around the entity. */
const latencyHeatmapAlertsCard = EntityCardBlueprint.makeWithOverrides({
  name: 'alerts',
  configSchema: {
    ...viewSchema,
    title: z.string().optional(),
    variant: z.enum(['gridItem', 'fullHeight']).optional(),
  },
  factory(originalFactory, { config }) {
    const props = { ...defined({ title: config.title, variant: config.variant }), heatmap: view(config) };
    return originalFactory({
      filter: CARD_FILTER,
      loader: () => import('./components/EntityLatencyAlertsCard').then((m) => <m.EntityLatencyAlertsCard {...props} />),
    });
  },
});

/** Add it to the app's `features`; the cards then show on entity pages (see `app.extensions` to configure them). */
export default createFrontendPlugin({
  pluginId: 'latency-heatmap',
  title: 'Latency heat map',
  info: { packageJson: () => import('../package.json') },
  extensions: [latencyHeatmapApi, latencyHeatmapGraphCard, latencyHeatmapAlertsCard],
});
