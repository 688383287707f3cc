/**
 * Shared geometry for the concept families (docs/CONCEPTS.md): vector
 * helpers, shape fitting (square, equilateral triangle, line, circle) with
 * residuals, subset enumeration, and scene placement with a minimum spacing.
 *
 * Shape residual (our choice): the distance in configuration space from the
 * points to the nearest exact shape, sqrt(sum_i |p_i - p*_i|^2), where p* is the
 * best-fit shape (least squares). The checkers compare it with the shape's size
 * (side, extent or radius): `relResidual = residual / size`.
 */
import type { Rng } from '../random/rng.js';
import type { Entity, Rgb, Scene, Vec2 } from '../world/types.js';
import { AGENT_COLOR, PALETTE, PALETTE_NAMES, distance } from '../world/scene.js';

/** Scenes place entities uniformly in [-SCENE_HALF, SCENE_HALF]^2. */
export const SCENE_HALF = 0.9;
/** Generated shapes (x1 of make-* events) are kept inside [-SHAPE_BOUND, SHAPE_BOUND]^2. */
export const SHAPE_BOUND = 0.95;
/** Minimum distance between any two entities of a generated scene (near: the pair is the exception). */
export const MIN_SPACING = 0.15;
/** Minimum distance between an entity that moved in x1 and any other entity. */
export const MOVED_CLEARANCE = 0.12;

// ---------------------------------------------------------------- vectors

export function add(a: Vec2, b: Vec2): Vec2 {
  return [a[0] + b[0], a[1] + b[1]];
}

export function sub(a: Vec2, b: Vec2): Vec2 {
  return [a[0] - b[0], a[1] - b[1]];
}

export function scale(a: Vec2, s: number): Vec2 {
  return [a[0] * s, a[1] * s];
}

export function dot(a: Vec2, b: Vec2): number {
  return a[0] * b[0] + a[1] * b[1];
}

export function norm(a: Vec2): number {
  return Math.hypot(a[0], a[1]);
}

export function midpoint(a: Vec2, b: Vec2): Vec2 {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

export function centroid(points: readonly Vec2[]): Vec2 {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

export function fromAngle(theta: number, r = 1): Vec2 {
  return [r * Math.cos(theta), r * Math.sin(theta)];
}

export function inBounds(p: Vec2, half: number): boolean {
  return Math.abs(p[0]) <= half && Math.abs(p[1]) <= half;
}

export function allInBounds(points: readonly Vec2[], half: number): boolean {
  return points.every((p) => inBounds(p, half));
}

/** Smallest pairwise distance (Infinity for fewer than 2 points). */
export function minPairDistance(points: readonly Vec2[]): number {
  let best = Infinity;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++)
      best = Math.min(best, distance(points[i], points[j]));
  }
  return best;
}

/** True when `p` is at least `min` away from every point of `others`. */
export function farFromAll(p: Vec2, others: readonly Vec2[], min: number): boolean {
  return others.every((q) => distance(p, q) >= min);
}

/**
 * Translate `points` by the smallest shift that brings them all inside
 * [-half, half]^2 (unchanged when they already are). Requires their extent to fit.
 */
export function shiftIntoBounds(points: readonly Vec2[], half: number): Vec2[] {
  const shift: Vec2 = [0, 0];
  for (const axis of [0, 1] as const) {
    const lo = Math.min(...points.map((p) => p[axis]));
    const hi = Math.max(...points.map((p) => p[axis]));
    if (lo < -half) shift[axis] = -half - lo;
    else if (hi > half) shift[axis] = half - hi;
  }
  return points.map((p) => add(p, shift));
}

// ---------------------------------------------------------------- subsets

/** All k-element subsets of [0, n), as sorted index arrays, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === k) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i <= n - (k - cur.length); i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  if (k >= 0 && k <= n) rec(0);
  return out;
}

const permCache = new Map<number, number[][]>();

/** All permutations of [0, k) (cached). */
export function permutations(k: number): number[][] {
  const cached = permCache.get(k);
  if (cached) return cached;
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    rest.forEach((r, i) => rec([...prefix, r], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  rec(
    [],
    Array.from({ length: k }, (_, i) => i),
  );
  permCache.set(k, out);
  return out;
}

// ---------------------------------------------------------------- shape fits

/** A best-fit exact shape: `fitted[i]` is where point i sits on the shape. */
export interface ShapeFit {
  fitted: Vec2[];
  /** sqrt(sum_i |p_i - fitted_i|^2). */
  residual: number;
  /** Side (square, triangle), extent (line) or radius (circle) of the fitted shape. */
  size: number;
  /** residual / size (Infinity for a degenerate shape of size 0). */
  relResidual: number;
}

/** Vertices of a regular k-gon with side 1, centred at the origin. */
export function regularPolygon(k: number): Vec2[] {
  const rho = 1 / (2 * Math.sin(Math.PI / k));
  return Array.from({ length: k }, (_, j) => fromAngle((2 * Math.PI * j) / k, rho));
}

/**
 * Similarity (rotation, uniform scale, translation; no reflection) least-squares
 * fit of `template` onto `points` with fixed correspondence. Returns the complex
 * scale `a` (rotation + scale) and the centroid; fitted_i = c + a * (q_i - mean q).
 */
export function fitSimilarity(
  points: readonly Vec2[],
  template: readonly Vec2[],
): { a: Vec2; center: Vec2; fitted: Vec2[]; residual: number } {
  const c = centroid(points);
  const qc = centroid(template);
  let num0 = 0;
  let num1 = 0;
  let den = 0;
  for (let i = 0; i < points.length; i++) {
    const px = points[i][0] - c[0];
    const py = points[i][1] - c[1];
    const qx = template[i][0] - qc[0];
    const qy = template[i][1] - qc[1];
    // conj(q) * p
    num0 += qx * px + qy * py;
    num1 += qx * py - qy * px;
    den += qx * qx + qy * qy;
  }
  const a: Vec2 = den > 0 ? [num0 / den, num1 / den] : [0, 0];
  const fitted = template.map((q): Vec2 => {
    const qx = q[0] - qc[0];
    const qy = q[1] - qc[1];
    return [c[0] + a[0] * qx - a[1] * qy, c[1] + a[0] * qy + a[1] * qx];
  });
  // Summed directly (not as pp - |num|^2 / den) so that an exact shape gives ~1e-16, not ~1e-8.
  let residual2 = 0;
  for (let i = 0; i < points.length; i++) {
    const dx = points[i][0] - fitted[i][0];
    const dy = points[i][1] - fitted[i][1];
    residual2 += dx * dx + dy * dy;
  }
  return { a, center: c, fitted, residual: Math.sqrt(residual2) };
}

/**
 * Best-fit regular polygon (square for 4 points, equilateral triangle for 3):
 * the similarity fit of a regular k-gon over every assignment of points to
 * corners, keeping the one with the smallest residual. Size = side length.
 */
export function fitRegularPolygon(points: readonly Vec2[]): ShapeFit & { a: Vec2; center: Vec2 } {
  const k = points.length;
  const base = regularPolygon(k);
  let best: (ShapeFit & { a: Vec2; center: Vec2 }) | null = null;
  for (const perm of permutations(k)) {
    // Point i goes to corner perm[i].
    const template = perm.map((j) => base[j]);
    const fit = fitSimilarity(points, template);
    if (best === null || fit.residual < best.residual - 1e-12) {
      const size = norm(fit.a);
      best = {
        fitted: fit.fitted,
        residual: fit.residual,
        size,
        relResidual: size > 1e-12 ? fit.residual / size : Infinity,
        a: fit.a,
        center: fit.center,
      };
    }
  }
  if (best === null) throw new Error('fitRegularPolygon: no points');
  return best;
}

/**
 * Regular polygon through a similarity: centre c, complex scale a (side |a|,
 * rotation arg a), corners in the order of `regularPolygon(k)`.
 */
export function polygonCorners(k: number, center: Vec2, a: Vec2): Vec2[] {
  return regularPolygon(k).map((q): Vec2 => [
    center[0] + a[0] * q[0] - a[1] * q[1],
    center[1] + a[0] * q[1] + a[1] * q[0],
  ]);
}

export interface LineFit extends ShapeFit {
  center: Vec2;
  /** Unit direction of the line. */
  dir: Vec2;
  /** Coordinate of each point's projection along `dir`, from `center`. */
  t: number[];
}

/**
 * Total-least-squares line: through the centroid along the principal axis.
 * fitted = orthogonal projections; residual = sqrt(sum of squared
 * perpendicular distances); size = extent of the projections.
 */
export function fitLine(points: readonly Vec2[]): LineFit {
  const c = centroid(points);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dx = p[0] - c[0];
    const dy = p[1] - c[1];
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const dir: Vec2 = [Math.cos(theta), Math.sin(theta)];
  const t = points.map((p) => dot(sub(p, c), dir));
  const fitted = t.map((ti) => add(c, scale(dir, ti)));
  let r2 = 0;
  points.forEach((p, i) => {
    const d = sub(p, fitted[i]);
    r2 += dot(d, d);
  });
  const size = Math.max(...t) - Math.min(...t);
  const residual = Math.sqrt(r2);
  return {
    fitted,
    residual,
    size,
    relResidual: size > 1e-12 ? residual / size : Infinity,
    center: c,
    dir,
    t,
  };
}

export interface CircleFit extends ShapeFit {
  center: Vec2;
  radius: number;
}

/** Solve the symmetric 3x3 system [a b c; b d e; c e f] x = [u v w] (Cramer); null when singular. */
function solveSym3(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  u: number,
  v: number,
  w: number,
): [number, number, number] | null {
  const c00 = d * f - e * e;
  const c01 = c * e - b * f;
  const c02 = b * e - c * d;
  const det = a * c00 + b * c01 + c * c02;
  const mag = Math.max(Math.abs(a), Math.abs(d), Math.abs(f), 1e-300);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12 * mag * mag * mag) return null;
  const c11 = a * f - c * c;
  const c12 = b * c - a * e;
  const c22 = a * d - b * b;
  return [
    (c00 * u + c01 * v + c02 * w) / det,
    (c01 * u + c11 * v + c12 * w) / det,
    (c02 * u + c12 * v + c22 * w) / det,
  ];
}

const DEGENERATE_CIRCLE = (points: readonly Vec2[]): CircleFit => ({
  fitted: points.map((p): Vec2 => [p[0], p[1]]),
  residual: Infinity,
  size: Infinity,
  relResidual: Infinity,
  center: centroid(points),
  radius: Infinity,
});

/**
 * Geometric least-squares circle: minimises sum_i (|p_i - c| - R)^2, started
 * from the algebraic (Kasa) fit and refined by Gauss-Newton. fitted = radial
 * projections onto the circle; size = radius. Collinear points give a
 * degenerate fit (radius and residual Infinity).
 */
export function fitCircle(points: readonly Vec2[]): CircleFit {
  const n = points.length;
  if (n < 3) return DEGENERATE_CIRCLE(points);
  // Kasa: x^2 + y^2 + D x + E y + F = 0, in coordinates centred on the centroid.
  const g = centroid(points);
  let sxx = 0,
    sxy = 0,
    sx = 0,
    syy = 0,
    sy = 0,
    sxz = 0,
    syz = 0,
    sz = 0;
  for (const p of points) {
    const x = p[0] - g[0];
    const y = p[1] - g[1];
    const z = -(x * x + y * y);
    sxx += x * x;
    sxy += x * y;
    sx += x;
    syy += y * y;
    sy += y;
    sxz += x * z;
    syz += y * z;
    sz += z;
  }
  const sol = solveSym3(sxx, sxy, sx, syy, sy, n, sxz, syz, sz);
  if (!sol) return DEGENERATE_CIRCLE(points);
  let cx = -sol[0] / 2;
  let cy = -sol[1] / 2;
  let r = Math.sqrt(Math.max(0, cx * cx + cy * cy - sol[2]));
  if (!Number.isFinite(r) || r > 1e3) return DEGENERATE_CIRCLE(points);
  // Gauss-Newton on the geometric residuals d_i - r, Jacobian rows [-dx/d, -dy/d, -1].
  for (let iter = 0; iter < 30; iter++) {
    let a11 = 0,
      a12 = 0,
      a13 = 0,
      a22 = 0,
      a23 = 0,
      a33 = 0,
      b1 = 0,
      b2 = 0,
      b3 = 0;
    for (const p of points) {
      const dx = p[0] - g[0] - cx;
      const dy = p[1] - g[1] - cy;
      const d = Math.hypot(dx, dy);
      if (d < 1e-12) continue;
      const res = d - r;
      const j1 = -dx / d;
      const j2 = -dy / d;
      a11 += j1 * j1;
      a12 += j1 * j2;
      a13 -= j1;
      a22 += j2 * j2;
      a23 -= j2;
      a33 += 1;
      b1 -= j1 * res;
      b2 -= j2 * res;
      b3 += res;
    }
    const step = solveSym3(a11, a12, a13, a22, a23, a33, b1, b2, b3);
    if (!step) break;
    cx += step[0];
    cy += step[1];
    r += step[2];
    if (!Number.isFinite(r) || r > 1e3) return DEGENERATE_CIRCLE(points);
    if (Math.abs(step[0]) + Math.abs(step[1]) + Math.abs(step[2]) < 1e-12 * (1 + Math.abs(r)))
      break;
  }
  const center: Vec2 = [cx + g[0], cy + g[1]];
  const fitted = points.map((p): Vec2 => {
    const d = sub(p, center);
    const len = norm(d);
    return len < 1e-12 ? add(center, [r, 0]) : add(center, scale(d, r / len));
  });
  let r2 = 0;
  points.forEach((p, i) => {
    const d = sub(p, fitted[i]);
    r2 += dot(d, d);
  });
  const residual = Math.sqrt(r2);
  return { fitted, residual, size: r, relResidual: residual / r, center, radius: r };
}

/** Radial projection of `points` onto the circle (center, radius). */
export function projectOntoCircle(points: readonly Vec2[], center: Vec2, radius: number): Vec2[] {
  return points.map((p): Vec2 => {
    const d = sub(p, center);
    const len = norm(d);
    return len < 1e-12 ? add(center, [radius, 0]) : add(center, scale(d, radius / len));
  });
}

// ---------------------------------------------------------------- scenes

/** Colours that entities other than the agent may take. */
export const ENTITY_COLOR_NAMES: readonly string[] = PALETTE_NAMES.slice();

export function paletteColor(name: string): Rgb {
  const c = PALETTE[name];
  if (!c) throw new Error(`unknown palette colour "${name}"`);
  return [c[0], c[1], c[2]];
}

/** A random palette colour (never gray), optionally excluding some names. */
export function randomColor(rng: Rng, exclude: readonly string[] = []): Rgb {
  const names = ENTITY_COLOR_NAMES.filter((n) => !exclude.includes(n));
  return paletteColor(rng.choice(names));
}

export function agentColor(): Rgb {
  return [AGENT_COLOR[0], AGENT_COLOR[1], AGENT_COLOR[2]];
}

export function uniformPoint(rng: Rng, half = SCENE_HALF): Vec2 {
  return [rng.range(-half, half), rng.range(-half, half)];
}

export interface PlaceOptions {
  /** Minimum distance to every point of `existing` (default MIN_SPACING). */
  minSpacing?: number;
  /** Half-width of the square to draw from (default SCENE_HALF). */
  half?: number;
  /** Extra acceptance test (e.g. "creates no second square"). */
  accept?: (p: Vec2) => boolean;
  /** Draws before giving up (default 300). */
  tries?: number;
}

/** A uniform point that keeps the spacing and passes `accept`, or null after `tries` draws. */
export function placePoint(
  rng: Rng,
  existing: readonly Vec2[],
  options: PlaceOptions = {},
): Vec2 | null {
  const { minSpacing = MIN_SPACING, half = SCENE_HALF, accept, tries = 300 } = options;
  for (let t = 0; t < tries; t++) {
    const p = uniformPoint(rng, half);
    if (!farFromAll(p, existing, minSpacing)) continue;
    if (accept && !accept(p)) continue;
    return p;
  }
  return null;
}

/**
 * Add `count` points one at a time to `existing` (not modified), each uniform,
 * spaced and accepted by `accept(p, placedSoFar)`. Returns only the new points,
 * or null if one of them could not be placed.
 */
export function placePoints(
  rng: Rng,
  existing: readonly Vec2[],
  count: number,
  options: Omit<PlaceOptions, 'accept'> & {
    accept?: (p: Vec2, placed: readonly Vec2[]) => boolean;
  } = {},
): Vec2[] | null {
  const placed = existing.slice();
  const added: Vec2[] = [];
  for (let k = 0; k < count; k++) {
    const accept = options.accept;
    const p = placePoint(rng, placed, {
      ...options,
      accept: accept ? (q) => accept(q, placed) : undefined,
    });
    if (!p) return null;
    placed.push(p);
    added.push(p);
  }
  return added;
}

/** Random rotation and placement of a shape given relative to its centre, fully inside [-half, half]^2. */
export function placeShape(rng: Rng, offsets: readonly Vec2[], half = SCENE_HALF): Vec2[] | null {
  const theta = rng.range(0, 2 * Math.PI);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const rotated = offsets.map((o): Vec2 => [c * o[0] - s * o[1], s * o[0] + c * o[1]]);
  const xs = rotated.map((p) => p[0]);
  const ys = rotated.map((p) => p[1]);
  const lo: Vec2 = [-half - Math.min(...xs), -half - Math.min(...ys)];
  const hi: Vec2 = [half - Math.max(...xs), half - Math.max(...ys)];
  if (lo[0] > hi[0] || lo[1] > hi[1]) return null;
  const center: Vec2 = [rng.range(lo[0], hi[0]), rng.range(lo[1], hi[1])];
  return rotated.map((p) => add(p, center));
}

/** One entity of a scene under construction; `attended` becomes the attention mask. */
export interface Draft {
  pos: Vec2;
  color: Rgb;
  attended: boolean;
  /** Position in the after scene (default: unchanged). */
  toPos?: Vec2;
  /** Colour in the after scene (default: unchanged). */
  toColor?: Rgb;
}

export interface Assembled {
  before: Scene;
  after: Scene;
  attention: number[];
  /** index[d] = position of draft d in the scenes. */
  index: number[];
}

/**
 * Turn drafts into before/after scenes in a random order (so the attention
 * is never positional), with the attention mask and where each draft went.
 */
export function assemble(rng: Rng, drafts: readonly Draft[]): Assembled {
  const order = rng.shuffle(drafts.map((_, i) => i));
  const copy = (p: Vec2): Vec2 => [p[0], p[1]];
  const copyC = (c: Rgb): Rgb => [c[0], c[1], c[2]];
  const before: Entity[] = order.map((i) => ({
    pos: copy(drafts[i].pos),
    color: copyC(drafts[i].color),
  }));
  const after: Entity[] = order.map((i) => ({
    pos: copy(drafts[i].toPos ?? drafts[i].pos),
    color: copyC(drafts[i].toColor ?? drafts[i].color),
  }));
  const attention = order.map((i) => (drafts[i].attended ? 1 : 0));
  const index = new Array<number>(drafts.length);
  order.forEach((draft, pos) => {
    index[draft] = pos;
  });
  return { before: { entities: before }, after: { entities: after }, attention, index };
}

/**
 * Run `attempt` until it returns a value, at most `tries` times; then throw a
 * clear error naming the family and the scene size.
 */
export function withRetries<T>(
  family: string,
  entities: number,
  tries: number,
  attempt: () => T | null,
): T {
  for (let t = 0; t < tries; t++) {
    const out = attempt();
    if (out !== null) return out;
  }
  throw new Error(
    `${family}: could not generate a valid event with ${entities} entities after ${tries} tries ` +
      `(the scene may be too crowded for the family's spacing and uniqueness rules)`,
  );
}
