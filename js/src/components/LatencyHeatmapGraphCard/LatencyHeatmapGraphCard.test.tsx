// @vitest-environment jsdom
/**
 * `LatencyHeatmapGraphCard` around the real host card (`@backstage/plugin-catalog-graph`), with the shop catalog
 * (relations derived from each entity's spec as Backstage's processor does) and a fake heat map API whose states
 * hold snapshots the real core computed from the recorded Jaeger traces. Every colour asserted is the snapshot's.
 */
import '@backstage/ui/css/styles.css';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { catalogGraphApiRef, catalogGraphRouteRef, DefaultCatalogGraphApi } from '@backstage/plugin-catalog-graph';
import { catalogApiRef, EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientError } from '../../api/errors';
import {
  latencyHeatmapApiRef,
  type LatencyHeatmapApi,
  type LatencyHeatmapHighlight,
  type LatencyHeatmapListener,
  type LatencyHeatmapState,
  type LatencyHeatmapView,
} from '../../api/types';
import { initSync, type Snapshot } from '../../core';
import { dashArray, describeJudgement } from '../../format';
import { LatencyHeatmapGraphCard, type LatencyHeatmapGraphCardProps } from './LatencyHeatmapGraphCard';
import { withHeatMap } from '../../testing';

const fixtures = join(import.meta.dirname, '../../../../tests/fixtures');
const jaeger = readFileSync(join(fixtures, 'otel-sdk/jaeger.json'), 'utf8');
const shop = (JSON.parse(readFileSync(join(fixtures, 'catalog/otel-shop.json'), 'utf8')) as { items: Entity[] }).items;

const FRONTEND = 'component:default/frontend';
const CHECKOUT = 'component:default/checkout';
const CART = 'component:default/cart';
const CART_API = 'api:default/cart-api';
const CHECKOUT_API = 'api:default/checkout-api';
const PAYMENTS_API = 'api:default/payments-api';

// ---------------------------------------------------------------------------------------------------------------
// The catalog, with the relations Backstage's processor derives from each spec.

const refOf = (entity: Entity) => `${entity.kind.toLowerCase()}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;

/** `api:cart-api`, `storefront` (with the field's kind) → a full lower-case ref. */
function fullRef(ref: string, kind: string): string {
  const [k, rest] = ref.includes(':') ? [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)] : [kind, ref];
  return `${k.toLowerCase()}:${rest.includes('/') ? rest : `default/${rest}`}`.toLowerCase();
}

function withRelations(items: Entity[]): Entity[] {
  const relations = new Map<string, { type: string; targetRef: string }[]>(items.map((entity) => [refOf(entity), []]));
  const relate = (source: string, type: string, target: string, reverse: string) => {
    relations.get(source)?.push({ type, targetRef: target });
    relations.get(target)?.push({ type: reverse, targetRef: source });
  };
  for (const entity of items) {
    const self = refOf(entity);
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const list = (key: string) => (spec[key] as string[] | undefined) ?? [];
    if (typeof spec.owner === 'string') relate(self, 'ownedBy', fullRef(spec.owner, 'group'), 'ownerOf');
    if (typeof spec.system === 'string') relate(self, 'partOf', fullRef(spec.system, 'system'), 'hasPart');
    if (typeof spec.domain === 'string') relate(self, 'partOf', fullRef(spec.domain, 'domain'), 'hasPart');
    for (const ref of list('dependsOn')) relate(self, 'dependsOn', fullRef(ref, 'component'), 'dependencyOf');
    for (const ref of list('consumesApis')) relate(self, 'consumesApi', fullRef(ref, 'api'), 'apiConsumedBy');
    for (const ref of list('providesApis')) relate(self, 'providesApi', fullRef(ref, 'api'), 'apiProvidedBy');
  }
  return items.map((entity) => ({ ...entity, relations: relations.get(refOf(entity)) }));
}

function catalogOf(items: Entity[]) {
  const byRef = new Map(withRelations(items).map((entity) => [refOf(entity), entity]));
  return {
    byRef,
    api: {
      getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({ items: entityRefs.map((ref) => byRef.get(ref.toLowerCase())) }),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshots from the real core.

function stateFrom(
  items: Entity[],
  { spans = true, alertmanager, ...extra }: { spans?: boolean; alertmanager?: object[] } & Partial<LatencyHeatmapState> = {},
): LatencyHeatmapState {
  return withHeatMap({}, (map) => {
    map.setCatalog(items);
    if (spans) map.ingestJaeger(jaeger);
    if (alertmanager) map.ingestAlertmanager(alertmanager);
    const at = (level: 'entity' | 'system' | 'domain') => map.snapshot({ level, entryPoints: false });
    const snapshot = at('entity');
    return {
      snapshot,
      groups: { system: at('system'), domain: at('domain') },
      updatedAt: Date.now() - 12_000,
      stale: false,
      warnings: snapshot.warnings,
      traceUrlTemplate: 'https://jaeger.example.com/trace/{traceId}',
      ...extra,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The fake heat map API and the render.

function fakeApi(initial?: LatencyHeatmapState) {
  const subscriptions: { refs: readonly string[]; view?: LatencyHeatmapView; listener: LatencyHeatmapListener; open: boolean }[] = [];
  const highlightListeners = new Set<(highlight: LatencyHeatmapHighlight | undefined) => void>();
  let current = initial;
  const api: LatencyHeatmapApi = {
    subscribe(refs, listener, view) {
      const subscription = { refs, view, listener, open: true };
      subscriptions.push(subscription);
      if (current !== undefined) listener(current);
      return () => void (subscription.open = false);
    },
    highlight: (target) => highlightListeners.forEach((listener) => listener(target)),
    subscribeHighlight(listener) {
      highlightListeners.add(listener);
      return () => void highlightListeners.delete(listener);
    },
  };
  return {
    api,
    subscriptions,
    push(state: LatencyHeatmapState) {
      current = state;
      act(() => subscriptions.filter((each) => each.open).forEach((each) => each.listener(state)));
    },
  };
}

async function renderCard({ items = shop, entityRef = FRONTEND, state, maxDepth = 1, apis = [], props = {} }: {
  items?: Entity[];
  entityRef?: string;
  state?: LatencyHeatmapState;
  maxDepth?: number;
  apis?: Parameters<typeof TestApiProvider>[0]['apis'];
  props?: Partial<LatencyHeatmapGraphCardProps>;
}) {
  const catalog = catalogOf(items);
  const heat = fakeApi(state);
  const view = await renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalog.api], [latencyHeatmapApiRef, heat.api], ...apis]}>
      <EntityProvider entity={catalog.byRef.get(entityRef)}>
        <LatencyHeatmapGraphCard maxDepth={maxDepth} {...props} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, '/catalog-graph': catalogGraphRouteRef } },
  );
  return { ...view, heat };
}

const box = (ref: string) => document.querySelector<SVGGElement>(`[data-entity-ref="${ref}"]`);
const boxes = () => Array.from(document.querySelectorAll<SVGGElement>('[data-entity-ref]'));
const fillOf = (element: Element | null) => element?.querySelector('rect:not([fill="none"])')?.getAttribute('fill');
const edges = () => Array.from(document.querySelectorAll<SVGPathElement>('path[data-from]'), (path) => `${path.dataset.from} → ${path.dataset.to}`).sort();
const edge = (from: string, to: string) => document.querySelector<SVGPathElement>(`path[data-from="${from}"][data-to="${to}"]`);

async function waitForBoxes(refs: string[]) {
  await waitFor(() => expect(boxes().map((each) => each.dataset.entityRef).sort()).toEqual([...refs].sort()), { timeout: 10_000 });
}

/** The host measures every box with getBBox, which jsdom lacks (Backstage's own tests mock it the same way). */
beforeAll(() => {
  initSync();
  Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
    configurable: true,
    value: () => ({ x: 0, y: 0, width: 120, height: 20 }),
  });
});

// Unmount every card (not just empty the body): a mounted card's freshness ticker would fire after jsdom is gone.
afterEach(cleanup);

const FRONTEND_VIEW = [FRONTEND, CART_API, CHECKOUT_API, 'component:default/recommendations', 'system:default/storefront', 'group:default/team-storefront'];
const FRONTEND_EDGES = [
  'component:default/frontend → api:default/cart-api',
  'component:default/frontend → api:default/checkout-api',
  'component:default/frontend → component:default/recommendations',
  'group:default/team-storefront → api:default/cart-api',
  'group:default/team-storefront → component:default/frontend',
  'group:default/team-storefront → component:default/recommendations',
  'group:default/team-storefront → system:default/storefront',
  'system:default/storefront → api:default/cart-api',
  'system:default/storefront → component:default/frontend',
  'system:default/storefront → component:default/recommendations',
];
const NEUTRAL_FILL = '#e0e0e0';

describe('LatencyHeatmapGraphCard', () => {
  it("fills every box with its snapshot node's colour, and subscribes for every entity the host draws", async () => {
    const state = stateFrom(shop);
    const { heat } = await renderCard({ state });
    await waitForBoxes(FRONTEND_VIEW);
    expect(screen.getByTestId('latency-heatmap-graph-card')).toBeTruthy();
    const seen = boxes().map((each) => [each.dataset.entityRef, each.dataset.status, fillOf(each)]);
    expect(seen.sort()).toEqual(
      [
        [CART_API, 'unknown', NEUTRAL_FILL],
        [CHECKOUT_API, 'unknown', NEUTRAL_FILL],
        [FRONTEND, 'green', '#2e9e4f'],
        ['component:default/recommendations', 'unknown', NEUTRAL_FILL],
        ['group:default/team-storefront', 'unknown', NEUTRAL_FILL],
        ['system:default/storefront', 'unknown', '#a0a0a0'],
      ].sort(),
    );
    // The same colours the snapshots hold, for the entities they know.
    const frontend = state.snapshot?.nodes.find((node) => node.entityRef === FRONTEND);
    expect([box(FRONTEND)?.dataset.status, fillOf(box(FRONTEND))]).toEqual([frontend?.status, frontend?.color.fill]);
    const storefront = state.groups?.system.nodes.find((node) => node.entityRef === 'system:default/storefront');
    expect(fillOf(box('system:default/storefront'))).toBe(storefront?.color.fill);
    expect(within(box(FRONTEND) as unknown as HTMLElement).getByText('self p95 5.9 ms / 8.0 ms')).toBeTruthy();
    expect(within(box(FRONTEND) as unknown as HTMLElement).getByText('Web frontend')).toBeTruthy();

    await waitFor(() => expect(heat.subscriptions.at(-1)?.refs).toEqual([...FRONTEND_VIEW].sort()));
    expect(heat.subscriptions[0].refs).toEqual([FRONTEND]);
    // `unidirectional: false`: the relations between the root's neighbours stay (the host's default drops them).
    expect(edges()).toEqual(FRONTEND_EDGES);
    const legend = Array.from(screen.getByTestId('latency-heatmap-legend').querySelectorAll('[data-status]'));
    expect(legend.map((item) => [item.getAttribute('data-status'), item.querySelector('rect')?.getAttribute('fill'), item.textContent])).toEqual([
      ['green', '#2e9e4f', 'green (solid)'],
      ['amber', '#bfa635', 'amber (dashed)'],
      ['red', '#d93025', 'red (dotted)'],
      ['unknown', '#a0a0a0', 'unknown (solid)'],
    ]);
    expect(screen.getByTestId('latency-heatmap-freshness').dataset.stale).toBe('false');
    // The round was 12 s before the render; the line ticks every second while the test runs.
    const age = /^updated (\d+) s ago$/.exec(screen.getByTestId('latency-heatmap-freshness').textContent ?? '');
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(12);
    expect(Number(age?.[1])).toBeLessThan(20);
  });

  it('colours both segments of a call through an API, and leaves relations without calls grey', async () => {
    await renderCard({ state: stateFrom(shop), maxDepth: 2 });
    await waitFor(() => expect(box(CART)).not.toBeNull(), { timeout: 10_000 });
    for (const [from, to] of [[FRONTEND, CART_API], [CART_API, CART]]) {
      const path = edge(from, to);
      expect([path?.dataset.status, path?.getAttribute('stroke'), path?.dataset.kind]).toEqual(['green', '#2e9e4f', 'sync']);
    }
    // 8 calls a minute (0.133/s): log10(0.133 / 0.01) / 5 decades of the 1.5–6 px range.
    expect(edge(FRONTEND, CART_API)?.getAttribute('stroke-width')).toBe('2.51');
    const labels = screen.getAllByTestId('latency-heatmap-edge-label').map((label) => label.textContent);
    expect(labels.filter((label) => label === 'p95 11 ms')).toHaveLength(2);
    expect(labels.filter((label) => label === 'p95 46 ms')).toHaveLength(2);
    const recommendations = edge(FRONTEND, 'component:default/recommendations');
    expect([recommendations?.dataset.status, recommendations?.getAttribute('stroke'), recommendations?.getAttribute('stroke-width')]).toEqual([
      'none',
      '#9e9e9e',
      '1',
    ]);
  });

  it('draws async, database and API calls each with their colour, dash, arrowhead and label', async () => {
    await renderCard({ state: stateFrom(shop), entityRef: CHECKOUT });
    await waitFor(() => expect(edge(CHECKOUT, 'component:default/shipping')).not.toBeNull(), { timeout: 10_000 });
    const shipping = edge(CHECKOUT, 'component:default/shipping');
    expect([shipping?.dataset.status, shipping?.dataset.kind, shipping?.getAttribute('stroke'), shipping?.getAttribute('stroke-dasharray')]).toEqual([
      'red',
      'async',
      '#d93025',
      '2.51 5.02',
    ]);
    const marker = document.querySelector(shipping?.getAttribute('marker-end')?.slice(4, -1) ?? '#none');
    expect(marker?.querySelector('polyline')?.getAttribute('stroke')).toBe('#d93025');
    const db = edge(CHECKOUT, 'resource:default/orders-db');
    expect([db?.dataset.status, db?.dataset.kind, db?.getAttribute('stroke')]).toEqual(['green', 'database', '#2e9e4f']);
    expect(document.querySelector(db?.getAttribute('marker-end')?.slice(4, -1) ?? '#none')?.querySelector('circle')?.getAttribute('fill')).toBe('#2e9e4f');
    expect(edge(CHECKOUT, PAYMENTS_API)?.dataset.status).toBe('red');
    const labels = screen.getAllByTestId('latency-heatmap-edge-label').map((label) => label.textContent).sort();
    expect(labels).toEqual(['p95 11 ms · db', 'p95 29 ms', 'p95 46 ms', 'p95 50 ms · async'].sort());
    // Every marker id is the edge's own.
    const ids = Array.from(document.querySelectorAll('marker')).map((each) => each.id);
    expect(new Set(ids).size).toBe(ids.length);
    // checkout → email is observed but not declared: the host cannot draw it, the drift panel lists it.
    expect(screen.getByTestId('latency-heatmap-drift').textContent).toContain(
      'component:default/checkout → component:default/email (async): unknown, p95 4.13 s / no threshold',
    );
  });

  it('shows Progress until the first state, then the map', async () => {
    const { heat } = await renderCard({});
    expect(await screen.findByTestId('progress')).toBeTruthy();
    heat.push(stateFrom(shop));
    await waitFor(() => expect(box(FRONTEND)?.dataset.status).toBe('green'), { timeout: 10_000 });
    expect(screen.queryByTestId('progress')).toBeNull();
  });

  it('shows the error panel when nothing could be loaded', async () => {
    const error = clientError('POLL_FAILED', 'latencyHeatmap: every query of the poll failed: http://proxy/jaeger: HTTP 503');
    await renderCard({ state: { stale: true, staleSince: Date.now(), error, warnings: [] } });
    expect((await screen.findAllByText('latencyHeatmap: every query of the poll failed: http://proxy/jaeger: HTTP 503')).length).toBeGreaterThan(0);
    await waitForBoxes(FRONTEND_VIEW);
    expect(boxes().every((each) => each.dataset.status === 'unknown' && fillOf(each) === NEUTRAL_FILL)).toBe(true);
  });

  it('keeps the colours while stale and says since when', async () => {
    const fresh = stateFrom(shop);
    const staleSince = new Date(2026, 11, 3, 14, 2).getTime();
    await renderCard({ state: { ...fresh, stale: true, staleSince, error: clientError('POLL_FAILED', 'every query failed') } });
    await waitForBoxes(FRONTEND_VIEW);
    const freshness = screen.getByTestId('latency-heatmap-freshness');
    expect([freshness.dataset.stale, freshness.textContent]).toEqual(['true', 'stale since 14:02 — showing last good data']);
    expect([box(FRONTEND)?.dataset.status, fillOf(box(FRONTEND))]).toEqual(['green', '#2e9e4f']);
    expect(edge(FRONTEND, CART_API)?.getAttribute('stroke')).toBe('#2e9e4f');
  });

  it('leaves entities without telemetry neutral, never green', async () => {
    await renderCard({ state: stateFrom(shop, { spans: false }), entityRef: CHECKOUT });
    await waitFor(() => expect(box(CHECKOUT)).not.toBeNull(), { timeout: 10_000 });
    expect(boxes().map((each) => each.dataset.status)).toEqual(boxes().map(() => 'unknown'));
    expect(boxes().filter((each) => fillOf(each) === '#2e9e4f')).toEqual([]);
    // The visible lines (a hidden widest-figure line only reserves the box's width).
    const visible = Array.from(box(CHECKOUT)?.querySelectorAll('text:not([visibility="hidden"])') ?? []).map((line) => line.textContent);
    expect(visible).toEqual(['Checkout', 'no telemetry']);
    expect(Array.from(document.querySelectorAll('path[data-from]')).map((path) => (path as SVGPathElement).dataset.status)).not.toContain('green');
  });

  it('lists the warnings without hiding the map', async () => {
    await renderCard({ state: stateFrom(shop) });
    await waitForBoxes(FRONTEND_VIEW);
    expect(screen.getByTestId('latency-heatmap-warnings').textContent).toContain(
      'evaluate.bad-annotation component:default/payment: annotation latencyheatmap/processingthreshold = "fast" cannot be used',
    );
  });

  it('opens a tooltip with the figures on hover', async () => {
    const state = stateFrom(shop);
    await renderCard({ state });
    await waitForBoxes(FRONTEND_VIEW);
    await userEvent.hover(box(FRONTEND) as Element);
    const tooltip = await screen.findByRole('tooltip');
    const frontend = state.snapshot?.nodes.find((node) => node.entityRef === FRONTEND);
    expect(tooltip.textContent).toContain(describeJudgement(frontend!));
    expect(tooltip.textContent).toContain('p50 ');
    expect(within(tooltip).getByText('traces of frontend').closest('a')?.getAttribute('href')).toBe('https://jaeger.example.com/search?service=frontend');
    // Spans carry no extra query values: no lines for them.
    expect(within(tooltip).queryByTestId('latency-heatmap-query-values')).toBeNull();
  });

  it("shows a Prometheus source's extra query values as text in a box's tooltip, a kept one with its time", async () => {
    const state = stateFrom(shop);
    // As a Prometheus round with `queries` puts them on the node (the core's side is tested against a real Prometheus).
    const hostile = '<img src=x onerror=alert(1)>';
    // Local fields: the tooltip reads the viewer's clock.
    const answeredAt = new Date(2026, 11, 3, 14, 2).getTime();
    const queries = [
      { name: 'rps', service: 'frontend', value: 12.5, answeredAt: answeredAt + 60_000, stale: false },
      { name: hostile, service: 'frontend', value: null, answeredAt: answeredAt + 60_000, stale: false },
      { name: 'owner_up', service: 'frontend', value: 1, answeredAt, stale: true },
    ];
    const nodes = state.snapshot!.nodes.map((node) => (node.entityRef === FRONTEND ? { ...node, queries } : node));
    await renderCard({ state: { ...state, snapshot: { ...state.snapshot!, nodes } } });
    await waitForBoxes(FRONTEND_VIEW);
    await userEvent.hover(box(FRONTEND) as Element);
    const tooltip = await screen.findByRole('tooltip');
    const lines = Array.from(within(tooltip).getByTestId('latency-heatmap-query-values').children, (line) => line.textContent);
    expect(lines).toEqual(['rps: 12.5', `${hostile}: no value`, 'owner_up: 1 (as of 14:02: the latest query failed)']);
    expect(document.querySelector('img')).toBeNull();
  });

  it("links the entity's http(s) links and shows any other scheme as text", async () => {
    const links = [
      { url: 'https://runbooks.example.com/frontend', title: 'Runbook' },
      { url: 'javascript:alert(1)', title: 'Evil' },
    ];
    const items = shop.map((entity) => (refOf(entity) === FRONTEND ? { ...entity, metadata: { ...entity.metadata, links } } : entity));
    await renderCard({ items, state: stateFrom(items) });
    await waitForBoxes(FRONTEND_VIEW);
    await userEvent.hover(box(FRONTEND) as Element);
    const tooltip = await screen.findByRole('tooltip');
    expect(within(tooltip).getByText('Runbook').closest('a')?.getAttribute('href')).toBe('https://runbooks.example.com/frontend');
    expect(tooltip.textContent).toContain('Evil: javascript:alert(1)');
    expect(Array.from(tooltip.querySelectorAll('a')).map((a) => a.getAttribute('href')).filter((href) => href?.startsWith('javascript'))).toEqual([]);
  });

  it('renders a title with markup as text', async () => {
    const items = shop.map((entity) =>
      refOf(entity) === FRONTEND ? { ...entity, metadata: { ...entity.metadata, title: '<img src=x onerror=alert(1)>' } } : entity,
    );
    await renderCard({ items, state: stateFrom(items) });
    await waitForBoxes(FRONTEND_VIEW);
    expect(box(FRONTEND)?.querySelector('text')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
  });

  it('badges a box with its firing Alertmanager alerts and lists them as text in its tooltip', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const firing = (fingerprint: string, alertname: string, annotations: Record<string, string>) => ({
      labels: { alertname, service: 'frontend', severity: 'critical' },
      annotations,
      fingerprint,
      receivers: [{ name: 'storefront' }],
      startsAt: '2026-12-03T08:41:30Z',
      endsAt: '2026-12-03T09:10:00Z',
      updatedAt: '2026-12-03T09:05:00Z',
      status: { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
    });
    const alertmanager = [
      firing('a1b2c3d4e5f60718', 'FrontendSlow', { summary: hostile, description: `p99 is <b>1.2 s</b>`, runbook_url: 'https://runbooks.example/frontend' }),
      firing('0f1e2d3c4b5a6978', hostile, { description: hostile, runbook_url: 'javascript:alert(1)' }),
      { ...firing('1111111111111111', 'Silenced', {}), status: { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] } },
      { ...firing('2222222222222222', 'RecommendationsDown', {}), labels: { alertname: 'RecommendationsDown', service: 'recommendations', severity: 'critical' } },
    ];
    await renderCard({ state: stateFrom(shop, { alertmanager }) });
    await waitForBoxes(FRONTEND_VIEW);
    // Green by latency, red by the critical alerts, in the palette's red; the silenced one is not counted.
    expect([box(FRONTEND)?.dataset.status, fillOf(box(FRONTEND)), box(FRONTEND)?.dataset.firingAlerts]).toEqual(['red', '#d93025', '2']);
    const badge = within(box(FRONTEND) as unknown as HTMLElement).getByTestId('latency-heatmap-firing-badge');
    expect([badge.getAttribute('aria-label'), badge.querySelector('circle')?.getAttribute('fill'), badge.querySelector('text')?.textContent]).toEqual([
      '2 firing alerts',
      '#d93025',
      '2',
    ]);
    // Folded into the System at its level (frontend's two and recommendations' one); a box without alerts has no badge.
    expect([box('system:default/storefront')?.dataset.status, box('system:default/storefront')?.dataset.firingAlerts]).toEqual(['red', '3']);
    // Recommendations has no telemetry, so no node: its critical alert still paints it red (the snapshot's red for the
    // status its scorecard entry holds), dotted, badged, and the figure line says why there are no figures.
    const recommendations = box('component:default/recommendations');
    expect([recommendations?.dataset.status, fillOf(recommendations), recommendations?.dataset.firingAlerts]).toEqual(['red', '#d93025', '1']);
    expect(recommendations?.querySelector('rect:not([fill="none"])')?.getAttribute('stroke-dasharray')).toBe(dashArray('dotted', 2));
    expect(recommendations?.textContent).toContain('no telemetry');
    expect([box(CART_API)?.dataset.firingAlerts, box(CART_API)?.querySelector('[data-testid="latency-heatmap-firing-badge"]')]).toEqual(['0', null]);

    await userEvent.hover(box(FRONTEND) as Element);
    const tooltip = await screen.findByRole('tooltip');
    const listed = within(tooltip).getAllByTestId('latency-heatmap-firing-alert');
    const texts = listed.map((each) => Array.from(each.children, (line) => line.textContent));
    expect(texts).toEqual([
      ['FrontendSlow (critical) firing since 2026-12-03 08:41:30 UTC', hostile, 'p99 is <b>1.2 s</b>', 'runbook, Opens in a new window'],
      [`${hostile} (critical) firing since 2026-12-03 08:41:30 UTC`, hostile, 'runbook: javascript:alert(1)'],
    ]);
    expect(listed[0].querySelector('a')?.getAttribute('href')).toBe('https://runbooks.example/frontend');
    expect(listed[1].querySelector('a')).toBeNull();
    expect(document.querySelector('img, b, a[href^="javascript"]')).toBeNull();
  });

  it('marks the box and the edges the API highlights', async () => {
    const { heat } = await renderCard({ state: stateFrom(shop), maxDepth: 2 });
    await waitFor(() => expect(box(CART)).not.toBeNull(), { timeout: 10_000 });
    expect(box(CART)?.dataset.highlighted).toBe('false');
    act(() => heat.api.highlight({ kind: 'node', id: CART, entityRef: CART, targetRef: null }));
    expect(box(CART)?.dataset.highlighted).toBe('true');
    act(() => heat.api.highlight({ kind: 'edge', id: `${FRONTEND}→${CART}:sync`, entityRef: FRONTEND, targetRef: CART }));
    expect(box(CART)?.dataset.highlighted).toBe('false');
    expect([edge(FRONTEND, CART_API)?.dataset.highlighted, edge(CART_API, CART)?.dataset.highlighted]).toEqual(['true', 'true']);
    expect(edge(FRONTEND, CHECKOUT_API)?.dataset.highlighted).toBe('false');
  });

  it("keeps the app's catalog graph API when it registers one", async () => {
    const noOwnership = new DefaultCatalogGraphApi({ defaultRelationTypes: { exclude: ['ownedBy', 'ownerOf'] } });
    await renderCard({ state: stateFrom(shop), apis: [[catalogGraphApiRef, noOwnership]] });
    await waitForBoxes(FRONTEND_VIEW.filter((ref) => ref !== 'group:default/team-storefront'));
  });

  it('subscribes again with the percentile chosen in the header', async () => {
    const { heat } = await renderCard({ state: stateFrom(shop) });
    await waitForBoxes(FRONTEND_VIEW);
    await userEvent.click(within(screen.getByTestId('latency-heatmap-percentile')).getByRole('button'));
    await userEvent.click(await screen.findByRole('option', { name: 'p99' }));
    await waitFor(() => expect(heat.subscriptions.at(-1)?.view).toEqual({ percentile: 'p99', window: undefined, palette: undefined, tolerance: undefined }));
  });

  it("forwards the host card's props: the caller's unidirectional and onNodeClick win", async () => {
    const clicked: string[] = [];
    await renderCard({ state: stateFrom(shop), props: { unidirectional: true, onNodeClick: (node) => void clicked.push(node.id) } });
    await waitForBoxes(FRONTEND_VIEW);
    expect(edges()).toEqual(FRONTEND_EDGES.filter((each) => each.endsWith(FRONTEND) || each.startsWith(FRONTEND)));
    await userEvent.click(box(CART_API)?.querySelector('text') as Element);
    expect(clicked).toEqual([CART_API]);
  });

  it('opens a tooltip with every call a relation carries on hover', async () => {
    const state = stateFrom(shop);
    await renderCard({ state, entityRef: CHECKOUT });
    await waitFor(() => expect(edge(CHECKOUT, 'component:default/shipping')).not.toBeNull(), { timeout: 10_000 });
    await userEvent.hover(edge(CHECKOUT, 'component:default/shipping') as Element);
    const tooltip = await screen.findByRole('tooltip');
    const call = state.snapshot?.edges.find((each) => each.id === `${CHECKOUT}→component:default/shipping:async`);
    expect(tooltip.textContent).toContain('component:default/checkout → component:default/shipping (async)');
    expect(tooltip.textContent).toContain(describeJudgement(call!));
    expect(tooltip.textContent).toContain('queue delay p95 ');
    expect(within(tooltip).getByText('traces of checkout').closest('a')?.getAttribute('href')).toBe('https://jaeger.example.com/search?service=checkout');
  });

  it('shows the refusal of a window longer than the configured one, and the selectors to go back', async () => {
    const { heat } = await renderCard({ state: stateFrom(shop), props: { heatmap: { percentile: 'p90' } } });
    await waitForBoxes(FRONTEND_VIEW);
    expect(heat.subscriptions[0].view).toEqual({ percentile: 'p90', window: undefined, palette: undefined, tolerance: undefined });
    await userEvent.click(within(screen.getByTestId('latency-heatmap-window')).getByRole('button'));
    await userEvent.click(await screen.findByRole('option', { name: '15m' }));
    await waitFor(() => expect(heat.subscriptions.at(-1)?.view?.window).toBe('15m'));
    const refused = clientError('INVALID_VIEW', "latencyHeatmap: the card's view cannot be judged: window 15m is longer than latencyHeatmap.window (5m)");
    heat.push({ stale: false, error: refused, warnings: [] });
    expect((await screen.findAllByText(refused.message)).length).toBeGreaterThan(0);
    expect(within(screen.getByTestId('latency-heatmap-window')).getByRole('button').textContent).toBe('15m');
  });
});

