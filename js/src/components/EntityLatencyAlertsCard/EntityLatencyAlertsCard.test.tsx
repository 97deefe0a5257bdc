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
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initSync, type Alert, type Snapshot } from '../../core';
import { latencyHeatmapApiRef, type LatencyHeatmapApi, type LatencyHeatmapListener, type LatencyHeatmapState, type LatencyHeatmapView } from '../../api/types';
import { clientError } from '../../api/errors';
import { EntityLatencyAlertsCard, type EntityLatencyAlertsCardProps } from './EntityLatencyAlertsCard';
import { withHeatMap } from '../../testing';

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
  return withHeatMap({ window: 'all', defaults: { errorRate: 0.05 } }, (map) => {
    map.setCatalog(shopText);
    const half = Math.floor(jaeger.data.length / 2);
    map.ingestJaeger(JSON.stringify({ data: jaeger.data.slice(0, half) }));
    const first = map.snapshot({ level: 'entity', entryPoints: false });
    map.ingestJaeger(JSON.stringify({ data: jaeger.data.slice(half) }));
    return [first, map.snapshot({ level: 'entity', entryPoints: false })];
  });
}

/**
 * The entity-level snapshot of all the traces with an Alertmanager answer: a critical on checkout, a warning on
 * shipping (a neighbour), an alert without severity on the unrelated email, and one silenced on checkout; every
 * text of the critical's is markup.
 */
function withAlertmanager(hostile: string): Snapshot {
  const item = (fingerprint: string, labels: Record<string, string>, annotations: Record<string, string>, silenced = false) => ({
    labels,
    annotations,
    fingerprint,
    receivers: [],
    startsAt: '2026-12-03T08:41:30Z',
    status: { state: silenced ? 'suppressed' : 'active', silencedBy: silenced ? ['s1'] : [], inhibitedBy: [] },
  });
  return withHeatMap({ window: 'all', defaults: { errorRate: 0.05 } }, (map) => {
    map.setCatalog(shopText);
    map.ingestJaeger(jaegerText);
    const report = map.ingestAlertmanager([
      item('a1b2c3d4e5f60718', { alertname: hostile, service: 'checkout', severity: 'critical' }, { summary: hostile, description: hostile }),
      item('0f1e2d3c4b5a6978', { alertname: 'ShippingQueue', service: 'shipping', severity: 'warning' }, {}),
      item('1111111111111111', { alertname: 'EmailSlow', service: 'email' }, {}),
      item('2222222222222222', { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' }, {}, true),
    ]);
    expect(report).toMatchObject({ firing: 3, mapped: 3, silenced: 1 });
    return map.snapshot({ level: 'entity', entryPoints: false });
  });
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
// Without vitest globals Testing Library does not unmount by itself.
afterEach(cleanup);

const CHECKOUT_ROWS = [
  'edge component:default/checkout→component:default/shipping:async edgeSlo',
  'node component:default/checkout errorRate',
  'edge component:default/checkout→component:default/payment:sync errorRate',
  'edge component:default/frontend→component:default/checkout:sync errorRate',
  'node component:default/shipping latencySlo',
  'edge component:default/checkout→component:default/payment:sync edgeSlo',
  'node component:default/checkout latencySlo',
];

const CHECKOUT_CELLS = [
  ['critical', 'checkout → shipping', 'call SLO', '50 ms / 10 ms', 'p95', '19 s ago'],
  ['critical', 'checkout', 'error rate', '12.5 % / 5.0 %', '–', '19 s ago'],
  ['critical', 'checkout → payment', 'error rate', '12.5 % / 5.0 %', '–', '19 s ago'],
  ['critical', 'frontend → checkout', 'error rate', '12.5 % / 5.0 %', '–', '19 s ago'],
  ['critical', 'shipping', 'latency SLO', '12 ms / 10 ms', 'p95', '19 s ago'],
  ['critical', 'checkout → payment', 'call SLO', '29 ms / 25 ms', 'p95', '19 s ago'],
  ['warning', 'checkout', 'latency SLO', '43 ms / 50 ms', 'p95', '19 s ago'],
];

const target = (kind: 'node' | 'edge', id: string, entityRef: string, targetRef: string | null) => ({ kind, id, entityRef, targetRef });
const SHIPPING_CALL = target('edge', 'component:default/checkout→component:default/shipping:async', 'component:default/checkout', 'component:default/shipping');
const PAYMENT_CALL = target('edge', 'component:default/checkout→component:default/payment:sync', 'component:default/checkout', 'component:default/payment');
const SHIPPING = target('node', 'component:default/shipping', 'component:default/shipping', null);

const failedUrls = ['checkout', 'cart'].map((service) => `http://127.0.0.1/api/proxy/jaeger/api/traces?service=${service}`);
const pollFailed = () =>
  clientError('POLL_FAILED', `latencyHeatmap: every query of the poll failed: ${failedUrls.map((url) => `${url}: HTTP 503`).join('; ')}`, {
    failures: failedUrls.map((url) => ({ url, code: 'poll.http-status' as const, reason: 'HTTP 503' })),
  });

describe('EntityLatencyAlertsCard', () => {
  it('subscribes for the entity and its neighbours and lists their alerts in the snapshot order, with every cell', () => {
    const [first, second] = shopSnapshots();
    const { deliver, subscriptions } = renderCard(checkout());
    expect(subscriptions.map((subscription) => subscription.refs)).toEqual([
      [
        'api:default/checkout-api',
        'api:default/payments-api',
        'component:default/checkout',
        'component:default/shipping',
        'group:default/team-orders',
        'resource:default/orders-db',
        'system:default/orders',
      ],
    ]);
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });

    // Twelve alerts in the snapshot; frontend's and payment's own, user → frontend and cart → cart-cache touch neither
    // checkout nor a neighbour.
    expect(second.alerts).toHaveLength(12);
    expect(ids()).toEqual(CHECKOUT_ROWS);
    expect(cells()).toEqual(CHECKOUT_CELLS);
    expect(rows().map((row) => row.getAttribute('data-alert-status'))).toEqual(['red', 'red', 'red', 'red', 'red', 'red', 'amber']);
    expect(screen.getByText('Latency alerts')).toBeTruthy();
    expect(screen.getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Severity',
      'What breached',
      'Metric',
      'Observed / threshold',
      'Percentile',
      'Since',
    ]);
    // Every breach began with the first half of the traces: the absolute time of that snapshot, in a title.
    expect(first.generatedAt).toBe(1700000019159.9202);
    expect(screen.getAllByTitle('since 2023-11-14 22:13:39 UTC')).toHaveLength(7);
    expect(screen.getByTitle('component:default/checkout → component:default/shipping').textContent).toBe('checkout → shipping');
    expect(screen.getByTestId('latency-heatmap-alerts-card').getAttribute('data-stale')).toBe('false');
  });

  it('passes its title and view through', () => {
    const { subscriptions } = renderCard(checkout(), { title: 'Breaches', heatmap: { percentile: 'p99', window: '1m' } });
    expect(subscriptions.map((subscription) => subscription.view)).toEqual([{ percentile: 'p99', window: '1m', palette: undefined, tolerance: undefined }]);
    expect(screen.getByText('Breaches')).toBeTruthy();
  });

  it('sorts by a column when its header is clicked, and back', async () => {
    const user = userEvent.setup();
    const [, second] = shopSnapshots();
    const { deliver } = renderCard(checkout());
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });

    await user.click(screen.getByText('Observed / threshold'));
    expect(ids()).toEqual([
      'node component:default/checkout latencySlo',
      'edge component:default/checkout→component:default/payment:sync edgeSlo',
      'node component:default/shipping latencySlo',
      'node component:default/checkout errorRate',
      'edge component:default/checkout→component:default/payment:sync errorRate',
      'edge component:default/frontend→component:default/checkout:sync errorRate',
      'edge component:default/checkout→component:default/shipping:async edgeSlo',
    ]);
    await user.click(screen.getByText('What breached'));
    expect(cells().map((row) => row[1])).toEqual([
      'checkout',
      'checkout',
      'checkout → payment',
      'checkout → payment',
      'checkout → shipping',
      'frontend → checkout',
      'shipping',
    ]);
    await user.click(screen.getByText('Percentile'));
    expect(cells().map((row) => row[4])).toEqual(['–', '–', '–', 'p95', 'p95', 'p95', 'p95']);
    await user.click(screen.getByText('Percentile'));
    expect(cells().map((row) => row[4])).toEqual(['p95', 'p95', 'p95', 'p95', '–', '–', '–']);
    // material-table keeps the direction when the column changes: descending, then ascending (the snapshot's order).
    await user.click(screen.getByText('Severity'));
    expect(ids()).toEqual([...CHECKOUT_ROWS].reverse());
    await user.click(screen.getByText('Severity'));
    expect(ids()).toEqual(CHECKOUT_ROWS);
  });

  // Row events go through fireEvent: user-event's pointer in this table is not always seen by React's enter and
  // leave (its first move into the document, its leave right after a click), where a browser's would be.
  it('highlights the hovered row, clears on leave, and keeps a clicked row pinned until it is clicked again', () => {
    const [, second] = shopSnapshots();
    const { deliver, highlight } = renderCard(checkout());
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });
    const pins = () => rows().map((row) => row.getAttribute('data-pinned'));

    fireEvent.mouseEnter(rows()[0]);
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING_CALL);
    fireEvent.mouseLeave(rows()[0]);
    expect(highlight).toHaveBeenLastCalledWith(undefined);
    expect(highlight).toHaveBeenCalledTimes(2);

    fireEvent.mouseEnter(rows()[5]);
    fireEvent.click(rows()[5]);
    expect(highlight).toHaveBeenLastCalledWith(PAYMENT_CALL);
    expect(pins()).toEqual(['false', 'false', 'false', 'false', 'false', 'true', 'false']);
    fireEvent.mouseLeave(rows()[5]);
    expect(highlight).toHaveBeenLastCalledWith(PAYMENT_CALL);
    fireEvent.mouseEnter(rows()[4]);
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING);
    fireEvent.mouseLeave(rows()[4]);
    expect(highlight).toHaveBeenLastCalledWith(PAYMENT_CALL);

    // Another row takes the pin.
    fireEvent.mouseEnter(rows()[4]);
    fireEvent.click(rows()[4]);
    fireEvent.mouseLeave(rows()[4]);
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING);
    expect(pins()).toEqual(['false', 'false', 'false', 'false', 'true', 'false', 'false']);

    // Clicked again: unpinned, still highlighted while under the pointer, cleared on leave.
    fireEvent.mouseEnter(rows()[4]);
    fireEvent.click(rows()[4]);
    expect(pins()).toEqual(['false', 'false', 'false', 'false', 'false', 'false', 'false']);
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING);
    fireEvent.mouseLeave(rows()[4]);
    expect(highlight).toHaveBeenLastCalledWith(undefined);
  });

  it('highlights the focused row, pins it with Enter, and clears what it pointed at when it goes away', () => {
    const [, second] = shopSnapshots();
    const { deliver, highlight, unmount } = renderCard(checkout());
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });

    act(() => rows()[0].focus());
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING_CALL);
    fireEvent.keyDown(rows()[0], { key: 'Enter' });
    expect(rows()[0].getAttribute('data-pinned')).toBe('true');
    expect(rows()[0].getAttribute('aria-pressed')).toBe('true');
    act(() => rows()[0].blur());
    expect(highlight).toHaveBeenLastCalledWith(SHIPPING_CALL);
    unmount();
    expect(highlight).toHaveBeenLastCalledWith(undefined);
  });

  it('shows progress until the first snapshot', () => {
    const { deliver } = renderCard(checkout());
    expect(screen.getByTestId('progress')).toBeTruthy();
    expect(screen.getByText('Latency alerts')).toBeTruthy();
    expect(rows()).toEqual([]);
    // A first state without a snapshot or an error: the first round is still running.
    deliver({ stale: false, warnings: [] });
    expect(screen.getByTestId('progress')).toBeTruthy();
  });

  it('shows the error when nothing could be loaded', () => {
    const { deliver } = renderCard(checkout());
    const error = pollFailed();
    deliver({ stale: true, staleSince: 5, error, warnings: [] });
    expect(screen.queryByTestId('progress')).toBeNull();
    expect(screen.getAllByText(error.message).length).toBeGreaterThan(0);
    expect(rows()).toEqual([]);
  });

  it('keeps the rows when stale, with a note saying since when and why', () => {
    const [, second] = shopSnapshots();
    const { deliver } = renderCard(checkout());
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });
    // Local fields: the note reads the viewer's clock, as the graph card's freshness line does.
    deliver({ snapshot: second, updatedAt: 1, stale: true, staleSince: new Date(2026, 11, 3, 14, 2, 9).getTime(), error: pollFailed(), warnings: [] });
    expect(ids()).toEqual(CHECKOUT_ROWS);
    expect(screen.getByTestId('latency-heatmap-alerts-card').getAttribute('data-stale')).toBe('true');
    expect(
      screen.getByText('stale since 14:02 — showing last good data: all 2 queries failed: HTTP 503'),
    ).toBeTruthy();
  });

  it('says so when neither the entity nor a neighbour breaches, naming the entity as text', () => {
    const [, second] = shopSnapshots();
    const email = shop.items.find((item) => item.metadata.name === 'email') as Entity;
    const hostile = '<img src=x onerror=alert(1)>';
    const { deliver, container } = renderCard({ ...email, metadata: { ...email.metadata, title: hostile }, relations: [{ type: 'partOf', targetRef: 'system:default/orders' }] });
    deliver({ snapshot: second, updatedAt: 1, stale: false, warnings: [] });
    expect(rows()).toEqual([]);
    expect(screen.getByText(`No latency breaches for ${hostile} and its neighbours`)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  it('lists Alertmanager alerts beside the latency breaches, their texts as text', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const snapshot = withAlertmanager(hostile);
    const { deliver, container } = renderCard(checkout());
    deliver({ snapshot, updatedAt: 1, stale: false, warnings: [] });
    const sources = rows().map((row) => [row.getAttribute('data-alert-source'), row.getAttribute('data-alert-id'), row.getAttribute('data-alert-metric')]);
    // Red first: the critical after the scored red breaches; the warning after the amber one; email's is not around checkout.
    expect(sources).toEqual([
      ...CHECKOUT_ROWS.slice(0, 6).map((row) => ['latency', row.split(' ')[1], row.split(' ')[2]]),
      ['alertmanager', 'component:default/checkout', 'alert'],
      ['latency', 'component:default/checkout', 'latencySlo'],
      ['alertmanager', 'component:default/shipping', 'alert'],
    ]);
    expect(cells().slice(6)).toEqual([
      ['critical', 'checkout', hostile, '–', '–', '2026-12-03 08:41:30 UTC'],
      // One snapshot of all the traces: the breach is new in it.
      [...CHECKOUT_CELLS[6].slice(0, 5), 'just now'],
      ['warning', 'shipping', 'ShippingQueue', '–', '–', '2026-12-03 08:41:30 UTC'],
    ]);
    expect(container.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });

  it('renders a service name holding markup as text', () => {
    const [, second] = shopSnapshots();
    const hostile = '<img src=x onerror=alert(1)>';
    // The core puts the edge id in `entityRef` when the catalog does not know the caller.
    const call = second.alerts.find((alert) => alert.id === 'component:default/frontend→component:default/checkout:sync');
    const id = `${hostile}→component:default/checkout:sync`;
    const snapshot = { ...second, alerts: [...second.alerts, { ...(call as Alert), id, entityRef: id }] };
    const { deliver, container } = renderCard(checkout());
    deliver({ snapshot, updatedAt: 1, stale: false, warnings: [] });
    expect(ids()).toEqual([...CHECKOUT_ROWS, `edge ${id} errorRate`]);
    expect(cells()[7]).toEqual(['critical', `${hostile} → checkout`, 'error rate', '12.5 % / 5.0 %', '–', '19 s ago']);
    expect(container.querySelector('img')).toBeNull();
  });
});
