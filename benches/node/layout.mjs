// Layered layout in Node: our wasm `layoutGraph` against `@dagrejs/dagre` 1.1.8 (what Backstage's catalog graph
// ships) and elkjs layered, in one process on the same generated service graphs (issue 5), then our `layoutGraph`
// alone on three pathological graphs (issue 11): the complete graph on 300 nodes, a 2 000-node chain with a hub
// calling every node, and 2 000 services with a `user` node calling every one. Figures are printed, never asserted.
//
//   node layout.mjs [--sizes=50,200,1000,3000,5000] [--timeout=60] [--only=ours,dagre,elk] [--budget=20]
//                   [--pathological=complete-300,chain-2000+hub,star-2000]   (--pathological= skips them)
//
// Each contender runs in its own worker thread per size, so a run that exceeds --timeout seconds is killed and
// printed as "timeout" (a contender that timed out is not tried on larger sizes). Every worker first lays out a
// 50-node graph untimed (JIT and wasm warm-up), then times up to RUNS[size] runs, stopping early once --budget
// seconds have been spent; the median is printed. Crossings are counted afterwards, the same way for all three,
// on the routes each returned: proper intersections between polyline segments of two edges that share no
// endpoint, found through a uniform grid.
//
// The graphs are `service_graph(n, 2.0, 0x1a7e ^ n)` of src/layout/testing.rs (the criterion bench's), ported
// below: ~2 edges per node, 90 % from a lower to a higher index, the rest back (cycles), parallel edges possible,
// node boxes 120–200 × 40–60.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CORE, int, load, loadCore, machine, median, ms, options, ratio, table } from './common.mjs';

const RUNS = { 50: 7, 200: 5, 1000: 3, 3000: 1, 5000: 1 };
const CONTENDERS = ['ours', 'dagre', 'elk'];
const SPACING = { nodesep: 50, ranksep: 50 };

// ---------------------------------------------------------------------------------------------------------------
// The graphs (a port of src/layout/testing.rs, bit for bit: SplitMix64 on BigInt).

class SplitMix64 {
  constructor(seed) {
    this.state = BigInt.asUintN(64, BigInt(seed));
  }
  next() {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  below(bound) {
    return Number(this.next() % BigInt(Math.max(bound, 1)));
  }
  chance(p) {
    return Number(this.next() >> 11n) / 2 ** 53 <= p;
  }
}

export function serviceGraph(n, edgesPerNode = 2, seed = 0x1a7e ^ n) {
  const rng = new SplitMix64(seed);
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const width = 120 + rng.below(5) * 20;
    const height = 40 + rng.below(3) * 10;
    nodes.push({ id: `n${i}`, width, height });
  }
  const count = n < 2 ? 0 : Math.round(n * edgesPerNode);
  const edges = [];
  for (let k = 0; k < count; k++) {
    const a = rng.below(n);
    let b = rng.below(n - 1);
    if (b >= a) b += 1;
    const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
    const [from, to] = rng.chance(0.9) ? [lo, hi] : [hi, lo];
    edges.push({ from: `n${from}`, to: `n${to}` });
  }
  return { nodes, edges };
}

// The pathological graphs (ports of complete_graph, chain_with_hub and service_star in src/layout/testing.rs):
// 150×50 boxes for the added nodes, all edges with the default weight.

const box = (id) => ({ id, width: 150, height: 50 });

export function completeGraph(n) {
  const edges = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) edges.push({ from: `n${a}`, to: `n${b}` });
  return { nodes: Array.from({ length: n }, (_, i) => box(`n${i}`)), edges };
}

export function chainWithHub(n) {
  const nodes = Array.from({ length: n }, (_, i) => box(`n${i}`));
  const edges = [];
  for (let i = 1; i < n; i++) edges.push({ from: `n${i - 1}`, to: `n${i}` });
  nodes.push(box('hub'));
  for (let i = 0; i < n; i++) edges.push({ from: 'hub', to: `n${i}` });
  return { nodes, edges };
}

export function serviceStar(n) {
  const graph = serviceGraph(n);
  graph.nodes.push(box('user'));
  for (let i = 0; i < n; i++) graph.edges.push({ from: 'user', to: `n${i}` });
  return graph;
}

const PATHOLOGICAL = {
  'complete-300': () => completeGraph(300),
  'chain-2000+hub': () => chainWithHub(2000),
  'star-2000': () => serviceStar(2000),
};

/** The graph a worker lays out: a service graph by size, or a pathological one by name. */
function graphFor(kind) {
  return typeof kind === 'number' ? serviceGraph(kind) : PATHOLOGICAL[kind]();
}

// ---------------------------------------------------------------------------------------------------------------
// The contenders. Each returns { routes: [{ from, to, points: [{x,y}] }], own } where own is the library's own
// crossing count if it reports one. The timed part is everything from our common input to the library's result
// (building dagre's graphlib graph or elk's JSON is part of using them).

const require = createRequire(import.meta.url);

async function contender(name) {
  if (name === 'ours') {
    const { layoutGraph } = await loadCore();
    return {
      version: `wasm layoutGraph from ${CORE}`,
      async layout(graph) {
        const out = layoutGraph(graph, { direction: 'TB', ...SPACING });
        return { routes: out.edges, own: out.stats.crossings, layers: out.stats.layers, stats: out.stats };
      },
    };
  }
  if (name === 'dagre') {
    const dagre = require('@dagrejs/dagre');
    return {
      version: `@dagrejs/dagre ${require('@dagrejs/dagre/package.json').version}`,
      async layout(graph) {
        // As Backstage's DependencyGraph sets it up (network-simplex is dagre's default ranker); multigraph so
        // parallel edges stay separate edges as they do for the other two.
        const g = new dagre.graphlib.Graph({ multigraph: true });
        g.setGraph({ rankdir: 'TB', ranker: 'network-simplex', ...SPACING });
        g.setDefaultEdgeLabel(() => ({}));
        for (const n of graph.nodes) g.setNode(n.id, { width: n.width, height: n.height });
        graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
        dagre.layout(g);
        const routes = g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points }));
        return { routes, own: null };
      },
    };
  }
  if (name === 'elk') {
    const ELK = require('elkjs/lib/elk.bundled.js');
    const elk = new ELK();
    return {
      version: `elkjs ${require('elkjs/package.json').version} layered`,
      async layout(graph) {
        const input = {
          id: 'root',
          layoutOptions: {
            'elk.algorithm': 'org.eclipse.elk.layered',
            'elk.direction': 'DOWN',
            'elk.spacing.nodeNode': String(SPACING.nodesep),
            'elk.layered.spacing.nodeNodeBetweenLayers': String(SPACING.ranksep),
            'elk.spacing.edgeEdge': '10',
            'elk.spacing.edgeNode': '10',
          },
          children: graph.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
          edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
        };
        const out = await elk.layout(input);
        const routes = [];
        for (const e of out.edges) {
          const points = [];
          for (const s of e.sections ?? []) {
            points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
          }
          routes.push({ from: e.sources[0], to: e.targets[0], points });
        }
        return { routes, own: null };
      },
    };
  }
  throw new Error(`unknown contender ${name}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Crossings of the drawn routes, counted the same way for everyone: segment pairs of two different edges that
// share no endpoint node and intersect properly (each segment's ends strictly on both sides of the other; touching
// and collinear overlaps are not crossings). Uniform grid: each segment goes into every cell its bounding box
// touches, and a pair is tested only in the lowest cell of the overlap of the two boxes, so it is counted once.

export function countCrossings(routes) {
  const ids = new Map();
  const nodeIndex = (id) => {
    let i = ids.get(id);
    if (i === undefined) ids.set(id, (i = ids.size));
    return i;
  };
  const xs1 = [], ys1 = [], xs2 = [], ys2 = [], owner = [];
  const ends = [];
  routes.forEach((r, e) => {
    ends.push(nodeIndex(r.from), nodeIndex(r.to));
    const p = r.points;
    for (let k = 0; k + 1 < p.length; k++) {
      if (p[k].x === p[k + 1].x && p[k].y === p[k + 1].y) continue;
      xs1.push(p[k].x); ys1.push(p[k].y); xs2.push(p[k + 1].x); ys2.push(p[k + 1].y); owner.push(e);
    }
  });
  const n = owner.length;
  if (n < 2) return { crossings: 0, segments: n };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs1[i], xs2[i]); maxX = Math.max(maxX, xs1[i], xs2[i]);
    minY = Math.min(minY, ys1[i], ys2[i]); maxY = Math.max(maxY, ys1[i], ys2[i]);
  }
  const w = maxX - minX || 1, h = maxY - minY || 1;
  // About two segments per cell on average, at most ~4 M cells.
  let cell = Math.max(Math.sqrt((w * h) / (n / 2)), Math.sqrt((w * h) / 4e6), 1);
  const cols = Math.floor(w / cell) + 1, rows = Math.floor(h / cell) + 1;
  const cx = (x) => Math.min(cols - 1, Math.floor((x - minX) / cell));
  const cy = (y) => Math.min(rows - 1, Math.floor((y - minY) / cell));
  const box = new Int32Array(4 * n);
  for (let i = 0; i < n; i++) {
    box[4 * i] = cx(Math.min(xs1[i], xs2[i])); box[4 * i + 1] = cy(Math.min(ys1[i], ys2[i]));
    box[4 * i + 2] = cx(Math.max(xs1[i], xs2[i])); box[4 * i + 3] = cy(Math.max(ys1[i], ys2[i]));
  }
  // Compressed rows: cell → segments.
  const start = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++)
    for (let y = box[4 * i + 1]; y <= box[4 * i + 3]; y++)
      for (let x = box[4 * i]; x <= box[4 * i + 2]; x++) start[y * cols + x + 1]++;
  for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cols * rows);
  const members = new Int32Array(start[cols * rows]);
  for (let i = 0; i < n; i++)
    for (let y = box[4 * i + 1]; y <= box[4 * i + 3]; y++)
      for (let x = box[4 * i]; x <= box[4 * i + 2]; x++) members[fill[y * cols + x]++] = i;

  const orient = (ax, ay, bx, by, px, py) => Math.sign((bx - ax) * (py - ay) - (by - ay) * (px - ax));
  let crossings = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const c = y * cols + x;
      for (let a = start[c]; a < start[c + 1]; a++) {
        const i = members[a];
        const ei = owner[i], fi = ends[2 * ei], ti = ends[2 * ei + 1];
        for (let b = a + 1; b < start[c + 1]; b++) {
          const j = members[b];
          const ej = owner[j];
          if (ej === ei) continue;
          const fj = ends[2 * ej], tj = ends[2 * ej + 1];
          if (fi === fj || fi === tj || ti === fj || ti === tj) continue;
          // Only in the lowest cell of the two boxes' overlap.
          if (Math.max(box[4 * i], box[4 * j]) !== x || Math.max(box[4 * i + 1], box[4 * j + 1]) !== y) continue;
          const o1 = orient(xs1[i], ys1[i], xs2[i], ys2[i], xs1[j], ys1[j]);
          const o2 = orient(xs1[i], ys1[i], xs2[i], ys2[i], xs2[j], ys2[j]);
          if (o1 * o2 >= 0) continue;
          const o3 = orient(xs1[j], ys1[j], xs2[j], ys2[j], xs1[i], ys1[i]);
          const o4 = orient(xs1[j], ys1[j], xs2[j], ys2[j], xs2[i], ys2[i]);
          if (o3 * o4 < 0) crossings++;
        }
      }
    }
  }
  return { crossings, segments: n };
}

// ---------------------------------------------------------------------------------------------------------------
// Worker: one contender, one size.

async function workerMain({ name, size, runs, budgetMs, count = true }) {
  const c = await contender(name);
  await c.layout(serviceGraph(50, 2, 0xbeef)); // warm-up, untimed
  const graph = graphFor(size);
  let last;
  let spent = 0;
  for (let r = 0; r < runs && (r === 0 || spent < budgetMs); r++) {
    globalThis.gc?.();
    const t0 = performance.now();
    last = await c.layout(graph);
    const t = performance.now() - t0;
    spent += t;
    parentPort.postMessage({ type: 'run', ms: t });
  }
  parentPort.postMessage({ type: 'counting' });
  const { crossings, segments } = count ? countCrossings(last.routes) : { crossings: null, segments: null };
  parentPort.postMessage({
    type: 'done',
    version: c.version,
    routes: last.routes.length,
    crossings,
    segments,
    own: last.own,
    layers: last.layers ?? null,
    stats: last.stats ?? null,
  });
}

/** Runs one contender on one size in a worker; resolves to { times, timedOut, ...done }. */
function runInWorker(name, size, runs, timeoutMs, budgetMs, count = true) {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { name, size, runs, budgetMs, count },
    });
    const times = [];
    let timer;
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(value);
    };
    const arm = (limit) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        worker.terminate();
        finish({ times, timedOut: true });
      }, limit);
    };
    arm(timeoutMs + 10_000); // the first run also pays for loading and the 50-node warm-up
    worker.on('message', (m) => {
      if (m.type === 'run') {
        times.push(m.ms);
        if (m.ms > timeoutMs) {
          // Finished, but later than the limit: as good as a timeout.
          worker.terminate();
          finish({ times: [], timedOut: true });
          return;
        }
        arm(timeoutMs);
      } else if (m.type === 'counting') {
        arm(Math.max(120_000, timeoutMs));
      } else if (m.type === 'done') {
        worker.terminate();
        finish({ times, timedOut: false, ...m });
      }
    });
    worker.on('error', (e) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

async function main() {
  const opt = options({
    sizes: '50,200,1000,3000,5000',
    timeout: '60',
    only: CONTENDERS.join(','),
    budget: '20',
    pathological: Object.keys(PATHOLOGICAL).join(','),
  });
  const sizes = opt.sizes ? opt.sizes.split(',').map(Number) : [];
  const names = opt.only.split(',');
  const timeoutMs = Number(opt.timeout) * 1000;
  const budgetMs = Number(opt.budget) * 1000;
  console.log(`layout benchmark — ${machine()}; timeout ${opt.timeout} s per run; nodesep ${SPACING.nodesep}, ranksep ${SPACING.ranksep}, TB`);
  const versions = {};
  const gaveUp = {};
  const rows = [];
  for (const size of sizes) {
    const graph = serviceGraph(size);
    const results = {};
    for (const name of names) {
      if (gaveUp[name]) {
        results[name] = { skipped: gaveUp[name] };
        continue;
      }
      const runs = RUNS[size] ?? 1;
      const r = await runInWorker(name, size, runs, timeoutMs, budgetMs);
      if (r.timedOut) gaveUp[name] = size;
      if (r.version) versions[name] = r.version;
      results[name] = r;
      const shown = r.timedOut ? 'timeout' : `${ms(median(r.times))} ms (${r.times.length} run${r.times.length > 1 ? 's' : ''})`;
      console.log(`  ${String(size).padStart(5)} nodes  ${name.padEnd(5)}  ${shown}${r.timedOut ? '' : `, ${int(r.crossings)} crossings`}`);
    }
    const ours = results.ours && !results.ours.timedOut && !results.ours.skipped ? median(results.ours.times) : null;
    for (const name of names) {
      const r = results[name];
      const cells = [String(size), String(graph.edges.length), name];
      if (r.skipped) {
        rows.push([...cells, `skipped (timeout at ${r.skipped})`, '', '', '', '', '']);
      } else if (r.timedOut) {
        rows.push([...cells, `timeout (> ${opt.timeout} s)`, '', '', '', '', '']);
      } else {
        const t = median(r.times);
        rows.push([
          ...cells,
          ms(t),
          String(r.times.length),
          name === 'ours' ? '1×' : ours ? ratio(t, ours) : '–',
          int(r.crossings),
          r.own == null ? '' : int(r.own),
          `${int(r.routes)} / ${int(r.segments)}`,
        ]);
      }
    }
  }
  console.log();
  for (const name of names) if (versions[name]) console.log(`${name}: ${versions[name]}`);
  console.log();
  console.log(
    table(['nodes', 'edges', 'contender', 'median ms', 'runs', 'vs ours', 'crossings (routes)', 'own count', 'routes / segments'], rows),
  );
  console.log(`\n(${load()} at the end)`);
  console.log('Goals (printed, not asserted): wasm 1 000 nodes / 2 000 edges ≤ 100 ms, 5 000 nodes ≤ 1 s;');
  console.log('crossings ≤ elkjs\'s and ≤ dagre\'s wherever they finish. "own count" is layoutGraph\'s stats.crossings');
  console.log('(between adjacent ranks, on the ordering); the crossings column is counted on the returned polylines.');
  console.log('Crossings: proper intersections of route segments of two edges with no common endpoint.');
  await pathological(opt, timeoutMs, budgetMs);
}

/** Our layout alone on the pathological graphs (dagre and elkjs take minutes on these, or run out of memory). */
async function pathological(opt, timeoutMs, budgetMs) {
  const names = opt.pathological ? opt.pathological.split(',') : [];
  if (names.length === 0) return;
  const rows = [];
  for (const name of names) {
    if (!(name in PATHOLOGICAL)) throw new Error(`unknown pathological graph ${name}; known: ${Object.keys(PATHOLOGICAL)}`);
    const graph = PATHOLOGICAL[name]();
    // Route crossings are not counted here: the straight edges cross the whole drawing, and the grid count of
    // 40 000 of them takes minutes; `stats.crossings` (own count) leaves them out.
    const r = await runInWorker('ours', name, 3, timeoutMs, budgetMs, false);
    const cells = [name, int(graph.nodes.length), int(graph.edges.length)];
    if (r.timedOut) {
      rows.push([...cells, `timeout (> ${opt.timeout} s)`, '', '', '', '', '']);
      continue;
    }
    const s = r.stats;
    rows.push([
      ...cells,
      ms(median(r.times)),
      String(r.times.length),
      int(s.layers),
      int(s.dummies),
      int(s.straightEdges),
      int(s.crossings),
    ]);
    console.log(`  ${name.padEnd(15)} ours  ${ms(median(r.times))} ms, ${int(s.straightEdges)} straight edges`);
  }
  console.log();
  console.log(
    table(
      ['graph', 'nodes', 'edges', 'median ms', 'runs', 'ranks', 'bends', 'straight edges', 'own count'],
      rows,
    ),
  );
  console.log('Goal (printed, not asserted): each in a few seconds at most. "straight edges" are drawn without bends');
  console.log('because the bend budget (maxBends, default 32 per node, at least 40 000) was reached.');
}

if (isMainThread) {
  await main();
} else {
  await workerMain(workerData);
}
