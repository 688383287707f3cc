/**
 * Composition of concepts (docs/RESULTS.md, "beyond the paper"): two
 * inferred codes combined into one energy over the scene, then generation by
 * the same Langevin descent as for a single concept.
 *
 *   AND:  E(x) = E_A(x) + E_B(x)                                   both hold
 *   OR:   E(x) = softmin_T(E_A, E_B) = -T log(exp(-E_A/T) + exp(-E_B/T))
 *              = E_B - T softplus((E_B - E_A) / T)                  either holds
 *   NOT:  E(x) = E_A(x) - lambda E_B(x)   (lambda small, e.g. 0.1)  A, and away from B
 *
 * where E_C(x) = E(x, a, w_C) with one attention a for both codes. The softmin
 * goes to min(E_A, E_B) as T -> 0; its gradient weighs each concept's gradient
 * by its softmax share, so the chain follows whichever concept is nearer. NOT
 * with a small weight pushes away from B without swamping A (E_B is not
 * bounded above, so a large lambda would just maximise E_B).
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import type { EnergyModel } from '../model/model.js';
import type { Rng } from '../random/rng.js';
import { arrayToScene } from '../world/scene.js';
import type { Scene } from '../world/types.js';
import {
  attentionLogits,
  movableMask,
  movableTensor,
  scenesTensor,
  type GenerateResult,
} from './infer.js';
import { langevin, type ChainSettings } from './langevin.js';
import { STATE_RANGE } from './settings.js';

export type ComposeOp = 'and' | 'or' | 'not';
export const COMPOSE_OPS: readonly ComposeOp[] = ['and', 'or', 'not'];

export interface ComposeOptions {
  /** Temperature T of the OR softmin (default 1). */
  temperature?: number;
  /** Weight lambda of the negated concept in NOT (default 0.1). */
  notWeight?: number;
}

export const DEFAULT_COMPOSE: Required<ComposeOptions> = { temperature: 1, notWeight: 0.1 };

/** The options of `op` with their defaults, checked (shared by the engine and the fast kernel). */
export function composeSettings(
  op: ComposeOp,
  options: ComposeOptions = {},
): Required<ComposeOptions> {
  const s = { ...DEFAULT_COMPOSE, ...options };
  if (!COMPOSE_OPS.includes(op)) {
    throw new Error(
      `compose: unknown operator "${op as string}" (known: ${COMPOSE_OPS.join(', ')})`,
    );
  }
  if (op === 'or' && !(s.temperature > 0))
    throw new Error(`compose: OR temperature must be > 0, got ${s.temperature}`);
  if (op === 'not' && !(s.notWeight >= 0))
    throw new Error(`compose: NOT weight must be >= 0, got ${s.notWeight}`);
  return s;
}

/** Combine per-row energies [B] of concepts A and B. */
export function combineEnergies(
  op: ComposeOp,
  ea: Tensor,
  eb: Tensor,
  options: ComposeOptions = {},
): Tensor {
  const { temperature, notWeight } = composeSettings(op, options);
  switch (op) {
    case 'and':
      return T.add(ea, eb);
    case 'or':
      return T.sub(eb, T.mul(T.softplus(T.div(T.sub(eb, ea), temperature)), temperature));
    case 'not':
      return T.sub(ea, T.mul(eb, notWeight));
  }
}

/** x [B, N, D] -> the composed energy [B] of codes wA, wB [B, DW] under attention logits a [B, N]. */
export function composedStateEnergy(
  model: EnergyModel,
  a: Tensor,
  wA: Tensor,
  wB: Tensor,
  op: ComposeOp,
  options: ComposeOptions = {},
): (x: Tensor) => Tensor {
  return (x: Tensor) =>
    combineEnergies(op, model.energy(x, a, wA), model.energy(x, a, wB), options);
}

/** Generate from `before` under two codes combined by `op` (the "who moves" rule unless `movable`). */
export function generateComposed(
  model: EnergyModel,
  before: Scene,
  attention: readonly number[],
  codes: readonly [Float32Array, Float32Array],
  op: ComposeOp,
  chain: ChainSettings,
  attentionLogit: number,
  rng: Rng,
  options: ComposeOptions & { movable?: readonly number[]; record?: boolean } = {},
): GenerateResult {
  const n = before.entities.length;
  if (attention.length !== n)
    throw new Error(`compose: attention has ${attention.length} entries for ${n} entities`);
  const x0 = scenesTensor([before]);
  const a = attentionLogits([attention], attentionLogit);
  const wA = T.tensor(codes[0], [1, codes[0].length]);
  const wB = T.tensor(codes[1], [1, codes[1].length]);
  const mov = movableTensor([movableMask(before, attention, options.movable)]);
  const { z, trajectory } = langevin(
    composedStateEnergy(model, a, wA, wB, op, options),
    x0,
    chain,
    {
      rng,
      mask: mov,
      range: STATE_RANGE,
      record: options.record,
    },
  );
  const after = arrayToScene(T.read(z), n);
  T.dispose([x0, a, wA, wB, mov, z]);
  return {
    after,
    trajectory: trajectory && {
      scenes: trajectory.map((t) => arrayToScene(t.values, n)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}
