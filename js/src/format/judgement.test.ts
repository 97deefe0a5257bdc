import { describe, expect, it } from 'vitest';
import type { Judgement } from '../core/types';
import { describeJudgement, verdict } from './judgement';

const amber: Judgement = {
  metric: 'latencySlo',
  percentile: 'p95',
  observedMs: 43.2,
  thresholdMs: 50,
  thresholdSource: 'entityAnnotation',
  score: 0.864,
  status: 'amber',
  color: { fill: '#f2c94c', text: '#000000', pattern: 'dashed' },
};

describe('verdict', () => {
  it('puts the observed percentile against the threshold', () => {
    expect(verdict(amber)).toBe('p95 43 ms / 50 ms');
  });

  it('says self for processing time', () => {
    expect(verdict({ ...amber, metric: 'processingTime', percentile: 'p99', observedMs: 1500, thresholdMs: 1000 })).toBe('self p99 1.50 s / 1.00 s');
  });

  it('says when there is no threshold or nothing observed', () => {
    expect(verdict({ ...amber, metric: null, thresholdMs: null })).toBe('p95 43 ms / no threshold');
    expect(verdict({ ...amber, observedMs: null })).toBe('no spans of its own');
  });
});

describe('describeJudgement', () => {
  it('gives status, score, verdict and where the threshold came from', () => {
    expect(describeJudgement(amber)).toBe('amber (score 0.86): p95 43 ms / 50 ms, threshold from entity annotation');
    expect(describeJudgement({ ...amber, thresholdSource: 'edgeAnnotation' })).toBe(
      'amber (score 0.86): p95 43 ms / 50 ms, threshold from edge annotation',
    );
    expect(describeJudgement({ ...amber, thresholdSource: 'configDefault' })).toBe(
      'amber (score 0.86): p95 43 ms / 50 ms, threshold from config default',
    );
  });

  it('leaves the score out when there is none', () => {
    expect(describeJudgement({ ...amber, metric: null, thresholdMs: null, thresholdSource: 'none', score: null, status: 'unknown' })).toBe(
      'unknown: p95 43 ms / no threshold, threshold from none',
    );
  });
});
