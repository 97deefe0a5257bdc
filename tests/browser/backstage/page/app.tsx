// What the test pages share: the page data the test writes beside the bundle (catalog, app-config, proxy base URL,
// user token), the catalog API answering from it, the package's real client configured from it, and the app around a
// card as Backstage's test utilities build it (routes for entity and catalog-graph links). It renders no card.
import '@backstage/ui/css/styles.css';
import React, { type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { stringifyEntityRef, type Entity, type CompoundEntityRef } from '@backstage/catalog-model';
import { TestApiProvider, wrapInTestApp } from '@backstage/test-utils';
import { catalogApiRef, EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogGraphRouteRef } from '@backstage/plugin-catalog-graph';
import { ConfigReader } from '@backstage/config';
import { LatencyHeatmapClient } from 'backstage-plugin-latency-heatmap';

export interface PageData {
  catalog: Entity[];
  rootRef: string;
  config: { latencyHeatmap: Record<string, unknown> };
  proxyBaseUrl: string;
  token: string;
}

export async function loadPageData(): Promise<PageData> {
  const response = await fetch('./page-data.json');
  if (!response.ok) throw new Error(`page-data.json: HTTP ${response.status}`);
  return response.json();
}

/** The parts of `CatalogApi` the host graph and the heat-map client call, answered from the page's catalog. */
export function catalogApiOf(catalog: Entity[]) {
  const byRef = new Map(catalog.map((entity) => [stringifyEntityRef(entity).toLowerCase(), entity]));
  const key = (ref: string | CompoundEntityRef) => (typeof ref === 'string' ? ref : stringifyEntityRef(ref)).toLowerCase();
  return {
    getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({ items: entityRefs.map((ref) => byRef.get(key(ref))) }),
    getEntityByRef: async (ref: string | CompoundEntityRef) => byRef.get(key(ref)),
    getEntities: async () => ({ items: catalog }),
  };
}

/**
 * The package's default client as `latencyHeatmapPlugin`'s factory builds it, with the app's proxy at the fixture
 * server (discovery) and the signed-in user's token (identity).
 */
export function clientOf({ catalog, config, proxyBaseUrl, token }: PageData): LatencyHeatmapClient {
  return new LatencyHeatmapClient({
    configApi: new ConfigReader(config),
    discoveryApi: { getBaseUrl: async (pluginId: string) => `${proxyBaseUrl}${pluginId === 'proxy' ? '' : `/${pluginId}`}` },
    identityApi: { getCredentials: async () => ({ token }) },
    catalogApi: catalogApiOf(catalog),
  });
}

/** Mounts `children` (given the page data) inside the test app, the extra APIs and the root entity's provider. */
export async function mount(render: (data: PageData) => { apis: [unknown, unknown][]; children: ReactNode }) {
  const data = await loadPageData();
  const entity = data.catalog.find((candidate) => stringifyEntityRef(candidate).toLowerCase() === data.rootRef);
  if (!entity) throw new Error(`${data.rootRef} is not in the page's catalog`);
  const { apis, children } = render(data);
  const element = wrapInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalogApiOf(data.catalog)], ...apis] as never}>
      <EntityProvider entity={entity}>{children}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, '/catalog-graph': catalogGraphRouteRef } },
  );
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(element);
}
