// What the card must show, computed in Node by the package's own wasm core (`/core`, as installed from pkg/) from
// the same catalog, the same recorded Jaeger answers (polled from the same fixture server) and the same config as
// the page. It knows nothing of React or the DOM.
import { HeatMap, initSync } from 'backstage-plugin-latency-heatmap/core';
import { refOf } from './catalog.mjs';

/** The snapshot level whose nodes are the catalog's entities (all of an entity's services merged), as the client's. */
export const ENTITY_LEVEL = 'entity';

/** The bearer token the page's identity API hands out (the fixture proxy refuses requests without one). */
export const USER_TOKEN = 'backstage-user-token';

/** The page's `latencyHeatmap:` app-config section: through the app's proxy to the fixture server. */
export function appConfig(proxyPath) {
  return {
    latencyHeatmap: {
      source: { type: 'jaeger', proxyPath, lookback: '5m', limit: 200, retries: 0, timeout: '2s' },
      pollInterval: '1s',
      window: '5m',
      percentile: 'p95',
      defaults: { latencySlo: '100ms', errorRate: 0.05 },
    },
  };
}

/**
 * Polls the fixture server once as the client does (`setCatalog`, then `poll` of the services the catalog claims,
 * at `{proxy base URL}{source.proxyPath}` with the user's token)
 * and returns, per entity ref, the expected status and fill (Systems and Domains at their group level; entities
 * the snapshot has no node for are `unknown` with no fill of the core's to match: the card draws its own neutral),
 * the calls between entities with their colours, and the snapshot's alerts.
 */
export async function expectedView(catalog, config, proxyBaseUrl) {
  initSync();
  const { source, pollInterval: _interval, traceUrlTemplate: _template, ...heatMapConfig } = config.latencyHeatmap;
  const map = new HeatMap(heatMapConfig);
  try {
    const { services } = map.setCatalog(catalog);
    const { proxyPath, ...rest } = source;
    const headers = { Authorization: `Bearer ${USER_TOKEN}` };
    const report = await map.poll({ ...rest, baseUrl: `${proxyBaseUrl}${proxyPath}`, headers, services });
    if (report.failures.length > 0) throw new Error(`oracle poll failed: ${JSON.stringify(report.failures)}`);
    const snapshot = (level) => map.snapshot({ level, entryPoints: false });
    const levels = { entity: snapshot(ENTITY_LEVEL), system: snapshot('system'), domain: snapshot('domain') };
    const nodeOf = (level, ref) => levels[level].nodes.filter((node) => node.entityRef === ref);
    const boxes = new Map();
    for (const entity of catalog) {
      const ref = refOf(entity);
      const level = entity.kind === 'System' ? 'system' : entity.kind === 'Domain' ? 'domain' : 'entity';
      const nodes = nodeOf(level, ref);
      if (nodes.length > 1) throw new Error(`${ref} has ${nodes.length} nodes at ${level} level; the oracle needs the entity level`);
      const [node] = nodes;
      boxes.set(ref, node ? { status: node.status, fill: node.color.fill, label: node.label } : { status: 'unknown', fill: null, label: null });
    }
    const calls = levels.entity.edges
      .filter((edge) => edge.fromEntityRef && edge.toEntityRef && edge.fromEntityRef !== edge.toEntityRef)
      .map((edge) => ({
        from: edge.fromEntityRef,
        to: edge.toEntityRef,
        kind: edge.kind,
        declared: edge.declared,
        status: edge.status,
        stroke: edge.color.fill,
        percentile: edge.percentile,
        observedMs: edge.observedMs,
      }));
    // The client's states reduced as page/client.tsx reduces them.
    const reduced = {
      nodes: levels.entity.nodes.map((node) => ({ entityRef: node.entityRef, id: node.id, status: node.status, fill: node.color.fill })),
      edges: levels.entity.edges.map((edge) => ({ id: edge.id, status: edge.status, fill: edge.color.fill })),
    };
    return { boxes, calls, alerts: levels.entity.alerts, report, snapshot: levels.entity, reduced };
  } finally {
    map.free();
  }
}
