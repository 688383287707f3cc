import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { sampleEpisode, stackEpisodes, type Batch } from './batch.js';
import { describeLossDepartures, resolveTrainingConfig, type TrainingConfig } from './config.js';
import { batchTensors, chainNoise, disposeBatchTensors, emptyParts, trainingLoss } from './loss.js';
import { generateBatch, inferCodes } from '../inference/infer.js';

await useEngine();

/** A tiny model's config: two steps per chain. */
const tinyBase = {
  model: { hidden: 8, codeSize: 4, gLayers: 2 },
  inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
};

/** The loss and its parts on `batch` (fixed chain noise, so two configs see the same chains). */
function lossOf(model: EnergyModel, batch: Batch, config: TrainingConfig) {
  const t = batchTensors(batch, config.inference.attentionLogit);
  const parts = emptyParts();
  const loss = T.tidy(() =>
    T.readScalar(trainingLoss({ model, batch, t, config, noise: chainNoise(batch, 1, 0), parts })),
  );
  disposeBatchTensors(t);
  return { loss, parts };
}

describe('relative generation loss', () => {
  it("divides each episode's squared error by its start error plus the floor", () => {
    const base = tinyBase;
    const plain = resolveTrainingConfig({ ...base, loss: { identification: 0 } });
    const floor = 0.05;
    const relative = resolveTrainingConfig({
      ...base,
      loss: { identification: 0, generationRelativeFloor: floor },
    });
    const model = EnergyModel.init(plain.model, rngFor(5, 'init'));
    for (const family of ['make-square', 'move-far', 'red'] as const) {
      const batch = stackEpisodes([sampleEpisode(family, 2, 6, rngFor(9, family))]);
      const measure = (config: TrainingConfig) => {
        const { loss, parts } = lossOf(model, batch, config);
        return { loss, generation: parts.generation };
      };
      const p = measure(plain);
      const r = measure(relative);
      let start = 0;
      for (let i = 0; i < batch.before.length; i++)
        start += (batch.before[i] - batch.after[i]) ** 2;
      expect(r.generation).toBeCloseTo(p.generation / (start + floor), 4);
      expect(r.loss).toBeCloseTo(r.generation, 5);
      if (family === 'red') expect(start).toBe(0);
      else expect(start).toBeGreaterThan(0);
    }
    model.dispose();
  });

  it('is refused when negative', () => {
    expect(() => resolveTrainingConfig({ loss: { generationRelativeFloor: -1 } })).toThrow(
      /generationRelativeFloor/,
    );
  });
});

describe('per-family loss weights (familyLoss)', () => {
  const base = tinyBase;

  it("scale only their family's rows of the total; the parts stay unweighted", () => {
    const plain = resolveTrainingConfig(base);
    const weighted = resolveTrainingConfig({
      ...base,
      familyLoss: {
        'make-square': { identification: 0 },
        'move-far': { generation: 0.5, identification: 3 },
      },
    });
    const model = EnergyModel.init(plain.model, rngFor(5, 'init'));
    const batch = stackEpisodes(
      (['make-square', 'move-far', 'red'] as const).map((f, i) => ({
        ...sampleEpisode(f, 2, 6, rngFor(9, f)),
        index: i,
      })),
    );
    const measure = (config: TrainingConfig) => lossOf(model, batch, config);
    const p = measure(plain);
    const w = measure(weighted);
    // Same chains (same noise), so the per-family rows are equal and reported unweighted.
    expect(w.parts.generation).toBeCloseTo(p.parts.generation, 6);
    expect(w.parts.identification).toBeCloseTo(p.parts.identification, 6);
    const f = p.parts.families;
    const B = batch.size;
    // The identification term is a mean over entities per row; rows add up over the batch.
    const expected =
      p.loss -
      f['make-square'].identification / B +
      (-0.5 * f['move-far'].generation + 2 * f['move-far'].identification) / B;
    expect(f['make-square'].identification).toBeGreaterThan(0.01);
    expect(w.loss).toBeCloseTo(expected, 5);
    expect(Math.abs(w.loss - p.loss)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('are refused for an unknown family, an unknown term or a negative weight', () => {
    expect(() =>
      resolveTrainingConfig({ familyLoss: { 'make-squares': { identification: 0 } } }),
    ).toThrow(/familyLoss\.make-squares: unknown concept/);
    expect(() => resolveTrainingConfig({ familyLoss: { red: { kl: 0 } } })).toThrow(
      /familyLoss\.red\.kl: unknown setting/,
    );
    expect(() => resolveTrainingConfig({ familyLoss: { red: { generation: -1 } } })).toThrow(
      /familyLoss\.red\.generation/,
    );
    expect(() => resolveTrainingConfig({ familyLoss: [] })).toThrow(
      /familyLoss: expected an object/,
    );
    expect(resolveTrainingConfig({}).familyLoss).toEqual({});
  });
});

describe('positive energy term (loss.positiveEnergy)', () => {
  it('adds the mean energy of the true events under the true attention, and only that', () => {
    const base = tinyBase;
    const only = resolveTrainingConfig({
      ...base,
      loss: { generation: 0, identification: 0, positiveEnergy: 2 },
    });
    const plain = resolveTrainingConfig({ ...base, loss: { identification: 0 } });
    const withIt = resolveTrainingConfig({
      ...base,
      loss: { identification: 0, positiveEnergy: 0.5 },
    });
    const model = EnergyModel.init(only.model, rngFor(5, 'init'));
    const batch = stackEpisodes([
      sampleEpisode('make-square', 2, 6, rngFor(9, 'p')),
      sampleEpisode('red', 2, 6, rngFor(9, 'q')),
    ]);
    const measure = (config: TrainingConfig) => lossOf(model, batch, config);
    const o = measure(only);
    expect(o.parts.energyPositive).toBeGreaterThan(0);
    expect(o.loss).toBeCloseTo(2 * o.parts.energyPositive, 5);
    const p = measure(plain);
    const w = measure(withIt);
    expect(w.loss - p.loss).toBeCloseTo(0.5 * p.parts.energyPositive, 5);
    expect(() => resolveTrainingConfig({ loss: { positiveEnergy: -1 } })).toThrow(/positiveEnergy/);
    model.dispose();
  });
});

describe('contrastive negative from a longer chain (loss.contrastiveSteps)', () => {
  it('pushes up the energy of the short sample carried K more steps, on its own noise stream', () => {
    const base = {
      ...tinyBase,
      inference: { ...tinyBase.inference, x: { steps: 2, stepSize: 0.5 } },
    };
    const short = resolveTrainingConfig({
      ...base,
      loss: { generation: 0, identification: 0, contrastive: 1 },
    });
    const long = resolveTrainingConfig({
      ...base,
      loss: { generation: 0, identification: 0, contrastive: 1, contrastiveSteps: 6 },
    });
    const model = EnergyModel.init(short.model, rngFor(5, 'init'));
    const batch = stackEpisodes(
      (['make-line', 'move-between', 'make-red'] as const).map((f, i) => ({
        ...sampleEpisode(f, 2, 6, rngFor(9, f)),
        index: i,
      })),
    );
    const s = lossOf(model, batch, short);
    const l = lossOf(model, batch, long);
    // By hand: the same w and short chain (same noise), then 6 more steps on the x-long stream.
    const t = batchTensors(batch, long.inference.attentionLogit);
    const noise = chainNoise(batch, 1, 0);
    const byHand = T.tidy(() => {
      const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, long.inference.w, {
        rng: noise.w,
      });
      const { x: xhat } = generateBatch(model, t.before, t.logits, w, t.movable, long.inference.x, {
        rng: noise.x,
      });
      const { x: xK } = generateBatch(
        model,
        xhat,
        t.logits,
        w,
        t.movable,
        { ...long.inference.x, steps: 6 },
        { rng: noise.xLong },
      );
      const ePos = model.energy(t.after, t.logits, w);
      const rows = (neg: T.Tensor) =>
        T.read(T.softplus(T.sub(ePos, model.energy(neg, t.logits, w))));
      return {
        short: rows(xhat),
        long: rows(xK),
        moved: T.readScalar(T.sum(T.abs(T.sub(xK, xhat)))),
      };
    });
    disposeBatchTensors(t);
    const mean = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(s.parts.contrastive).toBeCloseTo(mean(byHand.short), 5);
    expect(l.parts.contrastive).toBeCloseTo(mean(byHand.long), 5);
    expect(byHand.moved).toBeGreaterThan(1e-3);
    expect(Math.abs(l.parts.contrastive - s.parts.contrastive)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('is refused unless a whole number of steps', () => {
    expect(() => resolveTrainingConfig({ loss: { contrastiveSteps: 1.5 } })).toThrow(
      /loss\.contrastiveSteps: expected an integer/,
    );
    expect(() => resolveTrainingConfig({ loss: { contrastiveSteps: -2 } })).toThrow(
      /loss\.contrastiveSteps/,
    );
    expect(resolveTrainingConfig({}).loss.contrastiveSteps).toBe(0);
  });

  it('is named as a departure from the paper only when it changes the loss', () => {
    const on = describeLossDepartures(
      resolveTrainingConfig({ loss: { contrastive: 0.5, contrastiveSteps: 35 } }),
    );
    expect(on).toEqual([
      expect.stringMatching(
        /contrastive negative carried 35 more x-chain steps .*not in the paper/,
      ),
    ]);
    expect(
      describeLossDepartures(
        resolveTrainingConfig({ loss: { contrastive: 0, contrastiveSteps: 35 } }),
      ),
    ).toEqual([]);
    expect(describeLossDepartures(resolveTrainingConfig({ loss: { contrastive: 0.5 } }))).toEqual(
      [],
    );
  });
});
