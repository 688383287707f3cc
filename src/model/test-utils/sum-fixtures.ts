/** Two small random energies A and B and their sum, for the tests of ../sum.ts and of inference on a sum. */
import * as T from '../../engine/index.js';
import { Rng } from '../../random/rng.js';
import type { ModelConfig } from '../config.js';
import { EnergyModel } from '../model.js';
import { checkParamValues } from '../params.js';
import { sumModels } from '../sum.js';

export const A: ModelConfig = {
  variant: 'relational',
  attributes: 5,
  codeSize: 3,
  hidden: 6,
  gLayers: 3,
  fLayers: 2,
  pairDistance: true,
  energyOutputs: 2,
};
export const B: ModelConfig = {
  ...A,
  codeSize: 2,
  hidden: 4,
  pairDirection: 0.2,
  energyOutputs: 3,
};

/** A tensor of `shape` drawn uniformly from [lo, hi). */
export function uniform(rng: Rng, shape: number[], lo: number, hi: number): T.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return T.tensor(
    Float32Array.from({ length: n }, () => rng.range(lo, hi)),
    shape,
  );
}

/** Energies of a model on the same two random scenes of 4 entities, with the given codes [2, DW]. */
export function energyOf(model: EnergyModel, w: Float32Array, dw: number): Float32Array {
  const rng = new Rng(9);
  const x = uniform(rng, [2, 4, 5], -1, 1);
  const a = uniform(rng, [2, 4], -2, 2);
  const wt = T.tensor(w, [2, dw]);
  const out = T.tidy(() => T.read(model.energy(x, a, wt)));
  T.dispose([x, a, wt]);
  return out;
}

/** Two random models and their sum with B weighted c. */
export function summed(c: number) {
  const ma = EnergyModel.init(A, new Rng(1), 1.5);
  const mb = EnergyModel.init(B, new Rng(2), 1.5);
  const sum = sumModels(
    { config: A, values: ma.values(), meta: {} },
    { config: B, values: mb.values(), meta: {} },
    c,
  );
  checkParamValues(sum.config, sum.values);
  return { ma, mb, sum, ms: new EnergyModel(sum.config, sum.values) };
}
