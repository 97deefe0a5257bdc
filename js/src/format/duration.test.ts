import { describe, expect, it } from 'vitest';
import { formatMs, formatWindow } from './duration';

describe('formatMs', () => {
  it.each([
    [0, '0.0 ms'],
    [4.25, '4.3 ms'],
    [9.94, '9.9 ms'],
    [10, '10 ms'],
    [43.4, '43 ms'],
    [999.4, '999 ms'],
    [1000, '1.00 s'],
    [1234, '1.23 s'],
    [61_000, '61.00 s'],
  ])('writes %j as %j', (value, text) => {
    expect(formatMs(value)).toBe(text);
  });

  it('writes a dash for no figure', () => {
    expect(formatMs(null)).toBe('–');
    expect(formatMs(undefined)).toBe('–');
  });
});

describe('formatWindow', () => {
  it('names the window in seconds, or all traces', () => {
    expect(formatWindow(300_000)).toBe('last 300.00 s');
    expect(formatWindow(750)).toBe('last 750 ms');
    expect(formatWindow('all')).toBe('all traces');
  });
});
