import { describe, expect, it } from 'vitest';
import { initParams, paramSpecs } from '../model/params.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { resolveTrainingConfig } from './config.js';
import { dot } from './surgery.js';
import { familyConflict, onlyFamily, onlyTerm, termConflict } from './conflict.js';
import { lossGradients } from './trainer.js';

await useEngine();

const config = resolveTrainingConfig({
  model: { hidden: 8, codeSize: 4, gLayers: 2 },
  inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
  batchSize: 4,
  families: { 'make-square': 1, 'move-close': 1, red: 1 },
  loss: { contrastive: 0.1, energyL2: 0.01 },
});

describe('termConflict', () => {
  it('splits the loss exactly: the two terms add up to the gradient of both', () => {
    const values = initParams(config.model, rngFor(3, 'init'));
    const model = new EnergyModel(config.model, values);
    const all = [0, 1, 2, 3];
    const both = { ...config, loss: { ...config.loss, contrastive: 0, energyL2: 0 } };
    const g = lossGradients(model, onlyTerm(config, 'generation'), 5, all).grads;
    const i = lossGradients(model, onlyTerm(config, 'identification'), 5, all).grads;
    const sum = lossGradients(model, both, 5, all).grads;
    let differs = 0;
    for (const spec of paramSpecs(config.model)) {
      for (let k = 0; k < sum[spec.name].length; k++) {
        expect(g[spec.name][k] + i[spec.name][k]).toBeCloseTo(sum[spec.name][k], 5);
        if (Math.abs(g[spec.name][k] - i[spec.name][k]) > 1e-6) differs++;
      }
    }
    expect(differs).toBeGreaterThan(0);
    model.dispose();
  });

  it('reports norms, a cosine in [-1, 1], and consistency 1 for one batch', () => {
    const values = initParams(config.model, rngFor(3, 'init'));
    const one = termConflict(config, values, [7]);
    expect(one.consistency.generation).toBeCloseTo(1, 6);
    expect(one.consistency.identification).toBeCloseTo(1, 6);
    expect(one.norms.generation).toBeGreaterThan(0);
    expect(one.norms.identification).toBeGreaterThan(0);
    const three = termConflict(config, values, [7, 8, 9]);
    expect(Math.abs(three.cosine)).toBeLessThanOrEqual(1);
    expect(three.consistency.generation).toBeLessThanOrEqual(1 + 1e-9);
    expect(three.batches).toBe(3);
    expect(() => termConflict(config, values, [])).toThrow(/at least one batch/);
  });
});

describe('familyConflict', () => {
  const values = initParams(config.model, rngFor(3, 'init'));
  const r = familyConflict(config, values, 'move-close', [4, 5]);

  it('gives the target a cosine of 1 with itself and every family a cosine in [-1, 1]', () => {
    expect(Object.keys(r.cosine).sort()).toEqual(['make-square', 'move-close', 'red']);
    expect(r.cosine['move-close']).toBeCloseTo(1, 6);
    for (const c of Object.values(r.cosine)) expect(Math.abs(c)).toBeLessThanOrEqual(1 + 1e-9);
    expect(r.batches).toBe(2);
  });

  it("is the cosine of the two families' mean gradients, each from batches of that family alone", () => {
    const model = new EnergyModel(config.model, values);
    const all = [0, 1, 2, 3];
    const mean = (family: string) => {
      const [a, b] = [4, 5].map(
        (s) => lossGradients(model, onlyFamily(config, family), s, all).grads,
      );
      return Object.fromEntries(
        Object.keys(a).map((k) => [k, a[k].map((x, i) => (x + b[k][i]) / 2)]),
      );
    };
    const red = mean('red');
    const target = mean('move-close');
    model.dispose();
    const expected = dot(red, target) / Math.sqrt(dot(red, red) * dot(target, target));
    expect(r.cosine.red).toBeCloseTo(expected, 4);
    expect(r.norms.red).toBeCloseTo(Math.sqrt(dot(red, red)), 4);
    // The two families' gradients are not parallel: the comparison has something to measure.
    expect(Math.abs(r.cosine.red)).toBeLessThan(0.99);
  });

  it('refuses a target outside the mixture and an empty list of batches', () => {
    expect(() => familyConflict(config, values, 'farthest', [1])).toThrow(/farthest is not in/);
    expect(() => familyConflict(config, values, 'red', [])).toThrow(/at least one batch/);
  });
});
