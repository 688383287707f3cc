/**
 * Langevin descent on an energy, one routine for x, a and w.
 *
 * The exact update, for k = 1..K (every term elementwise):
 *
 *   g_k = clamp( dE/dz(z_{k-1}) + anchor (z_{k-1} - z_0), -gradClamp, +gradClamp )   sampler-gradient clamp
 *   g_k = g_k * min(1, gradClipNorm / ||g_k||)   per batch row, only if gradClipNorm is set
 *   z_k = z_{k-1} - (stepSize / 2) * m * g_k + noise * m * n_k,   n_k ~ N(0, I)
 *   z_k = min(max(z_k, lo), hi)                                   range clamp
 *
 * where dE/dz is the gradient of sum_b E_b (rows of a batch are independent),
 * m is the optional mask of elements allowed to change (1 everywhere by
 * default), and lo/hi are scalars or per-attribute vectors on the last axis.
 * `anchor` (0 unless set) adds a pull toward the start: the chain descends
 * E + (anchor / 2) ||(z - z_0) / h||^2, the same for every concept. `shrink` (0
 * unless set) is its L1 twin, E + shrink ||(z - z_0) / h||_1, taken as a proximal
 * step after the update:
 *   d = z_k - z_0;  z_k = z_0 + d - clamp(d, -t, t),  t = (stepSize / 2) shrink / h
 * so every element whose pull is weaker than `shrink / h` stays exactly at its start.
 * h is the half-width of the element's range, (hi - lo) / 2, when the range is
 * given per attribute, else 1: both pulls measure a change as a fraction of
 * what the attribute can span, so that a colour (range [0, 1], h = 1/2) and a
 * position (range [-1, 1], h = 1) are held alike: a colour's raw change
 * counts double (`pullUnit` 'raw' sets h = 1: the attributes' own units).
 * Where the range names the attributes (`groups`: an entity's position, its
 * colour), `shrink` pulls each attribute's change as one vector: its length
 * shrinks by t, d_G = d_G max(0, 1 - t / |d_G|), the group lasso's proximal
 * step, so a move is pulled alike in every direction (a per-coordinate pull
 * holds a diagonal move harder than one along an axis). `pullBy` 'coordinate'
 * pulls each coordinate alone.
 * `refit` (0 unless set) then runs that many more steps without either pull,
 * on the elements that moved (the pull chose what changes; the refit takes
 * away its bias on how far): the lasso's usual debiasing, the same for every
 * concept.
 * Step size, noise and K are separate knobs: noise = 0 gives plain gradient
 * descent; the step is not rescaled by the noise (unlike some EBM code that
 * ties noise = sqrt(step)).
 *
 * Differentiability: every step is built from engine ops, so when the caller
 * runs this inside a gradient computation the whole chain is on the tape and
 * the outer gradient flows through it (second order). `differentiableSteps`
 * truncates: only the last k steps stay differentiable (the chain state is
 * passed through a first-order stop before them).
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import type { NormalSource } from '../random/rng.js';
import { ENUMERATE_MAX_ENTITIES } from './mask-search.js';

export interface ChainSettings {
  /** K: number of steps. */
  steps: number;
  /** The step size; the update moves by (stepSize / 2) * gradient. */
  stepSize: number;
  /** Standard deviation of the Gaussian noise added at each step (0: none). */
  noise: number;
  /** Elementwise clamp of the sampler gradient dE/dz (the default: +-5). */
  gradClamp: number;
  /** Optional per-row L2 clip of the (clamped) gradient. */
  gradClipNorm?: number;
  /**
   * Generation (the x-chain) only: the weight of a pull toward the start, the
   * chain descending E + (anchor / 2) ||(x - x0) / h||^2 over the entities that
   * may change, h the half-width of each attribute's range (default 0, none;
   * not in the paper). Generic minimal change: what the energy does not care
   * about stays where it was.
   */
  anchor?: number;
  /**
   * Generation (the x-chain) only: an L1 pull toward the start, taken as a
   * proximal step: each step, every element's change from the start shrinks
   * by (stepSize / 2) * shrink / h toward 0, h the half-width of its
   * attribute's range (default 0, none; not in the paper). What the energy
   * pushes on less than `shrink / h` stays exactly where it was.
   */
  shrink?: number;
  /**
   * Generation (the x-chain) only: after the K steps, this many more without
   * `anchor` and `shrink`, moving only the elements that changed (default 0).
   * Not differentiable (the support is chosen).
   */
  refit?: number;
  /**
   * The unit in which `anchor` and `shrink` count a change (default 'range'):
   * 'range', in half-widths of each attribute's range (so a colour, range
   * [0, 1], is held as firmly as a position, range [-1, 1]); 'raw', in the
   * attributes' own units.
   */
  pullUnit?: PullUnit;
  /**
   * What `shrink` pulls as one (default 'attribute'): 'attribute', the change
   * of each attribute the range's `groups` name (a position, a colour) as a
   * vector, its length shrinking; 'coordinate', each coordinate alone.
   */
  pullBy?: PullBy;
  /**
   * Identification (the a-chain) only: run this many chains with independent
   * noise and keep, per scene, the answer whose thresholded mask has the
   * lowest energy (default 1). Not differentiable; training uses 1.
   */
  restarts?: number;
  /**
   * Identification only: after the chains, this many rounds of descent on the
   * energy of hard masks within Hamming distance 2 of the answer
   * (./mask-search.ts; default 0, none). Not in the paper.
   */
  polish?: number;
  /**
   * Identification only: in a scene of at most this many entities, score all
   * 2^N hard masks and answer the lowest-energy one, the energy's own minimum
   * over the answers; the chains and the polish do not decide there (default
   * 0, never). g's pair features are computed once per scene, so a mask costs
   * only its pooling and f (./mask-search.ts): about 0.1 s a scene at N = 12
   * on the shipped model. Not in the paper.
   */
  enumerate?: number;
}

export const PULL_UNITS = ['range', 'raw'] as const;
export type PullUnit = (typeof PULL_UNITS)[number];
export const PULL_BY = ['attribute', 'coordinate'] as const;
export type PullBy = (typeof PULL_BY)[number];

/** The generation chain's pull toward its start (x-chain only). */
export const PULL_KNOBS = ['anchor', 'shrink', 'refit'] as const;

/** The chain without its pull: for a chain over something other than the scene (the arm's joint angles). */
export function withoutPull(chain: ChainSettings): ChainSettings {
  const out = { ...chain };
  for (const key of PULL_KNOBS) delete out[key];
  return out;
}

/** The refit's support: elements that changed by more than this (float32 rounding aside, exactly the ones the pulls let go). */
export const MOVED = 1e-6;

export interface ChainRange {
  lo: number | readonly number[];
  hi: number | readonly number[];
  /**
   * Entries of the last axis that make one attribute (an entity's position,
   * its colour), each pulled as one vector by `shrink` (see `pullBy`); every
   * entry of a group must have the same range width. Entries in no group are
   * their own.
   */
  groups?: readonly (readonly number[])[];
}

/**
 * For each entry of the last axis, the entries of its attribute (its group,
 * or itself alone), under `pullBy`; validated against the range's widths.
 */
export function pullGroups(
  range: ChainRange | undefined,
  last: number,
  pullBy: PullBy = 'attribute',
  scales: ArrayLike<number> = new Float64Array(last).fill(1),
): number[][] {
  const of: number[][] = Array.from({ length: last }, (_, j) => [j]);
  if (pullBy === 'coordinate' || !range?.groups) return of;
  const seen = new Set<number>();
  for (const group of range.groups) {
    for (const j of group) {
      if (!Number.isInteger(j) || j < 0 || j >= last || seen.has(j))
        throw new Error(`langevin: range.groups: entry ${j} is outside 0..${last - 1} or repeated`);
      if (scales[j] !== scales[group[0]])
        throw new Error(`langevin: range.groups: entries ${group[0]} and ${j} differ in width`);
      seen.add(j);
      of[j] = [...group];
    }
  }
  return of;
}

export interface TrajectoryStep {
  /** The chain's state after this step (step 0 is the start), row-major. */
  values: Float32Array;
  /** E per batch row at that state. */
  energy: Float32Array;
}

export interface LangevinOptions {
  /** Where the noise comes from (an Rng, or per-row streams); required when settings.noise > 0. */
  rng?: NormalSource;
  /** 1 where z may change, 0 where it is held; broadcastable to z. */
  mask?: Tensor;
  /** Clamp range for z (none by default). */
  range?: ChainRange;
  /** Keep every step differentiable (training); otherwise each step is tidied and freed. */
  differentiable?: boolean;
  /** With `differentiable`: only the last k steps are differentiable. */
  differentiableSteps?: number;
  /** Record every state and its energy (costs a read per step). */
  record?: boolean;
  /** Where `settings.anchor` pulls toward (default: z0). */
  anchorAt?: Tensor;
}

export interface LangevinResult {
  z: Tensor;
  trajectory?: TrajectoryStep[];
}

/**
 * 1 / h per entry of the last axis, h = (hi - lo) / 2 the half-width of its
 * range: the pulls' unit. 1 where the range is a scalar pair or absent, or
 * with the 'raw' unit.
 */
export function pullScales(
  range: ChainRange | undefined,
  last: number,
  unit: PullUnit = 'range',
): Float64Array {
  const out = new Float64Array(last).fill(1);
  if (unit === 'raw' || !range) return out;
  if (typeof range.lo === 'number' && typeof range.hi === 'number') return out;
  for (let j = 0; j < last; j++) {
    const lo = typeof range.lo === 'number' ? range.lo : range.lo[j];
    const hi = typeof range.hi === 'number' ? range.hi : range.hi[j];
    if (!(hi > lo)) throw new Error(`langevin: range entry ${j} is empty ([${lo}, ${hi}])`);
    out[j] = 2 / (hi - lo);
  }
  return out;
}

function boundTensor(bound: number | readonly number[], last: number): Tensor | number {
  if (typeof bound === 'number') return bound;
  if (bound.length !== last) {
    throw new Error(`langevin: range has ${bound.length} entries, the last axis has ${last}`);
  }
  return T.tensor(bound as number[]);
}

/** Bounds on a chain's counts: beyond them a model file or a flag is a mistake, not a setting (a chain of 1e9 steps never ends). */
export const CHAIN_LIMITS = {
  steps: 10_000,
  restarts: 1_000,
  polish: 100,
  refit: 10_000,
  // 2^16 masks a scene: beyond it enumeration is a stall, not a search.
  enumerate: ENUMERATE_MAX_ENTITIES,
} as const;

export function validateChainSettings(s: ChainSettings, label = 'chain'): void {
  const bad = (what: string) => {
    throw new Error(`${label}: ${what}`);
  };
  if (typeof s !== 'object' || s === null)
    bad(`expected an object of chain knobs, got ${JSON.stringify(s)}`);
  if (!Number.isInteger(s.steps) || s.steps < 0)
    bad(`steps must be an integer >= 0, got ${s.steps}`);
  for (const key of ['steps', 'restarts', 'polish', 'refit', 'enumerate'] as const) {
    const v = s[key];
    if (typeof v === 'number' && v > CHAIN_LIMITS[key])
      bad(`${key} must be at most ${CHAIN_LIMITS[key]}, got ${v}`);
  }
  if (!(s.stepSize >= 0) || !Number.isFinite(s.stepSize))
    bad(`stepSize must be >= 0, got ${s.stepSize}`);
  if (!(s.noise >= 0) || !Number.isFinite(s.noise)) bad(`noise must be >= 0, got ${s.noise}`);
  if (!(s.gradClamp > 0)) bad(`gradClamp must be > 0 (Infinity for none), got ${s.gradClamp}`);
  if (s.gradClipNorm !== undefined && !(s.gradClipNorm > 0)) {
    bad(`gradClipNorm must be > 0, got ${s.gradClipNorm}`);
  }
  if (s.restarts !== undefined && (!Number.isInteger(s.restarts) || s.restarts < 1)) {
    bad(`restarts must be an integer >= 1, got ${s.restarts}`);
  }
  for (const key of ['anchor', 'shrink'] as const) {
    const v = s[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      bad(`${key} must be a finite number >= 0, got ${v}`);
  }
  if (s.pullBy !== undefined && !PULL_BY.includes(s.pullBy))
    bad(`pullBy must be one of ${PULL_BY.join(', ')}, got ${JSON.stringify(s.pullBy)}`);
  if (s.pullUnit !== undefined && !PULL_UNITS.includes(s.pullUnit))
    bad(`pullUnit must be one of ${PULL_UNITS.join(', ')}, got ${JSON.stringify(s.pullUnit)}`);
  if (s.refit !== undefined && (!Number.isInteger(s.refit) || s.refit < 0)) {
    bad(`refit must be an integer >= 0, got ${s.refit}`);
  }
  if (s.polish !== undefined && (!Number.isInteger(s.polish) || s.polish < 0)) {
    bad(`polish must be an integer >= 0, got ${s.polish}`);
  }
  if (s.enumerate !== undefined && (!Number.isInteger(s.enumerate) || s.enumerate < 0)) {
    bad(`enumerate must be an integer >= 0, got ${s.enumerate}`);
  }
}

/**
 * Run K Langevin steps from z0 on `energyFn` (which maps z to per-row energies [B]).
 * z0 is not disposed; the returned z is a new tensor owned by the caller.
 */
export function langevin(
  energyFn: (z: Tensor) => Tensor,
  z0: Tensor,
  settings: ChainSettings,
  options: LangevinOptions = {},
): LangevinResult {
  validateChainSettings(settings);
  const { range, differentiable = false, record = false, rng } = options;
  const refit = settings.refit ?? 0;
  if (refit > 0 && differentiable)
    throw new Error('langevin: refit is not differentiable (its support is chosen)');
  if (settings.noise > 0 && !rng) throw new Error('langevin: noise > 0 needs an rng');
  const K = settings.steps;
  const firstDiff = differentiable ? Math.max(0, K - (options.differentiableSteps ?? K)) : K;
  const last = z0.shape[z0.rank - 1];
  const lo = range ? boundTensor(range.lo, last) : null;
  const hi = range ? boundTensor(range.hi, last) : null;
  const gradFn = T.grad((v: Tensor) => T.sum(energyFn(v)));
  const trajectory: TrajectoryStep[] | undefined = record ? [] : undefined;

  const snapshot = (z: Tensor) => {
    if (!trajectory) return;
    const e = T.tidy(() => energyFn(T.stopGradient(z)));
    trajectory.push({ values: Float32Array.from(T.read(z)), energy: Float32Array.from(T.read(e)) });
    e.dispose();
  };

  const home = options.anchorAt ?? z0;
  // The pulls and the mask of the current phase: the chain, then the refit (no pulls, the moved elements).
  let anchor = settings.anchor ?? 0;
  let shrinkBy = ((settings.shrink ?? 0) * settings.stepSize) / 2;
  let mask = options.mask;
  // The pulls' unit per attribute (1 / half-width of its range): constants, off the tape.
  const scales = pullScales(range, last, settings.pullUnit);
  const uniform = scales.every((v) => v === 1);
  const perAttribute = (f: (v: number) => number): Tensor | number =>
    uniform ? f(1) : T.tensor(Array.from(scales, f));
  const anchorScale = perAttribute((v) => v * v);
  const shrinkScale = perAttribute((v) => v);
  // With attributes as groups: S [last, last], S_jk = 1 when k is in j's group, so that
  // sqrt(d^2 S) is, at each coordinate, the length of its attribute's change.
  const groupsOf = pullGroups(range, last, settings.pullBy, scales);
  const grouped = groupsOf.some((g) => g.length > 1);
  const sameGroup = grouped
    ? T.tensor(
        Array.from({ length: last * last }, (_, q) =>
          groupsOf[Math.floor(q / last)].includes(q % last) ? 1 : 0,
        ),
        [last, last],
      )
    : null;
  const step = (z: Tensor): Tensor => {
    let g = gradFn(z);
    if (anchor > 0) g = T.add(g, T.mul(T.mul(T.sub(z, home), anchor), anchorScale));
    if (Number.isFinite(settings.gradClamp))
      g = T.clipByValue(g, -settings.gradClamp, settings.gradClamp);
    if (settings.gradClipNorm !== undefined) {
      const axes = Array.from({ length: g.rank - 1 }, (_, i) => i + 1);
      const norm = T.sqrt(T.add(T.sum(T.square(g), axes, true), 1e-12));
      g = T.mul(g, T.minimum(1, T.div(settings.gradClipNorm, norm)));
    }
    let delta = T.mul(g, -settings.stepSize / 2);
    if (settings.noise > 0 && rng) {
      const n = T.tensor(rng.normals(z.size), z.shape);
      delta = T.add(delta, T.mul(n, settings.noise));
    }
    if (mask) delta = T.mul(delta, mask);
    let next = T.add(z, delta);
    if (shrinkBy > 0) {
      const d = T.sub(next, home);
      let pull: Tensor;
      if (sameGroup) {
        // The group lasso's step: each attribute's change keeps max(0, 1 - t / |d_G|) of itself.
        const t = typeof shrinkScale === 'number' ? shrinkBy : T.mul(shrinkScale, shrinkBy);
        const d2 = T.reshape(T.square(d), [-1, last]);
        const length = T.reshape(T.sqrt(T.add(T.matMul(d2, sameGroup), 1e-24)), d.shape);
        const kept = T.maximum(T.sub(1, T.div(t, length)), 0);
        pull = T.mul(d, T.sub(1, kept));
      } else if (typeof shrinkScale === 'number') pull = T.clipByValue(d, -shrinkBy, shrinkBy);
      else {
        const t = T.mul(shrinkScale, shrinkBy);
        pull = T.minimum(T.maximum(d, T.neg(t)), t);
      }
      next = T.sub(next, mask ? T.mul(pull, mask) : pull);
    }
    if (lo !== null && hi !== null) next = T.minimum(T.maximum(next, lo), hi);
    return next;
  };

  snapshot(z0);
  let z = z0;
  let support: Tensor | null = null;
  for (let k = 0; k < K + refit; k++) {
    if (k === K) {
      // The refit (never differentiable): no pulls, only the elements that moved.
      const moved = z;
      support = T.tidy(() => {
        const m = T.where(
          T.greater(T.abs(T.sub(moved, home)), MOVED),
          T.onesLike(moved),
          T.zerosLike(moved),
        );
        return options.mask ? T.mul(m, options.mask) : m;
      });
      [anchor, shrinkBy, mask] = [0, 0, support];
    }
    if (differentiable) {
      if (k === firstDiff && firstDiff > 0) z = T.stopGradient(z);
      z = step(z);
    } else {
      const prev = z;
      z = T.tidy(() => step(prev));
      if (prev !== z0) prev.dispose();
    }
    snapshot(z);
  }
  support?.dispose();
  if (z === z0) z = differentiable ? T.add(z0, 0) : T.tidy(() => T.add(z0, 0));
  // On a tape the bounds are inputs of recorded ops: the caller's scope frees them.
  if (!differentiable) {
    if (lo !== null && typeof lo !== 'number') lo.dispose();
    if (hi !== null && typeof hi !== 'number') hi.dispose();
    if (typeof anchorScale !== 'number') anchorScale.dispose();
    if (typeof shrinkScale !== 'number') shrinkScale.dispose();
    sameGroup?.dispose();
  }
  return { z, trajectory };
}
