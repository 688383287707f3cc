/**
 * Training and evaluation together: a short run must beat the untrained
 * model by a margin, and neither leaks engine tensors.
 */
import { tempDirs, tinyConfig } from '../training/test-utils/runs.js';
import { describe, expect, it } from 'vitest';
import { liveTensors } from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { resolveTrainingConfig } from '../training/config.js';
import { runTraining } from '../training/run.js';
import { initialState, localGradients, modelFromState, trainStep } from '../training/trainer.js';
import { evaluateFamily } from './evaluate.js';

await useEngine();

const tempDir = tempDirs('learn');

const tiny = () => tinyConfig();

describe('training, then evaluation', () => {
  it('leaks no tensors: training steps and inference keep the live count flat', async () => {
    const config = tiny();
    const state = initialState(config);
    const model = modelFromState(config, state);
    const source = localGradients(config, state.values);
    const now = () => 0;
    await trainStep(source, config, state, now);
    evaluateFamily(model, 'red', config.inference, {
      episodes: 4,
      demos: 2,
      seed: 1,
      backend: 'engine',
    });
    const before = liveTensors();
    for (let i = 0; i < 3; i++) await trainStep(source, config, state, now);
    evaluateFamily(model, 'make-red', config.inference, {
      episodes: 4,
      demos: 2,
      seed: 2,
      backend: 'engine',
    });
    evaluateFamily(model, 'red', config.inference, {
      episodes: 4,
      demos: 2,
      seed: 3,
      backend: 'engine',
    });
    expect(liveTensors()).toBe(before);
    model.dispose();
    await source.dispose();
  });

  it('learns an easy family: loss falls and accuracy beats the untrained model by a margin', async () => {
    const dir = await tempDir();
    const config = resolveTrainingConfig({
      seed: 11,
      families: { red: 1 },
      model: { hidden: 32, codeSize: 8, gLayers: 2 },
      inference: { w: { steps: 3 }, x: { steps: 3 }, a: { steps: 3 } },
      loss: { generation: 0 },
      batchSize: 16,
      demos: 3,
      steps: 80,
      learningRate: 3e-3,
      checkpointEvery: 80,
      evalEvery: 0,
    });
    const losses: number[] = [];
    const r = await runTraining({
      config,
      outDir: dir,
      onStep: (s) => losses.push(s.identification),
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.8 * mean(losses.slice(0, 10)));

    const evalOptions = { episodes: 64, demos: 3, seed: 777 };
    const trained = new EnergyModel(config.model, r.state.values);
    const untrained = EnergyModel.init(config.model, rngFor(1, 'untrained'));
    const t = evaluateFamily(trained, 'red', config.inference, evalOptions);
    const u = evaluateFamily(untrained, 'red', config.inference, evalOptions);
    trained.dispose();
    untrained.dispose();
    expect(t.score).toBeGreaterThan(u.score + 0.3);
    expect(t.score).toBeGreaterThan(0.5);
  });
});
