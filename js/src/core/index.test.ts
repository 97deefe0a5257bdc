import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../testing';
import * as core from './index';

beforeAll(() => core.initSync());

describe('core API', () => {
  it('reads annotation durations in milliseconds', () => {
    expect(core.parseDuration('300ms')).toBe(300);
    expect(core.parseDuration('300 ms')).toBe(300);
    expect(core.parseDuration('5m')).toBe(300_000);
  });

  it.each(['fast', '-5ms', '', '300'])('rejects %j with INVALID_DURATION naming the value', (bad) => {
    const error = errorOf(() => core.parseDuration(bad));
    expect(core.isLatencyHeatmapError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_DURATION' });
  });

  it.each([42, undefined, null, {}])('rejects a non-string %j with INVALID_ARGUMENT', (wrong) => {
    const error = errorOf(() => core.parseDuration(wrong as unknown as string));
    expect(error).toMatchObject({ name: 'LatencyHeatmapError', code: 'INVALID_ARGUMENT' });
  });
});
