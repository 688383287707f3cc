import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { paramGradients, relativeError, useEngine } from '../test-utils/engine.js';
import {
  ENERGY_VARIANTS,
  PAIR_DISTANCE_EPS,
  describeEnergy,
  validateModelConfig,
  type ModelConfig,
} from './config.js';
import { pairDirections, pairDistances } from './energy.js';
import { EnergyModel } from './model.js';
import { paramSpecs, sizeOf } from './params.js';
import { energy64, numericGradient } from './reference64.js';

await useEngine();

const B = 2;
const N = 3;
const D = 5;

function smallConfig(
  variant: ModelConfig['variant'],
  pairDistance: ModelConfig['pairDistance'] = false,
): ModelConfig {
  // Two layers in both g and f so every code path (extra layers) is exercised.
  return { variant, attributes: D, codeSize: 3, hidden: 6, gLayers: 2, fLayers: 2, pairDistance };
}

const CASES: { name: string; config: ModelConfig }[] = [
  ...ENERGY_VARIANTS.map((v) => ({ name: v, config: smallConfig(v) })),
  { name: 'relational + pairDistance', config: smallConfig('relational', true) },
  { name: 'relational-one-side + pairDistance', config: smallConfig('relational-one-side', true) },
  { name: 'relational + squared pairDistance', config: smallConfig('relational', 'squared') },
  {
    name: 'relational-one-side + squared pairDistance',
    config: smallConfig('relational-one-side', 'squared'),
  },
  {
    name: 'relational, 3 energy outputs',
    config: { ...smallConfig('relational', true), energyOutputs: 3 },
  },
  {
    name: 'relational + pairDirection',
    config: { ...smallConfig('relational'), pairDirection: true },
  },
  {
    name: 'relational + pairDistance + pairDirection eps 0.2',
    config: { ...smallConfig('relational', true), pairDirection: 0.2 },
  },
  {
    name: 'relational-one-side + pairDistance + pairDirection',
    config: { ...smallConfig('relational-one-side', true), pairDirection: true },
  },
  {
    name: 'non-relational, 2 energy outputs',
    config: { ...smallConfig('non-relational'), energyOutputs: 2 },
  },
];

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

/**
 * Training backpropagates through x-chain steps, i.e. through dE/dx: the
 * engine's d/d(param) of the directional derivative dE/dx . v, and the same
 * by nested central differences of the float64 energy.
 */
function secondOrder(
  config: ModelConfig,
  seed: number,
  param: string,
): { got: Float64Array; numeric: Float64Array } {
  const rng = new Rng(seed);
  const model = EnergyModel.init(config, rng.split('params'), 1.5);
  const values = model.values();
  const { x, a, w } = randomInputs(rng, config);
  const v = Float64Array.from({ length: x.length }, () => rng.range(-1, 1));
  const directional = (params: Record<string, Float64Array | Float32Array>) => {
    const h = 1e-4;
    const up = total64(
      config,
      params,
      x.map((xi, i) => xi + h * v[i]),
      a,
      w,
    );
    const down = total64(
      config,
      params,
      x.map((xi, i) => xi - h * v[i]),
      a,
      w,
    );
    return (up - down) / (2 * h);
  };
  const numeric = numericGradient(
    (p) => directional({ ...values, [param]: p }),
    Float64Array.from(values[param]),
    1e-4,
  );
  const vt = T.tensor(Float32Array.from(v), [B, N, D]);
  const { value, grads } = model.valueAndGrads(() => {
    const gx = T.grad((xx: T.Tensor) =>
      T.sum(
        model.energy(
          xx,
          T.tensor(Float32Array.from(a), [B, N]),
          T.tensor(Float32Array.from(w), [B, config.codeSize]),
        ),
      ),
    )(T.tensor(Float32Array.from(x), [B, N, D]));
    return T.sum(T.mul(gx, vt)) as T.Scalar;
  });
  const got = Float64Array.from(T.read(grads[param]));
  value.dispose();
  vt.dispose();
  T.dispose(Object.values(grads));
  model.dispose();
  return { got, numeric };
}

/** The gradient of f's value w.r.t. each of its inputs, read into float64 and freed. */
function inputGradients(
  f: (...inputs: T.Tensor[]) => T.Tensor,
  inputs: T.Tensor[],
): Float64Array[] {
  const g = T.grads(f)(inputs);
  const out = g.map((t) => Float64Array.from(T.read(t)));
  T.dispose(g);
  return out;
}

describe.each(CASES)('energy ($name)', ({ config }) => {
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
    const gradients = T.grads((xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) =>
      T.sum(model.energy(xx, aa, ww)),
    )([xt(), at(), wt()]);
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
    const { value, grads } = model.valueAndGrads(
      () => T.sum(model.energy(xt(), at(), wt())) as T.Scalar,
    );
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

  it('energyOfAttentions: K patterns a scene at once equal the energy of each, with gradients', () => {
    const K = 3;
    const ak = Float32Array.from({ length: B * K * N }, () => rng.range(-4, 4));
    const akt = () => T.tensor(ak, [B, K, N]);
    const each = (xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) =>
      T.stack(
        Array.from({ length: K }, (_, k) =>
          model.energy(xx, T.reshape(T.slice(aa, [0, k, 0], [B, 1, N]), [B, N]), ww),
        ),
        1,
      ); // [B, K]
    const together = T.tidy(() => T.read(model.energyOfAttentions(xt(), akt(), wt())));
    const apart = T.tidy(() => T.read(each(xt(), akt(), wt())));
    expect(together.length).toBe(B * K);
    expect(relativeError(Float64Array.from(together), Float64Array.from(apart))).toBeLessThan(1e-5);
    // A pattern's energy differs from another's, so the comparison can fail.
    expect(Math.abs(apart[0] - apart[1])).toBeGreaterThan(1e-4);
    // Gradients w.r.t. x, the patterns, w and every parameter.
    const weights = T.tensor(
      Float32Array.from({ length: B * K }, (_, i) => 1 + i),
      [B, K],
    );
    const lossOf = (f: typeof each) => (xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) =>
      T.sum(T.mul(f(xx, aa, ww), weights));
    const byInputs = (f: typeof each) => inputGradients(lossOf(f), [xt(), akt(), wt()]);
    const fused = (xx: T.Tensor, aa: T.Tensor, ww: T.Tensor) =>
      model.energyOfAttentions(xx, aa, ww);
    byInputs(fused).forEach((g, i) =>
      expect(relativeError(g, byInputs(each)[i])).toBeLessThan(1e-4),
    );
    const byParams = (f: typeof each) =>
      paramGradients(model, () => lossOf(f)(xt(), akt(), wt())).grads;
    const [got, want] = [byParams(fused), byParams(each)];
    for (const spec of paramSpecs(config))
      expect(relativeError(got[spec.name], want[spec.name]), spec.name).toBeLessThan(1e-4);
    weights.dispose();
  });

  it('energyOfRelations: g computed once equals the energy bit for bit, and several attentions on one h give its gradients', () => {
    const a2 = Float32Array.from({ length: B * N }, () => rng.range(-4, 4));
    const a2t = () => T.tensor(a2, [B, N]);
    const once = T.tidy(() =>
      T.read(model.energyOfRelations(model.relations(xt(), wt()), at(), wt())),
    );
    const whole = T.tidy(() => T.read(model.energy(xt(), at(), wt())));
    expect(Array.from(once)).toEqual(Array.from(whole));
    // Two energies of each scene under two attentions (an a-chain's two steps), g shared or not.
    const shared = (xx: T.Tensor, ww: T.Tensor) => {
      const h = model.relations(xx, ww);
      return T.add(
        T.sum(model.energyOfRelations(h, at(), ww)),
        T.mul(T.sum(model.energyOfRelations(h, a2t(), ww)), 2),
      );
    };
    const separate = (xx: T.Tensor, ww: T.Tensor) =>
      T.add(T.sum(model.energy(xx, at(), ww)), T.mul(T.sum(model.energy(xx, a2t(), ww)), 2));
    const byParams = (f: typeof shared) => paramGradients(model, () => f(xt(), wt()));
    const [got, want] = [byParams(shared), byParams(separate)];
    expect(got.value).toBe(want.value);
    for (const spec of paramSpecs(config))
      expect(relativeError(got.grads[spec.name], want.grads[spec.name]), spec.name).toBeLessThan(
        1e-5,
      );
    const byInputs = (f: typeof shared) => inputGradients(f, [xt(), wt()]);
    const [gx, gw] = byInputs(shared);
    const [wx, ww] = byInputs(separate);
    expect(relativeError(gx, wx)).toBeLessThan(1e-5);
    expect(relativeError(gw, ww)).toBeLessThan(1e-5);
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
    expect(() =>
      T.tidy(() => model.energyOfAttentions(T.zeros([2, 3, 5]), T.zeros([2, 3]), T.zeros([2, 3]))),
    ).toThrow(/a must be \[2, K, 3\]/);
    // g's features alone check the scene and the code; the energy from them checks a against them.
    expect(() => T.tidy(() => model.relations(T.zeros([2, 3, 4]), T.zeros([2, 3])))).toThrow(
      /x must be \[B, N, 5\]/,
    );
    expect(() => T.tidy(() => model.relations(T.zeros([2, 3, 5]), T.zeros([1, 3])))).toThrow(
      /w must be \[2, 3\]/,
    );
    expect(() =>
      T.tidy(() =>
        model.energyOfRelations(
          model.relations(T.zeros([2, 3, 5]), T.zeros([2, 3])),
          T.zeros([2, 4]),
          T.zeros([2, 3]),
        ),
      ),
    ).toThrow(/a must be \[2, 3\]/);
    model.dispose();
  });

  it('accepts any number of entities', () => {
    const config = smallConfig('relational');
    const model = EnergyModel.init(config, new Rng(1));
    for (const n of [1, 3, 12]) {
      const e = T.tidy(() =>
        T.read(model.energy(T.zeros([1, n, 5]), T.zeros([1, n]), T.zeros([1, 3]))),
      );
      expect(e.length).toBe(1);
      expect(Number.isFinite(e[0])).toBe(true);
    }
    model.dispose();
  });
});

describe('pair distance feature', () => {
  it('is the smoothed Euclidean distance of the positions, blind to colour', () => {
    // Entities at (0, 0) and (0.3, 0.4), colours differ: d = sqrt(0.25 + eps^2) - eps.
    const x = T.tensor([0, 0, 1, 0, 0, 0.3, 0.4, 0, 1, 0], [1, 2, 5]);
    const d = T.read(pairDistances(x));
    const eps = PAIR_DISTANCE_EPS;
    expect(d[0]).toBeCloseTo(0, 7);
    expect(d[3]).toBeCloseTo(0, 7);
    expect(d[1]).toBeCloseTo(Math.sqrt(0.25 + eps * eps) - eps, 6);
    expect(d[2]).toBeCloseTo(d[1], 7);
    const d2 = T.read(pairDistances(x, true));
    expect(Array.from(d2).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.25, 0.25, 0]);
    x.dispose();
  });

  it.each([true, 'squared'] as const)(
    'carries second-order gradients (pairDistance %s): d/d(g0.wd) of a directional derivative dE/dx . v matches finite differences',
    (feature) => {
      const { got, numeric } = secondOrder(smallConfig('relational', feature), 11, 'g0.wd');
      expect(relativeError(got, numeric)).toBeLessThan(2e-3);
    },
  );

  it('is refused for the non-relational energy, and absent means off', () => {
    expect(() =>
      validateModelConfig({ ...smallConfig('non-relational'), pairDistance: true }),
    ).toThrow(/pairDistance: needs a relational variant/);
    const { pairDistance: _omit, ...old } = smallConfig('relational');
    expect(validateModelConfig(old).pairDistance).toBe(false);
    expect(paramSpecs(old).some((s) => s.name === 'g0.wd')).toBe(false);
    expect(
      paramSpecs(smallConfig('relational', true)).find((s) => s.name === 'g0.wd')?.shape,
    ).toEqual([1, 6]);
    expect(
      paramSpecs(smallConfig('relational', 'squared')).find((s) => s.name === 'g0.wd')?.shape,
    ).toEqual([1, 6]);
    expect(validateModelConfig(smallConfig('relational', 'squared')).pairDistance).toBe('squared');
    expect(() =>
      validateModelConfig({ ...smallConfig('relational'), pairDistance: 'cubed' as never }),
    ).toThrow(/pairDistance: expected true, false or "squared", got "cubed"/);
  });
});

describe('pair direction feature', () => {
  it('is the doubled angle of the pair direction, the same both ways and for every pair of a straight triple', () => {
    // (0, 0), (0.3, 0.4), (0.6, 0.8) on one line; colours differ.
    const x = T.tensor([0, 0, 1, 0, 0, 0.3, 0.4, 0, 1, 0, 0.6, 0.8, 0, 0, 1], [1, 3, 5]);
    const v = T.read(pairDirections(x)); // [1, 3, 3, 2]
    const at = (i: number, j: number) => [v[(i * 3 + j) * 2], v[(i * 3 + j) * 2 + 1]];
    const eps2 = PAIR_DISTANCE_EPS ** 2;
    // Pair (0, 1): dx = -0.3, dy = -0.4: ((0.09 - 0.16), 2 * 0.12) / (0.25 + eps^2).
    expect(at(0, 1)[0]).toBeCloseTo(-0.07 / (0.25 + eps2), 6);
    expect(at(0, 1)[1]).toBeCloseTo(0.24 / (0.25 + eps2), 6);
    expect(at(1, 0)).toEqual(at(0, 1));
    expect(at(0, 0)).toEqual([0, 0]);
    // Normalised, every pair of the straight triple points the same way.
    const unit = (p: number[]) => p.map((c) => c / Math.hypot(p[0], p[1]));
    for (const [i, j] of [
      [0, 2],
      [1, 2],
      [2, 1],
    ]) {
      expect(unit(at(i, j))[0]).toBeCloseTo(unit(at(0, 1))[0], 6);
      expect(unit(at(i, j))[1]).toBeCloseTo(unit(at(0, 1))[1], 6);
    }
    x.dispose();
    // A bent triple does not.
    const bent = T.tensor([0, 0, 1, 0, 0, 0.3, 0.4, 0, 1, 0, 0.6, 0.9, 0, 0, 1], [1, 3, 5]);
    const b = T.read(pairDirections(bent));
    const ang = (i: number, j: number) => Math.atan2(b[(i * 3 + j) * 2 + 1], b[(i * 3 + j) * 2]);
    expect(Math.abs(ang(0, 1) - ang(1, 2))).toBeGreaterThan(0.1);
    bent.dispose();
  });

  it('a number is the radius eps: a pair at r = eps has half the length, a far pair about the same', () => {
    const x = T.tensor([0, 0, 1, 0, 0, 0.2, 0, 0, 1, 0, 1.2, 0, 0, 0, 1], [1, 3, 5]);
    const len = (v: Float32Array, i: number, j: number) =>
      Math.hypot(v[(i * 3 + j) * 2], v[(i * 3 + j) * 2 + 1]);
    const v05 = T.read(pairDirections(x));
    const v2 = T.read(pairDirections(x, 0.2));
    expect(len(v2, 0, 1)).toBeCloseTo(0.5, 5);
    expect(len(v05, 0, 1)).toBeCloseTo(0.04 / (0.04 + 0.0025), 5);
    expect(len(v2, 0, 2)).toBeCloseTo(1.44 / 1.48, 5);
    x.dispose();
  });

  it('carries second-order gradients: d/d(g0.wv) of a directional derivative dE/dx . v matches finite differences', () => {
    const { got, numeric } = secondOrder(
      { ...smallConfig('relational'), pairDirection: true },
      11,
      'g0.wv',
    );
    expect(relativeError(got, numeric)).toBeLessThan(2e-3);
  });

  it('is refused for the non-relational energy; absent means off', () => {
    expect(() =>
      validateModelConfig({ ...smallConfig('non-relational'), pairDirection: true }),
    ).toThrow(/pairDirection: needs a relational variant/);
    for (const bad of [-1, 0, Number.NaN, 'yes']) {
      expect(() =>
        validateModelConfig({ ...smallConfig('relational'), pairDirection: bad as never }),
      ).toThrow(/pairDirection: expected true, false or a smoothing radius/);
    }
    expect(
      validateModelConfig({ ...smallConfig('relational'), pairDirection: 0.2 }).pairDirection,
    ).toBe(0.2);
    expect(validateModelConfig(smallConfig('relational')).pairDirection ?? false).toBe(false);
    expect(paramSpecs(smallConfig('relational')).some((s) => s.name === 'g0.wv')).toBe(false);
    expect(
      paramSpecs({ ...smallConfig('relational'), pairDirection: true }).find(
        (s) => s.name === 'g0.wv',
      )?.shape,
    ).toEqual([2, 6]);
    expect(describeEnergy({ ...smallConfig('relational'), pairDirection: true })).toContain(
      'pair direction (doubled angle) as an input of g (not in the paper)',
    );
  });
});

describe('energy outputs', () => {
  it('sums the squares of k outputs: with the other outputs zeroed, it is the one-output energy', () => {
    const one = smallConfig('relational');
    const three: ModelConfig = { ...one, energyOutputs: 3 };
    const rng = new Rng(5);
    const model1 = EnergyModel.init(one, rng.split('params'), 1.5);
    const v1 = model1.values();
    // out.w [H, 3] with column 0 = the one-output model's, columns 1-2 zero; out.b likewise.
    const H = one.hidden;
    const outW = new Float32Array(H * 3);
    for (let o = 0; o < H; o++) outW[o * 3] = v1['out.w'][o];
    const model3 = new EnergyModel(three, {
      ...v1,
      'out.w': outW,
      'out.b': Float32Array.from([v1['out.b'][0], 0, 0]),
    });
    const { x, a, w } = randomInputs(rng, one);
    const args = () =>
      [
        T.tensor(Float32Array.from(x), [B, N, D]),
        T.tensor(Float32Array.from(a), [B, N]),
        T.tensor(Float32Array.from(w), [B, one.codeSize]),
      ] as const;
    const e1 = T.tidy(() => Array.from(T.read(model1.energy(...args()))));
    const e3 = T.tidy(() => Array.from(T.read(model3.energy(...args()))));
    for (let b = 0; b < B; b++) expect(e3[b]).toBeCloseTo(e1[b], 5);
    // A second output adds its square.
    outW[1] = 1;
    const model3b = new EnergyModel(three, {
      ...v1,
      'out.w': outW,
      'out.b': Float32Array.from([v1['out.b'][0], 0, 0]),
    });
    const e3b = T.tidy(() => Array.from(T.read(model3b.energy(...args()))));
    for (let b = 0; b < B; b++) expect(e3b[b]).toBeGreaterThan(e1[b]);
    for (const m of [model1, model3, model3b]) m.dispose();
  });

  it('carries second-order gradients: d/d(out.w) of dE/dx . v matches finite differences (3 outputs)', () => {
    const { got, numeric } = secondOrder(
      { ...smallConfig('relational', true), energyOutputs: 3 },
      13,
      'out.w',
    );
    expect(relativeError(got, numeric)).toBeLessThan(2e-3);
  });

  it('is validated, and absent means 1', () => {
    expect(() => validateModelConfig({ ...smallConfig('relational'), energyOutputs: 0 })).toThrow(
      /energyOutputs: expected a positive integer, got 0/,
    );
    expect(() => validateModelConfig({ ...smallConfig('relational'), energyOutputs: 1.5 })).toThrow(
      /energyOutputs/,
    );
    expect(validateModelConfig(smallConfig('relational'))).toEqual(
      validateModelConfig({ ...smallConfig('relational'), energyOutputs: 1 }),
    );
    expect(validateModelConfig(smallConfig('relational')).energyOutputs).toBe(1);
    expect(
      validateModelConfig({ ...smallConfig('relational'), energyOutputs: 4 }).energyOutputs,
    ).toBe(4);
    expect(
      paramSpecs({ ...smallConfig('relational'), energyOutputs: 4 }).find((s) => s.name === 'out.w')
        ?.shape,
    ).toEqual([6, 4]);
  });
});
