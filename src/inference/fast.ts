/**
 * Scene-level inference (generate, identify, inferConcept) on the
 * hand-written kernel of ../model/fast-energy.ts instead of the engine: the
 * same chains, update rule, masks, ranges and noise draws as ./infer.ts and
 * ./langevin.ts, so with the same seed the results agree up to float error
 * (the kernel runs g and f in float32 WebAssembly SIMD, or float64 loops where
 * SIMD does not apply; the engine in float32). About an order of magnitude
 * faster per step for one scene; first order only (test time).
 *
 * The update (./langevin.ts), per step k, on the flat state z of one event:
 *
 *   g = clamp(dE/dz + anchor (z - z0), -gradClamp, gradClamp); g *= min(1, gradClipNorm / ||g||) if set
 *   (then, with shrink, the change from z0 shrinks by (stepSize / 2) shrink / h toward 0, as in ./langevin.ts;
 *   h the half-width of the element's range, the pulls' unit)
 *   z = clamp(z - (stepSize / 2) m g + noise m n,  lo, hi),   n = rng.normals(z.length)
 *
 * Noise is drawn once per step with `rng.normals(size)` after the gradient,
 * exactly as the engine path does, so the two consume the stream identically.
 */
import type { EnergyModel } from '../model/model.js';
import {
  FastEnergy,
  type FastEnergyOptions,
  type FastChainEnergy,
  type FastGradientTargets,
} from '../model/fast-energy.js';
import type { NormalSource, Rng } from '../random/rng.js';
import { arrayToScene, sceneToArray } from '../world/scene.js';
import { ATTRIBUTES, type Event, type Scene } from '../world/types.js';
import {
  movableMask,
  type ConceptResult,
  type GenerateResult,
  type IdentifyResult,
} from './infer.js';
import {
  MOVED,
  pullGroups,
  pullScales,
  validateChainSettings,
  type ChainRange,
  type ChainSettings,
  type TrajectoryStep,
} from './langevin.js';
import { enumerates, hardLogits, lowestLogits, maskOf, polishMasks } from './mask-search.js';
import { STATE_RANGE, type InferenceSettings } from './settings.js';
import { composeSettings, type ComposeOp, type ComposeOptions } from './compose.js';

/** A fast kernel holding a copy of the model's current parameters. */
export function fastEnergyOf(model: EnergyModel, options: FastEnergyOptions = {}): FastEnergy {
  return new FastEnergy(model.config, model.values(), options);
}

/** The energy a chain descends, as a function of its flat state z: E(z), and E(z) with dE/dz into `grad`. */
export type FastObjective = FastChainEnergy;

export interface FastChainOptions {
  /** Required when settings.noise > 0. */
  rng?: NormalSource;
  /** 1 where z may change, 0 where it is held: one entry per element of z. */
  mask?: ArrayLike<number>;
  /** Clamp range: scalars, or one bound per entry of the last axis (of size `last`). */
  range?: ChainRange;
  /** Size of the last axis of z, for per-entry bounds (default: z.length). */
  last?: number;
  /** Record every state and its energy. */
  record?: boolean;
  /** Where `settings.anchor` pulls toward (default: z0); a chain run one step at a time passes its start. */
  anchorAt?: Float32Array;
}

export interface FastChainResult {
  z: Float32Array;
  trajectory?: TrajectoryStep[];
}

function bounds(bound: number | readonly number[], last: number): Float64Array {
  if (typeof bound === 'number') return Float64Array.of(bound);
  if (bound.length !== last) {
    throw new Error(`fastLangevin: range has ${bound.length} entries, the last axis has ${last}`);
  }
  return Float64Array.from(bound);
}

/**
 * K Langevin steps from z0 (one event, i.e. one batch row) on `objective`.
 * z0 is not modified; the result is a new array. With `record`, trajectory[k]
 * holds the state after step k (0: the start) and its energy; the energies
 * come from the gradient evaluations, plus one energy evaluation at the end.
 */
export function fastLangevin(
  objective: FastObjective,
  z0: Float32Array,
  settings: ChainSettings,
  options: FastChainOptions = {},
): FastChainResult {
  validateChainSettings(settings);
  const { rng, range, record = false } = options;
  const mask0 = options.mask;
  if (settings.noise > 0 && !rng) throw new Error('fastLangevin: noise > 0 needs an rng');
  const size = z0.length;
  if (mask0 && mask0.length !== size)
    throw new Error(`fastLangevin: mask has ${mask0.length} entries, z has ${size}`);
  const last = options.last ?? size;
  const lo = range ? bounds(range.lo, last) : null;
  const hi = range ? bounds(range.hi, last) : null;
  const loStride = lo && lo.length > 1 ? last : 0;
  const hiStride = hi && hi.length > 1 ? last : 0;

  const z = Float32Array.from(z0);
  const g = new Float32Array(size);
  const half = settings.stepSize / 2;
  const { noise, gradClamp, gradClipNorm } = settings;
  // The pulls and the mask of the current phase: the chain, then the refit (no pulls, the moved elements).
  let anchor = settings.anchor ?? 0;
  let shrinkBy = ((settings.shrink ?? 0) * settings.stepSize) / 2;
  let mask: ArrayLike<number> | undefined = options.mask;
  const home = options.anchorAt ?? z0;
  if (home.length !== size)
    throw new Error(`fastLangevin: anchorAt has ${home.length} entries, z has ${size}`);
  // The pulls' unit per attribute (./langevin.ts): 1 / the half-width of its range.
  const scales = pullScales(range, last, settings.pullUnit);
  // With attributes as groups, shrink pulls each attribute's change as one vector (./langevin.ts).
  const groupsOf = pullGroups(range, last, settings.pullBy, scales);
  const grouped = groupsOf.some((gr) => gr.length > 1);
  const next = grouped ? new Float64Array(size) : null;
  // Each attribute once (its members share one list), so a row's change is measured once per attribute.
  const attributes = [...new Map(groupsOf.map((gr) => [gr[0], gr])).values()];
  const clampAt = (v: number, col: number): number =>
    lo && hi ? Math.min(Math.max(v, lo[loStride ? col : 0]), hi[hiStride ? col : 0]) : v;
  const clampGrad = Number.isFinite(gradClamp);
  const trajectory: TrajectoryStep[] | undefined = record ? [] : undefined;
  const push = () =>
    trajectory?.push({ values: Float32Array.from(z), energy: new Float32Array(1) });

  const refit = settings.refit ?? 0;
  const total = settings.steps + refit;
  push();
  for (let k = 0; k < total; k++) {
    if (k === settings.steps) [anchor, shrinkBy, mask] = [0, 0, refitSupport(z, home, mask0)];
    const e = objective.gradient(z, g);
    if (trajectory) trajectory[k].energy[0] = e;
    if (anchor > 0) {
      for (let q = 0; q < size; q++) {
        const c = scales[q % last];
        g[q] += anchor * c * c * (z[q] - home[q]);
      }
    }
    if (clampGrad) {
      for (let q = 0; q < size; q++) g[q] = Math.min(gradClamp, Math.max(-gradClamp, g[q]));
    }
    let scale = 1;
    if (gradClipNorm !== undefined) {
      let ss = 0;
      for (let q = 0; q < size; q++) ss += g[q] * g[q];
      scale = Math.min(1, gradClipNorm / Math.sqrt(ss + 1e-12));
    }
    const n = noise > 0 && rng ? rng.normals(size) : null;
    for (let q = 0; q < size; q++) {
      let delta = -half * (g[q] * scale);
      if (n) delta += noise * n[q];
      if (mask) delta *= mask[q];
      let v = z[q] + delta;
      if (next && shrinkBy > 0) {
        next[q] = v; // pulled and clamped below, once its attribute's whole change is known
        continue;
      }
      if (shrinkBy > 0) {
        const d = v - home[q];
        const t = shrinkBy * scales[q % last];
        v -= Math.min(t, Math.max(-t, d)) * (mask ? mask[q] : 1);
      }
      z[q] = clampAt(v, q % last);
    }
    if (next && shrinkBy > 0) {
      for (let base = 0; base < size; base += last) {
        for (const group of attributes) {
          let length2 = 1e-24;
          for (const j of group) length2 += (next[base + j] - home[base + j]) ** 2;
          const kept = Math.max(1 - (shrinkBy * scales[group[0]]) / Math.sqrt(length2), 0);
          for (const j of group) {
            const q = base + j;
            z[q] = clampAt(next[q] - (1 - kept) * (next[q] - home[q]) * (mask ? mask[q] : 1), j);
          }
        }
      }
    }
    push();
  }
  if (trajectory) trajectory[total].energy[0] = objective.energy(z);
  return { z, trajectory };
}

/** The refit's mask: 1 (or the chain's mask) where z moved from `home` by more than MOVED, else 0. */
export function refitSupport(
  z: ArrayLike<number>,
  home: ArrayLike<number>,
  mask?: ArrayLike<number>,
): Float32Array {
  return Float32Array.from({ length: z.length }, (_, q) =>
    Math.abs(z[q] - home[q]) > MOVED ? (mask ? mask[q] : 1) : 0,
  );
}

/** 0/1 attention -> logits +-L. */
function logits(attention: readonly number[], logit: number): Float32Array {
  return Float32Array.from(attention, (v) => (v >= 0.5 ? logit : -logit));
}

/** The flat 0/1 mask over x [N*D] of the entities allowed to change. */
export function stateMask(movable: readonly number[]): Float32Array {
  const n = movable.length;
  const mask = new Float32Array(n * ATTRIBUTES);
  for (let i = 0; i < n; i++)
    mask.fill(movable[i] >= 0.5 ? 1 : 0, i * ATTRIBUTES, (i + 1) * ATTRIBUTES);
  return mask;
}

/**
 * E(x) = E(x, a, code) for an x-chain from `before` (attention as logits +-L).
 * Held entities' pair features are cached unless the chain's per-row norm
 * clip needs their gradients too (they enter the norm before the mask).
 */
export function fastStateObjective(
  fe: FastEnergy,
  before: Scene,
  attention: readonly number[],
  code: Float32Array,
  movable: readonly number[],
  attentionLogit: number,
  chain: ChainSettings,
): FastObjective {
  const n = before.entities.length;
  const a = logits(attention, attentionLogit);
  const x0 = sceneToArray(before);
  if (chain.gradClipNorm === undefined) return fe.xChain(x0, n, a, code, movable);
  const targets: FastGradientTargets = {};
  return {
    gradient: (z, grad) => {
      targets.dx = grad;
      return fe.gradients(z, n, a, code, targets);
    },
    energy: (z) => fe.energy(z, n, a, code),
  };
}

/** E(a) = E(x, a, code) for an a-chain over the logits of one scene. */
export function fastAttentionObjective(
  fe: FastEnergy,
  scene: Scene,
  code: Float32Array,
): FastObjective {
  return fe.aChain(sceneToArray(scene), scene.entities.length, code);
}

/**
 * Two objectives over the same state combined as in ./compose.ts:
 * AND Ea + Eb; OR the softmin -T log(exp(-Ea/T) + exp(-Eb/T)), whose gradient
 * is the softmax-weighted mix of the two; NOT Ea - lambda Eb.
 */
export function composeObjectives(
  op: ComposeOp,
  A: FastObjective,
  B: FastObjective,
  size: number,
  options: ComposeOptions = {},
): FastObjective {
  const { temperature: t, notWeight } = composeSettings(op, options);
  const gb = new Float32Array(size);
  const combine = (ea: number, eb: number) =>
    op === 'and' ? ea + eb : op === 'not' ? ea - notWeight * eb : eb - t * softplus((eb - ea) / t);
  return {
    energy: (z) => combine(A.energy(z), B.energy(z)),
    gradient: (z, grad) => {
      const ea = A.gradient(z, grad);
      const eb = B.gradient(z, gb);
      // Weights of dEa and dEb in d(combined).
      const [wa, wb] =
        op === 'and'
          ? [1, 1]
          : op === 'not'
            ? [1, -notWeight]
            : [sigmoid((eb - ea) / t), sigmoid((ea - eb) / t)];
      for (let q = 0; q < size; q++) grad[q] = wa * grad[q] + wb * gb[q];
      return combine(ea, eb);
    },
  };
}

const softplus = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));

/** Generation on the fast kernel: as `generate` in ./infer.ts. */
export function fastGenerate(
  fe: FastEnergy,
  before: Scene,
  attention: readonly number[],
  code: Float32Array,
  settings: InferenceSettings,
  rng: Rng,
  options: { movable?: readonly number[]; record?: boolean; chain?: ChainSettings } = {},
): GenerateResult {
  const n = before.entities.length;
  if (attention.length !== n)
    throw new Error(`generate: attention has ${attention.length} entries for ${n} entities`);
  const movable = movableMask(before, attention, options.movable);
  const chain = options.chain ?? settings.x;
  const objective = fastStateObjective(
    fe,
    before,
    attention,
    code,
    movable,
    settings.attentionLogit,
    chain,
  );
  return stateChain(objective, before, movable, chain, rng, options.record);
}

/**
 * Composed generation on the fast kernel: as `generateComposed` in
 * ./compose.ts, the x-chain on the two codes' energies combined by `op`.
 */
export function fastGenerateComposed(
  fe: FastEnergy,
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
  const movable = movableMask(before, attention, options.movable);
  const objective = (code: Float32Array) =>
    fastStateObjective(fe, before, attention, code, movable, attentionLogit, chain);
  const combined = composeObjectives(
    op,
    objective(codes[0]),
    objective(codes[1]),
    n * ATTRIBUTES,
    options,
  );
  return stateChain(combined, before, movable, chain, rng, options.record);
}

/** The x-chain from `before` on `objective`, the held entities masked, as a generation result. */
function stateChain(
  objective: FastObjective,
  before: Scene,
  movable: readonly number[],
  chain: ChainSettings,
  rng: Rng,
  record?: boolean,
): GenerateResult {
  const n = before.entities.length;
  const { z, trajectory } = fastLangevin(objective, sceneToArray(before), chain, {
    rng,
    mask: stateMask(movable),
    range: STATE_RANGE,
    last: ATTRIBUTES,
    record,
  });
  return {
    after: arrayToScene(z, n),
    trajectory: trajectory && {
      scenes: trajectory.map((t) => arrayToScene(t.values, n)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Identification's a-chains on the fast kernel, as identifyBatch runs them:
 * `chain.restarts` chains from a = 0 continue the noise stream `rng`, and the
 * answer is the chain whose thresholded mask (logits +-attentionLogit) has the
 * lowest energy, the first on a tie. `first`, when given, is chain 0 already
 * run (the playground animates it): its final logits, and it is not run again.
 * With `chain.polish` > 0 the answer is then polished (./mask-search.ts);
 * `polished` counts the rounds in which its mask moved. In a scene of at most
 * `chain.enumerate` entities the answer is instead the lowest-energy of all
 * 2^n masks (`enumerated`); the chains run there only for a trace (`record`
 * or `first`: the playground shows chain 0).
 */
export function fastAttentionRestarts(
  objective: FastObjective,
  n: number,
  chain: ChainSettings,
  range: number,
  attentionLogit: number,
  rng: Rng,
  options: { record?: boolean; first?: Float32Array } = {},
): FastChainResult & { chosen: number; polished: number; enumerated: boolean } {
  const restarts = chain.restarts ?? 1;
  const polish = chain.polish ?? 0;
  const run = () =>
    fastLangevin(objective, new Float32Array(n), chain, {
      rng,
      range: { lo: -range, hi: range },
      record: options.record,
    });
  if (enumerates(chain, n)) {
    const traced = options.first ? { z: options.first } : options.record ? run() : {};
    const z = lowestLogits(n, attentionLogit, (a) => objective.energy(a));
    return { ...traced, z, chosen: 0, polished: 0, enumerated: true };
  }
  const maskEnergy = (z: ArrayLike<number>) =>
    restarts === 1 && polish === 0 ? 0 : objective.energy(hardLogits(z, attentionLogit));
  const first: FastChainResult = options.first ? { z: options.first } : run();
  let best = { ...first, chosen: 0, polished: 0, enumerated: false };
  let bestEnergy = maskEnergy(first.z);
  for (let r = 1; r < restarts; r++) {
    const next = run();
    const e = maskEnergy(next.z);
    if (e < bestEnergy)
      [best, bestEnergy] = [{ ...next, chosen: r, polished: 0, enumerated: false }, e];
  }
  if (polish > 0) {
    const polished = polishMasks([maskOf(best.z)], [bestEnergy], polish, (_, masks) =>
      masks.map(maskEnergy),
    );
    if (polished.moves[0] > 0)
      best = {
        ...best,
        z: hardLogits(polished.masks[0], attentionLogit),
        polished: polished.moves[0],
      };
  }
  return best;
}

/** Identification on the fast kernel: as `identify` in ./infer.ts. */
export function fastIdentify(
  fe: FastEnergy,
  scene: Scene,
  code: Float32Array,
  settings: InferenceSettings,
  rng: Rng,
  options: { record?: boolean; chain?: ChainSettings } = {},
): IdentifyResult {
  const objective = fastAttentionObjective(fe, scene, code);
  const { z, trajectory } = fastAttentionRestarts(
    objective,
    scene.entities.length,
    options.chain ?? settings.a,
    settings.attentionRange,
    settings.attentionLogit,
    rng,
    { record: options.record },
  );
  const probabilities = Array.from(z, sigmoid);
  return {
    probabilities,
    mask: probabilities.map((p) => (p > 0.5 ? 1 : 0)),
    trajectory: trajectory && {
      probabilities: trajectory.map((t) => Array.from(t.values, sigmoid)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}

/** E(w) = the mean energy of the demos' final states under their attention (demos may differ in size). */
export function fastConceptObjective(
  fe: FastEnergy,
  demos: readonly Event[],
  attentionLogit: number,
): FastObjective {
  if (demos.length === 0) throw new Error('inferConcept: at least one demonstration is needed');
  const M = demos.length;
  const xs = demos.map((d) => sceneToArray(d.after));
  const ns = demos.map((d) => d.after.entities.length);
  const as = demos.map((d) => logits(d.attention, attentionLogit));
  const DW = fe.config.codeSize;
  const one = new Float32Array(DW);
  const sum = new Float64Array(DW);
  const targets: FastGradientTargets = { dw: one };
  return {
    gradient: (z, grad) => {
      sum.fill(0);
      let e = 0;
      for (let m = 0; m < M; m++) {
        e += fe.gradients(xs[m], ns[m], as[m], z, targets);
        for (let k = 0; k < DW; k++) sum[k] += one[k];
      }
      for (let k = 0; k < DW; k++) grad[k] = sum[k] / M;
      return e / M;
    },
    energy: (z) => {
      let e = 0;
      for (let m = 0; m < M; m++) e += fe.energy(xs[m], ns[m], as[m], z);
      return e / M;
    },
  };
}

/**
 * Concept inference on the fast kernel: as `inferConcept` in ./infer.ts (w
 * from 0, descending the mean energy of the demos' final states). Demos may
 * differ in entity count here (the engine path needs one size).
 */
export function fastInferConcept(
  fe: FastEnergy,
  demos: readonly Event[],
  settings: InferenceSettings,
  rng: Rng,
  options: { record?: boolean } = {},
): ConceptResult {
  const objective = fastConceptObjective(fe, demos, settings.attentionLogit);
  const DW = fe.config.codeSize;
  const { z, trajectory } = fastLangevin(objective, new Float32Array(DW), settings.w, {
    rng,
    record: options.record,
  });
  return { code: z, trajectory };
}
