/**
 * The model shipped in models/default loads and has learned: on a few
 * families it beats chance and an untrained model of the same shape by a wide
 * margin (few episodes: quick).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chanceScore } from '../src/evaluation/baselines.js';
import { evaluateFamily } from '../src/evaluation/evaluate.js';
import { EnergyModel } from '../src/model/model.js';
import { loadTrainedModel, shippedModelDir } from '../src/model/trained.js';
import { rngFor } from '../src/random/rng.js';
import { useEngine } from '../src/test-utils/engine.js';
import type { FamilyName } from '../src/concepts/family.js';

await useEngine();

describe('the shipped model', () => {
  it('is in the package', () => {
    expect(existsSync(join(shippedModelDir(), 'model.json'))).toBe(true);
  });

  const families: FamilyName[] = ['red', 'make-red', 'move-to-square-center'];
  it.each(families)('beats chance and the untrained model on %s by a wide margin', async (family) => {
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
  });
});
