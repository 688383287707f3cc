import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import type { ModelConfig } from './config.js';
import { summedConfig, sumModels, sumProblem, describeSum } from './sum.js';
import { EnergyModel } from './model.js';
import { checkParamValues } from './params.js';
import { inferCodes } from '../inference/infer.js';

await useEngine();

const A: ModelConfig = {
  variant: 'relational',
  attributes: 5,
  codeSize: 3,
  hidden: 6,
  gLayers: 3,
  fLayers: 2,
  pairDistance: true,
  energyOutputs: 2,
};
const B: ModelConfig = { ...A, codeSize: 2, hidden: 4, pairDirection: 0.2, energyOutputs: 3 };

/** A tensor of `shape` drawn uniformly from [lo, hi). */
function uniform(rng: Rng, shape: number[], lo: number, hi: number): T.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return T.tensor(
    Float32Array.from({ length: n }, () => rng.range(lo, hi)),
    shape,
  );
}

/** Energies of a model on the same two random scenes of 4 entities, with the given codes [2, DW]. */
function energyOf(model: EnergyModel, w: Float32Array, dw: number): Float32Array {
  const rng = new Rng(9);
  const x = uniform(rng, [2, 4, 5], -1, 1);
  const a = uniform(rng, [2, 4], -2, 2);
  const wt = T.tensor(w, [2, dw]);
  const out = T.tidy(() => T.read(model.energy(x, a, wt)));
  T.dispose([x, a, wt]);
  return out;
}

/** Two random models and their sum with B weighted c. */
function summed(c: number) {
  const ma = EnergyModel.init(A, new Rng(1), 1.5);
  const mb = EnergyModel.init(B, new Rng(2), 1.5);
  const sum = sumModels(
    { config: A, values: ma.values(), meta: {} },
    { config: B, values: mb.values(), meta: {} },
    c,
  );
  checkParamValues(sum.config, sum.values);
  return { ma, mb, sum, ms: new EnergyModel(sum.config, sum.values) };
}

describe('summing two energies into one model', () => {
  it.each([1, 0.3])(
    'computes E_A(w_A) + c E_B(w_B) with the codes side by side, B reading its half as u_B = sqrt(c) w_B (c = %s)',
    (c) => {
      const { ma, mb, sum, ms } = summed(c);
      expect(sum.config).toMatchObject({
        hidden: 10,
        codeSize: 5,
        energyOutputs: 5,
        pairDirection: 0.2,
      });
      const rng = new Rng(3);
      const wa = Float32Array.from({ length: 6 }, () => rng.range(-1, 1));
      const wb = Float32Array.from({ length: 4 }, () => rng.range(-1, 1));
      const w = new Float32Array(10);
      for (let b = 0; b < 2; b++) {
        w.set(wa.subarray(b * 3, b * 3 + 3), b * 5);
        w.set(
          wb.subarray(b * 2, b * 2 + 2).map((v) => v * Math.sqrt(c)),
          b * 5 + 3,
        );
      }
      const ea = energyOf(ma, wa, 3);
      const eb = energyOf(mb, wb, 2);
      const es = energyOf(ms, w, 5);
      for (let b = 0; b < 2; b++) expect(es[b]).toBeCloseTo(ea[b] + c * eb[b], 4);
      // Not vacuous: B's energy depends on its code, and it counts in the sum.
      expect(
        Math.abs(
          energyOf(
            mb,
            wb.map((v) => v + 0.5),
            2,
          )[0] - eb[0],
        ),
      ).toBeGreaterThan(1e-4);
      expect(Math.abs(c * eb[0])).toBeGreaterThan(1e-3);
      for (const m of [ma, mb, ms]) m.dispose();
    },
  );

  it("infers each half's code from demos as that model does alone (the w-chain, weighted or not)", () => {
    const c = 0.3;
    const { ma, mb, ms } = summed(c);
    const rng = new Rng(7);
    const xd = uniform(rng, [3, 4, 5], -1, 1);
    const ad = uniform(rng, [3, 4], -3, 3);
    const chain = { steps: 6, stepSize: 0.1, noise: 0, gradClamp: 1e6 };
    const code = (m: EnergyModel) => T.tidy(() => T.read(inferCodes(m, xd, ad, 3, chain).w));
    const [wa, wb, ws] = [code(ma), code(mb), code(ms)];
    expect(Math.hypot(...wb)).toBeGreaterThan(1e-3);
    for (let i = 0; i < 3; i++) expect(ws[i]).toBeCloseTo(wa[i], 4);
    for (let i = 0; i < 2; i++) expect(ws[3 + i] / Math.sqrt(c)).toBeCloseTo(wb[i], 4);
    T.dispose([xd, ad]);
    for (const m of [ma, mb, ms]) m.dispose();
  });

  it('refuses a weight that is not a positive number', () => {
    expect(() => summed(0)).toThrow(/positive/);
    expect(() => summed(Number.NaN)).toThrow(/positive/);
  });

  it("keeps the first model's training record and says what was summed", () => {
    const ma = EnergyModel.init(A, new Rng(1), 1.5);
    const mb = EnergyModel.init(B, new Rng(2), 1.5);
    const training = { inference: { x: { steps: 5 } } };
    const sum = sumModels(
      { config: A, values: ma.values(), meta: { training } },
      { config: B, values: mb.values(), meta: {} },
      0.75,
    );
    expect(sum.meta.training).toBe(training);
    const [words] = describeSum(sum.meta);
    expect(words).toMatch(/E = E_1 \+ 0\.75 E_2 \(hidden 6; hidden 4 with the pair direction;/);
    expect(describeSum({ training })).toEqual([]);
    for (const m of [ma, mb]) m.dispose();
  });

  it('refuses models that cannot be summed, naming the difference', () => {
    expect(sumProblem(A, { ...B, gLayers: 2 })).toMatch(/gLayers/);
    expect(sumProblem(A, { ...B, pairDistance: 'squared' })).toMatch(/pair distances/);
    expect(sumProblem({ ...A, pairDirection: 0.05 }, B)).toMatch(/eps/);
    expect(() => summedConfig(A, { ...B, variant: 'relational-one-side' })).toThrow(/variant/);
    expect(sumProblem(A, B)).toBeNull();
  });
});
