/**
 * How a call is stroked on the graph, from the snapshot's figures: width by request rate, dash by the swatch's
 * pattern. The colour and the pattern are the core's verdict; only their translation into SVG attributes is here.
 */
import type { Swatch } from '../core/types';

/** Thinnest and widest call stroke, in px. */
export const STROKE_MIN = 1.5;
export const STROKE_MAX = 6;
/** Requests per second drawn at the thinnest and widest stroke; log scale in between, clamped outside. */
const RATE_LOW = 0.01;
const RATE_HIGH = 1000;

/** Stroke width for a call's rate: `STROKE_MIN` at ≤ 0.01 req/s (or no rate), `STROKE_MAX` at ≥ 1000 req/s. */
export function strokeWidthForRate(ratePerSec: number | null): number {
  if (ratePerSec === null || !(ratePerSec > RATE_LOW)) return STROKE_MIN;
  const share = Math.min(1, Math.log10(ratePerSec / RATE_LOW) / Math.log10(RATE_HIGH / RATE_LOW));
  return Math.round((STROKE_MIN + share * (STROKE_MAX - STROKE_MIN)) * 100) / 100;
}

/** `stroke-dasharray` for a swatch's pattern (scaled to the stroke so dots stay dots); undefined for solid. */
export function dashArray(pattern: Swatch['pattern'], strokeWidth: number): string | undefined {
  if (pattern === 'dashed') return `${strokeWidth * 4} ${strokeWidth * 2.5}`;
  if (pattern === 'dotted') return `${strokeWidth} ${strokeWidth * 2}`;
  return undefined;
}

/** A rate as people read it: `8.0 req/min` below one per second, `12.3 req/s` from there; `–` without one. */
export function formatRate(ratePerSec: number | null): string {
  if (ratePerSec === null) return '–';
  return ratePerSec < 1 ? `${(ratePerSec * 60).toFixed(1)} req/min` : `${ratePerSec.toFixed(1)} req/s`;
}

/** A share of failed calls, `2.5 %`; `–` without one. */
export function formatShare(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)} %`;
}
