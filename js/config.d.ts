/**
 * The `latencyHeatmap:` app-config section, read in the browser by `LatencyHeatmapClient` (so every key is
 * `@visibility frontend`). Defaults and meanings: README, "Adding it to a Backstage app".
 */
export interface Config {
  /** @visibility frontend */
  latencyHeatmap?: {
    /**
     * The tracing backend (or the Prometheus holding service-graph metrics) polled. Set `proxyPath` (through
     * Backstage's proxy, with the user's token) or `baseUrl` (straight from the browser: the backend must allow CORS).
     * @visibility frontend
     */
    /**
     * Firing alerts on the map: an Alertmanager polled after the telemetry each round (`type`, `proxyPath` or
     * `baseUrl`, `filter`, `headers`, `timeout`, `retries`), and how alerts map to entities (`labels`, `severities`).
     * @visibility frontend
     */
    alerts?: {
      /** @visibility frontend */
      type?: 'alertmanager';
      /** @visibility frontend */
      proxyPath?: string;
      /** @visibility frontend */
      baseUrl?: string;
      /**
       * Label matchers sent as `filter=`, e.g. `team="checkout"`.
       * @visibility frontend
       */
      filter?: string[];
      /** @visibility frontend */
      headers?: { [name: string]: string };
      /** @visibility frontend */
      timeout?: string | number;
      /** @visibility frontend */
      retries?: number;
      /**
       * Alert labels whose value names a telemetry service or an entity (default `[service]`).
       * @visibility frontend
       */
      labels?: string[];
      /**
       * Severity → the least status it forces (defaults: `critical: red`, `warning: amber`, `info`/`none`: green, i.e. nothing).
       * @visibility frontend
       */
      severities?: { [severity: string]: 'red' | 'amber' | 'green' | 'unknown' };
    };
    source: {
      /** @visibility frontend */
      type: 'jaeger' | 'zipkin' | 'tempo' | 'otlp' | 'prometheus';
      /**
       * A path under the proxy, e.g. `/jaeger` for `proxy.endpoints./jaeger`.
       * @visibility frontend
       */
      proxyPath?: string;
      /** @visibility frontend */
      baseUrl?: string;
      /**
       * How far back each query reaches (default `5m`).
       * @visibility frontend
       */
      lookback?: string | number;
      /**
       * Traces per query (default 200).
       * @visibility frontend
       */
      limit?: number;
      /**
       * Per request (default `10s`).
       * @visibility frontend
       */
      timeout?: string | number;
      /**
       * Further tries after a failure that may pass (default 2).
       * @visibility frontend
       */
      retries?: number;
      /**
       * Sent with every request from the browser (a tenant header); never put a secret here, it reaches every user.
       * @visibility frontend
       */
      headers?: { [name: string]: string };
      /**
       * Prometheus: extra label matchers in every query, e.g. `cluster="prod"` (default none).
       * @visibility frontend
       */
      selector?: string;
      /**
       * Prometheus: the server-side histogram's base name (default `traces_service_graph_request_server_seconds`).
       * @visibility frontend
       */
      serverHistogram?: string;
      /**
       * Prometheus: the client-side histogram's base name (default `traces_service_graph_request_client_seconds`).
       * @visibility frontend
       */
      clientHistogram?: string;
      /**
       * Prometheus: the `rate()` window (default: `window`).
       * @visibility frontend
       */
      rateWindow?: string | number;
      /**
       * Prometheus: the labels naming an edge's services (default `client` / `server`).
       * @visibility frontend
       */
      serviceLabels?: {
        /** @visibility frontend */
        client?: string;
        /** @visibility frontend */
        server?: string;
      };
      /**
       * Prometheus: classic `_bucket` series or native histograms (default `classic`).
       * @visibility frontend
       */
      histograms?: 'classic' | 'native';
      /**
       * Prometheus: also ask for Tempo's messaging-system histogram (default false).
       * @visibility frontend
       */
      messaging?: boolean;
      /**
       * Prometheus: `system` asks for every edge instead of the subscribed services' neighbourhood.
       * @visibility frontend
       */
      view?: 'system' | 'neighbourhood';
      /**
       * Prometheus: extra PromQL shown in the boxes' tooltips (moolen/statusgraph's shape), at most 20, each one
       * more query per round; each sample's `serviceLabel` label names its telemetry service.
       * @visibility frontend
       */
      queries?: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        query: string;
        /** @visibility frontend */
        serviceLabel: string;
      }>;
    };
    /**
     * Time between poll rounds (default `30s`).
     * @visibility frontend
     */
    pollInterval?: string | number;
    /**
     * Sliding window for quantiles and rates (default `5m`).
     * @visibility frontend
     */
    window?: string | number;
    /** @visibility frontend */
    percentile?: 'p50' | 'p90' | 'p95' | 'p99';
    /** @visibility frontend */
    tolerance?: 'conservative' | 'moderate' | 'aggressive';
    /**
     * A named palette or 2 to 8 colours from good to bad (default `rag`).
     * @visibility frontend
     */
    palette?: 'rag' | 'viridis' | 'cividis' | string[];
    /**
     * Link to a trace in the backend's UI; `{traceId}` is replaced.
     * @visibility frontend
     */
    traceUrlTemplate?: string;
    /**
     * Thresholds for entities without their own annotations.
     * @visibility frontend
     */
    defaults?: {
      /** @visibility frontend */
      latencySlo?: string | number;
      /** @visibility frontend */
      processingThreshold?: string | number;
      /** @visibility frontend */
      errorRate?: number;
    };
  };
}
