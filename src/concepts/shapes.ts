/**
 * The four shapes shared by the identification families (square, line,
 * triangle, circle) and their generation twins (make-*): how a shape is
 * fitted, its size range and tolerance, how an exact one is drawn, the
 * identification uniqueness test, and the minimal-movement target that
 * make-* events use as x1.
 */
import type { Rng } from '../random/rng.js';
import type { Vec2 } from '../world/types.js';
import type { CheckResult, GeometrySpec } from './family.js';
import { fail, pass } from './common.js';
import {
  SHAPE_BOUND,
  add,
  centroid,
  fitCircle,
  fitLine,
  fitRegularPolygon,
  fromAngle,
  norm,
  projectOntoCircle,
  regularPolygon,
  scale,
  shiftIntoBounds,
  sub,
  type CircleFit,
  type ShapeFit,
} from './geometry.js';

export type ShapeName = 'square' | 'line' | 'triangle' | 'circle';

export interface ShapeSpec {
  readonly name: ShapeName;
  /** Number of entities that form the shape. */
  readonly members: number;
  /** What `ShapeFit.size` measures. */
  readonly sizeName: 'side' | 'extent' | 'radius';
  /** Sizes the checker accepts. */
  readonly checkSize: readonly [number, number];
  /** Sizes the generators draw (and make-* targets are clamped to). */
  readonly sampleSize: readonly [number, number];
  /**
   * The shift suite's sizes: below and above `sampleSize`, inside `checkSize`.
   * A band is left out when the generator's spacing rule leaves no room in it.
   */
  readonly bands: {
    readonly small?: readonly [number, number];
    readonly large?: readonly [number, number];
  };
  /** The checker requires residual / size < tolerance. */
  readonly tolerance: number;
  /**
   * Identification uniqueness: every other subset of the scene must have
   * residual / size >= uniqueMargin or a size outside uniqueSize (a margin
   * beyond the checker's own limits).
   */
  readonly uniqueMargin: number;
  readonly uniqueSize: readonly [number, number];
  /**
   * Circle only: the points must surround the centre. Largest angular gap
   * between consecutive points (radians) accepted by the checker, allowed in
   * a confusable subset, and drawn by the generators.
   */
  readonly maxGap?: { readonly check: number; readonly unique: number; readonly sample: number };
  fit(points: readonly Vec2[]): ShapeFit;
  /** An exact shape of this size, centred at the origin, unrotated. */
  template(rng: Rng, size: number): Vec2[];
}

/** Minimum angular gap between consecutive circle points of generated circles (radians). */
export const CIRCLE_MIN_GAP = 0.6;

/** Angular gaps (radians) between consecutive points around `center`, in angle order. */
export function angularGaps(points: readonly Vec2[], center: Vec2): number[] {
  const angles = points
    .map((p) => Math.atan2(p[1] - center[1], p[0] - center[0]))
    .sort((a, b) => a - b);
  return angles.map((a, i) =>
    i + 1 < angles.length ? angles[i + 1] - a : angles[0] + 2 * Math.PI - a,
  );
}

export const SQUARE: ShapeSpec = {
  name: 'square',
  members: 4,
  sizeName: 'side',
  checkSize: [0.25, 0.9],
  sampleSize: [0.3, 0.8],
  bands: { small: [0.25, 0.3], large: [0.8, 0.9] },
  tolerance: 0.1,
  uniqueMargin: 0.2,
  uniqueSize: [0.1, 3],
  fit: fitRegularPolygon,
  template: (_rng, side) => regularPolygon(4).map((q) => scale(q, side)),
};

export const TRIANGLE: ShapeSpec = {
  name: 'triangle',
  members: 3,
  sizeName: 'side',
  checkSize: [0.25, 0.9],
  sampleSize: [0.3, 0.8],
  bands: { small: [0.25, 0.3], large: [0.8, 0.9] },
  tolerance: 0.1,
  uniqueMargin: 0.2,
  uniqueSize: [0.1, 3],
  fit: fitRegularPolygon,
  template: (_rng, side) => regularPolygon(3).map((q) => scale(q, side)),
};

export const LINE: ShapeSpec = {
  name: 'line',
  members: 3,
  sizeName: 'extent',
  checkSize: [0.3, 1.2],
  sampleSize: [0.4, 0.8],
  // The small band starts at 0.32, not the checker's 0.3: every two entities are at least 0.15 apart, so
  // the middle point needs room on both sides (at 0.32 it sits within 0.47..0.53 of the segment).
  bands: { small: [0.32, 0.4], large: [0.8, 1.2] },
  // 0.05 of the extent is 0.1 of the half-extent: in absolute terms the same range (0.02..0.04) as the
  // other shapes' 0.1 of side or radius; 0.1 of the extent would accept a 20-degree bend.
  tolerance: 0.05,
  uniqueMargin: 0.07,
  uniqueSize: [0, 1.3],
  fit: fitLine,
  template: (rng, extent) => {
    // The middle point sits in the middle 40% of the segment.
    const f = rng.range(0.3, 0.7);
    return [
      [-extent / 2, 0],
      [-extent / 2 + f * extent, 0],
      [extent / 2, 0],
    ];
  },
};

export const CIRCLE: ShapeSpec = {
  name: 'circle',
  members: 5,
  sizeName: 'radius',
  checkSize: [0.2, 0.8],
  sampleSize: [0.25, 0.6],
  bands: { small: [0.2, 0.25], large: [0.6, 0.8] },
  tolerance: 0.1,
  uniqueMargin: 0.2,
  uniqueSize: [0.15, 1],
  maxGap: { check: 1.7, unique: 1.9, sample: 1.5 },
  fit: fitCircle,
  template: (rng, radius) => {
    // Five angles with gaps in [CIRCLE_MIN_GAP, 1.5]: uniform spacings of the remaining arc, redrawn
    // until the largest gap fits.
    const free = 2 * Math.PI - 5 * CIRCLE_MIN_GAP;
    let gaps: number[] = [];
    for (let t = 0; t < 1000; t++) {
      const cuts = [0, rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform(), 1].sort(
        (a, b) => a - b,
      );
      gaps = cuts.slice(1).map((c, k) => CIRCLE_MIN_GAP + free * (c - cuts[k]));
      if (Math.max(...gaps) <= 1.5) break;
    }
    let theta = rng.range(0, 2 * Math.PI);
    const out: Vec2[] = [];
    for (const g of gaps) {
      out.push(fromAngle(theta, radius));
      theta += g;
    }
    return out;
  },
};

export const SHAPES: Readonly<Record<ShapeName, ShapeSpec>> = {
  square: SQUARE,
  line: LINE,
  triangle: TRIANGLE,
  circle: CIRCLE,
};

/** A shape family's geometry: the shape's size, drawn from `sampleSize` or a band. */
export function shapeGeometry(spec: ShapeSpec): GeometrySpec {
  return { parameter: spec.sizeName, training: spec.sampleSize, ...spec.bands };
}

/** In words, for checker descriptions. */
export function describeShapeCheck(spec: ShapeSpec): string {
  const fitWord: Record<ShapeName, string> = {
    square: 'best similarity fit of a square over all corner assignments',
    triangle: 'best similarity fit of an equilateral triangle over all corner assignments',
    line: 'total-least-squares line',
    circle: 'geometric least-squares circle',
  };
  const spread = spec.maxGap
    ? `, the points surround the centre (largest angular gap < ${spec.maxGap.check} rad)`
    : '';
  return (
    `exactly ${spec.members} entities; shape residual sqrt(sum |p - p_fit|^2) of the ${fitWord[spec.name]} ` +
    `< ${spec.tolerance} x its ${spec.sizeName}, ${spec.sizeName} in [${spec.checkSize[0]}, ${spec.checkSize[1]}]${spread}`
  );
}

/** Judge whether `points` form the shape. Error: residual / size (plus the relative size violation). */
export function judgeShape(spec: ShapeSpec, points: readonly Vec2[]): CheckResult {
  if (points.length !== spec.members) {
    return fail(
      Math.abs(points.length - spec.members),
      `expected ${spec.members} entities, got ${points.length}`,
    );
  }
  const f = spec.fit(points);
  const [lo, hi] = spec.checkSize;
  const sizeExcess = f.size < lo ? (lo - f.size) / lo : f.size > hi ? (f.size - hi) / hi : 0;
  const error = f.relResidual + sizeExcess;
  if (sizeExcess > 0) {
    return fail(error, `${spec.sizeName} ${fmt(f.size)} outside [${lo}, ${hi}]`);
  }
  if (!(f.relResidual < spec.tolerance)) {
    return fail(
      error,
      `not a ${spec.name}: residual ${fmt(f.relResidual)} of its ${spec.sizeName} >= ${spec.tolerance}`,
    );
  }
  if (spec.maxGap) {
    const gap = Math.max(...angularGaps(points, (f as CircleFit).center));
    if (!(gap < spec.maxGap.check)) {
      return fail(
        error,
        `the points do not surround the centre (angular gap ${fmt(gap)} >= ${spec.maxGap.check} rad)`,
      );
    }
  }
  return pass(error);
}

/** Identification uniqueness: does this subset come close enough to the shape to be confusable? */
export function confusable(spec: ShapeSpec, points: readonly Vec2[]): boolean {
  const f = spec.fit(points);
  if (!(
    f.relResidual < spec.uniqueMargin &&
    f.size >= spec.uniqueSize[0] &&
    f.size <= spec.uniqueSize[1]
  )) {
    return false;
  }
  return (
    !spec.maxGap || Math.max(...angularGaps(points, (f as CircleFit).center)) < spec.maxGap.unique
  );
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}

/**
 * The minimal-movement exact shape for make-* events: the best-fit shape
 * (the nearest exact shape in configuration space: Procrustes fit for square
 * and triangle, orthogonal projection onto the total-least-squares line,
 * radial projection onto the geometric least-squares circle), with its size
 * clamped to `sampleSize` (scaling about the centre) and translated by the
 * smallest shift that keeps it inside [-0.95, 0.95]^2. Point i of the input
 * goes to point i of the output. Deterministic.
 */
export function shapeTarget(
  spec: ShapeSpec,
  points: readonly Vec2[],
  sizes: readonly [number, number] = spec.sampleSize,
): Vec2[] {
  const [lo, hi] = sizes;
  let out: Vec2[];
  switch (spec.name) {
    case 'square':
    case 'triangle': {
      const f = fitRegularPolygon(points);
      if (f.size < 1e-9) {
        // Degenerate (all points coincide): a shape of the smallest size in input order.
        const c = centroid(points);
        out = regularPolygon(points.length).map((q) => add(c, scale(q, lo)));
      } else {
        const s = clamp(f.size, lo, hi) / f.size;
        out = f.fitted.map((p) => add(f.center, scale(sub(p, f.center), s)));
      }
      break;
    }
    case 'line': {
      const f = fitLine(points);
      let t = f.t.slice();
      if (f.size < 1e-9) {
        // Degenerate: spread evenly in input order.
        t = t.map((_, i) => -lo / 2 + (lo * i) / Math.max(1, t.length - 1));
      } else {
        const s = clamp(f.size, lo, hi) / f.size;
        t = t.map((ti) => ti * s);
      }
      out = t.map((ti) => add(f.center, scale(f.dir, ti)));
      break;
    }
    case 'circle': {
      const f = fitCircle(points);
      let center = f.center;
      let radius = f.radius;
      if (!Number.isFinite(radius)) {
        center = centroid(points);
        radius = points.reduce((s, p) => s + norm(sub(p, center)), 0) / points.length;
      }
      out = projectOntoCircle(points, center, clamp(radius, lo, hi));
      break;
    }
  }
  return shiftIntoBounds(out, SHAPE_BOUND);
}
