/**
 * The page's chains as generators that yield after every Langevin step
 * (src/inference/langevin.ts with K = 1, the chain state carried from call to
 * call, so every step is exactly the library's update rule), plus the energy
 * landscape, computed a few grid rows at a time.
 */
import * as T from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { reachWithArm } from '../../src/inference/arm.js';
import {
  combineEnergies,
  type ComposeOp,
  type ComposeOptions,
} from '../../src/inference/compose.js';
import {
  composeObjectives,
  fastAttentionObjective,
  fastAttentionRestarts,
  fastConceptObjective,
  fastEnergyOf,
  fastLangevin,
  fastStateObjective,
  refitSupport,
  stateMask,
  type FastChainOptions,
  type FastObjective,
} from '../../src/inference/fast.js';
import type { ChainSettings } from '../../src/inference/langevin.js';
import type { FastEnergy } from '../../src/model/fast-energy.js';
import { STATE_RANGE } from '../../src/inference/settings.js';
import type { EnergyModel } from '../../src/model/model.js';
import type { Rng } from '../../src/random/rng.js';
import type { ArmSpec } from '../../src/world/arm.js';
import { arrayToScene, sceneToArray } from '../../src/world/scene.js';
import { ATTRIBUTES, type Event, type Scene } from '../../src/world/types.js';

export interface StepReport {
  /** Step index (0 is the start state). */
  k: number;
  energy: number;
  /** Milliseconds of this Langevin step (0 for the start). */
  ms: number;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * The concept, identification and generation chains run on the hand-written
 * first-order kernel (src/model/fast-energy.ts): one step on one scene is a
 * few straight loops, about a tenth of a millisecond to a millisecond, where
 * the engine spends several on per-op overhead. The same update rule, masks,
 * ranges and noise draws as the engine path (tested in fast.test.ts). The arm
 * and the energy landscape (a batch of scenes per call) stay on the engine.
 */
const kernels = new WeakMap<EnergyModel, FastEnergy>();
function kernelOf(model: EnergyModel): FastEnergy {
  let fe = kernels.get(model);
  if (!fe) {
    fe = fastEnergyOf(model);
    kernels.set(model, fe);
  }
  return fe;
}

/** One timed step of `fastLangevin` from z. */
function stepOnce(
  objective: FastObjective,
  z: Float32Array,
  chain: ChainSettings,
  options: FastChainOptions,
): { z: Float32Array; ms: number } {
  const t0 = performance.now();
  const { z: next } = fastLangevin(objective, z, { ...chain, steps: 1, refit: 0 }, options);
  return { z: next, ms: performance.now() - t0 };
}

/** Concept inference: w from 0 down the mean demo energy. Returns the code. */
export function* conceptChain(
  model: EnergyModel,
  demos: readonly Event[],
  chain: ChainSettings,
  attentionLogit: number,
  rng: Rng,
  report: (r: StepReport, code: Float32Array) => void,
): Generator<void, Float32Array, void> {
  const objective = fastConceptObjective(kernelOf(model), demos, attentionLogit);
  let z: Float32Array = new Float32Array(model.config.codeSize);
  report({ k: 0, energy: objective.energy(z), ms: 0 }, Float32Array.from(z));
  for (let k = 1; k <= chain.steps; k++) {
    yield;
    const s = stepOnce(objective, z, chain, { rng });
    z = s.z;
    report({ k, energy: objective.energy(z), ms: s.ms }, Float32Array.from(z));
  }
  return z;
}

/** Identification: attention logits from 0 down E(x, a, w). Returns the final logits a. */
export function* identifyChain(
  model: EnergyModel,
  scene: Scene,
  code: Float32Array,
  chain: ChainSettings,
  range: number,
  rng: Rng,
  report: (r: StepReport, probabilities: number[]) => void,
): Generator<void, Float32Array, void> {
  const objective = fastAttentionObjective(kernelOf(model), scene, code);
  let z: Float32Array = new Float32Array(scene.entities.length);
  const probs = () => Array.from(z, sigmoid);
  report({ k: 0, energy: objective.energy(z), ms: 0 }, probs());
  for (let k = 1; k <= chain.steps; k++) {
    yield;
    const s = stepOnce(objective, z, chain, { rng, range: { lo: -range, hi: range } });
    z = s.z;
    report({ k, energy: objective.energy(z), ms: s.ms }, probs());
  }
  return z;
}

/**
 * The identification's other restarts, run at once after the animated first
 * chain (final logits `first`), and the answer kept as fastIdentify keeps it
 * (where the model's a.enumerate covers the scene, no other chain runs).
 */
export function identifyRestarts(
  model: EnergyModel,
  scene: Scene,
  code: Float32Array,
  chain: ChainSettings,
  range: number,
  attentionLogit: number,
  rng: Rng,
  first: Float32Array,
): { probs: number[]; chosen: number; restarts: number; polished: number; enumerated: boolean } {
  const objective = fastAttentionObjective(kernelOf(model), scene, code);
  const best = fastAttentionRestarts(
    objective,
    scene.entities.length,
    chain,
    range,
    attentionLogit,
    rng,
    { first },
  );
  return {
    probs: Array.from(best.z, sigmoid),
    chosen: best.chosen,
    restarts: chain.restarts ?? 1,
    polished: best.polished,
    enumerated: best.enumerated,
  };
}

/** What the x-chain descends: one concept, or two composed. */
export type StateObjective =
  | { kind: 'concept'; code: Float32Array }
  | {
      kind: 'compose';
      op: ComposeOp;
      codes: readonly [Float32Array, Float32Array];
      options: ComposeOptions;
    };

/** Energy of scenes x [B, N, D] under an objective, attention logits a [B, N]; codes are tiled to B (the landscape). */
export function objectiveEnergy(
  model: EnergyModel,
  objective: StateObjective,
  x: Tensor,
  a: Tensor,
): Tensor {
  const B = x.shape[0];
  const tiled = (code: Float32Array) => T.tile(T.tensor(code, [1, code.length]), [B, 1]);
  if (objective.kind === 'concept') return model.energy(x, a, tiled(objective.code));
  const [ca, cb] = objective.codes;
  return combineEnergies(
    objective.op,
    model.energy(x, a, tiled(ca)),
    model.energy(x, a, tiled(cb)),
    objective.options,
  );
}

/** Generation: x from x0 down the objective; only `movable` entities change. Returns the final scene. */
export function* generateChain(
  model: EnergyModel,
  before: Scene,
  attention: readonly number[],
  movable: readonly number[],
  objective: StateObjective,
  chain: ChainSettings,
  attentionLogit: number,
  rng: Rng,
  report: (r: StepReport, scene: Scene) => void,
): Generator<void, Scene, void> {
  const n = before.entities.length;
  const fe = kernelOf(model);
  const of = (code: Float32Array) =>
    fastStateObjective(fe, before, attention, code, movable, attentionLogit, chain);
  const energy =
    objective.kind === 'concept'
      ? of(objective.code)
      : composeObjectives(
          objective.op,
          of(objective.codes[0]),
          of(objective.codes[1]),
          n * ATTRIBUTES,
          objective.options,
        );
  const start = sceneToArray(before);
  // One step at a time: the anchor (x.anchor) pulls toward the chain's start, not the last step's.
  const options: FastChainOptions = {
    rng,
    mask: stateMask(movable),
    range: STATE_RANGE,
    last: ATTRIBUTES,
    anchorAt: start,
  };
  let z: Float32Array = Float32Array.from(start);
  report({ k: 0, energy: energy.energy(z), ms: 0 }, arrayToScene(z, n));
  for (let k = 1; k <= chain.steps; k++) {
    yield;
    const s = stepOnce(energy, z, chain, options);
    z = s.z;
    report({ k, energy: energy.energy(z), ms: s.ms }, arrayToScene(z, n));
  }
  // The refit (x.refit): more steps without the pulls, on the elements that moved (as fastLangevin does).
  const refit = chain.refit ?? 0;
  if (refit > 0) {
    const support = refitSupport(z, start, options.mask);
    const free = { ...chain, anchor: 0, shrink: 0 };
    for (let k = chain.steps + 1; k <= chain.steps + refit; k++) {
      yield;
      const s = stepOnce(energy, z, free, { ...options, mask: support });
      z = s.z;
      report({ k, energy: energy.energy(z), ms: s.ms }, arrayToScene(z, n));
    }
  }
  return arrayToScene(z, n);
}

/** The robot arm: joint angles down E(x(theta), a, w), one `reachWithArm` step at a time. */
export function* armChain(
  model: EnergyModel,
  arm: ArmSpec,
  scene: Scene,
  attention: readonly number[],
  code: Float32Array,
  angles0: readonly number[],
  chain: ChainSettings,
  attentionLogit: number,
  rng: Rng,
  report: (r: StepReport, angles: number[], scene: Scene) => void,
): Generator<void, number[], void> {
  let angles = angles0.slice();
  let current = scene;
  const zero = reachWithArm(
    model,
    arm,
    scene,
    attention,
    code,
    angles,
    { ...chain, steps: 0 },
    attentionLogit,
    rng,
    {
      record: true,
    },
  );
  report({ k: 0, energy: zero.trajectory!.energies[0], ms: 0 }, angles, zero.after);
  for (let k = 1; k <= chain.steps; k++) {
    yield;
    const t0 = performance.now();
    const r = reachWithArm(
      model,
      arm,
      current,
      attention,
      code,
      angles,
      { ...chain, steps: 1 },
      attentionLogit,
      rng,
      {
        record: true,
      },
    );
    const ms = performance.now() - t0;
    angles = r.angles;
    current = r.after;
    report({ k, energy: r.trajectory!.energies[1], ms }, angles, current);
  }
  return angles;
}

// ---------------------------------------------------------------- landscape

export interface Landscape {
  grid: number;
  entity: number;
  /** E per cell, row-major from the top row (y = 1) down; NaN where not computed yet. */
  values: Float32Array;
  rowsDone: number;
}

/** Centre of grid cell (ix, iy) in world coordinates (iy = 0 is the top row). */
export function cellCenter(grid: number, ix: number, iy: number): [number, number] {
  return [-1 + ((ix + 0.5) * 2) / grid, 1 - ((iy + 0.5) * 2) / grid];
}

/**
 * E over entity `entity`'s position on a grid x grid lattice, the rest of
 * `scene` held: a few rows per yield, written into `out.values`.
 */
export function* landscapeJob(
  model: EnergyModel,
  scene: Scene,
  attentionLogitValues: readonly number[],
  objective: StateObjective,
  out: Landscape,
  rowsPerChunk = 2,
): Generator<void, void, void> {
  const { grid, entity } = out;
  const n = scene.entities.length;
  const base = sceneToArray(scene);
  const a1 = Float32Array.from(attentionLogitValues);
  for (let r0 = 0; r0 < grid; r0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, grid - r0);
    const B = rows * grid;
    const xs = new Float32Array(B * n * ATTRIBUTES);
    const as = new Float32Array(B * n);
    for (let b = 0; b < B; b++) {
      xs.set(base, b * n * ATTRIBUTES);
      as.set(a1, b * n);
      const [cx, cy] = cellCenter(grid, b % grid, r0 + Math.floor(b / grid));
      xs[b * n * ATTRIBUTES + entity * ATTRIBUTES] = cx;
      xs[b * n * ATTRIBUTES + entity * ATTRIBUTES + 1] = cy;
    }
    const e = T.tidy(() =>
      objectiveEnergy(model, objective, T.tensor(xs, [B, n, ATTRIBUTES]), T.tensor(as, [B, n])),
    );
    out.values.set(T.read(e), r0 * grid);
    e.dispose();
    out.rowsDone = r0 + rows;
    yield;
  }
}
