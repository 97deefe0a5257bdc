// @vitest-environment jsdom
/**
 * Bytes from another realm: under jsdom (as in a Backstage app's Jest or vitest tests) the globals are the
 * window's, while a Node `Buffer` and its `ArrayBuffer` belong to Node's realm, so `instanceof Uint8Array` and
 * `instanceof ArrayBuffer` are false for them. They must still be read as bytes, not as objects with numbered keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSync } from './index';
import { withHeatMap } from '../testing';

// A path, not a URL: under jsdom `import.meta.url` is not a file URL.
const jaeger = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/otel-sdk/jaeger.json'));

beforeAll(() => initSync());

function accepted(payload: Uint8Array | ArrayBuffer): number {
  return withHeatMap({ window: 'all' }, (map) => {
    return map.ingestJaeger(payload).accepted;
  });
}

describe('payloads from another realm', () => {
  it('are foreign here', () => {
    expect(jaeger instanceof Uint8Array).toBe(false);
  });

  it('reads a Node Buffer', () => {
    expect(accepted(jaeger)).toBe(608);
  });

  it("reads a Node Buffer's ArrayBuffer", () => {
    const buffer = jaeger.buffer.slice(jaeger.byteOffset, jaeger.byteOffset + jaeger.byteLength) as ArrayBuffer;
    expect(buffer instanceof ArrayBuffer).toBe(false);
    expect(accepted(buffer)).toBe(608);
  });
});
