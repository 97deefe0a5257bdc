/**
 * One judgement (a node's or an edge's) as text: the figure against its threshold (`p95 43 ms / 50 ms`) and the
 * longer description a tooltip shows. The status, score and threshold are the snapshot's; nothing is judged here.
 */
import type { Judgement } from '../core/types';
import { formatMs } from './duration';

const THRESHOLD_SOURCE: Record<Judgement['thresholdSource'], string> = {
  edgeAnnotation: 'edge annotation',
  entityAnnotation: 'entity annotation',
  configDefault: 'config default',
  none: 'none',
};

/** `p95 43 ms / 50 ms`; `self p95 …` for processing time; `no spans of its own` when nothing was observed. */
export function verdict(judgement: Judgement): string {
  if (judgement.observedMs === null) return 'no spans of its own';
  // Processing time is the service's own work, without the calls it waits on.
  const what = judgement.metric === 'processingTime' ? `self ${judgement.percentile}` : judgement.percentile;
  const threshold = judgement.thresholdMs === null ? 'no threshold' : formatMs(judgement.thresholdMs);
  return `${what} ${formatMs(judgement.observedMs)} / ${threshold}`;
}

/** `amber (score 0.85): p95 43 ms / 50 ms, threshold from entity annotation`. */
export function describeJudgement(judgement: Judgement): string {
  const score = judgement.score === null ? '' : ` (score ${judgement.score.toFixed(2)})`;
  return `${judgement.status}${score}: ${verdict(judgement)}, threshold from ${THRESHOLD_SOURCE[judgement.thresholdSource]}`;
}
