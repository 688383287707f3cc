/**
 * The model shipped in models/default loads and has learned: on a few
 * families it beats chance and an untrained model of the same shape by a wide
 * margin, and on make-line its first energy alone (models/lineage) too
 * (few episodes: quick), judged strictly (the concept and minimal change;
 * its generation chain pulls toward the start, x.shrink and x.refit).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chanceScore } from '../src/evaluation/baselines.js';
import { evaluateFamily } from '../src/evaluation/evaluate.js';
import { EnergyModel } from '../src/model/model.js';
import { loadTrainedModel, shippedModelDir } from '../src/inference/trained.js';
import { rngFor } from '../src/random/rng.js';
import { useEngine } from '../src/test-utils/engine.js';
import type { FamilyName } from '../src/concepts/family.js';

await useEngine();

describe('the shipped model', () => {
  it('is in the package', () => {
    expect(existsSync(join(shippedModelDir(), 'model.json'))).toBe(true);
  });

  const families: FamilyName[] = ['red', 'make-red', 'move-to-square-center'];
  it.each(families)(
    'beats chance and the untrained model on %s by a wide margin',
    async (family) => {
      const trained = await loadTrainedModel();
      const untrained = EnergyModel.init(trained.model.config, rngFor(5, 'untrained'));
      const o = { episodes: 48, demos: 5, seed: 2024 };
      const s = evaluateFamily(trained.model, family, trained.inference, o);
      const u = evaluateFamily(untrained, family, trained.inference, o);
      const c = chanceScore(family, o);
      trained.model.dispose();
      untrained.dispose();
      expect(s.score).toBeGreaterThan(c.score + 0.25);
      expect(s.score).toBeGreaterThan(u.score + 0.25);
      // Identification: the strict and lenient judges are one.
      if (family === 'red') expect(s.score).toBe(s.lenientScore);
    },
  );

  it('is the sum of two energies, and the second one is why it makes lines (models/lineage is the first alone)', async () => {
    const trained = await loadTrainedModel();
    const first = await loadTrainedModel(join(shippedModelDir(), '..', 'lineage'));
    expect((trained.meta.sum as { weightB: number }).weightB).toBe(0.75);
    const o = { episodes: 48, demos: 5, seed: 2024 };
    const sum = evaluateFamily(trained.model, 'make-line', trained.inference, o);
    const alone = evaluateFamily(first.model, 'make-line', first.inference, o);
    trained.model.dispose();
    first.model.dispose();
    // What makes lines (the lenient judge), 500 episodes: 0.99 against 0.62.
    expect(sum.lenientScore).toBeGreaterThan(0.8);
    expect(sum.lenientScore).toBeGreaterThan(alone.lenientScore + 0.15);
    // Strictly, the sum's pull toward the start also keeps colours; the first energy alone has none.
    expect(sum.score).toBeGreaterThan(alone.score + 0.15);
  });
});
