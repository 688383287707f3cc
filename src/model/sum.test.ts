import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { summedConfig, sumProblem, describeSum, sumModels } from './sum.js';
import { A, B, energyOf, summed } from './test-utils/sum-fixtures.js';
import { EnergyModel } from './model.js';

await useEngine();

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
