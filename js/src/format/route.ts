/**
 * An SVG path `d` through the route points the layout gave an edge. The points are the layout's (computed in
 * Rust); this only writes them as a smooth path.
 */
import type { Point } from '../core/types';

/** Quadratic segments through the midpoints between route points; `''` for fewer than two points. */
export function routePath(points: Point[]): string {
  if (points.length < 2) return '';
  const [first, ...rest] = points;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i += 1) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    d += ` Q${rest[i].x},${rest[i].y} ${mid.x},${mid.y}`;
  }
  const last = rest[rest.length - 1];
  return `${d} L${last.x},${last.y}`;
}
