import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { DEFAULT_INFERENCE } from '../inference/settings.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { DEFAULT_ARM } from '../world/arm.js';
import { armChain, evaluateArm } from './arm.js';

await useEngine();

describe('evaluateArm', () => {
  const o = { episodes: 12, demos: 2, seed: 5 };
  const chain = { ...armChain(DEFAULT_INFERENCE, 15, 0.4), noise: 0 };

  it('refuses a number of restarts that is not a whole number >= 1', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(1));
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => evaluateArm(model, DEFAULT_INFERENCE, o, DEFAULT_ARM, chain, bad)).toThrow(
        /restarts must be a whole number >= 1/,
      );
    }
    model.dispose();
  });

  it('restarts change the answers, and the same restarts give the same answers', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(2));
    const one = evaluateArm(model, DEFAULT_INFERENCE, o, DEFAULT_ARM, chain, 1);
    const four = evaluateArm(model, DEFAULT_INFERENCE, o, DEFAULT_ARM, chain, 4);
    const again = evaluateArm(model, DEFAULT_INFERENCE, o, DEFAULT_ARM, chain, 4);
    expect(four.meanError).not.toBeCloseTo(one.meanError, 6);
    expect(again.meanError).toBe(four.meanError);
    model.dispose();
  });
});
