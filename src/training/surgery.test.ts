import { describe, expect, it } from 'vitest';
import { projectConflicting } from './surgery.js';

const v = (...xs: number[]) => ({ p: Float32Array.from(xs) });
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('projectConflicting (PCGrad)', () => {
  it('adds gradients that do not conflict unchanged', () => {
    const r = projectConflicting(v(1, 0, 2), v(0.5, 1, 0));
    expect(Array.from(r.grads.p)).toEqual([1.5, 1, 2]);
    expect(r.cosine).toBeGreaterThan(0);
  });

  it('removes from each the component along the other when they conflict (hand example)', () => {
    // a = (1, 0), b = (-1, 1): a' = a - (a.b / |b|^2) b = (0.5, 0.5); b' = b - (a.b / |a|^2) a = (0, 1).
    const r = projectConflicting(v(1, 0), v(-1, 1));
    expect(r.grads.p[0]).toBeCloseTo(0.5, 6);
    expect(r.grads.p[1]).toBeCloseTo(1.5, 6);
    expect(r.cosine).toBeCloseTo(-1 / Math.SQRT2, 6);
  });

  it('never steps against either gradient, across parameter tensors', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rand = (k: number) =>
        Float32Array.from({ length: k }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);
      const a = { w: rand(5), b: rand(3) };
      const b = {
        w: Float32Array.from(a.w, (x, i) => -x + Math.cos(seed + i)),
        b: rand(3).map((x) => -x),
      };
      const { grads } = projectConflicting(a, b);
      const along = (g: typeof a) => dot(grads.w, g.w) + dot(grads.b, g.b);
      expect(along(a)).toBeGreaterThanOrEqual(-1e-4);
      expect(along(b)).toBeGreaterThanOrEqual(-1e-4);
    }
  });

  it('leaves the other alone when one gradient is zero', () => {
    const r = projectConflicting(v(0, 0), v(-1, 2));
    expect(Array.from(r.grads.p)).toEqual([-1, 2]);
    expect(r.cosine).toBe(0);
  });
});
