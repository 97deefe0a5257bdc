/**
 * The default `LatencyHeatmapApi`: one `HeatMap` and one poll schedule per client (one per app), shared by every
 * subscriber. Each round loads the subscribed entities when they changed (`setCatalog`), asks the wasm module for one
 * poll of their services (`map.poll`), takes a snapshot and hands it to every subscriber with its freshness. The
 * schedule is the only thing decided here: every `pollInterval`, never two rounds at once, paused while the page is
 * hidden, stopped when the last subscriber leaves. Aggregation, judgement and colour all happen in the core.
 */
import type { ConfigApi, DiscoveryApi, IdentityApi } from '@backstage/core-plugin-api';
import { HeatMap, initSync, type PollFailure, type PollReport, type Warning } from '../core';
import { readClientConfig, withConfigKey, type ClientConfig } from './config';
import { clientError, type LatencyHeatmapClientError } from './errors';
import type { CatalogEntitiesApi, LatencyHeatmapApi, LatencyHeatmapListener, LatencyHeatmapState } from './types';

export interface LatencyHeatmapClientOptions {
  configApi: Pick<ConfigApi, 'getOptional'>;
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  identityApi: Pick<IdentityApi, 'getCredentials'>;
  catalogApi: CatalogEntitiesApi;
}

interface Subscriber {
  refs: readonly string[];
  listener: LatencyHeatmapListener;
}

/** Ready to poll: the config read and the map built (both once per client). */
interface Prepared {
  config: ClientConfig;
  map: HeatMap;
}

export class LatencyHeatmapClient implements LatencyHeatmapApi {
  readonly #options: LatencyHeatmapClientOptions;
  readonly #subscribers = new Set<Subscriber>();
  #prepared: Prepared | LatencyHeatmapClientError | undefined;
  #state: LatencyHeatmapState | undefined;
  /** Sorted, lower-case refs whose entities are in the map's catalog, and their services. */
  #catalogKey = '';
  #services: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  /** A round was asked for while one ran (a new subscriber's entities): run again when it ends. */
  #again = false;
  /** The timer fired while the page was hidden: run when it shows. */
  #waitingForVisible = false;

  /** Reads nothing yet: the config is read and the wasm module started on the first subscription. */
  constructor(options: LatencyHeatmapClientOptions) {
    this.#options = options;
  }

  subscribe(entityRefs: readonly string[], listener: LatencyHeatmapListener): () => void {
    const subscriber: Subscriber = { refs: [...entityRefs], listener };
    const first = this.#subscribers.size === 0;
    this.#subscribers.add(subscriber);
    if (this.#state) listener(this.#state);
    if (first) this.#start();
    else if (this.#catalogKeyOf() !== this.#catalogKey) this.#runSoon();
    return () => {
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0) this.#stop();
    };
  }

  #prepare(): Prepared | LatencyHeatmapClientError {
    if (this.#prepared) return this.#prepared;
    try {
      initSync();
      const config = readClientConfig(this.#options.configApi);
      try {
        this.#prepared = { config, map: new HeatMap(config.heatMap) };
      } catch (error) {
        throw withConfigKey(error, '');
      }
    } catch (error) {
      this.#prepared = error as LatencyHeatmapClientError;
    }
    return this.#prepared;
  }

  #start(): void {
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onVisibility);
    this.#runSoon();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#again = false;
    this.#waitingForVisible = false;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  readonly #onVisibility = (): void => {
    if (this.#waitingForVisible && !hidden()) {
      this.#waitingForVisible = false;
      this.#runSoon();
    }
  };

  #runSoon(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), 0);
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    if (this.#subscribers.size === 0) return;
    if (hidden()) {
      this.#waitingForVisible = true;
      return;
    }
    const prepared = this.#prepare();
    if (!('map' in prepared)) {
      // Bad config does not heal by polling: say so once and wait for the app to be reloaded.
      this.#emit({ stale: this.#state?.snapshot !== undefined, warnings: [], error: prepared });
      return;
    }
    this.#running = true;
    try {
      await this.#round(prepared);
    } finally {
      this.#running = false;
    }
    if (this.#subscribers.size === 0) return;
    if (this.#again) {
      this.#again = false;
      this.#runSoon();
    } else {
      this.#timer = setTimeout(() => void this.#tick(), prepared.config.pollIntervalMs);
    }
  }

  async #round({ config, map }: Prepared): Promise<void> {
    const key = this.#catalogKeyOf();
    if (key !== this.#catalogKey) {
      try {
        const { items } = await this.#options.catalogApi.getEntitiesByRefs({ entityRefs: key.split('\n').filter(Boolean) });
        const entities = items.filter((item): item is NonNullable<typeof item> => item !== undefined);
        // The core names the services the entities claim, by the rule it maps the answers back with.
        this.#services = map.setCatalog(entities).services;
        this.#catalogKey = key;
      } catch (error) {
        this.#failed(clientError('CATALOG_FAILED', `latencyHeatmap: the catalog could not load the entities: ${String(error)}`));
        return;
      }
    }
    let report: PollReport | undefined;
    if (this.#services.length > 0 || config.source.type === 'otlp') {
      try {
        report = await map.poll({ ...config.source, ...(await this.#target(config)), services: this.#services });
      } catch (error) {
        this.#failed(withConfigKey(error, 'source') as LatencyHeatmapClientError);
        return;
      }
      if (report.failures.length > 0 && report.ingest.documents === 0) {
        this.#failed(pollFailed(report.failures), report.warnings);
        return;
      }
    }
    const snapshot = map.snapshot();
    const warnings = [...snapshot.warnings, ...(report?.warnings ?? []), ...(report?.failures.map(failureWarning) ?? [])];
    this.#emit({ snapshot, updatedAt: Date.now(), stale: false, warnings, traceUrlTemplate: config.traceUrlTemplate });
  }

  async #target(config: ClientConfig): Promise<{ baseUrl: string; headers?: Record<string, string> }> {
    if ('baseUrl' in config.target) return { baseUrl: config.target.baseUrl };
    const proxy = await this.#options.discoveryApi.getBaseUrl('proxy');
    const { token } = await this.#options.identityApi.getCredentials();
    // Backstage's proxy endpoints require the user's token; a direct backend never sees it.
    const headers = token ? { ...config.source.headers, Authorization: `Bearer ${token}` } : config.source.headers;
    return { baseUrl: `${proxy}${config.target.proxyPath}`, headers };
  }

  #failed(error: LatencyHeatmapClientError, roundWarnings: Warning[] = []): void {
    const previous = this.#state;
    const kept = previous?.snapshot ? previous.snapshot.warnings : [];
    this.#emit({
      snapshot: previous?.snapshot,
      updatedAt: previous?.updatedAt,
      stale: true,
      staleSince: previous?.stale ? (previous.staleSince ?? Date.now()) : Date.now(),
      error,
      warnings: [...kept, ...roundWarnings],
      traceUrlTemplate: previous?.traceUrlTemplate,
    });
  }

  #emit(state: LatencyHeatmapState): void {
    const clean = Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as unknown as LatencyHeatmapState;
    this.#state = clean;
    for (const subscriber of [...this.#subscribers]) subscriber.listener(clean);
  }

  #catalogKeyOf(): string {
    const refs = new Set<string>();
    for (const subscriber of this.#subscribers) for (const ref of subscriber.refs) refs.add(ref.toLowerCase());
    return [...refs].sort().join('\n');
  }
}

function hidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

function pollFailed(failures: PollFailure[]): LatencyHeatmapClientError {
  const listed = failures.map((failure) => `${failure.url}: ${failure.reason}`).join('; ');
  return clientError('POLL_FAILED', `latencyHeatmap: every query of the poll failed: ${listed}`, { failures });
}

function failureWarning(failure: PollFailure): Warning {
  return { code: 'poll.failed-request', message: `${failure.url}: ${failure.reason}` };
}
