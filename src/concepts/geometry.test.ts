import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import type { Vec2 } from '../world/types.js';
import {
  assemble,
  combinations,
  fitCircle,
  fitLine,
  fitRegularPolygon,
  norm,
  permutations,
  placePoints,
  placeShape,
  regularPolygon,
  shiftIntoBounds,
  sub,
} from './geometry.js';
import { CIRCLE, LINE, SQUARE, TRIANGLE, shapeTarget } from './shapes.js';

const rot = (p: Vec2, t: number): Vec2 => [
  Math.cos(t) * p[0] - Math.sin(t) * p[1],
  Math.sin(t) * p[0] + Math.cos(t) * p[1],
];

describe('subsets', () => {
  it('enumerates combinations and permutations', () => {
    expect(combinations(6, 3)).toHaveLength(20);
    expect(combinations(4, 0)).toEqual([[]]);
    expect(combinations(3, 4)).toEqual([]);
    expect(permutations(4)).toHaveLength(24);
    expect(new Set(permutations(3).map((p) => p.join(''))).size).toBe(6);
  });
});

describe('shape fits', () => {
  it('fits a rotated, scaled, shuffled square exactly and reports its side', () => {
    const sq = regularPolygon(4).map((q) => rot([q[0] * 0.6 + 0.1, q[1] * 0.6 - 0.2], 0.7));
    const shuffled = [sq[2], sq[0], sq[3], sq[1]];
    const f = fitRegularPolygon(shuffled);
    expect(f.residual).toBeLessThan(1e-12);
    expect(f.size).toBeCloseTo(0.6, 12);
    f.fitted.forEach((p, i) => expect(norm(sub(p, shuffled[i]))).toBeLessThan(1e-12));
  });
  it('gives a large residual for a non-square and for a reflected-order triangle still fits', () => {
    expect(
      fitRegularPolygon([
        [0, 0],
        [1, 0],
        [1, 0.3],
        [0, 0.3],
      ]).relResidual,
    ).toBeGreaterThan(0.3);
    const tri = regularPolygon(3).map((q) => [q[0] * 0.5, q[1] * 0.5] as Vec2);
    expect(fitRegularPolygon([tri[0], tri[2], tri[1]]).residual).toBeLessThan(1e-12);
  });
  it('fits lines (TLS) and circles (geometric)', () => {
    const l = fitLine([
      [-0.3, -0.3],
      [0.1, 0.1],
      [0.3, 0.3],
    ]);
    expect(l.residual).toBeLessThan(1e-12);
    expect(l.size).toBeCloseTo(0.6 * Math.SQRT2, 12);
    const pts: Vec2[] = [0, 1, 2.5, 4, 5].map((t) => [
      0.2 + 0.45 * Math.cos(t),
      -0.1 + 0.45 * Math.sin(t),
    ]);
    const c = fitCircle(pts);
    expect(c.radius).toBeCloseTo(0.45, 10);
    expect(c.center[0]).toBeCloseTo(0.2, 10);
    expect(c.center[1]).toBeCloseTo(-0.1, 10);
    expect(c.residual).toBeLessThan(1e-9);
    // Noisy points: the geometric fit beats the centroid circle.
    const noisy: Vec2[] = pts.map((p, i) => [p[0] + (i % 2 ? 0.03 : -0.02), p[1]]);
    expect(fitCircle(noisy).relResidual).toBeLessThan(0.2);
    const collinear = fitCircle([
      [0, 0],
      [0.5, 0],
      [1, 0],
    ]);
    expect(collinear.radius).toBe(Infinity);
  });
});

describe('targets', () => {
  it('square target: a perturbed square goes back near the original; sizes are clamped; bounds kept', () => {
    const sq: Vec2[] = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ];
    const t = shapeTarget(SQUARE, [
      [0.02, 0],
      [0.5, -0.02],
      [0.48, 0.5],
      [0, 0.52],
    ]);
    t.forEach((p, i) => expect(norm(sub(p, sq[i]))).toBeLessThan(0.03));
    const tiny = shapeTarget(
      SQUARE,
      sq.map((p) => [p[0] * 0.2, p[1] * 0.2] as Vec2),
    );
    expect(fitRegularPolygon(tiny).size).toBeCloseTo(0.3, 12);
    const edge = shapeTarget(
      SQUARE,
      sq.map((p) => [p[0] + 0.7, p[1] + 0.7] as Vec2),
    );
    for (const p of edge)
      expect(Math.max(Math.abs(p[0]), Math.abs(p[1]))).toBeLessThanOrEqual(0.95 + 1e-12);
    expect(fitRegularPolygon(edge).residual).toBeLessThan(1e-12);
  });
  it('line, triangle and circle targets are exact shapes of the right size', () => {
    const line = shapeTarget(LINE, [
      [-0.3, 0.05],
      [0, -0.05],
      [0.3, 0.02],
    ]);
    expect(fitLine(line).residual).toBeLessThan(1e-12);
    const spread = shapeTarget(LINE, [
      [-0.05, 0.05],
      [0, -0.05],
      [0.05, 0.02],
    ]);
    expect(fitLine(spread).size).toBeCloseTo(0.4, 12);
    const tri = shapeTarget(TRIANGLE, [
      [0, 0],
      [0.5, 0.05],
      [0.2, 0.4],
    ]);
    expect(fitRegularPolygon(tri).residual).toBeLessThan(1e-12);
    const circ = shapeTarget(CIRCLE, [
      [0.4, 0],
      [0.1, 0.35],
      [-0.3, 0.25],
      [-0.3, -0.3],
      [0.15, -0.4],
    ]);
    expect(fitCircle(circ).residual).toBeLessThan(1e-9);
  });
});

describe('placement', () => {
  it('keeps spacing and bounds, and assembles a shuffled scene with a consistent mask', () => {
    const rng = new Rng(9);
    const pts = placePoints(rng, [], 12);
    expect(pts).not.toBeNull();
    for (let i = 0; i < 12; i++) {
      for (let j = i + 1; j < 12; j++)
        expect(norm(sub(pts![i], pts![j]))).toBeGreaterThanOrEqual(0.15);
    }
    const shape = placeShape(
      rng,
      regularPolygon(4).map((q) => [q[0] * 0.8, q[1] * 0.8] as Vec2),
    );
    for (const p of shape!)
      expect(Math.max(Math.abs(p[0]), Math.abs(p[1]))).toBeLessThanOrEqual(0.9);
    const drafts = pts!.map((pos, i) => ({
      pos,
      color: [0, 0.8, 0] as [number, number, number],
      attended: i < 3,
    }));
    const a = assemble(rng, drafts);
    drafts.forEach((d, i) => {
      expect(a.before.entities[a.index[i]].pos).toEqual(d.pos);
      expect(a.attention[a.index[i]]).toBe(d.attended ? 1 : 0);
    });
    const shifted = shiftIntoBounds(
      [
        [1.2, 0],
        [0.9, 0.1],
      ],
      0.95,
    );
    expect(shifted[0][0]).toBeCloseTo(0.95, 12);
    expect(shifted[1][0]).toBeCloseTo(0.65, 12);
    expect(shifted[1][1]).toBe(0.1);
  });
});
