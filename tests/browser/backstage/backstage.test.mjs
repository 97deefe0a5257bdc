// Test layer 6: the package's cards inside a real Backstage render in headless Chromium. The pages are bundled once
// from the host's own packages (js/node_modules) and the built package (pkg/, packed as published); the cards poll a
// fixture Jaeger through the app's proxy; every colour the DOM shows is checked against what the package's wasm core
// computes in Node from the same catalog, the same recorded answers and the same config (./oracle.mjs).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, installBuiltPackage, repo } from '../harness.mjs';
import { bundlePages } from './bundle.mjs';
import { loadCatalog, refOf, ROOT_REF, XSS_REF, XSS_TITLE } from './catalog.mjs';
import { CARD, FRESHNESS, hex, readAlertRows, readBoxes, readEdges, readFreshness, waitForVisibleGraph } from './dom.mjs';
import { PROXY_PATH, startJaeger } from './jaeger-server.mjs';
import { appConfig, expectedView, USER_TOKEN } from './oracle.mjs';
import { startPageServer } from './page-server.mjs';

const outDir = join(repo, 'target/backstage-page');
const screenshots = join(repo, 'target/screenshots');

/** The cards' `formatMs` (js/src/format/duration.ts), written again here so labels are checked, not copied. */
function formatMs(value) {
  if (value === null || value === undefined) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

const catalog = loadCatalog();
let jaeger, pages, oracle, browser, timings;

before(async () => {
  const started = performance.now();
  installBuiltPackage();
  jaeger = await startJaeger();
  const config = appConfig(PROXY_PATH);
  oracle = await expectedView(catalog, config, jaeger.proxyUrl);
  const bundleMs = await bundlePages(outDir, ['host', 'client', 'cards', 'cards-dark']);
  writeFileSync(join(outDir, 'page-data.json'), JSON.stringify({ catalog, rootRef: ROOT_REF, config, proxyBaseUrl: jaeger.proxyUrl, token: USER_TOKEN }));
  pages = await startPageServer({ root: outDir, connectTo: jaeger.url });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  mkdirSync(screenshots, { recursive: true });
  timings = { setupMs: Math.round(performance.now() - started), bundleMs: Math.round(bundleMs) };
  console.log(`backstage layer: setup ${timings.setupMs} ms (bundle ${timings.bundleMs} ms), oracle poll ${oracle.report.requests} requests ${oracle.report.bytes} bytes`);
});

after(async () => {
  await browser?.close();
  await pages?.close();
  await jaeger?.stop();
});

/** A page that records console errors, page errors and dialogs; `allowed(message)` may excuse known console lines. */
async function openPage(name, viewport = { width: 1600, height: 1300 }) {
  const page = await browser.newPage({ viewport });
  const seen = { errors: [], dialogs: [], excused: [] };
  seen.allowed = () => false;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const line = `console: ${message.text()} @ ${message.location().url}`;
    (seen.allowed(message) ? seen.excused : seen.errors).push(line);
  });
  page.on('pageerror', (error) => seen.errors.push(`page: ${error.message}`));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${pages.url}${name}.html`, { waitUntil: 'load' });
  return { page, seen };
}

const expectedTitle = (entity) => entity.metadata.title ?? entity.metadata.name;

it('harness self-test: the host EntityCatalogGraphCard draws every catalog entity from the derived relations', { timeout: 60_000 }, async () => {
  const { page, seen } = await openPage('host');
  try {
    await waitForVisibleGraph(page, '[data-testid="node"]', catalog.length);
    const labels = await page.$$eval('[data-testid="node"]', (nodes) => nodes.map((node) => node.textContent));
    // The host draws each entity's title (else its name) and an SVG <title> with its ref.
    assert.deepEqual([...labels].sort(), catalog.map((entity) => `${expectedTitle(entity)}${refOf(entity)}`).sort());
    assert.equal(await page.$$eval('svg img, svg foreignObject img', (images) => images.length), 0);
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
  } finally {
    await page.close();
  }
});

/** Resolves to the first state with a snapshot and this `stale` the client page recorded, from index `from` on. */
async function nextState(page, from, stale, timeout) {
  const handle = await page.waitForFunction(
    ({ from, stale }) => {
      const index = window.latencyHeatmapStates.findIndex((state, i) => i >= from && state.nodes !== null && state.stale === stale);
      return index >= 0 ? { index, state: window.latencyHeatmapStates[index] } : false;
    },
    { from, stale },
    { timeout },
  );
  return handle.jsonValue();
}

it('harness self-test: the real client in Chromium polls through the proxy and holds the core\'s snapshot, stale while the backend is down', { timeout: 60_000 }, async () => {
  const { page, seen } = await openPage('client');
  try {
    const before = { ...jaeger.counts };
    const first = await nextState(page, 0, false, 15_000);
    assert.deepEqual(first.state, { stale: false, updatedAt: first.state.updatedAt, error: null, ...oracle.reduced });
    assert.ok(jaeger.counts.preflights > before.preflights, 'the token header made Chromium ask first');
    assert.equal(jaeger.counts.unauthorized, before.unauthorized, 'every query carried the token');

    seen.allowed = (message) => message.text().includes('ERR_CONNECTION_REFUSED') && message.location().url.startsWith(jaeger.url);
    await jaeger.stop();
    const stale = await nextState(page, first.index + 1, true, 15_000);
    assert.deepEqual(stale.state, { stale: true, updatedAt: stale.state.updatedAt, error: 'POLL_FAILED', ...oracle.reduced }, 'the last good snapshot is kept');
    await jaeger.start();
    const fresh = await nextState(page, stale.index + 1, false, 15_000);
    assert.deepEqual(fresh.state, { stale: false, updatedAt: fresh.state.updatedAt, error: null, ...oracle.reduced });
    assert.ok(fresh.state.updatedAt > first.state.updatedAt);
    assert.ok(seen.excused.length > 0, 'the outage was seen by the page');
    assert.deepEqual(seen.errors, []);
  } finally {
    await page.close();
  }
});

it('colours every entity box and call edge as the core computes, lists the breaches, goes stale and recovers', { timeout: 90_000 }, async () => {
  const { page, seen } = await openPage('cards');
  try {
    const started = performance.now();
    await waitForVisibleGraph(page, `${CARD} [data-entity-ref]`, catalog.length);
    await page.waitForSelector(`${FRESHNESS}[data-stale="false"]`, { timeout: 15_000 });
    // The card subscribes as the host discovers the graph (depth by depth), so early rounds cover part of it: wait
    // (bounded) until the statuses settle on the oracle's, then compare everything and let a diff say what differs.
    const statusOf = Object.fromEntries([...oracle.boxes].map(([ref, box]) => [ref, box.status]));
    await page
      .waitForFunction(
        ({ selector, statusOf }) => [...document.querySelectorAll(selector)].every((box) => box.dataset.status === statusOf[box.dataset.entityRef]),
        { selector: `${CARD} [data-entity-ref]`, statusOf },
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    const settledMs = Math.round(performance.now() - started);

    // Boxes: every entity, its status and fill exactly the snapshot's; those the snapshot has no node for (no
    // telemetry: APIs, Groups, uninstrumented Components) `unknown`, all in one neutral fill that is no judged one.
    const boxes = await readBoxes(page);
    const shown = Object.fromEntries(boxes.map(({ ref, status, fill }) => [ref, { status, fill }]));
    const unjudged = [...oracle.boxes].filter(([, box]) => box.fill === null).map(([ref]) => ref);
    const neutralFill = shown[unjudged[0]]?.fill;
    const judgedFills = new Set([...oracle.boxes.values()].filter((box) => box.status !== 'unknown').map((box) => box.fill));
    assert.ok(unjudged.length >= 5 && !judgedFills.has(neutralFill), `neutral ${neutralFill} for ${unjudged}`);
    const expected = Object.fromEntries([...oracle.boxes].map(([ref, { status, fill }]) => [ref, { status, fill: fill ?? neutralFill }]));
    assert.deepEqual(shown, expected);
    const statuses = new Set(boxes.map((box) => box.status));
    for (const status of ['green', 'amber', 'red', 'unknown']) assert.ok(statuses.has(status), `a ${status} box among ${[...statuses]}`);

    // Edges: a declared call is drawn on its relation edge (caller → callee), or on both segments of its API hop.
    const edges = await readEdges(page);
    const edgeOf = (from, to) => edges.filter((edge) => edge.from === from && edge.to === to);
    const relationsOf = (ref) => catalog.find((entity) => refOf(entity) === ref).relations;
    const targets = (ref, type) => relationsOf(ref).filter((relation) => relation.type === type).map((relation) => relation.targetRef);
    const callColours = new Set();
    const carrying = new Set();
    const declaredCalls = oracle.calls.filter((call) => call.declared);
    assert.ok(declaredCalls.length >= 6, `${declaredCalls.length} declared calls`);
    for (const call of declaredCalls) {
      const apis = targets(call.from, 'consumesApi').filter((api) => targets(call.to, 'providesApi').includes(api));
      const segments = targets(call.from, 'dependsOn').includes(call.to) ? [[call.from, call.to]] : apis.flatMap((api) => [[call.from, api], [api, call.to]]);
      assert.ok(segments.length > 0, `${call.from} → ${call.to} is declared but has no relation path`);
      // One call per segment in this catalog, so each segment's colour is its call's (no worst-of-several to pick).
      for (const [from, to] of segments) {
        assert.ok(!carrying.has(`${from} ${to}`), `${from} → ${to} carries two calls`);
        carrying.add(`${from} ${to}`);
      }
      const drawn = segments.map(([from, to]) => {
        const [edge, ...more] = edgeOf(from, to);
        assert.ok(edge && more.length === 0, `one edge ${from} → ${to} (of ${call.from} → ${call.to}); edges: ${JSON.stringify(edges.map((e) => `${e.from}→${e.to}`))}`);
        assert.deepEqual({ stroke: edge.stroke, status: edge.status }, { stroke: call.stroke, status: call.status }, `${from} → ${to}`);
        return edge;
      });
      callColours.add(call.stroke);
      const label = `${call.percentile} ${formatMs(call.observedMs)}`;
      assert.ok(drawn.some((edge) => edge.label.includes(label)), `${call.from} → ${call.to} labelled "${label}": ${JSON.stringify(drawn.map((e) => e.label))}`);
    }
    const neutral = edges.filter((edge) => !carrying.has(`${edge.from} ${edge.to}`));
    assert.ok(neutral.length >= 10, `${neutral.length} relation edges without calls`);
    for (const edge of neutral) assert.ok(!callColours.has(edge.stroke), `${edge.from} → ${edge.to} carries no call but is stroked ${edge.stroke}`);

    // Alerts: the oracle's breaches that touch the root entity or a target of its catalog relations (its neighbours
    // on the graph: here its Group, System, APIs and the Components it depends on or that depend on it).
    const neighbours = new Set([ROOT_REF, ...relationsOf(ROOT_REF).map((relation) => relation.targetRef)]);
    const expectedAlerts = oracle.alerts.filter((alert) => neighbours.has(alert.entityRef) || neighbours.has(alert.targetRef));
    assert.ok(expectedAlerts.length >= 3, `${expectedAlerts.length} alerts for ${ROOT_REF} and its neighbours`);
    const rows = await readAlertRows(page);
    assert.equal(rows.length, expectedAlerts.length, `alert rows ${JSON.stringify(rows)} for ${JSON.stringify(expectedAlerts.map((a) => [a.entityRef, a.targetRef, a.metric]))}`);
    for (const alert of expectedAlerts.filter((a) => a.observedMs !== null)) {
      const figures = [formatMs(alert.observedMs), formatMs(alert.thresholdMs)];
      assert.ok(rows.some((row) => figures.every((figure) => row.includes(figure))), `a row with ${figures} (${alert.id} ${alert.metric})`);
    }

    // The hostile title is text: shown as typed, no element made of it, no dialog.
    const xss = boxes.find((box) => box.ref === XSS_REF);
    assert.ok(xss.text.includes(XSS_TITLE), `the title as text: ${xss.text}`);
    assert.equal(await page.$$eval(`${CARD} img`, (images) => images.length), 0);

    // A tooltip on hover, with the box's judged figure.
    const frontend = oracle.snapshot.nodes.find((node) => node.entityRef === ROOT_REF);
    await page.hover(`${CARD} [data-entity-ref="${ROOT_REF}"]`);
    const tooltip = await page.waitForSelector('[role="tooltip"]', { state: 'visible', timeout: 15_000 });
    const tip = await tooltip.textContent();
    assert.ok(tip.includes(`p95 ${formatMs(frontend.stats.p95Ms)}`), `tooltip shows p95 ${formatMs(frontend.stats.p95Ms)}: ${tip}`);
    await page.mouse.move(0, 0);
    await page.waitForSelector('[role="tooltip"]', { state: 'hidden', timeout: 15_000 });
    await page.screenshot({ path: join(screenshots, 'backstage-card.png'), fullPage: true });

    // The backend goes away: the card says stale within a few poll intervals and keeps every colour.
    seen.allowed = (message) => message.text().includes('ERR_CONNECTION_REFUSED') && message.location().url.startsWith(jaeger.url);
    await jaeger.stop();
    const stopped = performance.now();
    await page.waitForSelector(`${FRESHNESS}[data-stale="true"]`, { timeout: 15_000 });
    const staleMs = Math.round(performance.now() - stopped);
    const staleBoxes = await readBoxes(page);
    assert.deepEqual(Object.fromEntries(staleBoxes.map(({ ref, status, fill }) => [ref, { status, fill }])), expected);
    assert.deepEqual((await readEdges(page)).map((e) => e.stroke), edges.map((e) => e.stroke));
    await page.screenshot({ path: join(screenshots, 'backstage-card-stale.png'), fullPage: true });

    // Back on the same port: fresh again.
    await jaeger.start();
    const restarted = performance.now();
    await page.waitForSelector(`${FRESHNESS}[data-stale="false"]`, { timeout: 15_000 });
    const recoverMs = Math.round(performance.now() - restarted);
    assert.equal((await readFreshness(page)).stale, 'false');

    assert.ok(seen.excused.length > 0, 'the outage was seen by the page');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    console.log(`backstage layer: statuses settled after ${settledMs} ms, stale after ${staleMs} ms, fresh again after ${recoverMs} ms; ${boxes.length} boxes, ${edges.length} edges, ${rows.length} alert rows`);
  } finally {
    await page.close();
  }
});

/** WCAG 2.1 contrast ratio of two `#rrggbb` colours. */
function contrast(a, b) {
  const luminance = (hex) => {
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

it("draws in Backstage's dark theme: the snapshot's heat colours, the theme's chrome, labels readable on it", { timeout: 60_000 }, async () => {
  const { page, seen } = await openPage('cards-dark');
  try {
    await waitForVisibleGraph(page, `${CARD} [data-entity-ref]`, catalog.length);
    await page.waitForSelector(`${FRESHNESS}[data-stale="false"]`, { timeout: 15_000 });
    const judged = [...oracle.boxes].filter(([, box]) => box.fill !== null);
    const fillOf = Object.fromEntries(judged.map(([ref, box]) => [ref, box.fill]));
    await page.waitForFunction(
      ({ selector, fillOf }) =>
        [...document.querySelectorAll(selector)].every((box) => !(box.dataset.entityRef in fillOf) || box.querySelector('rect')?.getAttribute('fill') === fillOf[box.dataset.entityRef]),
      { selector: `${CARD} [data-entity-ref]`, fillOf },
      { timeout: 15_000 },
    );
    // The heat colours do not follow the theme: every judged box is the snapshot's fill, as in the light render;
    // the boxes without a judgement share one dark neutral fill, no judged one.
    const boxes = await readBoxes(page);
    const shown = Object.fromEntries(boxes.filter(({ ref }) => ref in fillOf).map(({ ref, fill }) => [ref, fill]));
    assert.deepEqual(shown, fillOf);
    const neutral = new Set(boxes.filter(({ ref }) => !(ref in fillOf)).map(({ fill }) => fill));
    assert.equal(neutral.size, 1, [...neutral].join());
    const [neutralFill] = neutral;
    assert.ok(contrast(neutralFill, '#000000') < 5 && !Object.values(fillOf).includes(neutralFill), `a dark neutral, got ${neutralFill}`);
    // The chrome does: the card is dark, and every edge label (the theme's text colour) reads on it at AA.
    const { paper, labels } = await page.evaluate((card) => {
      const graph = document.querySelector(`${card} svg`);
      let holder = graph;
      while (holder && getComputedStyle(holder).backgroundColor.replace(/\s/g, '') === 'rgba(0,0,0,0)') holder = holder.parentElement;
      return {
        paper: holder ? getComputedStyle(holder).backgroundColor : null,
        labels: [...document.querySelectorAll(`${card} [data-testid="latency-heatmap-edge-label"]`)].map((label) => label.getAttribute('fill')),
      };
    }, CARD);
    const paperHex = hex(paper);
    assert.ok(contrast(paperHex, '#000000') < 3, `a dark card background, got ${paperHex}`);
    assert.ok(labels.length > 5, `edge labels: ${labels.length}`);
    for (const label of labels) assert.ok(contrast(hex(label), paperHex) >= 4.5, `label ${label} on ${paperHex}`);
    await page.screenshot({ path: join(screenshots, 'backstage-card-dark.png'), fullPage: true });
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
  } finally {
    await page.close();
  }
});
