// Test layer 5: the demo page that `make demo` serves, in headless Chromium. It must draw the sample system as a
// graph coloured by the wasm module, react to its controls, and log no errors.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { inChromium, repo, startServer } from '../harness.mjs';

let server;
before(async () => {
  server = await startServer({ root: join(repo, 'demo/dist') });
});
after(() => server?.close());

it('draws the sample system coloured by the snapshot, with no console errors', { timeout: 120_000 }, async () => {
  const { result, errors } = await inChromium(server.url, async (page) => {
    await page.waitForSelector('[data-testid="heatmap-node"]', { timeout: 30_000 });
    const nodes = await page.$$eval('[data-testid="heatmap-node"]', (groups) =>
      groups.map((g) => ({ status: g.dataset.status, fill: g.querySelector('rect')?.getAttribute('fill'), label: g.querySelector('text')?.textContent })),
    );
    const edges = await page.$$eval('[data-testid="heatmap-edge"] path', (paths) => paths.map((p) => ({ stroke: p.getAttribute('stroke'), d: p.getAttribute('d') })));
    const demo = await page.evaluate(() => ({ spans: window.latencyHeatmapDemo.spans, nodes: window.latencyHeatmapDemo.snapshot.nodes.length }));
    const warnings = await page.$$eval('#warnings li', (items) => items.map((li) => li.textContent));
    const panel = (id) => page.$$eval(`#${id} li`, (items) => items.map((li) => li.textContent));
    const panels = { alerts: await panel('alerts'), drift: await panel('drift'), path: await panel('path') };
    mkdirSync(join(repo, 'target'), { recursive: true });
    await page.screenshot({ path: join(repo, 'target/demo.png'), fullPage: true });

    await page.selectOption('select[name="palette"]', 'viridis');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="heatmap-node"] rect')?.getAttribute('fill') !== before,
      nodes[0].fill,
    );
    const viridis = await page.$$eval('[data-testid="heatmap-node"] rect', (rects) => rects.map((r) => r.getAttribute('fill')));

    await page.selectOption('select[name="level"]', 'system');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="heatmap-node"]').length < 8);
    const systems = await page.$$eval('[data-testid="heatmap-node"] text.node-label', (labels) => labels.map((l) => l.textContent));
    return { nodes, edges, demo, warnings, panels, viridis, systems };
  });
  assert.deepEqual(errors, []);
  const { nodes, edges, demo, warnings, panels, viridis, systems } = result;
  assert.equal(demo.spans, 608);
  assert.equal(nodes.length, demo.nodes);
  assert.ok(nodes.length >= 10, `${nodes.length} nodes`);
  for (const node of nodes) assert.match(node.fill, /^#[0-9a-f]{6}$/);
  const statuses = new Set(nodes.map((n) => n.status));
  for (const status of ['green', 'amber', 'red']) assert.ok(statuses.has(status), `a ${status} node in ${[...statuses]}`);
  assert.ok(new Set(nodes.map((n) => n.fill)).size >= 3, 'nodes are coloured by their scores');
  assert.ok(nodes.some((n) => n.label === 'Checkout'), 'entity titles label the nodes');
  assert.ok(edges.length >= 8 && edges.every((e) => e.d.startsWith('M')), 'edges are drawn along their routes');
  assert.ok(warnings.some((w) => w.includes('fast')), `the bad annotation is reported: ${warnings}`);
  assert.notDeepEqual(viridis, nodes.map((n) => n.fill), 'the palette control recolours the graph');
  assert.match(panels.alerts[0], /^red · /, `alerts start with the worst: ${panels.alerts}`);
  assert.ok(panels.drift.includes('called but not declared: checkout → email'), `${panels.drift}`);
  assert.ok(panels.drift.includes('declared but never seen: frontend → recommendations'), `${panels.drift}`);
  assert.ok(panels.path.length >= 5, `the critical path lists its hops: ${panels.path}`);
  assert.ok(systems.includes('Orders') && systems.includes('Storefront'), `system level groups the services: ${systems}`);
});
