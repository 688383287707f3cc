/**
 * Generation through the robot arm's forward kinematics: Langevin descent over
 * the joint angles theta, where the scene's agent sits at the effector
 * FK(theta) and the energy is the particle world's E(x(theta), a, w). Any
 * differentiable parameterisation of x works the same way; this is the first.
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import type { EnergyModel } from '../model/model.js';
import type { NormalSource, Rng } from '../random/rng.js';
import { armEffector, type ArmSpec } from '../world/arm.js';
import { agentIndex, cloneScene, sceneToArray } from '../world/scene.js';
import { ATTRIBUTES, type Scene } from '../world/types.js';
import { attentionLogits } from './infer.js';
import { langevin, type ChainSettings } from './langevin.js';

/** Effector positions [B, 2] from joint angles [B, J], with engine ops. */
export function effectorTensor(arm: ArmSpec, angles: Tensor): Tensor {
  const [B, J] = angles.shape;
  let theta: Tensor = T.zeros([B, 1]);
  let x: Tensor = T.zeros([B, 1]);
  let y: Tensor = T.zeros([B, 1]);
  for (let k = 0; k < J; k++) {
    theta = T.add(theta, T.slice(angles, [0, k], [B, 1]));
    x = T.add(x, T.mul(T.cos(theta), arm.links[k]));
    y = T.add(y, T.mul(T.sin(theta), arm.links[k]));
  }
  return T.concat([x, y], 1);
}

export interface ArmReach {
  angles: number[];
  after: Scene;
  /** Per step: the joint angles and the energy. */
  trajectory?: { angles: number[][]; energies: number[] };
}

/**
 * Move the arm (the agent is its effector) to minimise E under `code`,
 * starting from `angles0`. Only the agent's position changes.
 */
export function reachWithArm(
  model: EnergyModel,
  arm: ArmSpec,
  scene: Scene,
  attention: readonly number[],
  code: Float32Array,
  angles0: readonly number[],
  chain: ChainSettings,
  attentionLogit: number,
  rng: Rng,
  options: { record?: boolean } = {},
): ArmReach {
  const agent = agentIndex(scene);
  if (agent < 0)
    throw new Error('arm: the scene has no agent (gray entity) to act as the effector');
  const N = scene.entities.length;
  const D = ATTRIBUTES;
  // x(theta) = base + onehot(agent) * [effector, 0, 0, 0]
  const baseValues = sceneToArray(scene);
  baseValues[agent * D] = 0;
  baseValues[agent * D + 1] = 0;
  const base = T.tensor(baseValues, [1, N, D]);
  const select = new Float32Array(N * 2 * D);
  select[agent * 2 * D] = 1; // [N, 2, D] placing effector x into attribute 0 of the agent row
  select[agent * 2 * D + D + 1] = 1;
  const placer = T.tensor(select, [N, 2, D]);
  const placerRows = T.reshape(T.transpose(placer, [1, 0, 2]), [2, N * D]);
  const a = attentionLogits([attention], attentionLogit);
  const w = T.tensor(code, [1, code.length]);
  const stateOf = (theta: Tensor) => {
    const eff = effectorTensor(arm, theta); // [1, 2]
    // [1, 2] x [2, N*D] -> [1, N*D]: the effector written into the agent's position
    const spread = T.matMul(eff, placerRows);
    return T.add(base, T.reshape(spread, [1, N, D]));
  };
  const energyOf = (theta: Tensor) => model.energy(stateOf(theta), a, w);
  const theta0 = T.tensor([Array.from(angles0)]);
  const { z, trajectory } = langevin(energyOf, theta0, chain, {
    rng,
    range: { lo: arm.limits.map((l) => l[0]), hi: arm.limits.map((l) => l[1]) },
    record: options.record,
  });
  const angles = Array.from(T.read(z));
  T.dispose([base, placer, placerRows, a, w, theta0, z]);
  const after = cloneScene(scene);
  after.entities[agent].pos = armEffector(arm, angles);
  return {
    angles,
    after,
    trajectory: trajectory && {
      angles: trajectory.map((t) => Array.from(t.values)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}

/**
 * The same reach for a batch of scenes of one size: angles0 [B, J]; every
 * scene's agent is its arm's effector. Returns the final angles per scene
 * and the energy of the scene each leaves.
 */
export function reachBatch(
  model: EnergyModel,
  arm: ArmSpec,
  scenes: readonly Scene[],
  attention: readonly (readonly number[])[],
  codes: Tensor,
  angles0: readonly (readonly number[])[],
  chain: ChainSettings,
  attentionLogit: number,
  rng: NormalSource,
): BatchReach {
  const B = scenes.length;
  const N = scenes[0].entities.length;
  const D = ATTRIBUTES;
  const baseValues = new Float32Array(B * N * D);
  const agentMask = new Float32Array(B * N);
  scenes.forEach((scene, b) => {
    const agent = agentIndex(scene);
    if (agent < 0)
      throw new Error(`arm: scene ${b} has no agent (gray entity) to act as the effector`);
    const v = sceneToArray(scene);
    v[agent * D] = 0;
    v[agent * D + 1] = 0;
    baseValues.set(v, b * N * D);
    agentMask[b * N + agent] = 1;
  });
  const base = T.tensor(baseValues, [B, N, D]);
  const mask = T.tensor(agentMask, [B, N, 1]);
  const pad = T.zeros([B, D - 2]);
  const a = attentionLogits(attention, attentionLogit);
  const energyOf = (theta: Tensor) => {
    const eff = T.reshape(T.concat([effectorTensor(arm, theta), pad], 1), [B, 1, D]);
    return model.energy(T.add(base, T.mul(mask, eff)), a, codes);
  };
  const theta0 = T.tensor(angles0.map((r) => Array.from(r)));
  const { z } = langevin(energyOf, theta0, chain, {
    rng,
    range: { lo: arm.limits.map((l) => l[0]), hi: arm.limits.map((l) => l[1]) },
  });
  const flat = T.read(z);
  const J = arm.links.length;
  const angles = Array.from({ length: B }, (_, b) => Array.from(flat.subarray(b * J, (b + 1) * J)));
  const e = energyOf(z);
  const energies = Array.from(T.read(e));
  T.dispose([base, mask, pad, a, theta0, z, e]);
  return { angles, energies };
}

export interface BatchReach {
  /** Final joint angles per scene. */
  angles: number[][];
  /** The energy of the scene each reach leaves, under its code. */
  energies: number[];
}

/**
 * Restarts judged by energy: one batched reach per start set (`starts[r][b]`,
 * restart r of scene b, with chain noise `rngs[r]`), and per scene the answer
 * of lowest energy (`chosen`: which restart; `reaches`: every restart's). Why: the kinematics fold the agent's plane, so a chain over
 * angles can stop in a local minimum that a particle's chain would not; on
 * one trained model 21 of 58 failed reaches ended higher in energy than
 * the midpoint itself (`scripts/arm-diagnosis.ts`, docs/history/training-log.md,
 * "Keeping the moves"). The a-chains choose
 * among restarts the same way.
 */
export function reachBestOf(
  model: EnergyModel,
  arm: ArmSpec,
  scenes: readonly Scene[],
  attention: readonly (readonly number[])[],
  codes: Tensor,
  starts: readonly (readonly (readonly number[])[])[],
  chain: ChainSettings,
  attentionLogit: number,
  rngs: readonly NormalSource[],
): BatchReach & { chosen: number[]; reaches: BatchReach[] } {
  if (starts.length === 0) throw new Error('arm: reachBestOf needs at least one start set');
  if (rngs.length !== starts.length)
    throw new Error(`arm: ${starts.length} start sets but ${rngs.length} noise sources`);
  const reaches = starts.map((s, r) =>
    reachBatch(model, arm, scenes, attention, codes, s, chain, attentionLogit, rngs[r]),
  );
  const chosen = scenes.map((_, b) => {
    let best = 0;
    // Strictly lower: ties keep the earlier restart, so restart 0 (the given start) wins a tie.
    for (let r = 1; r < reaches.length; r++)
      if (reaches[r].energies[b] < reaches[best].energies[b]) best = r;
    return best;
  });
  return {
    angles: chosen.map((r, b) => reaches[r].angles[b]),
    energies: chosen.map((r, b) => reaches[r].energies[b]),
    chosen,
    reaches,
  };
}
