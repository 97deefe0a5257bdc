/**
 * Reads the `latencyHeatmap:` app-config section into what the client needs: the `HeatMap` config (passed through
 * as it is: the core validates it and names bad keys), the poll source and the schedule. It checks only what the core
 * does not see (`source.proxyPath`/`baseUrl`, `pollInterval`, `traceUrlTemplate`) and rewrites the core's config
 * errors to name the full app-config key. It does not fetch or schedule.
 */
import type { AlertmanagerPollSource, HeatMapConfig, PollSource } from '../core';
import { invalidConfig } from './errors';

/** The part of Backstage's `ConfigApi` read here (`@backstage/config`'s `Config`). */
export interface ConfigSource {
  getOptional<T = unknown>(key?: string): T | undefined;
}

/** A poll source without `baseUrl` and `services`, for each kind of source. */
export type PollSourceKeys = PollSource extends infer S ? (S extends PollSource ? Omit<S, 'baseUrl' | 'services'> : never) : never;

/** Where a poll goes: through Backstage's proxy (with the user's token) or straight to the backend. */
export type SourceTarget = { proxyPath: string } | { baseUrl: string };

/** A source as the client polls it: its keys without `baseUrl` and `services`, and where it is. */
export interface ClientSource<S = PollSourceKeys> {
  keys: S;
  target: SourceTarget;
}

export interface ClientConfig {
  heatMap: HeatMapConfig;
  /** The telemetry source (the client adds `baseUrl` and the services in view each round). */
  source: ClientSource;
  /** `latencyHeatmap.alerts` when it names an Alertmanager: polled after the telemetry each round. */
  alerts?: ClientSource<Omit<AlertmanagerPollSource, 'baseUrl'>>;
  pollIntervalMs: number;
  traceUrlTemplate?: string;
}

/** The keys of `latencyHeatmap.alerts` that say where and how to poll; the rest (`labels`, `severities`) are the map's. */
const ALERTS_POLL_KEYS = ['type', 'proxyPath', 'baseUrl', 'filter', 'headers', 'timeout', 'retries'];

export const DEFAULT_POLL_INTERVAL = '30s';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
}

function duration(key: string, value: unknown, parseDuration: (text: string) => number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
    throw invalidConfig(key, `${value} is not a positive number of milliseconds`);
  }
  if (typeof value !== 'string') throw invalidConfig(key, `expected a duration such as "30s", got ${describe(value)}`);
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw invalidConfig(key, (error as Error).message.replace(/^parseDuration\(text\): /, ''));
  }
  if (ms <= 0) throw invalidConfig(key, `"${value}" must be longer than 0`);
  return ms;
}

function optionalString(key: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw invalidConfig(key, `expected a string, got ${describe(value)}`);
}

/**
 * Throws `INVALID_CONFIG` (a `LatencyHeatmapClientError`) naming the key. `parseDuration` is the core's (after
 * `initSync()`), passed in so this module does not load the wasm.
 */
export function readClientConfig(config: ConfigSource, parseDuration: (text: string) => number): ClientConfig {
  const section = config.getOptional('latencyHeatmap');
  if (section === undefined) throw invalidConfig('source', 'missing: set latencyHeatmap.source.type and source.proxyPath (or source.baseUrl)');
  if (!isObject(section)) throw invalidConfig('', `expected a section of keys, got ${describe(section)}`);
  const { source, pollInterval, traceUrlTemplate, alerts, ...heatMap } = section;
  let alertsSource: ClientConfig['alerts'];
  if (alerts !== undefined) {
    if (!isObject(alerts)) throw invalidConfig('alerts', `expected a section of keys, got ${describe(alerts)}`);
    const poll = Object.fromEntries(Object.entries(alerts).filter(([key]) => ALERTS_POLL_KEYS.includes(key)));
    const mapping = Object.fromEntries(Object.entries(alerts).filter(([key]) => !ALERTS_POLL_KEYS.includes(key)));
    if (Object.keys(mapping).length > 0) heatMap.alerts = mapping;
    if (Object.keys(poll).length > 0 && poll.type === undefined) throw invalidConfig('alerts.type', 'missing: set alerts.type: alertmanager');
    if (poll.type !== undefined && poll.type !== 'alertmanager') throw invalidConfig('alerts.type', `"${String(poll.type)}" is not a source of alerts (alertmanager)`);
    if (poll.type !== undefined) alertsSource = readSource('alerts', poll) as ClientConfig['alerts'];
  }
  return {
    heatMap: heatMap as HeatMapConfig,
    source: readSource('source', source),
    alerts: alertsSource,
    pollIntervalMs: duration('pollInterval', pollInterval ?? DEFAULT_POLL_INTERVAL, parseDuration),
    traceUrlTemplate: optionalString('traceUrlTemplate', traceUrlTemplate),
  };
}

/** A source section: its poll keys, and `proxyPath` (through Backstage's proxy) or `baseUrl`, exactly one. */
function readSource(key: 'source' | 'alerts', section: unknown): ClientSource {
  if (!isObject(section)) {
    throw invalidConfig(key, section === undefined ? `missing: set ${key}.type and ${key}.proxyPath (or ${key}.baseUrl)` : `expected a section of keys, got ${describe(section)}`);
  }
  const { proxyPath, baseUrl, ...keys } = section;
  const proxy = optionalString(`${key}.proxyPath`, proxyPath);
  const direct = optionalString(`${key}.baseUrl`, baseUrl);
  if (proxy !== undefined && direct !== undefined) throw invalidConfig(key, 'set proxyPath or baseUrl, not both');
  if (proxy !== undefined) {
    if (!proxy.startsWith('/')) throw invalidConfig(`${key}.proxyPath`, `"${proxy}" must start with "/" (e.g. /jaeger)`);
    return { keys: keys as PollSourceKeys, target: { proxyPath: proxy } };
  }
  if (direct !== undefined) return { keys: keys as PollSourceKeys, target: { baseUrl: direct } };
  throw invalidConfig(key, 'set proxyPath (through the Backstage proxy) or baseUrl');
}
/**
 * The core's config errors name the key relative to the object it was given (`new HeatMap(config): config:
 * percentile: …`, `poll(source): lookback: …`); subscribers see the app-config key (`latencyHeatmap.percentile`,
 * `latencyHeatmap.source.lookback`). Other errors pass through.
 */
export function withConfigKey(error: unknown, section: '' | 'source' | 'alerts'): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || (code !== 'INVALID_CONFIG' && code !== 'INVALID_ARGUMENT')) return error;
  const detail = error.message.replace(/^new HeatMap\(config\): (config: )?|^poll\(source\): /, '');
  // Keys inside arrays name their index: `queries[0].serviceLabel`, `filter[1]`.
  const key = /^([A-Za-z0-9_.[\]]+): /.exec(detail);
  if (!key) return invalidConfig(section, detail);
  const prefix = section === '' ? '' : `${section}.`;
  return invalidConfig(`${prefix}${key[1]}`, detail.slice(key[0].length));
}
