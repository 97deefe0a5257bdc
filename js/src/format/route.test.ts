import { describe, expect, it } from 'vitest';
import { routePath } from './route';

describe('routePath', () => {
  it('draws a straight segment between two points', () => {
    expect(routePath([{ x: 0, y: 0 }, { x: 100, y: 50 }])).toBe('M0,0 L100,50');
  });

  it('bends through the midpoints of longer routes', () => {
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 40, y: 10 },
        { x: 80, y: 30 },
        { x: 120, y: 30 },
      ]),
    ).toBe('M0,0 Q40,10 60,20 Q80,30 100,30 L120,30');
  });

  it('draws nothing for fewer than two points', () => {
    expect(routePath([])).toBe('');
    expect(routePath([{ x: 5, y: 5 }])).toBe('');
  });
});
