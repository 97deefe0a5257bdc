import { describe, expect, it } from 'vitest';
import type { EntryPoint } from '../core/types';
import { criticalPathSummary, hopText } from './critical-path';

const entry: Pick<EntryPoint, 'id' | 'budgetMs' | 'cumulative' | 'firstExceeded'> = {
  id: 'frontend',
  budgetMs: 500,
  cumulative: [
    { id: 'frontend', ms: 12.4, cumulativeMs: 12.4, budgetMs: 500, exceeded: false },
    { id: 'frontend->checkout', ms: null, cumulativeMs: 12.4, budgetMs: 500, exceeded: false },
    { id: 'checkout', ms: 799.6, cumulativeMs: 812, budgetMs: 500, exceeded: true },
  ],
  firstExceeded: 'checkout',
};

describe('criticalPathSummary', () => {
  it('sums the path against the budget and names the first hop over it', () => {
    expect(criticalPathSummary(entry)).toBe('frontend: 812 ms along its critical path (budget 500 ms, over budget from checkout)');
  });

  it('says within budget, or no budget', () => {
    expect(criticalPathSummary({ ...entry, budgetMs: 1000, firstExceeded: null })).toBe(
      'frontend: 812 ms along its critical path (budget 1.00 s, within budget)',
    );
    expect(criticalPathSummary({ ...entry, budgetMs: null, firstExceeded: null, cumulative: [] })).toBe(
      'frontend: – along its critical path (no budget, within budget)',
    );
  });
});

describe('hopText', () => {
  it('gives the hop its own part and the running total', () => {
    expect(hopText(entry.cumulative[0])).toBe('frontend: +12 ms → 12 ms');
    expect(hopText(entry.cumulative[1])).toBe('frontend->checkout: +– → 12 ms');
    expect(hopText(entry.cumulative[2])).toBe('checkout: +800 ms → 812 ms');
  });
});
