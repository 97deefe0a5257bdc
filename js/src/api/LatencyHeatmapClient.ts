/**
 * The default `LatencyHeatmapApi`: one `HeatMap` and one poll schedule per client (one per app), shared by every
 * subscriber. Each round loads the subscribed entities when they changed (`setCatalog`), asks the wasm module for one
 * poll of their services (`map.poll`), takes the snapshots each distinct view asks for (entity, system and domain
 * level) and hands every subscriber its own with the round's freshness. The schedule is the only thing decided here:
 * every `pollInterval`, never two rounds at once, paused while the page is hidden, stopped when the last subscriber
 * leaves. Aggregation, judgement and colour all happen in the core, which is loaded (with its wasm) on the first
 * subscription, so an app that registers the plugin carries none of it in its initial bundle.
 */
import type { ConfigApi, DiscoveryApi, IdentityApi } from '@backstage/core-plugin-api';
import type { HeatMap, PollFailure, PollReport, PollSource, SnapshotOptions, Warning } from '../core';
import { readClientConfig, withConfigKey, type ClientConfig, type ClientSource } from './config';
import { clientError, type LatencyHeatmapClientError } from './errors';
import type {
  CatalogEntitiesApi,
  LatencyHeatmapApi,
  LatencyHeatmapHighlight,
  LatencyHeatmapHighlightListener,
  LatencyHeatmapListener,
  LatencyHeatmapState,
  LatencyHeatmapView,
} from './types';

export interface LatencyHeatmapClientOptions {
  configApi: Pick<ConfigApi, 'getOptional'>;
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  identityApi: Pick<IdentityApi, 'getCredentials'>;
  catalogApi: CatalogEntitiesApi;
}

interface Subscriber {
  refs: readonly string[];
  listener: LatencyHeatmapListener;
  /** `JSON.stringify` of the view with its keys sorted: subscribers with the same view share its snapshots. */
  viewKey: string;
  view: LatencyHeatmapView;
}

/** One view's snapshots from the last good round, or why the core refused the view. */
type ViewSnapshots = Pick<LatencyHeatmapState, 'snapshot' | 'groups'> | { error: LatencyHeatmapClientError };

/** The round-wide part of every state: freshness, the round's own warnings, the error that made it stale. */
type RoundStatus = Omit<LatencyHeatmapState, 'snapshot' | 'groups'>;

/** Ready to poll: the config read and the map built (both once per client). */
interface Prepared {
  config: ClientConfig;
  map: HeatMap;
}

export class LatencyHeatmapClient implements LatencyHeatmapApi {
  readonly #options: LatencyHeatmapClientOptions;
  readonly #subscribers = new Set<Subscriber>();
  #prepared: Promise<Prepared | LatencyHeatmapClientError> | undefined;
  #map: HeatMap | undefined;
  /** Set once a round ended (well or not): until then subscribers get nothing. */
  #status: RoundStatus | undefined;
  /** By view key: the snapshots of the last good round (kept, marked stale, while rounds fail). */
  #views = new Map<string, ViewSnapshots>();
  #highlight: LatencyHeatmapHighlight | undefined;
  readonly #highlightListeners = new Set<LatencyHeatmapHighlightListener>();
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

  subscribe(entityRefs: readonly string[], listener: LatencyHeatmapListener, view: LatencyHeatmapView = {}): () => void {
    const clean = Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
    const subscriber: Subscriber = { refs: [...entityRefs], listener, view: clean, viewKey: JSON.stringify(clean) };
    const first = this.#subscribers.size === 0;
    this.#subscribers.add(subscriber);
    // A view no one asked for yet: judge the state already held at once (snapshots are cheap, polls are not).
    if (this.#map && this.#status && !this.#views.has(subscriber.viewKey) && this.#views.size > 0) {
      this.#views.set(subscriber.viewKey, viewSnapshots(this.#map, clean));
    }
    if (this.#status) listener(this.#stateOf(subscriber));
    if (first) this.#start();
    else if (this.#catalogKeyOf() !== this.#catalogKey) this.#runSoon();
    return () => {
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0) this.#stop();
    };
  }

  highlight(target: LatencyHeatmapHighlight | undefined): void {
    this.#highlight = target;
    for (const listener of [...this.#highlightListeners]) listener(target);
  }

  subscribeHighlight(listener: LatencyHeatmapHighlightListener): () => void {
    this.#highlightListeners.add(listener);
    if (this.#highlight) listener(this.#highlight);
    return () => void this.#highlightListeners.delete(listener);
  }

  /** Loads the core (its own chunk in a bundled app), reads the config and builds the map, once per client. */
  #prepare(): Promise<Prepared | LatencyHeatmapClientError> {
    this.#prepared ??= import('../core').then((core) => {
      try {
        core.initSync();
        const config = readClientConfig(this.#options.configApi, core.parseDuration);
        try {
          this.#map = new core.HeatMap(config.heatMap);
          return { config, map: this.#map };
        } catch (error) {
          throw withConfigKey(error, '');
        }
      } catch (error) {
        return error as LatencyHeatmapClientError;
      }
    });
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
    this.#running = true;
    let prepared: Prepared | LatencyHeatmapClientError;
    try {
      prepared = await this.#prepare();
      // Bad config does not heal by polling: say so once and wait for the app to be reloaded.
      if (!('map' in prepared)) return this.#emit({ stale: false, warnings: [], error: prepared });
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
    const source = config.source.keys;
    // `otlp` and a Prometheus `view: 'system'` ask for no service.
    const everything = source.type === 'otlp' || (source.type === 'prometheus' && source.view === 'system');
    if (this.#services.length > 0 || everything) {
      try {
        report = await map.poll({ ...source, ...(await this.#target(config.source)), services: this.#services } as PollSource);
      } catch (error) {
        this.#failed(withConfigKey(error, 'source') as LatencyHeatmapClientError);
        return;
      }
      // Nothing taken (no trace answer ingested, no Prometheus round taken): the last good figures stay, stale.
      if (report.failures.length > 0 && report.ingest.documents === 0 && report.metrics === null) {
        this.#failed(pollFailed(report.failures), report.warnings);
        return;
      }
    }
    // The firing alerts after the telemetry: a failure here is a warning (the map keeps the last list it read).
    let alerts: PollReport | undefined;
    if (config.alerts) {
      try {
        alerts = await map.poll({ ...config.alerts.keys, ...(await this.#target(config.alerts)) });
      } catch (error) {
        this.#failed(withConfigKey(error, 'alerts') as LatencyHeatmapClientError);
        return;
      }
    }
    this.#views = new Map();
    for (const { viewKey, view } of this.#subscribers) {
      if (!this.#views.has(viewKey)) this.#views.set(viewKey, viewSnapshots(map, view));
    }
    const warnings = [report, alerts].flatMap((each) => [...(each?.warnings ?? []), ...(each?.failures.map(failureWarning) ?? [])]);
    this.#emit({ updatedAt: Date.now(), stale: false, warnings, traceUrlTemplate: config.traceUrlTemplate });
  }

  async #target({ keys, target }: ClientSource<{ headers?: Record<string, string> }>): Promise<{ baseUrl: string; headers?: Record<string, string> }> {
    if ('baseUrl' in target) return { baseUrl: target.baseUrl };
    const proxy = await this.#options.discoveryApi.getBaseUrl('proxy');
    const { token } = await this.#options.identityApi.getCredentials();
    // Backstage's proxy endpoints require the user's token; a direct backend never sees it.
    const headers = token ? { ...keys.headers, Authorization: `Bearer ${token}` } : keys.headers;
    return { baseUrl: `${proxy}${target.proxyPath}`, headers };
  }

  /** A round that failed: the last good snapshots stay (in `#views`), marked stale since the first failed round. */
  #failed(error: LatencyHeatmapClientError, roundWarnings: Warning[] = []): void {
    const previous = this.#status;
    this.#emit({
      updatedAt: previous?.updatedAt,
      stale: true,
      staleSince: previous?.stale ? previous.staleSince : Date.now(),
      error,
      warnings: roundWarnings,
      traceUrlTemplate: previous?.traceUrlTemplate,
    });
  }

  #emit(status: RoundStatus): void {
    this.#status = status;
    for (const subscriber of [...this.#subscribers]) subscriber.listener(this.#stateOf(subscriber));
  }

  /** A subscriber's state: its view's snapshots (their warnings first), then the round's status. */
  #stateOf({ viewKey }: Subscriber): LatencyHeatmapState {
    const status = this.#status ?? { stale: false, warnings: [] };
    const view = this.#views.get(viewKey);
    const state: LatencyHeatmapState =
      view === undefined
        ? { ...status }
        : 'error' in view
          ? { ...status, error: status.error ?? view.error }
          : { ...status, ...view, warnings: [...(view.snapshot?.warnings ?? []), ...status.warnings] };
    return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as unknown as LatencyHeatmapState;
  }

  #catalogKeyOf(): string {
    const refs = new Set<string>();
    for (const subscriber of this.#subscribers) for (const ref of subscriber.refs) refs.add(ref.toLowerCase());
    return [...refs].sort().join('\n');
  }
}

/** The level whose nodes are the catalog's entities (Components, APIs, Resources), one box each on the card. */
const ENTITY_LEVEL = 'entity';

/** One view's snapshots: entities and the calls between them, and the System and Domain figures of the same moment. */
function viewSnapshots(map: HeatMap, view: LatencyHeatmapView): ViewSnapshots {
  const at = (level: SnapshotOptions['level']) => map.snapshot({ ...view, level, entryPoints: false } as SnapshotOptions);
  try {
    return { snapshot: at(ENTITY_LEVEL), groups: { system: at('system'), domain: at('domain') } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: clientError('INVALID_VIEW', `latencyHeatmap: the card's view cannot be judged: ${message}`) };
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
