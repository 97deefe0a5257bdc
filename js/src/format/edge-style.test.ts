import { describe, expect, it } from 'vitest';
import { dashArray, formatRate, formatShare, STROKE_MAX, STROKE_MIN, strokeWidthForRate } from './edge-style';

describe('strokeWidthForRate', () => {
  it('is bounded and grows with the log of the rate', () => {
    expect(strokeWidthForRate(null)).toBe(STROKE_MIN);
    expect(strokeWidthForRate(0)).toBe(STROKE_MIN);
    expect(strokeWidthForRate(0.01)).toBe(STROKE_MIN);
    // Five decades from 0.01 to 1000 req/s: 1 req/s is two fifths of the way, 10 req/s three fifths.
    expect(strokeWidthForRate(1)).toBe(3.3);
    expect(strokeWidthForRate(10)).toBe(4.2);
    expect(strokeWidthForRate(1000)).toBe(STROKE_MAX);
    expect(strokeWidthForRate(1e9)).toBe(STROKE_MAX);
  });
});

describe('dashArray', () => {
  it('follows the swatch pattern, scaled to the stroke', () => {
    expect(dashArray('solid', 2)).toBeUndefined();
    expect(dashArray('dashed', 2)).toBe('8 5');
    expect(dashArray('dotted', 2)).toBe('2 4');
  });
});

describe('formatRate and formatShare', () => {
  it('reads per minute below one request a second', () => {
    expect(formatRate(0.13333333333333333)).toBe('8.0 req/min');
    expect(formatRate(12.34)).toBe('12.3 req/s');
    expect(formatRate(null)).toBe('–');
    expect(formatShare(0.025)).toBe('2.5 %');
    expect(formatShare(null)).toBe('–');
  });
});
