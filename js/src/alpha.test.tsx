// @vitest-environment jsdom
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import plugin from './alpha';
import { latencyHeatmapApiRef } from './api/types';

// The cards stand in as their props: what is under test is how app-config becomes those props, not the cards.
vi.mock('./components/LatencyHeatmapGraphCard', () => ({
  LatencyHeatmapGraphCard: (props: object) => <pre data-testid="graph-card">{JSON.stringify(props)}</pre>,
}));
vi.mock('./components/EntityLatencyAlertsCard', () => ({
  EntityLatencyAlertsCard: (props: object) => <pre data-testid="alerts-card">{JSON.stringify(props)}</pre>,
}));

const graphCard = plugin.getExtension('entity-card:latency-heatmap/graph');
const alertsCard = plugin.getExtension('entity-card:latency-heatmap/alerts');

async function propsOf(element: JSX.Element, testId: string): Promise<unknown> {
  await renderInTestApp(element);
  return JSON.parse((await screen.findByTestId(testId)).textContent ?? '');
}

describe('latency-heatmap for the new frontend system', () => {
  afterEach(cleanup);

  it('is the latency-heatmap plugin with the API and both entity cards', () => {
    expect(plugin.pluginId).toBe('latency-heatmap');
    expect(plugin.title).toBe('Latency heat map');
    const ids = ['api:latency-heatmap', 'entity-card:latency-heatmap/graph', 'entity-card:latency-heatmap/alerts'] as const;
    expect(ids.map((id) => String(plugin.getExtension(id)))).toEqual([
      'ExtensionDefinition{kind=api,attachTo=root@apis}',
      'ExtensionDefinition{kind=entity-card,name=graph,attachTo=entity-content:catalog/overview@cards}',
      'ExtensionDefinition{kind=entity-card,name=alerts,attachTo=entity-content:catalog/overview@cards}',
    ]);
  });

  it('provides latencyHeatmapApiRef from config, discovery, identity and the catalog', () => {
    const factory = createExtensionTester(plugin.getExtension('api:latency-heatmap')).get(ApiBlueprint.dataRefs.factory);
    expect(factory.api).toBe(latencyHeatmapApiRef);
    expect(Object.fromEntries(Object.entries(factory.deps).map(([name, ref]) => [name, ref.id]))).toEqual({
      configApi: 'core.config',
      discoveryApi: 'core.discovery',
      identityApi: 'core.identity',
      catalogApi: 'plugin.catalog.service',
    });
  });

  it('shows both cards on components, APIs, resources, systems and domains only', () => {
    for (const card of [graphCard, alertsCard] as (typeof graphCard)[]) {
      const shows = createExtensionTester(card).get(EntityCardBlueprint.dataRefs.filterFunction) as (entity: object) => boolean;
      const kinds = ['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template'];
      expect(kinds.filter((kind) => shows({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name: 'x' } }))).toEqual([
        'Component',
        'API',
        'Resource',
        'System',
        'Domain',
      ]);
    }
  });

  it('renders the graph card with no options when app-config sets none', async () => {
    expect(await propsOf(createExtensionTester(graphCard).reactElement(), 'graph-card')).toEqual({ heatmap: {} });
  });

  it('passes the graph card its app-config options, the view ones as `heatmap`', async () => {
    const config = { percentile: 'p99', window: '1m', palette: 'viridis', tolerance: 'aggressive', title: 'Latency', height: 600, maxDepth: 2, direction: 'LR', unidirectional: false } as const;
    expect(await propsOf(createExtensionTester(graphCard, { config }).reactElement(), 'graph-card')).toEqual({
      title: 'Latency',
      height: 600,
      maxDepth: 2,
      unidirectional: false,
      direction: 'LR',
      heatmap: { percentile: 'p99', window: '1m', palette: 'viridis', tolerance: 'aggressive' },
    });
  });

  it('passes the alerts card its title, variant and view', async () => {
    const config = { title: 'Breaches', variant: 'fullHeight', percentile: 'p50' } as const;
    expect(await propsOf(createExtensionTester(alertsCard, { config }).reactElement(), 'alerts-card')).toEqual({
      title: 'Breaches',
      variant: 'fullHeight',
      heatmap: { percentile: 'p50' },
    });
  });

  it('refuses an option outside its schema, naming the extension and the key', () => {
    const tester = createExtensionTester(graphCard, { config: { percentile: 'p42' } as never });
    expect(() => tester.get(EntityCardBlueprint.dataRefs.filterFunction)).toThrow(
      "Failed to resolve the extension tree: Invalid configuration for extension 'entity-card:latency-heatmap/graph'; " +
        'caused by Error: Invalid option: expected one of "p50"|"p90"|"p95"|"p99" at \'percentile\'',
    );
  });
});
