// The standalone demo: the sample system goes through the real pipeline in the wasm package, and the snapshot is
// drawn as SVG. Everything here converts and draws; latency, thresholds, colours and layout come from the snapshot,
// and its text (durations, verdicts, alerts, route paths) from js/src/format, which the cards share.
import {
  HeatMap,
  initSync,
  type HeatEdge,
  type HeatMapConfig,
  type HeatNode,
  type Judgement,
  type Point,
  type Snapshot,
  type Status,
} from 'backstage-plugin-latency-heatmap/core';
import { alertText, criticalPathSummary, describeJudgement, formatMs, formatWindow, hopText, routePath, shortRef, verdict } from '../../js/src/format';
import traces from '../../tests/fixtures/otel-sdk/otlp.json';
import catalog from '../../tests/fixtures/catalog/otel-shop.json';

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = 24;
const NODE = { width: 200, height: 58 };
const DASHES = { solid: '', dashed: '7 4', dotted: '2 3' } as const;

declare global {
  interface Window {
    latencyHeatmapDemo?: { snapshot: Snapshot; spans: number };
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function drawEdge(layer: SVGGElement, edge: HeatEdge, points: Point[]) {
  const group = svg('g', { 'data-testid': 'heatmap-edge', 'data-status': edge.status, 'data-declared': String(edge.declared) });
  const title = svg('title');
  const notes = [edge.kind, edge.inferred ? 'inferred' : '', edge.declared ? '' : 'not declared in the catalog'].filter(Boolean);
  title.textContent = `${edge.from} → ${edge.to} (${notes.join(', ')}): ${describeJudgement(edge)}`;
  group.append(
    title,
    svg('path', {
      d: routePath(points),
      fill: 'none',
      stroke: edge.color.fill,
      'stroke-width': edge.status === 'unknown' ? 1.5 : 2.5,
      'stroke-dasharray': DASHES[edge.color.pattern],
      'marker-end': 'url(#arrow)',
    }),
  );
  const [a, b] = [points[Math.floor((points.length - 1) / 2)], points[Math.ceil((points.length - 1) / 2)]];
  if (a && b && edge.observedMs !== null) {
    const middle = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    const label = svg('text', { x: middle.x, y: middle.y - 6, 'text-anchor': 'middle', class: 'edge-label' });
    label.textContent = formatMs(edge.observedMs);
    group.append(label);
  }
  layer.append(group);
}

function drawNode(layer: SVGGElement, node: HeatNode, x: number, y: number, width: number, height: number) {
  const group = svg('g', {
    transform: `translate(${x - width / 2},${y - height / 2})`,
    'data-testid': 'heatmap-node',
    'data-status': node.status,
    'data-fill': node.color.fill,
  });
  const title = svg('title');
  const entity = node.entityRef ?? 'not in the catalog';
  title.textContent = `${node.label} (${entity}${node.virtual ? ', not instrumented' : ''}): ${describeJudgement(node)}`;
  const label = svg('text', { x: 12, y: 23, fill: node.color.text, class: 'node-label' });
  label.textContent = node.label;
  const figure = svg('text', { x: 12, y: 42, fill: node.color.text, class: 'node-figure' });
  figure.textContent = node.virtual ? 'not instrumented' : verdict(node);
  group.append(
    title,
    svg('rect', {
      width,
      height,
      rx: 9,
      fill: node.color.fill,
      stroke: node.color.text,
      'stroke-opacity': 0.55,
      'stroke-width': node.status === 'red' ? 2.5 : 1.5,
      'stroke-dasharray': node.virtual ? '5 3' : DASHES[node.color.pattern],
    }),
    label,
    figure,
  );
  layer.append(group);
}

function drawGraph(snapshot: Snapshot) {
  const canvas = document.getElementById('graph') as unknown as SVGSVGElement;
  const layout = snapshot.layout;
  if (!layout) return;
  canvas.replaceChildren(canvas.querySelector('title') ?? svg('title'));
  // Scaled to the panel's width, never above natural size.
  const width = layout.width + 2 * MARGIN;
  const height = layout.height + 2 * MARGIN;
  canvas.setAttribute('viewBox', `0 0 ${width} ${height}`);
  canvas.style.maxWidth = `${width}px`;
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: 'context-stroke' }));
  defs.append(marker);
  const edges = svg('g', { transform: `translate(${MARGIN},${MARGIN})` });
  const nodes = svg('g', { transform: `translate(${MARGIN},${MARGIN})` });
  canvas.append(defs, edges, nodes);
  // snapshot({ layout }) gives each route its edge's id.
  const routes = new Map(layout.edges.map((route) => [route.id, route.points]));
  snapshot.edges.forEach((edge) => drawEdge(edges, edge, routes.get(edge.id) ?? []));
  const byId = new Map(snapshot.nodes.map((node) => [node.id, node]));
  for (const placed of layout.nodes) {
    const node = byId.get(placed.id);
    if (node) drawNode(nodes, node, placed.x, placed.y, placed.width, placed.height);
  }
}

function drawCriticalPath(snapshot: Snapshot) {
  // The entry point whose critical path is longest is where latency piles up.
  const entry = [...snapshot.entryPoints].sort((a, b) => b.cumulative.length - a.cumulative.length)[0];
  const summary = document.getElementById('path-summary') as HTMLElement;
  if (!entry) {
    summary.textContent = 'no entry points yet';
    listInto('path', []);
    return;
  }
  summary.textContent = criticalPathSummary(entry);
  listInto(
    'path',
    entry.cumulative.map((hop) => {
      const item = element('li', hopText(hop));
      if (hop.exceeded) item.className = 'exceeded';
      return item;
    }),
  );
}

function listInto(id: string, items: Node[]) {
  (document.getElementById(id) as HTMLElement).replaceChildren(...items);
}

function drawPanels(snapshot: Snapshot, spans: number) {
  const judged: Judgement[] = [...snapshot.nodes, ...snapshot.edges];
  const order: Status[] = ['green', 'amber', 'red', 'unknown'];
  const meaning = { green: 'within threshold', amber: 'close to threshold (dashed)', red: 'over threshold (dotted)', unknown: 'no data or no threshold' };
  listInto(
    'legend',
    order.map((status) => {
      const item = element('li');
      const example = judged.find((j) => j.status === status);
      const swatch = element('span');
      swatch.className = 'swatch';
      swatch.style.background = example?.color.fill ?? 'transparent';
      item.append(swatch, `${status}: ${meaning[status]}`);
      return item;
    }),
  );
  listInto('alerts', snapshot.alerts.length ? snapshot.alerts.slice(0, 8).map((a) => element('li', alertText(a))) : [element('li', 'none')]);
  drawCriticalPath(snapshot);
  const drift = [
    ...snapshot.drift.undeclared.map((d) => element('li', `called but not declared: ${shortRef(d.from)} → ${shortRef(d.to)}`)),
    ...snapshot.drift.unobserved.map((d) => element('li', `declared but never seen: ${shortRef(d.from)} → ${shortRef(d.to)}`)),
  ];
  listInto('drift', drift.length ? drift : [element('li', 'catalog and traces agree')]);
  listInto('warnings', snapshot.warnings.length ? snapshot.warnings.map((w) => element('li', w.message)) : [element('li', 'none')]);
  (document.getElementById('status') as HTMLElement).textContent =
    `${spans} spans · ${snapshot.nodes.length} services · ${snapshot.edges.length} calls · window: ${formatWindow(snapshot.window)}`;
}

function render() {
  const form = document.getElementById('controls') as HTMLFormElement;
  const value = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement).value;
  const config: HeatMapConfig = {
    window: 'all',
    defaults: { latencySlo: '500ms' },
    percentile: value('percentile') as HeatMapConfig['percentile'],
    tolerance: value('tolerance') as HeatMapConfig['tolerance'],
    palette: value('palette') as HeatMapConfig['palette'],
  };
  const map = new HeatMap(config);
  try {
    map.setCatalog(catalog);
    const report = map.ingestOtlp(traces);
    map.flushPending(); // a finished recording: nothing more will arrive for the spans still waiting
    const snapshot = map.snapshot({
      level: value('level') as 'component' | 'system' | 'domain',
      layout: { direction: value('direction') as 'LR' | 'TB', nodeWidth: NODE.width, nodeHeight: NODE.height, ranksep: 90, nodesep: 36 },
    });
    drawGraph(snapshot);
    drawPanels(snapshot, report.accepted);
    window.latencyHeatmapDemo = { snapshot, spans: report.accepted };
  } finally {
    map.free();
  }
}

initSync();
render();
document.getElementById('controls')?.addEventListener('change', render);
