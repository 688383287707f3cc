/**
 * Where a move-between answer went wrong. The midpoint of P and Q is the one
 * point both on the segment PQ (AP + AQ = PQ) and on its perpendicular
 * bisector (AP = AQ); an energy can learn either half alone, and the two
 * failures look alike in the checker's error (docs/history/training-log.md,
 * "move-between against the make-shapes").
 */
import { midpoint } from '../concepts/geometry.js';
import { distance as dist } from '../world/scene.js';
import type { Vec2 } from '../world/types.js';

export interface BetweenGeometry {
  /** How far the agent went along the line from its start to the midpoint: 1 there, 0 not moved. */
  way: number;
  /** |AP - AQ| at the start and at the end: 0 on the perpendicular bisector. */
  bisectorBefore: number;
  bisectorAfter: number;
  /** AP + AQ - PQ at the end: 0 on the segment. */
  segmentAfter: number;
  /** |A - midpoint| at the end: the checker's error. */
  error: number;
}

/** The geometry of the agent's move from `start` to `end`, between references `p` and `q`. */
export function betweenGeometry(start: Vec2, end: Vec2, p: Vec2, q: Vec2): BetweenGeometry {
  const mid = midpoint(p, q);
  const to: Vec2 = [mid[0] - start[0], mid[1] - start[1]];
  const len2 = to[0] ** 2 + to[1] ** 2;
  return {
    way: len2 > 0 ? ((end[0] - start[0]) * to[0] + (end[1] - start[1]) * to[1]) / len2 : 1,
    bisectorBefore: Math.abs(dist(start, p) - dist(start, q)),
    bisectorAfter: Math.abs(dist(end, p) - dist(end, q)),
    segmentAfter: dist(end, p) + dist(end, q) - dist(p, q),
    error: dist(end, mid),
  };
}
