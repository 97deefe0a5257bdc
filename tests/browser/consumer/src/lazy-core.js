// The client loads the core (and its wasm) with `import()` on its first subscription: a sibling chunk in bundles,
// a sibling `.cjs` file under Jest and Node's CommonJS. A config value only the core can judge (a duration) proves
// that the core was loaded and ran.
import { ConfigReader } from '@backstage/config';
import { LatencyHeatmapClient } from 'backstage-plugin-latency-heatmap';

/**
 * The first state a subscriber gets for an app-config whose poll interval is not a duration. A CommonJS caller
 * passes the client class and `ConfigReader` it required.
 */
export function firstStateWithBadInterval(Client = LatencyHeatmapClient, Reader = ConfigReader) {
  const client = new Client({
    configApi: new Reader({ latencyHeatmap: { source: { type: 'jaeger', proxyPath: '/jaeger' }, pollInterval: 'often' } }),
    discoveryApi: { getBaseUrl: async () => 'http://127.0.0.1:9/api/proxy' },
    identityApi: { getCredentials: async () => ({}) },
    catalogApi: { getEntitiesByRefs: async () => ({ items: [] }) },
  });
  return new Promise((resolve) => {
    const stop = client.subscribe(['component:default/checkout'], (state) => {
      stop();
      resolve({ stale: state.stale, code: state.error?.code, message: state.error?.message });
    });
  });
}
