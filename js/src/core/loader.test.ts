import { describe, expect, it } from 'vitest';
import { initSync, parseDuration, isLatencyHeatmapError } from './index';

// Vitest gives each test file its own module graph, so the module here starts uninstantiated.
describe('loader', () => {
  it('refuses calls before initSync with NOT_INITIALIZED instead of a wasm trap', () => {
    let caught: unknown;
    try {
      parseDuration('300ms');
    } catch (error) {
      caught = error;
    }
    expect(isLatencyHeatmapError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: 'LatencyHeatmapError', code: 'NOT_INITIALIZED' });
  });

  it('instantiates the inlined module synchronously and only once', () => {
    initSync();
    expect(parseDuration('1.5s')).toBe(1500);
    expect(() => initSync()).not.toThrow();
    expect(parseDuration('250us')).toBe(0.25);
  });
});
