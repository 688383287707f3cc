import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { relativeError, useEngine } from '../test-utils/engine.js';
import { ENERGY_VARIANTS, type EnergyVariant, type ModelConfig } from './config.js';
import { FastEnergy } from './fast-energy.js';
import { SimdKernels } from './simd/kernels.js';
import { EnergyModel } from './model.js';
import type { ParamValues } from './params.js';
import { energy64, numericGradient } from './reference64.js';

await useEngine();

const D = 5;
const DW = 3;
// An odd width exercises the remainder paths of the blocked products; N = 7
// gives 49 pair rows (12 blocks of 4 and one left over).
const HIDDEN = 7;
const LAYERS: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 2],
  [3, 1],
  [3, 2],
];
const SIZES = [1, 3, 7];
// Every variant, and the relational ones with the pair distance (g0.wd) and direction (g0.wv) inputs.
const CASES: {
  name: string;
  variant: EnergyVariant;
  pairDistance: ModelConfig['pairDistance'];
  pairDirection?: boolean | number;
  energyOutputs?: number;
}[] = [
  ...ENERGY_VARIANTS.map((variant) => ({ name: variant, variant, pairDistance: false })),
  ...ENERGY_VARIANTS.filter((v) => v !== 'non-relational').flatMap((variant) => [
    { name: `${variant} + pairDistance`, variant, pairDistance: true },
    { name: `${variant} + squared pairDistance`, variant, pairDistance: 'squared' as const },
    { name: `${variant} + pairDirection`, variant, pairDistance: false, pairDirection: true },
    {
      name: `${variant} + pairDistance + pairDirection`,
      variant,
      pairDistance: true,
      pairDirection: true,
    },
  ]),
  {
    name: 'relational-one-side + squared pairDistance + pairDirection',
    variant: 'relational-one-side',
    pairDistance: 'squared',
    pairDirection: true,
  },
  {
    name: 'relational + pairDistance + pairDirection (eps 0.2)',
    variant: 'relational',
    pairDistance: true,
    pairDirection: 0.2,
  },
  {
    name: 'relational + pairDistance, 3 energy outputs',
    variant: 'relational',
    pairDistance: true,
    energyOutputs: 3,
  },
  {
    name: 'non-relational, 2 energy outputs',
    variant: 'non-relational',
    pairDistance: false,
    energyOutputs: 2,
  },
];

function rows(x: ArrayLike<number>, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: D }, (_, d) => x[i * D + d]));
}

function e64(
  config: ModelConfig,
  p: ParamValues,
  x: ArrayLike<number>,
  n: number,
  a: ArrayLike<number>,
  w: ArrayLike<number>,
) {
  return energy64(config, p, rows(x, n), a, w);
}

/** Inputs exactly representable in float32, so the float32 kernel inputs and the float64 reference agree. */
function inputs(rng: Rng, n: number) {
  return {
    x: Float32Array.from({ length: n * D }, () => rng.range(-0.9, 0.9)),
    a: Float32Array.from({ length: n }, () => rng.range(-2, 2)),
    w: Float32Array.from({ length: DW }, () => rng.range(-1, 1)),
  };
}

/** The engine's E and gradients for one event. */
function engineGradients(
  model: EnergyModel,
  x: Float32Array,
  n: number,
  a: Float32Array,
  w: Float32Array,
) {
  const xt = T.tensor(x, [1, n, D]);
  const at = T.tensor(a, [1, n]);
  const wt = T.tensor(w, [1, DW]);
  const e = T.tidy(() => T.readScalar(model.energy(xt, at, wt)));
  const gs = T.grads((xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) => T.sum(model.energy(xx, aa, ww)))(
    [xt, at, wt],
  );
  const [dx, da, dw] = gs.map((g) => Float64Array.from(T.read(g)));
  T.dispose([...gs, xt, at, wt]);
  return { e, dx, da, dw };
}

/** The SIMD path's energy and gradients against the float64 loops', to float32 rounding. */
function expectSimdMatchesExact(
  simd: FastEnergy,
  exact: FastEnergy,
  { x, a, w }: { x: Float32Array; a: Float32Array; w: Float32Array },
  n: number,
) {
  const got = { dx: new Float32Array(n * D), da: new Float32Array(n), dw: new Float32Array(DW) };
  const want = { dx: new Float32Array(n * D), da: new Float32Array(n), dw: new Float32Array(DW) };
  const e = simd.gradients(x, n, a, w, got);
  const ref = exact.gradients(x, n, a, w, want);
  expect(Math.abs(e - ref) / Math.max(Math.abs(ref), 1e-2)).toBeLessThan(1e-5);
  expect(relativeError(got.dx, want.dx), 'dx').toBeLessThan(1e-4);
  expect(relativeError(got.da, want.da), 'da').toBeLessThan(1e-4);
  expect(relativeError(got.dw, want.dw), 'dw').toBeLessThan(1e-4);
  return { e, got };
}

describe.each(CASES)(
  'FastEnergy ($name)',
  ({ variant, pairDistance, pairDirection, energyOutputs }) => {
    describe.each(LAYERS)('gLayers %i, fLayers %i', (gLayers, fLayers) => {
      const config: ModelConfig = {
        variant,
        attributes: D,
        codeSize: DW,
        hidden: HIDDEN,
        gLayers,
        fLayers,
        pairDistance,
        pairDirection,
        energyOutputs,
      };
      const model = EnergyModel.init(config, new Rng(11 + 7 * gLayers + fLayers), 1.5);
      const values = model.values();
      const fe = new FastEnergy(config, values);

      it.each(SIZES)(
        'N = %i: energy and gradients match float64, finite differences and the engine',
        (n) => {
          const { x, a, w } = inputs(new Rng(100 * n + gLayers), n);
          const dx = new Float32Array(n * D);
          const da = new Float32Array(n);
          const dw = new Float32Array(DW);

          const ref = e64(config, values, x, n, a, w);
          const e = fe.gradients(x, n, a, w, { dx, da, dw });
          expect(Math.abs(fe.energy(x, n, a, w) - ref)).toBeLessThanOrEqual(
            1e-9 * Math.abs(ref) + 1e-12,
          );
          expect(Math.abs(e - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref) + 1e-12);

          const nx = numericGradient((v) => e64(config, values, v, n, a, w), x);
          const na = numericGradient((v) => e64(config, values, x, n, v, w), a);
          const nw = numericGradient((v) => e64(config, values, x, n, a, v), w);
          expect(relativeError(dx, nx), 'dx vs finite differences').toBeLessThan(1e-5);
          expect(relativeError(da, na), 'da vs finite differences').toBeLessThan(1e-5);
          expect(relativeError(dw, nw), 'dw vs finite differences').toBeLessThan(1e-5);

          const eng = engineGradients(model, x, n, a, w);
          // The engine sums in float32: near E = 0 (out ~ 1e-3) its relative error grows, hence the floor.
          expect(Math.abs(e - eng.e) / Math.max(Math.abs(ref), 1e-2)).toBeLessThan(1e-5);
          expect(relativeError(dx, eng.dx), 'dx vs engine').toBeLessThan(1e-4);
          expect(relativeError(da, eng.da), 'da vs engine').toBeLessThan(1e-4);
          expect(relativeError(dw, eng.dw), 'dw vs engine').toBeLessThan(1e-4);

          // Each gradient alone (different code paths: da skips the backward pass through g).
          for (const key of ['dx', 'da', 'dw'] as const) {
            const full = { dx, da, dw }[key];
            const alone = new Float32Array(full.length);
            expect(fe.gradients(x, n, a, w, { [key]: alone })).toBe(e);
            expect(Array.from(alone), key).toEqual(Array.from(full));
          }

          // The chain views: the a-chain caches all of g, the x-chain the pairs among held entities.
          // (Float32 outputs from float64 sums in another order: equal up to a rounding flip.)
          const close = (u: ArrayLike<number>, v: ArrayLike<number>) =>
            expect(relativeError(u, v)).toBeLessThan(1e-6);
          const aView = fe.aChain(x, n, w);
          const daView = new Float32Array(n);
          expect(Math.abs(aView.gradient(a, daView) - e)).toBeLessThanOrEqual(1e-12 * e);
          close(daView, da);
          expect(Math.abs(aView.energy(a) - e)).toBeLessThanOrEqual(1e-12 * e);
          const movable = Array.from({ length: n }, (_, i) => (i % 3 === 1 || n === 1 ? 1 : 0));
          const xView = fe.xChain(x, n, a, w, movable);
          const dxView = new Float32Array(n * D);
          expect(Math.abs(xView.gradient(x, dxView) - e)).toBeLessThanOrEqual(1e-12 * e);
          close(
            dxView,
            dx.map((v, q) => v * movable[Math.floor(q / D)]),
          );
          // Moving a movable entity: still the full energy and gradient at the new state.
          const x2 = x.map((v, q) => v + (movable[Math.floor(q / D)] ? 0.05 * Math.sin(q) : 0));
          const dx2 = new Float32Array(n * D);
          const e2 = fe.gradients(x2, n, a, w, { dx: dx2 });
          expect(Math.abs(xView.gradient(x2, dxView) - e2)).toBeLessThanOrEqual(1e-12 * e2);
          close(
            dxView,
            dx2.map((v, q) => v * movable[Math.floor(q / D)]),
          );
          expect(Math.abs(xView.energy(x2) - e2)).toBeLessThanOrEqual(1e-12 * e2);
          // A held entity that changes (a range clamp could do it) refreshes the cached part.
          if (n > 1) {
            const x3 = x2.map((v, q) => (q < D ? v + 0.1 : v));
            const dx3 = new Float32Array(n * D);
            const e3 = fe.gradients(x3, n, a, w, { dx: dx3 });
            expect(Math.abs(xView.gradient(x3, dxView) - e3)).toBeLessThanOrEqual(1e-12 * e3);
            close(
              dxView,
              dx3.map((v, q) => v * movable[Math.floor(q / D)]),
            );
          }
        },
      );
    });
  },
);

describe('FastEnergy buffers and checks', () => {
  const config: ModelConfig = {
    variant: 'relational',
    attributes: D,
    codeSize: DW,
    hidden: 8,
    gLayers: 3,
    fLayers: 2,
  };
  const values = EnergyModel.init(config, new Rng(5), 1.5).values();

  it('grows its buffers on demand and is repeatable across sizes', () => {
    const fe = new FastEnergy(config, values);
    const rng = new Rng(9);
    for (const n of [3, 12, 0, 5, 12]) {
      const { x, a, w } = inputs(rng, n);
      const ref = e64(config, values, x, n, a, w);
      const dx = new Float32Array(n * D);
      const first = fe.gradients(x, n, a, w, { dx });
      expect(Math.abs(first - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref) + 1e-12);
      const again = new Float32Array(n * D);
      expect(fe.gradients(x, n, a, w, { dx: again })).toBe(first);
      expect(Array.from(again)).toEqual(Array.from(dx));
    }
  });

  it('rejects short inputs and outputs', () => {
    const fe = new FastEnergy(config, values);
    const { x, a, w } = inputs(new Rng(1), 3);
    expect(() => fe.energy(x, 4, new Float32Array(4), w)).toThrow(/x has 15 values/);
    expect(() => fe.energy(x, 3, a, new Float32Array(2))).toThrow(/w has 2 values/);
    expect(() => fe.gradients(x, 3, a, w, { dx: new Float32Array(3) })).toThrow(/dx has 3 entries/);
    expect(() => new FastEnergy({ ...config, hidden: 9 }, values)).toThrow(/parameters/);
  });

  it('takes pairDirection, alone or with pairDistance, and needs the two position attributes for either', () => {
    for (const extra of [{ pairDirection: true }, { pairDistance: true, pairDirection: true }]) {
      const c: ModelConfig = { ...config, ...extra };
      const v = EnergyModel.init(c, new Rng(6), 1.5).values();
      expect(() => new FastEnergy(c, v)).not.toThrow();
      expect(() => new FastEnergy(c, values)).toThrow(/parameters/); // no g0.wv
    }
    for (const extra of [{ pairDirection: true }, { pairDistance: true }]) {
      const c: ModelConfig = { ...config, attributes: 1, ...extra };
      const v = EnergyModel.init(c, new Rng(6), 1.5).values();
      expect(() => new FastEnergy(c, v)).toThrow(/needs the two position attributes/);
    }
  });
});

describe('FastEnergy with the pair distance (g0.wd) and direction (g0.wv) inputs, on both precisions', () => {
  // hidden 32 so that the SIMD path runs where available; gLayers 3, fLayers 2.
  const precisions = [false, ...(SimdKernels.available() ? [true] : [])];
  describe.each([
    ['relational', true, false],
    ['relational-one-side', true, false],
    ['relational', 'squared', false],
    ['relational', false, true],
    ['relational-one-side', false, true],
    ['relational', true, true],
    ['relational-one-side', 'squared', true],
    ['relational', true, 0.2],
  ] as const)('%s, pairDistance %s, pairDirection %s', (variant, feature, direction) => {
    const config: ModelConfig = {
      variant,
      attributes: D,
      codeSize: DW,
      hidden: 32,
      gLayers: 3,
      fLayers: 2,
      pairDistance: feature,
      pairDirection: direction,
    };
    const model = EnergyModel.init(config, new Rng(41), 1.5);
    const values = model.values();
    // The same model without one of its pair inputs, for each: every term must matter at these inputs.
    const { 'g0.wd': _wd, ...noDistance } = values;
    const { 'g0.wv': _wv, ...noDirection } = values;
    const without = [
      ...(feature ? [{ config: { ...config, pairDistance: false }, values: noDistance }] : []),
      ...(direction ? [{ config: { ...config, pairDirection: false }, values: noDirection }] : []),
    ];

    describe.each(precisions)('simd %s', (simd) => {
      const fe = new FastEnergy(config, values, { simd });
      // float64: the per-variant tolerances above; float32: the SIMD-vs-float64 ones below.
      const tolE = simd ? 1e-5 : 1e-9;
      const tolG = simd ? 1e-4 : 1e-5;

      it('has the expected precision', () => {
        expect(fe.precision).toBe(simd ? 'float32-simd' : 'float64');
      });

      // Entities 0 and 1 within eps of each other (and 2 on top of 3), where d's and v's curvature is largest.
      it.each([
        { n: 6, close: false },
        { n: 5, close: true },
      ])(
        'N = $n, close pairs $close: energy and gradients match energy64, finite differences and the engine',
        ({ n, close }) => {
          const { x, a, w } = inputs(new Rng(60 + n), n);
          if (close) {
            x[D] = x[0] + 0.02;
            x[D + 1] = x[1] - 0.01;
            x[2 * D] = x[3 * D];
            x[2 * D + 1] = x[3 * D + 1];
          }
          const dx = new Float32Array(n * D);
          const da = new Float32Array(n);
          const dw = new Float32Array(DW);
          const ref = e64(config, values, x, n, a, w);
          for (const other of without) {
            expect(Math.abs(ref - e64(other.config, other.values, x, n, a, w))).toBeGreaterThan(
              1e-3 * Math.abs(ref),
            );
          }
          const e = fe.gradients(x, n, a, w, { dx, da, dw });
          expect(Math.abs(e - ref) / Math.max(Math.abs(ref), simd ? 1e-2 : 0)).toBeLessThanOrEqual(
            tolE,
          );
          expect(Math.abs(fe.energy(x, n, a, w) - e)).toBeLessThanOrEqual(1e-12 * Math.abs(e));
          const nx = numericGradient((v) => e64(config, values, v, n, a, w), x);
          const na = numericGradient((v) => e64(config, values, x, n, v, w), a);
          const nw = numericGradient((v) => e64(config, values, x, n, a, v), w);
          expect(relativeError(dx, nx), 'dx vs finite differences').toBeLessThan(tolG);
          expect(relativeError(da, na), 'da vs finite differences').toBeLessThan(tolG);
          expect(relativeError(dw, nw), 'dw vs finite differences').toBeLessThan(tolG);
          // The positions' gradient is where the pair terms act: check it on its own too.
          const pos = (g: ArrayLike<number>) => Array.from(g).filter((_, q) => q % D < 2);
          expect(relativeError(pos(dx), pos(nx)), 'dE/d position').toBeLessThan(tolG);
          // The engine (float32) computes the pair terms its own way (pairDistances, pairDirections).
          const eng = engineGradients(model, x, n, a, w);
          expect(Math.abs(e - eng.e) / Math.max(Math.abs(ref), 1e-2)).toBeLessThan(1e-5);
          expect(relativeError(dx, eng.dx), 'dx vs engine').toBeLessThan(1e-4);
          expect(relativeError(pos(dx), pos(eng.dx)), 'dE/d position vs engine').toBeLessThan(1e-4);
          expect(relativeError(da, eng.da), 'da vs engine').toBeLessThan(1e-4);
          expect(relativeError(dw, eng.dw), 'dw vs engine').toBeLessThan(1e-4);
        },
      );

      it('the x-chain and a-chain views agree with plain evaluation after a position change', () => {
        const n = 6;
        const { x, a, w } = inputs(new Rng(70), n);
        const movable = [0, 1, 0, 0, 1, 0];
        const xView = fe.xChain(x, n, a, w, movable);
        // float32: the squared feature reaches 8 (|d| up to 2.8) where the distance reaches 2.8, and rounding scales with it.
        const tol = (e: number) =>
          (simd ? (feature === 'squared' ? 4e-6 : 1e-6) : 1e-12) * Math.abs(e) + 1e-12;
        // Move the movable entities' positions only (colours fixed), then one held entity (refreshes the cache).
        const x2 = x.map(
          (v, q) => v + (movable[Math.floor(q / D)] && q % D < 2 ? 0.07 * Math.cos(q) : 0),
        );
        const x3 = x2.map((v, q) => (q === 2 * D ? v + 0.1 : v));
        for (const xs of [x, x2, x3]) {
          const dx = new Float32Array(n * D);
          const da = new Float32Array(n);
          const e = fe.gradients(xs, n, a, w, { dx, da });
          const ref = e64(config, values, xs, n, a, w);
          expect(Math.abs(e - ref) / Math.max(Math.abs(ref), simd ? 1e-2 : 0)).toBeLessThanOrEqual(
            tolE,
          );
          const dxView = new Float32Array(n * D);
          expect(Math.abs(xView.gradient(xs, dxView) - e)).toBeLessThanOrEqual(tol(e));
          expect(Math.abs(xView.energy(xs) - e)).toBeLessThanOrEqual(tol(e));
          expect(
            relativeError(
              dxView,
              dx.map((v, q) => v * movable[Math.floor(q / D)]),
            ),
          ).toBeLessThan(simd ? 1e-5 : 1e-6);
          const aView = fe.aChain(xs, n, w);
          const daView = new Float32Array(n);
          expect(Math.abs(aView.gradient(a, daView) - e)).toBeLessThanOrEqual(tol(e));
          expect(relativeError(daView, da)).toBeLessThan(simd ? 1e-5 : 1e-6);
        }
      });
    });

    it('the SIMD path matches the float64 loops to float32 rounding', () => {
      if (!SimdKernels.available()) return;
      const simd = new FastEnergy(config, values);
      const exact = new FastEnergy(config, values, { simd: false });
      expect(simd.precision).toBe('float32-simd');
      for (const n of [1, 6, 7]) {
        expectSimdMatchesExact(simd, exact, inputs(new Rng(80 + n), n), n);
      }
    });
  });
});

describe('FastEnergy on WebAssembly SIMD (float32 products and activations)', () => {
  // hidden 32: two register blocks; N = 7: an odd number of pair rows (49).
  describe.each([...ENERGY_VARIANTS.map((v) => [v, 1] as const), ['relational', 4] as const])(
    '%s, %i energy outputs',
    (variant, energyOutputs) => {
      it.each(LAYERS)(
        'gLayers %i, fLayers %i: matches the float64 loops to float32 rounding, views included',
        (gLayers, fLayers) => {
          const config: ModelConfig = {
            variant,
            attributes: D,
            codeSize: DW,
            hidden: 32,
            gLayers,
            fLayers,
            energyOutputs,
          };
          const values = EnergyModel.init(config, new Rng(3 + gLayers + 5 * fLayers), 1.5).values();
          const simd = new FastEnergy(config, values);
          const exact = new FastEnergy(config, values, { simd: false });
          expect(simd.precision).toBe(gLayers > 1 ? 'float32-simd' : 'float64');
          expect(exact.precision).toBe('float64');
          for (const n of [1, 6, 7]) {
            const { x, a, w } = inputs(new Rng(50 + n), n);
            const { e, got } = expectSimdMatchesExact(simd, exact, { x, a, w }, n);
            const movable = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
            const dxView = new Float32Array(n * D);
            expect(
              Math.abs(simd.xChain(x, n, a, w, movable).gradient(x, dxView) - e),
            ).toBeLessThanOrEqual(1e-6 * Math.abs(e) + 1e-9);
            expect(
              relativeError(
                dxView,
                got.dx.map((v, q) => v * movable[Math.floor(q / D)]),
              ),
            ).toBeLessThan(1e-5);
            const daView = new Float32Array(n);
            expect(Math.abs(simd.aChain(x, n, w).gradient(a, daView) - e)).toBeLessThanOrEqual(
              1e-6 * Math.abs(e) + 1e-9,
            );
            expect(relativeError(daView, got.da)).toBeLessThan(1e-5);
          }
        },
      );
    },
  );

  it('grows its WebAssembly memory on demand across scene sizes and stays repeatable', () => {
    const config: ModelConfig = {
      variant: 'relational',
      attributes: D,
      codeSize: DW,
      hidden: 48,
      gLayers: 3,
      fLayers: 2,
    };
    const values = EnergyModel.init(config, new Rng(8), 1.5).values();
    const simd = new FastEnergy(config, values);
    const exact = new FastEnergy(config, values, { simd: false });
    expect(simd.precision).toBe('float32-simd');
    const rng = new Rng(10);
    for (const n of [3, 12, 0, 5, 16, 12]) {
      const { x, a, w } = inputs(rng, n);
      const dx = new Float32Array(n * D);
      const want = new Float32Array(n * D);
      const e = simd.gradients(x, n, a, w, { dx });
      const ref = exact.gradients(x, n, a, w, { dx: want });
      expect(Math.abs(e - ref) / Math.max(Math.abs(ref), 1e-2)).toBeLessThan(1e-5);
      if (n > 0) expect(relativeError(dx, want)).toBeLessThan(1e-4);
      const again = new Float32Array(n * D);
      expect(simd.gradients(x, n, a, w, { dx: again })).toBe(e);
      expect(Array.from(again)).toEqual(Array.from(dx));
    }
  });

  it('is the default only where hidden is a whole number of register blocks', () => {
    const config: ModelConfig = {
      variant: 'relational',
      attributes: D,
      codeSize: DW,
      hidden: 24,
      gLayers: 3,
      fLayers: 1,
    };
    const values = EnergyModel.init(config, new Rng(1), 1).values();
    expect(new FastEnergy(config, values).precision).toBe('float64');
    expect(() => new FastEnergy(config, values, { simd: true })).toThrow(/not a multiple of 16/);
  });
});
