import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../testing';
import { HeatMap, initSync, layoutGraph, type HeatMapConfig } from './index';

/**
 * What crosses from JavaScript into the core, through the real wasm-bindgen glue: an argument that throws while it
 * is read must come back as a `LatencyHeatmapError` and leave the instance usable and freeable (an exception that
 * unwound through wasm would leave the instance borrowed: "recursive use of an object" on every later call).
 */

const fixtures = new URL('../../../tests/fixtures/', import.meta.url);
const otlp = readFileSync(new URL('otel-sdk/otlp.json', fixtures), 'utf8');
const jaeger = readFileSync(new URL('otel-sdk/jaeger.json', fixtures), 'utf8');

beforeAll(() => initSync());

/** The same instance ingests, snapshots and frees after the bad call. */
function expectUsable(map: HeatMap): void {
  expect(map.ingestOtlp(otlp).accepted).toBe(608);
  expect(map.snapshot().nodes.length).toBeGreaterThan(0);
  expect(() => map.free()).not.toThrow();
}

const detached = (): ArrayBuffer => {
  const buffer = new TextEncoder().encode(otlp).buffer as ArrayBuffer;
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
};

const triggers: [string, () => unknown, string][] = [
  ['a throwing getter', () => ({ get level() { throw new Error('boom'); } }), 'reading it threw Error: boom'],
  [
    'a Proxy whose traps throw',
    () => new Proxy({}, { get: () => { throw new RangeError('trapped'); }, ownKeys: () => { throw new RangeError('trapped'); } }),
    'reading it threw RangeError: trapped',
  ],
  ['a cyclic object', () => { const o: Record<string, unknown> = {}; o.self = o; return o; }, 'reading it threw TypeError: '],
  ['a detached ArrayBuffer', detached, 'reading it threw TypeError: '],
];

describe('a hostile argument never poisons the HeatMap', () => {
  it.each(triggers)('%s given as options, payload or catalog', (_, make, thrown) => {
    const map = new HeatMap({ window: 'all' });
    const calls: [string, () => unknown][] = [
      ['snapshot(options)', () => map.snapshot(make() as never)],
      ['ingestOtlp(payload)', () => map.ingestOtlp(make() as never)],
      ['ingest(payload)', () => map.ingest(make() as never)],
      ['setCatalog(entities)', () => map.setCatalog(make() as never)],
    ];
    for (const [what, call] of calls) {
      // A detached buffer given as snapshot options is an empty object: only payloads read its bytes.
      if (what === 'snapshot(options)' && make === detached) continue;
      const error = errorOf(call) as Error;
      expect(error).toMatchObject({ name: 'LatencyHeatmapError', code: 'INVALID_ARGUMENT' });
      expect(error.message.startsWith(`${what}: ${thrown}`)).toBe(true);
    }
    expectUsable(map);
  });

  it.each(triggers.slice(0, 3))('%s given as the config or layout options', (_, make, thrown) => {
    expect(errorOf(() => new HeatMap(make() as HeatMapConfig))).toMatchObject({
      name: 'LatencyHeatmapError',
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`new HeatMap(config): ${thrown}`),
    });
    expect(errorOf(() => layoutGraph({ nodes: [] }, make() as never))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`layoutGraph(graph, options): ${thrown}`),
    });
  });
});

describe('undefined means absent', () => {
  it('in the config, snapshot options and layout options, at any depth', () => {
    const map = new HeatMap({ window: undefined, defaults: { latencySlo: undefined, processingThreshold: '40ms' } });
    map.ingestOtlp(otlp);
    const snapshot = map.snapshot({ level: undefined, layout: { direction: undefined } });
    expect(snapshot.level).toBe('component');
    expect(snapshot.window).toBe(300_000);
    expect(snapshot.warnings).toEqual([]);
    const layout = layoutGraph({ nodes: [{ id: 'a', width: 1, height: 1 }] }, { direction: undefined });
    expect(layout.warnings).toEqual([]);
    map.free();
  });
});

describe('config errors and unknown keys', () => {
  it('names the nested field with its path', () => {
    expect(errorOf(() => new HeatMap({ defaults: { latencySlo: 'fast' } }))).toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'new HeatMap(config): config: defaults.latencySlo: "fast" has no number (expected e.g. 300ms, 1.5s, 250us)',
    });
  });

  it('warns about unknown keys in every snapshot', () => {
    const map = new HeatMap({ windw: '1m' } as HeatMapConfig);
    expect(map.snapshot().warnings).toEqual([
      { code: 'config.unknown-key', message: 'config: unknown key "windw" is ignored (did you mean "window"?)' },
    ]);
    map.free();
  });
});

describe('ingest()', () => {
  it('tells the format, and each ingest method names the right one', () => {
    const map = new HeatMap({ window: 'all' });
    expect(map.ingest(jaeger)).toMatchObject({ format: 'jaeger', accepted: 608, rejected: 0 });
    expect(map.ingestJaeger(otlp)).toMatchObject({
      format: 'jaeger',
      spansRead: 0,
      error: 'this looks like OTLP (resourceSpans); use ingestOtlp',
    });
    map.free();
  });
});
