// @vitest-environment jsdom
/**
 * `EntityLatencyAlertsCard` inside Backstage's `TestApiProvider` and `EntityProvider`, fed by an API whose states
 * hold snapshots the real core computed from the shop fixture (`tests/fixtures/otel-sdk/jaeger.json` against
 * `tests/fixtures/catalog/otel-shop.json`, error rates judged at 5 %): which alerts are listed, their cells, sorting,
 * the highlight channel, and the loading, error, empty and stale states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { TestApiProvider, wrapInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HeatMap, initSync, type Snapshot } from '../../core';
import { latencyHeatmapApiRef, type LatencyHeatmapApi, type LatencyHeatmapListener, type LatencyHeatmapState, type LatencyHeatmapView } from '../../api/types';
import { EntityLatencyAlertsCard, type EntityLatencyAlertsCardProps } from './EntityLatencyAlertsCard';

// Text, not a Buffer: under jsdom a Node Buffer is a Uint8Array of another realm, which the core does not read as bytes.
const jaegerText = readFileSync(join(import.meta.dirname, '../../../../tests/fixtures/otel-sdk/jaeger.json'), 'utf8');
const shopText = readFileSync(join(import.meta.dirname, '../../../../tests/fixtures/catalog/otel-shop.json'), 'utf8');
const shop = JSON.parse(shopText) as { items: Entity[] };
const jaeger = JSON.parse(jaegerText) as { data: unknown[] };

/**
 * The entity-level snapshots after the first half of the traces and after all of them: breaches that were already
 * there in the first keep its time as `since`.
 */
function shopSnapshots(): [Snapshot, Snapshot] {
  const map = new HeatMap({ window: 'all', defaults: { errorRate: 0.05 } });
  try {
    map.setCatalog(shopText);
    const half = Math.floor(jaeger.data.length / 2);
    map.ingestJaeger(JSON.stringify({ data: jaeger.data.slice(0, half) }));
    const first = map.snapshot({ level: 'component', entryPoints: false });
    map.ingestJaeger(JSON.stringify({ data: jaeger.data.slice(half) }));
    return [first, map.snapshot({ level: 'component', entryPoints: false })];
  } finally {
    map.free();
  }
}

/** An API whose test decides when states arrive, and which records highlights. */
function manualApi() {
  const subscriptions: { refs: string[]; view?: LatencyHeatmapView; listener: LatencyHeatmapListener }[] = [];
  const highlight = vi.fn<LatencyHeatmapApi['highlight']>();
  const api: LatencyHeatmapApi = {
    subscribe(refs, listener, view) {
      const subscription = { refs: [...refs], view, listener };
      subscriptions.push(subscription);
      return () => void subscriptions.splice(subscriptions.indexOf(subscription), 1);
    },
    highlight,
    subscribeHighlight: () => () => {},
  };
  const deliver = (state: LatencyHeatmapState) => act(() => subscriptions.forEach((subscription) => subscription.listener(state)));
  return { api, subscriptions, highlight, deliver };
}

/** The shop's checkout, with the relations the catalog backend would have stitched. */
function checkout(title?: string): Entity {
  const entity = shop.items.find((item) => item.metadata.name === 'checkout') as Entity;
  return {
    ...entity,
    metadata: { ...entity.metadata, ...(title === undefined ? {} : { title }) },
    relations: [
      { type: 'partOf', targetRef: 'system:default/orders' },
      { type: 'ownedBy', targetRef: 'group:default/team-orders' },
      { type: 'providesApi', targetRef: 'api:default/checkout-api' },
      { type: 'consumesApi', targetRef: 'api:default/payments-api' },
      { type: 'dependsOn', targetRef: 'resource:default/orders-db' },
      { type: 'dependsOn', targetRef: 'component:default/shipping' },
    ],
  };
}

function renderCard(entity: Entity, props: EntityLatencyAlertsCardProps = {}) {
  const harness = manualApi();
  const view = render(
    wrapInTestApp(
      <TestApiProvider apis={[[latencyHeatmapApiRef, harness.api]]}>
        <EntityProvider entity={entity}>
          <EntityLatencyAlertsCard {...props} />
        </EntityProvider>
      </TestApiProvider>,
    ),
  );
  return { ...harness, ...view };
}

const rows = () => screen.queryAllByTestId('latency-heatmap-alert');
const ids = () => rows().map((row) => `${row.getAttribute('data-alert-kind')} ${row.getAttribute('data-alert-id')} ${row.getAttribute('data-alert-metric')}`);
const cells = () => rows().map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));

beforeAll(() => initSync());

describe('EntityLatencyAlertsCard', () => {
  it('probe', () => {
    const [first, second] = shopSnapshots();
    console.log(first.generatedAt, second.generatedAt);
    for (const a of second.alerts) console.log(JSON.stringify(a));
    const { deliver, subscriptions } = renderCard(checkout());
    console.log(JSON.stringify(subscriptions.map((s) => [s.refs, s.view])));
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });
    console.log(ids());
    console.log(JSON.stringify(cells()));
  });
});
