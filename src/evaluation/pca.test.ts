import { describe, expect, it } from 'vitest';
import { rngFor } from '../random/rng.js';
import { centroid, euclidean, pca } from './pca.js';

describe('pca', () => {
  it('finds the directions of a known anisotropic cloud', () => {
    const rng = rngFor(3, 'pca');
    // Variance 9 along (1,1,0)/sqrt2, 1 along (1,-1,0)/sqrt2, 0.01 along z.
    const u = [Math.SQRT1_2, Math.SQRT1_2, 0];
    const v = [Math.SQRT1_2, -Math.SQRT1_2, 0];
    const rows = Array.from({ length: 4000 }, () => {
      const a = 3 * rng.normal();
      const b = rng.normal();
      const c = 0.1 * rng.normal();
      return [a * u[0] + b * v[0] + 5, a * u[1] + b * v[1] - 2, c];
    });
    const p = pca(rows, 2);
    expect(Math.abs(p.components[0][0] * u[0] + p.components[0][1] * u[1])).toBeGreaterThan(0.999);
    expect(Math.abs(p.components[1][0] * v[0] + p.components[1][1] * v[1])).toBeGreaterThan(0.999);
    expect(p.variances[0]).toBeGreaterThan(8);
    expect(p.variances[0]).toBeLessThan(10);
    expect(p.variances[1]).toBeGreaterThan(0.9);
    expect(p.variances[1]).toBeLessThan(1.1);
    expect(p.mean[0]).toBeCloseTo(5, 0);
    // Projections are centred and carry the component's variance.
    const first = p.projected.map((r) => r[0]);
    expect(Math.abs(first.reduce((s, x) => s + x, 0) / first.length)).toBeLessThan(1e-9);
  });

  it('refuses fewer than two rows; centroid and distance are the plain ones', () => {
    expect(() => pca([[1, 2]])).toThrow(/at least 2 rows/);
    expect(
      centroid([
        [0, 0],
        [2, 4],
      ]),
    ).toEqual([1, 2]);
    expect(euclidean([0, 0], [3, 4])).toBe(5);
  });
});
