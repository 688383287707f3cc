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
import { paramSpecs, type ParamValues } from '../model/params.js';
import type { TrainingConfig } from './config.js';
import { shardGradients } from './trainer.js';

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

function flatten(config: TrainingConfig, grads: ParamValues): Float64Array {
  const specs = paramSpecs(config.model);
  const out = new Float64Array(specs.reduce((s, p) => s + grads[p.name].length, 0));
  let o = 0;
  for (const spec of specs) {
    out.set(grads[spec.name], o);
    o += grads[spec.name].length;
  }
  return out;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: Float64Array): number => Math.sqrt(dot(a, a));

/** Compare the two terms' gradients at `values` over the batches of training steps `steps`. */
export function termConflict(config: TrainingConfig, values: ParamValues, steps: readonly number[]): TermConflict {
  if (steps.length === 0) throw new Error('termConflict: at least one batch is needed');
  const model = new EnergyModel(config.model, values);
  const all = Array.from({ length: config.batchSize }, (_, i) => i);
  const terms: LossTerm[] = ['generation', 'identification'];
  const sums: Record<LossTerm, Float64Array | null> = { generation: null, identification: null };
  const norms: Record<LossTerm, number> = { generation: 0, identification: 0 };
  let cosine = 0;
  try {
    for (const step of steps) {
      const [g, i] = terms.map((term) => flatten(config, shardGradients(model, onlyTerm(config, term), step, all).grads));
      cosine += dot(g, i) / (norm(g) * norm(i) || 1);
      for (const [term, v] of [['generation', g], ['identification', i]] as const) {
        norms[term] += norm(v);
        const s = sums[term];
        if (s) for (let k = 0; k < s.length; k++) s[k] += v[k];
        else sums[term] = Float64Array.from(v);
      }
    }
  } finally {
    model.dispose();
  }
  const n = steps.length;
  const consistency = (term: LossTerm) => norm(sums[term]!) / n / (norms[term] / n || 1);
  return {
    norms: { generation: norms.generation / n, identification: norms.identification / n },
    cosine: cosine / n,
    consistency: { generation: consistency('generation'), identification: consistency('identification') },
    batches: n,
  };
}
