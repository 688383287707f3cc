/**
 * Do two terms of the training loss pull the parameters the same way?
 *
 * The make-shapes learn when trained on their generation term alone and not
 * when their identification term is on (docs/history/training-log.md). This
 * measures why: on the same batches (same episodes, same chain noise), the
 * parameter gradient of one term and of the other, their norms, their cosine
 * and how consistent each direction is from batch to batch.
 */
import { EnergyModel } from '../model/model.js';
import type { ParamValues } from '../model/params.js';
import { globalNorm } from './adam.js';
import type { TrainingConfig } from './config.js';
import { dot } from './surgery.js';
import { lossGradients } from './trainer.js';

export type LossTerm = 'generation' | 'identification';

export interface TermConflict {
  /** Mean over batches of |gradient| of each term. */
  norms: Record<LossTerm, number>;
  /** Mean over batches of cos(gradient of generation, gradient of identification). */
  cosine: number;
  /**
   * |mean of the batch gradients| / mean |batch gradient|, per term: 1 when
   * every batch pulls the same way, about 1/sqrt(batches) for random directions.
   */
  consistency: Record<LossTerm, number>;
  batches: number;
}

/** The config with only `term` left on (the other term and the energy regularisers off). */
export function onlyTerm(config: TrainingConfig, term: LossTerm): TrainingConfig {
  const other: LossTerm = term === 'generation' ? 'identification' : 'generation';
  const rank = term === 'identification' ? config.loss.maskRank : 0;
  return {
    ...config,
    loss: { ...config.loss, [other]: 0, kl: 0, contrastive: 0, energyL2: 0, maskRank: rank },
  };
}

/** `into` += `g`, in float64 (the running sum of a few batches' gradients). */
function accumulate(into: Record<string, Float64Array>, g: ParamValues): void {
  for (const [name, v] of Object.entries(g)) {
    const s = (into[name] ??= new Float64Array(v.length));
    for (let k = 0; k < v.length; k++) s[k] += v[k];
  }
}

/** Compare the two terms' gradients at `values` over the batches of training steps `steps`. */
export function termConflict(
  config: TrainingConfig,
  values: ParamValues,
  steps: readonly number[],
): TermConflict {
  if (steps.length === 0) throw new Error('termConflict: at least one batch is needed');
  const model = new EnergyModel(config.model, values);
  const all = Array.from({ length: config.batchSize }, (_, i) => i);
  const sums: Record<LossTerm, Record<string, Float64Array>> = {
    generation: {},
    identification: {},
  };
  const norms: Record<LossTerm, number> = { generation: 0, identification: 0 };
  let cosine = 0;
  try {
    for (const step of steps) {
      const g = lossGradients(model, onlyTerm(config, 'generation'), step, all).grads;
      const i = lossGradients(model, onlyTerm(config, 'identification'), step, all).grads;
      cosine += dot(g, i) / (globalNorm(g) * globalNorm(i) || 1);
      for (const [term, v] of [
        ['generation', g],
        ['identification', i],
      ] as const) {
        norms[term] += globalNorm(v);
        accumulate(sums[term], v);
      }
    }
  } finally {
    model.dispose();
  }
  const n = steps.length;
  const consistency = (term: LossTerm) => globalNorm(sums[term]) / n / (norms[term] / n || 1);
  return {
    norms: { generation: norms.generation / n, identification: norms.identification / n },
    cosine: cosine / n,
    consistency: {
      generation: consistency('generation'),
      identification: consistency('identification'),
    },
    batches: n,
  };
}

export interface FamilyConflict {
  /** The family every other is compared with. */
  target: string;
  /** |mean over batches of the family's gradient|. */
  norms: Record<string, number>;
  /** cos(mean gradient of the family, mean gradient of the target): below 0, learning one unlearns the other. */
  cosine: Record<string, number>;
  batches: number;
}

/** The config with `family` alone in the mixture (its `familyLoss` weights kept). */
export function onlyFamily(config: TrainingConfig, family: string): TrainingConfig {
  return { ...config, families: { [family]: 1 } as TrainingConfig['families'] };
}

/**
 * Which families' training pulls against `target`'s? Each family's gradient
 * of the whole loss (its `familyLoss` weights included), averaged over the
 * batches of training steps `steps` drawn from that family alone, against the
 * target's. The training log uses it on move-between, which the shapes-first
 * lineage learns alone and loses in every mixture
 * (docs/history/training-log.md, "move-between against the make-shapes").
 */
export function familyConflict(
  config: TrainingConfig,
  values: ParamValues,
  target: string,
  steps: readonly number[],
): FamilyConflict {
  if (steps.length === 0) throw new Error('familyConflict: at least one batch is needed');
  if (!(target in config.families))
    throw new Error(`familyConflict: ${target} is not in the config's families`);
  const model = new EnergyModel(config.model, values);
  const all = Array.from({ length: config.batchSize }, (_, i) => i);
  const means: Record<string, Record<string, Float64Array>> = {};
  try {
    for (const family of Object.keys(config.families)) {
      const sum: Record<string, Float64Array> = {};
      for (const step of steps)
        accumulate(sum, lossGradients(model, onlyFamily(config, family), step, all).grads);
      means[family] = sum;
    }
  } finally {
    model.dispose();
  }
  const norms: Record<string, number> = {};
  const cosine: Record<string, number> = {};
  const targetNorm = globalNorm(means[target]);
  for (const [family, g] of Object.entries(means)) {
    norms[family] = globalNorm(g) / steps.length;
    cosine[family] = dot(g, means[target]) / (globalNorm(g) * targetNorm || 1);
  }
  return { target, norms, cosine, batches: steps.length };
}
