/**
 * Training's validation: the strict judges on fresh episodes of every family
 * the run trains on, from a seed stream disjoint from training's. `train`
 * passes it to the trainer (src/training/run.ts), which selects best/ by its
 * mean.
 */
import type { FamilyName } from '../concepts/family.js';
import type { EnergyModel } from '../model/model.js';
import { familyMixture, type TrainingConfig } from '../training/config.js';
import type { EvalRecord, Validator } from '../training/trainer.js';
import { EVAL_DEFAULTS, evaluateFamily, type FamilyScore } from './evaluate.js';

/** Validation on fresh episodes (a seed stream disjoint from training's). */
export const validateRun: Validator = (
  model: EnergyModel,
  config: TrainingConfig,
  step: number,
): EvalRecord => {
  const families: Record<string, number> = {};
  const scores: FamilyScore[] = [];
  for (const name of familyMixture(config).names as FamilyName[]) {
    const s = evaluateFamily(model, name, config.inference, {
      episodes: config.evalEpisodes,
      // A run over ranges is validated on the default episodes, as `eval` judges.
      demos: typeof config.demos === 'number' ? config.demos : EVAL_DEFAULTS.demos,
      ...(typeof config.entities === 'number' ? { entities: config.entities } : {}),
      seed: config.seed + 1_000_003,
    });
    scores.push(s);
    families[name] = s.score;
  }
  const mean = scores.reduce((a, s) => a + s.score, 0) / Math.max(1, scores.length);
  const lenientMean = scores.reduce((a, s) => a + s.lenientScore, 0) / Math.max(1, scores.length);
  return { step, mean, families, lenientMean };
};
