/**
 * The pair features written once (./pair-features.ts): the derivatives
 * against finite differences, and the engine's tensor form (./energy.ts) held
 * to the scalar formulas, values and gradients, at random, near and coincident
 * pairs.
 */
import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { PAIR_DISTANCE_EPS } from './config.js';
import { pairDirections, pairDistances } from './energy.js';
import {
  pairDirection0,
  pairDirection1,
  pairDirectionGradX,
  pairDirectionGradY,
  pairDistance,
  pairDistanceSlope,
  pairFeatureSpec,
} from './pair-features.js';

await useEngine();

const rng = new Rng(17);
const N = 6;
/** Positions of N entities: random, entity 1 a hair from entity 0, entity 2 on entity 3. */
const pos = Float64Array.from({ length: N * 2 }, () => rng.range(-1, 1));
pos[2] = pos[0] + 1e-3;
pos[3] = pos[1] - 2e-3;
pos[4] = pos[6];
pos[5] = pos[7];
const D = 5;
const x = Float32Array.from({ length: N * D }, (_, q) =>
  q % D < 2 ? pos[2 * Math.floor(q / D) + (q % D)] : rng.uniform(),
);
const EPS_V2 = 0.2 ** 2;
const f32 = (v: number) => Math.fround(v);

describe('pair features', () => {
  it('names what a config reads', () => {
    const base = { variant: 'relational', attributes: 5, codeSize: 4, hidden: 8 } as const;
    expect(pairFeatureSpec({ ...base, gLayers: 1, fLayers: 1 })).toEqual({
      distance: null,
      directionEps2: null,
    });
    expect(
      pairFeatureSpec({
        ...base,
        gLayers: 1,
        fLayers: 1,
        pairDistance: 'squared',
        pairDirection: 0.2,
      }),
    ).toEqual({ distance: 'squared', directionEps2: 0.2 ** 2 });
    expect(
      pairFeatureSpec({ ...base, gLayers: 1, fLayers: 1, pairDistance: true, pairDirection: true }),
    ).toEqual({ distance: 'smooth', directionEps2: PAIR_DISTANCE_EPS ** 2 });
  });

  it('have the derivatives of their finite differences', () => {
    const h = 1e-6;
    for (const [ex, ey] of [
      [0.3, -0.7],
      [1e-3, 2e-3],
      [-1.5, 0.2],
    ]) {
      const r2 = (a: number, b: number) => a * a + b * b;
      for (const squared of [false, true]) {
        const s = pairDistanceSlope(r2(ex, ey), squared);
        const fdx =
          (pairDistance(r2(ex + h, ey), squared) - pairDistance(r2(ex - h, ey), squared)) / (2 * h);
        const fdy =
          (pairDistance(r2(ex, ey + h), squared) - pairDistance(r2(ex, ey - h), squared)) / (2 * h);
        expect(s * ex).toBeCloseTo(fdx, 6);
        expect(s * ey).toBeCloseTo(fdy, 6);
      }
      const [dv0, dv1] = [0.7, -1.3];
      const E = (a: number, b: number) => {
        const q = r2(a, b) + EPS_V2;
        return dv0 * pairDirection0(a, b, q) + dv1 * pairDirection1(a, b, q);
      };
      const q = r2(ex, ey) + EPS_V2;
      const v0 = pairDirection0(ex, ey, q);
      const v1 = pairDirection1(ex, ey, q);
      expect(pairDirectionGradX(ex, ey, q, v0, v1, dv0, dv1)).toBeCloseTo(
        (E(ex + h, ey) - E(ex - h, ey)) / (2 * h),
        5,
      );
      expect(pairDirectionGradY(ex, ey, q, v0, v1, dv0, dv1)).toBeCloseTo(
        (E(ex, ey + h) - E(ex, ey - h)) / (2 * h),
        5,
      );
    }
  });

  it("are the engine's tensors, value by value, including coincident and near pairs", () => {
    const xt = T.tensor(x, [1, N, D]);
    for (const squared of [false, true]) {
      const d = T.read(pairDistances(xt, squared));
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          const ex = f32(x[i * D]) - f32(x[j * D]);
          const ey = f32(x[i * D + 1]) - f32(x[j * D + 1]);
          expect(d[i * N + j]).toBeCloseTo(pairDistance(ex * ex + ey * ey, squared), 5);
        }
    }
    const v = T.read(pairDirections(xt, Math.sqrt(EPS_V2)));
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const ex = f32(x[i * D]) - f32(x[j * D]);
        const ey = f32(x[i * D + 1]) - f32(x[j * D + 1]);
        const q = ex * ex + ey * ey + EPS_V2;
        expect(v[(i * N + j) * 2]).toBeCloseTo(pairDirection0(ex, ey, q), 5);
        expect(v[(i * N + j) * 2 + 1]).toBeCloseTo(pairDirection1(ex, ey, q), 5);
      }
    xt.dispose();
  });

  it("have the engine's gradients: dE/dx of E = sum of weighted features", () => {
    const wd = Float32Array.from({ length: N * N }, () => rng.range(-1, 1));
    const wv = Float32Array.from({ length: N * N * 2 }, () => rng.range(-1, 1));
    const g = T.tidy(() =>
      T.read(
        T.grad((xt: T.Tensor) =>
          T.add(
            T.sum(T.mul(pairDistances(xt), T.tensor(wd, [1, N, N]))),
            T.sum(T.mul(pairDirections(xt, Math.sqrt(EPS_V2)), T.tensor(wv, [1, N, N, 2]))),
          ),
        )(T.tensor(x, [1, N, D])),
      ),
    );
    const want = new Float64Array(N * 2);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        const ex = f32(x[i * D]) - f32(x[j * D]);
        const ey = f32(x[i * D + 1]) - f32(x[j * D + 1]);
        const r2 = ex * ex + ey * ey;
        const s = wd[i * N + j] * pairDistanceSlope(r2, false);
        const q = r2 + EPS_V2;
        const v0 = pairDirection0(ex, ey, q);
        const v1 = pairDirection1(ex, ey, q);
        const [dv0, dv1] = [wv[(i * N + j) * 2], wv[(i * N + j) * 2 + 1]];
        const gx = s * ex + pairDirectionGradX(ex, ey, q, v0, v1, dv0, dv1);
        const gy = s * ey + pairDirectionGradY(ex, ey, q, v0, v1, dv0, dv1);
        want[2 * i] += gx;
        want[2 * i + 1] += gy;
        want[2 * j] -= gx;
        want[2 * j + 1] -= gy;
      }
    for (let i = 0; i < N; i++) {
      for (const c of [0, 1]) {
        const got = g[i * D + c];
        expect(Math.abs(got - want[2 * i + c])).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(want[2 * i + c])),
        );
      }
      for (let c = 2; c < D; c++) expect(g[i * D + c]).toBe(0);
    }
  });
});
