/**
 * Reads the `latencyHeatmap:` app-config section into what the client needs: the `HeatMap` config (passed through
 * as it is: the core validates it and names bad keys), the poll source and the schedule. It checks only what the core
 * does not see (`source.proxyPath`/`baseUrl`, `pollInterval`, `traceUrlTemplate`) and rewrites the core's config
 * errors to name the full app-config key. It does not fetch or schedule.
 */
import type { HeatMapConfig, PollSource } from '../core';
import { invalidConfig } from './errors';

/** The part of Backstage's `ConfigApi` read here (`@backstage/config`'s `Config`). */
export interface ConfigSource {
  getOptional<T = unknown>(key?: string): T | undefined;
}

/** A poll source without `baseUrl` and `services`, for each kind of source. */
export type PollSourceKeys = PollSource extends infer S ? (S extends PollSource ? Omit<S, 'baseUrl' | 'services'> : never) : never;

/** Where a poll goes: through Backstage's proxy (with the user's token) or straight to the backend. */
export type SourceTarget = { proxyPath: string } | { baseUrl: string };

export interface ClientConfig {
  heatMap: HeatMapConfig;
  /** The poll source without `baseUrl` and `services` (the client adds them each round). */
  source: PollSourceKeys;
  target: SourceTarget;
  pollIntervalMs: number;
  traceUrlTemplate?: string;
}

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
  const { source, pollInterval, traceUrlTemplate, ...heatMap } = section;
  if (!isObject(source)) {
    throw invalidConfig('source', source === undefined ? 'missing: set source.type and source.proxyPath (or source.baseUrl)' : `expected a section of keys, got ${describe(source)}`);
  }
  const { proxyPath, baseUrl, ...rest } = source;
  const proxy = optionalString('source.proxyPath', proxyPath);
  const direct = optionalString('source.baseUrl', baseUrl);
  let target: SourceTarget;
  if (proxy !== undefined && direct !== undefined) throw invalidConfig('source', 'set proxyPath or baseUrl, not both');
  if (proxy !== undefined) {
    if (!proxy.startsWith('/')) throw invalidConfig('source.proxyPath', `"${proxy}" must start with "/" (e.g. /jaeger)`);
    target = { proxyPath: proxy };
  } else if (direct !== undefined) {
    target = { baseUrl: direct };
  } else {
    throw invalidConfig('source', 'set proxyPath (through the Backstage proxy) or baseUrl');
  }
  return {
    heatMap: heatMap as HeatMapConfig,
    source: rest as ClientConfig['source'],
    target,
    pollIntervalMs: duration('pollInterval', pollInterval ?? DEFAULT_POLL_INTERVAL, parseDuration),
    traceUrlTemplate: optionalString('traceUrlTemplate', traceUrlTemplate),
  };
}

/**
 * The core's config errors name the key relative to the object it was given (`new HeatMap(config): config:
 * percentile: …`, `poll(source): lookback: …`); subscribers see the app-config key (`latencyHeatmap.percentile`,
 * `latencyHeatmap.source.lookback`). Other errors pass through.
 */
export function withConfigKey(error: unknown, section: '' | 'source'): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || (code !== 'INVALID_CONFIG' && code !== 'INVALID_ARGUMENT')) return error;
  const detail = error.message.replace(/^new HeatMap\(config\): (config: )?|^poll\(source\): /, '');
  const key = /^([A-Za-z0-9_.]+): /.exec(detail);
  if (!key) return invalidConfig(section, detail);
  const prefix = section === '' ? '' : `${section}.`;
  return invalidConfig(`${prefix}${key[1]}`, detail.slice(key[0].length));
}
