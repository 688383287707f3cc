import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { sampleEpisode, stackEpisodes } from './batch.js';
import { resolveTrainingConfig } from './config.js';
import { batchTensors, chainNoise, disposeBatchTensors, emptyParts, trainingLoss } from './loss.js';

await useEngine();

describe('relative generation loss', () => {
  it('divides each episode\'s squared error by its start error plus the floor', () => {
    const base = { model: { hidden: 8, codeSize: 4, gLayers: 2 }, inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } } };
    const plain = resolveTrainingConfig({ ...base, loss: { identification: 0 } });
    const floor = 0.05;
    const relative = resolveTrainingConfig({ ...base, loss: { identification: 0, generationRelativeFloor: floor } });
    const model = EnergyModel.init(plain.model, rngFor(5, 'init'));
    for (const family of ['make-square', 'move-far', 'red'] as const) {
      const batch = stackEpisodes([sampleEpisode(family, 2, 6, rngFor(9, family))]);
      const measure = (config: typeof plain) => {
        const t = batchTensors(batch, config.inference.attentionLogit);
        const parts = emptyParts();
        const loss = T.tidy(() => T.readScalar(trainingLoss(model, batch, t, config, chainNoise(batch, 1, 0), parts)));
        disposeBatchTensors(t);
        return { loss, generation: parts.generation };
      };
      const p = measure(plain);
      const r = measure(relative);
      let start = 0;
      for (let i = 0; i < batch.before.length; i++) start += (batch.before[i] - batch.after[i]) ** 2;
      expect(r.generation).toBeCloseTo(p.generation / (start + floor), 4);
      expect(r.loss).toBeCloseTo(r.generation, 5);
      if (family === 'red') expect(start).toBe(0);
      else expect(start).toBeGreaterThan(0);
    }
    model.dispose();
  });

  it('is refused when negative', () => {
    expect(() => resolveTrainingConfig({ loss: { generationRelativeFloor: -1 } })).toThrow(/generationRelativeFloor/);
  });
});
