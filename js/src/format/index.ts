/**
 * Pure presentation helpers shared by the demo and the cards: snapshot figures and layout points in, text and SVG
 * paths out. No aggregation, colour or layout maths (those are the wasm core's), no React, no DOM.
 */
export { alertText } from './alert';
export { criticalPathSummary, hopText } from './critical-path';
export { formatMs, formatWindow } from './duration';
export { shortRef } from './entity-ref';
export { describeJudgement, verdict } from './judgement';
export { routePath } from './route';
export { dashArray, formatRate, formatShare, strokeWidthForRate } from './edge-style';
export { failureSummary, formatAge, formatClock, freshnessText } from './freshness';
export { callsBySegment, segmentKey, worstCall } from './relation-calls';
export { traceSearchUrl, traceUrl } from './trace-link';
