import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { relativeError, useEngine } from '../test-utils/engine.js';
import { ENERGY_VARIANTS, type ModelConfig } from './config.js';
import { EnergyModel } from './model.js';
import { paramSpecs, sizeOf } from './params.js';
import { energy64, numericGradient } from './reference64.js';

await useEngine();

const B = 2;
const N = 3;
const D = 5;

function smallConfig(variant: ModelConfig['variant']): ModelConfig {
  // Two layers in both g and f so every code path (extra layers) is exercised.
  return { variant, attributes: D, codeSize: 3, hidden: 6, gLayers: 2, fLayers: 2 };
}

function randomInputs(rng: Rng, config: ModelConfig) {
  const x = Float64Array.from({ length: B * N * D }, () => rng.range(-0.9, 0.9));
  const a = Float64Array.from({ length: B * N }, () => rng.range(-2, 2));
  const w = Float64Array.from({ length: B * config.codeSize }, () => rng.range(-1, 1));
  return { x, a, w };
}

/** Sum over the batch of the float64 energy, from flat arrays. */
function total64(
  config: ModelConfig,
  params: Record<string, Float64Array | Float32Array>,
  x: ArrayLike<number>,
  a: ArrayLike<number>,
  w: ArrayLike<number>,
): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    const rows = Array.from({ length: N }, (_, i) =>
      Array.from({ length: D }, (_, d) => x[(b * N + i) * D + d]),
    );
    const ab = Array.from({ length: N }, (_, i) => a[b * N + i]);
    const wb = Array.from({ length: config.codeSize }, (_, k) => w[b * config.codeSize + k]);
    s += energy64(config, params, rows, ab, wb);
  }
  return s;
}

describe.each(ENERGY_VARIANTS)('energy (%s)', (variant) => {
  const config = smallConfig(variant);
  const rng = new Rng(7);
  const model = EnergyModel.init(config, rng.split('params'), 1.5);
  const values = model.values();
  const { x, a, w } = randomInputs(rng, config);
  const xt = () => T.tensor(Float32Array.from(x), [B, N, D]);
  const at = () => T.tensor(Float32Array.from(a), [B, N]);
  const wt = () => T.tensor(Float32Array.from(w), [B, config.codeSize]);

  it('matches the float64 formula', () => {
    const e = T.tidy(() => T.read(model.energy(xt(), at(), wt())));
    const expected = total64(config, values, x, a, w);
    expect(Math.abs(e[0] + e[1] - expected) / Math.abs(expected)).toBeLessThan(1e-5);
    expect(e[0]).toBeGreaterThanOrEqual(0);
  });

  it('has the right gradient w.r.t. x, a and w', () => {
    const gradients = T.grads((xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) => T.sum(model.energy(xx, aa, ww)))([
      xt(),
      at(),
      wt(),
    ]);
    const [gx, ga, gw] = gradients.map((g) => Float64Array.from(T.read(g)));
    T.dispose(gradients);
    const nx = numericGradient((v) => total64(config, values, v, a, w), x);
    const na = numericGradient((v) => total64(config, values, x, v, w), a);
    const nw = numericGradient((v) => total64(config, values, x, a, v), w);
    expect(relativeError(gx, nx)).toBeLessThan(2e-4);
    expect(relativeError(ga, na)).toBeLessThan(2e-4);
    expect(relativeError(gw, nw)).toBeLessThan(2e-4);
  });

  it('has the right gradient w.r.t. every parameter', () => {
    const { value, grads } = model.valueAndGrads(() => T.sum(model.energy(xt(), at(), wt())) as T.Scalar);
    value.dispose();
    for (const spec of paramSpecs(config)) {
      const got = Float64Array.from(T.read(grads[spec.name]));
      const numeric = numericGradient(
        (v) => total64(config, { ...values, [spec.name]: v }, x, a, w),
        values[spec.name],
      );
      expect(got.length).toBe(sizeOf(spec.shape));
      expect(relativeError(got, numeric), spec.name).toBeLessThan(2e-4);
    }
    T.dispose(Object.values(grads));
  });
});

describe('energy shape checks', () => {
  it('names the wrong shape', () => {
    const config = smallConfig('relational');
    const model = EnergyModel.init(config, new Rng(1));
    expect(() =>
      T.tidy(() => model.energy(T.zeros([2, 3, 4]), T.zeros([2, 3]), T.zeros([2, 3]))),
    ).toThrow(/x must be \[B, N, 5\]/);
    expect(() =>
      T.tidy(() => model.energy(T.zeros([2, 3, 5]), T.zeros([2, 4]), T.zeros([2, 3]))),
    ).toThrow(/a must be \[2, 3\]/);
    model.dispose();
  });

  it('accepts any number of entities', () => {
    const config = smallConfig('relational');
    const model = EnergyModel.init(config, new Rng(1));
    for (const n of [1, 3, 12]) {
      const e = T.tidy(() => T.read(model.energy(T.zeros([1, n, 5]), T.zeros([1, n]), T.zeros([1, 3]))));
      expect(e.length).toBe(1);
      expect(Number.isFinite(e[0])).toBe(true);
    }
    model.dispose();
  });
});
