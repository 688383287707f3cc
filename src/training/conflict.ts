/**
 * Do two terms of the training loss pull the parameters the same way?
 *
 * The make-shapes learn when trained on their generation term alone and not
 * when their identification term is on (docs/TRAINING.md rows 59-60). This
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
  return { ...config, loss: { ...config.loss, [other]: 0, kl: 0, contrastive: 0, energyL2: 0 } };
}

/** `into` += `g`, in float64 (the running sum of a few batches' gradients). */
function accumulate(into: Record<string, Float64Array>, g: ParamValues): void {
  for (const [name, v] of Object.entries(g)) {
    const s = (into[name] ??= new Float64Array(v.length));
    for (let k = 0; k < v.length; k++) s[k] += v[k];
  }
}

/** Compare the two terms' gradients at `values` over the batches of training steps `steps`. */
export function termConflict(config: TrainingConfig, values: ParamValues, steps: readonly number[]): TermConflict {
  if (steps.length === 0) throw new Error('termConflict: at least one batch is needed');
  const model = new EnergyModel(config.model, values);
  const all = Array.from({ length: config.batchSize }, (_, i) => i);
  const sums: Record<LossTerm, Record<string, Float64Array>> = { generation: {}, identification: {} };
  const norms: Record<LossTerm, number> = { generation: 0, identification: 0 };
  let cosine = 0;
  try {
    for (const step of steps) {
      const g = lossGradients(model, onlyTerm(config, 'generation'), step, all).grads;
      const i = lossGradients(model, onlyTerm(config, 'identification'), step, all).grads;
      cosine += dot(g, i) / (globalNorm(g) * globalNorm(i) || 1);
      for (const [term, v] of [['generation', g], ['identification', i]] as const) {
        norms[term] += globalNorm(v);
        accumulate(sums[term], v);
      }
    }
  } finally {
    model.dispose();
  }
  const n = steps.length;
  const sumNorm = (term: LossTerm) => Math.sqrt(Object.values(sums[term]).reduce((s, v) => s + v.reduce((t, x) => t + x * x, 0), 0));
  const consistency = (term: LossTerm) => sumNorm(term) / n / (norms[term] / n || 1);
  return {
    norms: { generation: norms.generation / n, identification: norms.identification / n },
    cosine: cosine / n,
    consistency: { generation: consistency('generation'), identification: consistency('identification') },
    batches: n,
  };
}
