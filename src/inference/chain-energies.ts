/**
 * The three energies that inference descends, as functions of the variable
 * being inferred (docs/METHOD.md, "Inference").
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import type { ParamTensors } from '../model/energy.js';
import type { EnergyModel } from '../model/model.js';

/**
 * Concept inference: w [B, DW] -> mean over the M demos of E(x_d, a_d, w), [B].
 * xd [B*M, N, D] and ad [B*M, N] hold the demos of episode b at rows b*M..b*M+M-1.
 */
export function conceptEnergy(
  model: EnergyModel,
  xd: Tensor,
  ad: Tensor,
  demos: number,
  params?: ParamTensors,
): (w: Tensor) => Tensor {
  return (w: Tensor) => {
    const [B, DW] = w.shape;
    const tiled = T.reshape(T.tile(T.reshape(w, [B, 1, DW]), [1, demos, 1]), [B * demos, DW]);
    const e = model.energy(xd, ad, tiled, params);
    return T.mean(T.reshape(e, [B, demos]), 1);
  };
}

/** Generation: x [B, N, D] -> E(x, a, w). */
export function stateEnergy(
  model: EnergyModel,
  a: Tensor,
  w: Tensor,
  params?: ParamTensors,
): (x: Tensor) => Tensor {
  return (x: Tensor) => model.energy(x, a, w, params);
}

/**
 * Identification: a [B, N] -> E(x, a, w). With `h` = model.relations(x, w)
 * (the same params), the chain reuses g's features instead of running g at
 * every step: the attention only gates their pooling.
 */
export function attentionEnergy(
  model: EnergyModel,
  x: Tensor,
  w: Tensor,
  params?: ParamTensors,
  h?: Tensor,
): (a: Tensor) => Tensor {
  if (h) return (a: Tensor) => model.energyOfRelations(h, a, w, params);
  return (a: Tensor) => model.energy(x, a, w, params);
}
