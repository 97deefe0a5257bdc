import { describe, expect, it } from 'vitest';
import { failureSummary, formatAge, formatClock, freshnessText } from './freshness';

// Built from local fields, so the expectations hold in every time zone.
const at1402 = new Date(2026, 11, 3, 14, 2, 30).getTime();

describe('formatAge', () => {
  it('takes whole seconds, minutes, then hours', () => {
    expect(formatAge(12_900)).toBe('12 s');
    expect(formatAge(-50)).toBe('0 s');
    expect(formatAge(59_999)).toBe('59 s');
    expect(formatAge(60_000)).toBe('1 min');
    expect(formatAge(3_599_000)).toBe('59 min');
    expect(formatAge(7_300_000)).toBe('2 h 1 min');
    expect(formatAge((3 * 24 + 4) * 3_600_000 + 59_000)).toBe('3 d 4 h');
  });
});

describe('formatClock', () => {
  it('pads hours and minutes', () => {
    expect(formatClock(at1402)).toBe('14:02');
    expect(formatClock(new Date(2026, 0, 1, 7, 5).getTime())).toBe('07:05');
  });
});

describe('freshnessText', () => {
  it('says how long ago the last good round was', () => {
    expect(freshnessText({ stale: false, updatedAt: at1402 }, at1402 + 12_400)).toBe('updated 12 s ago');
  });

  it('says since when the data is stale and that the last good data stays', () => {
    expect(freshnessText({ stale: true, updatedAt: at1402 - 60_000, staleSince: at1402 }, at1402 + 5000)).toBe(
      'stale since 14:02 — showing last good data',
    );
    expect(freshnessText({ stale: true, staleSince: at1402 }, at1402)).toBe('stale since 14:02 — no data yet');
  });

  it('waits before the first round', () => {
    expect(freshnessText({ stale: false }, at1402)).toBe('waiting for the first data');
  });
});

describe('failureSummary', () => {
  const failure = (url: string, reason: string) => ({ url, code: 'poll.http-status' as const, reason });

  it('names the distinct reasons, not the URLs', () => {
    const error = { message: 'latencyHeatmap: every query of the poll failed: …', failures: [failure('http://a/1', 'HTTP 503'), failure('http://a/2', 'HTTP 503'), failure('http://a/3', 'HTTP 503')] };
    expect(failureSummary(error)).toBe('all 3 queries failed: HTTP 503');
    expect(failureSummary({ ...error, failures: [failure('http://a/1', 'no answer within 4 s')] })).toBe('the query failed: no answer within 4 s');
  });

  it('names two reasons and counts the others', () => {
    const reasons = ['HTTP 503', 'HTTP 401', 'no answer within 4 s', 'HTTP 503', 'network error: TypeError: fetch failed'];
    expect(failureSummary({ message: '…', failures: reasons.map((reason, i) => failure(`http://a/${i}`, reason)) })).toBe(
      'all 5 queries failed: HTTP 503; HTTP 401 (and 2 other reasons)',
    );
  });

  it('falls back to the message when no requests are listed', () => {
    expect(failureSummary({ message: 'latencyHeatmap.pollInterval: not a duration' })).toBe('latencyHeatmap.pollInterval: not a duration');
    expect(failureSummary({ message: 'catalog down', failures: [] })).toBe('catalog down');
  });
});
