/**
 * A training run is described by one JSON object with every knob; it is saved
 * in every checkpoint, so a run can be resumed and reproduced from it alone.
 */
import { FAMILY_NAMES, isFamilyName, type FamilyName } from '../concepts/family.js';
import { getFamily } from '../concepts/index.js';
import { DEFAULT_MODEL_CONFIG, validateModelConfig, type ModelConfig } from '../model/config.js';
import { validateChainSettings } from '../inference/langevin.js';
import { MASK_RANK_MAX_ENTITIES } from './mask-rank.js';
import {
  DEFAULT_INFERENCE,
  validateInferenceSettings,
  type InferenceSettings,
} from '../inference/settings.js';

export interface LossWeights {
  /** |x1_hat - x1|^2 summed over entities and attributes, mean over episodes. */
  generation: number;
  /** BCE(a_hat, a) mean over entities and episodes. */
  identification: number;
  /** lambda_KL: E_stop(theta) of the chains' own samples (x1_hat and a_hat). */
  kl: number;
  /** Optional maximum-likelihood term softplus(E(x1) - E(x1_hat)). */
  contrastive: number;
  /** Small L2 on the energies of positives and samples (with the contrastive term). */
  energyL2: number;
  /**
   * mean_b E(x1, a*, w): the energy of the true event under the true
   * attention, pressed toward 0 (docs/METHOD.md: E = 0 means "an instance of w").
   * Nothing else in the loss asks for it: identification judges the end of
   * the a-chain, generation the end of the x-chain.
   */
  positiveEnergy: number;
  /**
   * Divide each episode's generation error by (its start error |x0 - x1|^2 +
   * this floor), so that small precise moves (make-square) weigh as much as
   * long ones (move-far). 0: off, the plain squared error.
   */
  generationRelativeFloor: number;
  /**
   * -log p(right masks | x1, w) over the hard masks of an identification
   * episode, p proportional to exp(-E / maskRankTemperature): asks the energy
   * to rank the true set below every other set, not only below where one
   * a-chain ends (src/training/mask-rank.ts). 0: off, the method's loss.
   */
  maskRank: number;
  /** The temperature of the mask-ranking term's Boltzmann distribution (> 0). */
  maskRankTemperature: number;
  /**
   * How many masks the mask-ranking term ranks per episode: all 2^N while
   * that is at most this many (64: up to 6 entities), else a sample of this
   * many (right masks, their one-entity neighbours, uniform draws). An integer >= 2.
   */
  maskRankMasks: number;
  /**
   * When > 0, the generation side's contrastive negative is the x-chain's
   * sample carried on for this many more steps without a gradient, instead of
   * the short differentiable chain's own end. Why: at test time the x-chain
   * runs 40 steps, and there the energy's own minimum, not the short chain's
   * end, is what the checker sees; make-line's failures end lower in energy
   * than the true event. Measured: it did not help, and costs 3.5x a step
   * (docs/history/training-log.md). 0: off.
   */
  contrastiveSteps: number;
}

/** A count fixed, or drawn uniformly from [min, max] (inclusive). */
export type IntRange = number | readonly [number, number];

/**
 * The shift suite's axes of scene, as training data: each episode's colours
 * are jittered with probability `colours` (every channel of every colour the
 * concept does not name moved by up to `jitter`), and its geometry drawn from
 * one of its family's shift bands with probability `geometry`. Families with
 * no bands (red, the counts) keep their own geometry.
 */
export interface TrainingShift {
  colours: number;
  jitter: number;
  geometry: number;
}

export interface FamilyLossWeights {
  generation?: number;
  identification?: number;
}

export interface Truncation {
  /** Only the last k steps of each chain are differentiable (null: all). */
  wSteps: number | null;
  xSteps: number | null;
  aSteps: number | null;
  /** Stop the gradient at the inferred code (first order through the w-chain). */
  firstOrderW: boolean;
}

export interface TrainingConfig {
  seed: number;
  model: ModelConfig;
  inference: InferenceSettings;
  /** Family -> sampling weight (families with weight 0 are left out). */
  families: Partial<Record<FamilyName, number>>;
  /**
   * Scene size of training episodes: one number, or a range [min, max] drawn
   * per batch (a batch holds scenes of one size; families whose minimum is
   * above the drawn size sit that batch out).
   */
  entities: IntRange;
  /** Demonstrations per episode (M): one number, or a range [min, max] drawn per batch. */
  demos: IntRange;
  /** Scenes unlike the defaults, per episode (off by default): see `TrainingShift`. */
  shift: TrainingShift;
  batchSize: number;
  steps: number;
  learningRate: number;
  /**
   * Cosine decay of the learning rate from `learningRate` at step `start` to
   * `final` at the last step (`steps`); constant before `start`. null: constant.
   */
  learningRateDecay: { start: number; final: number } | null;
  adamBeta1: number;
  adamBeta2: number;
  /** Global L2 norm clip of the parameter gradient. */
  gradClipNorm: number;
  /** Scale of the initial weights. */
  initGain: number;
  loss: LossWeights;
  /**
   * Per family, multipliers of its episodes' generation and identification
   * terms (absent: 1). E.g. `{"make-square": {"identification": 0}}` trains a
   * make-square episode on its generation alone. Replaced whole, like families.
   */
  familyLoss: Partial<Record<FamilyName, FamilyLossWeights>>;
  /**
   * PCGrad between the loss's x side (generation) and a side (identification):
   * when their gradients conflict, each loses its component along the other
   * before they are added (training/surgery.ts). Costs a second backward pass.
   */
  gradientSurgery: boolean;
  truncation: Truncation;
  /** Save a checkpoint every this many steps. */
  checkpointEvery: number;
  /** Evaluate on fresh validation episodes every this many steps (0: never). */
  evalEvery: number;
  /** Validation episodes per family. */
  evalEpisodes: number;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  seed: 0,
  model: DEFAULT_MODEL_CONFIG,
  inference: DEFAULT_INFERENCE,
  families: Object.fromEntries(FAMILY_NAMES.map((f) => [f, 1])),
  entities: 6,
  demos: 3,
  shift: { colours: 0, jitter: 0.1, geometry: 0 },
  batchSize: 32,
  steps: 2000,
  learningRate: 1e-3,
  learningRateDecay: null,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  gradClipNorm: 1,
  initGain: 1,
  loss: {
    generation: 1,
    identification: 1,
    kl: 0,
    contrastive: 0,
    energyL2: 0,
    positiveEnergy: 0,
    generationRelativeFloor: 0,
    maskRank: 0,
    maskRankTemperature: 0.1,
    maskRankMasks: 64,
    contrastiveSteps: 0,
  },
  familyLoss: {},
  gradientSurgery: false,
  truncation: { wSteps: null, xSteps: null, aSteps: null, firstOrderW: false },
  checkpointEvery: 100,
  evalEvery: 250,
  evalEpisodes: 32,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merge a partial config over the defaults; unknown keys are errors (typos must not pass silently). */
function merge(base: unknown, patch: unknown, path: string, openKeys: boolean): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (!openKeys && !(k in base)) throw new Error(`${path}${k}: unknown setting`);
    out[k] = merge(base[k], v, `${path}${k}.`, false);
  }
  return out;
}

/** `patch` deep-merged over `base` (the defaults unless given), families replaced whole, then validated. */
export function resolveTrainingConfig(
  patch: unknown,
  source = 'config',
  base: TrainingConfig = DEFAULT_TRAINING,
): TrainingConfig {
  if (!isObject(patch)) throw new Error(`${source}: expected a JSON object`);
  let merged: TrainingConfig;
  try {
    const { families, familyLoss, ...rest } = patch;
    merged = merge(base, rest, '', false) as TrainingConfig;
    if (families !== undefined) {
      if (!isObject(families)) throw new Error('families: expected an object {name: weight}');
      merged.families = families as TrainingConfig['families'];
    }
    if (familyLoss !== undefined) {
      if (!isObject(familyLoss))
        throw new Error('familyLoss: expected an object {name: {generation?, identification?}}');
      merged.familyLoss = familyLoss as TrainingConfig['familyLoss'];
    }
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  return validateTrainingConfig(merged, source);
}

export function validateTrainingConfig(c: TrainingConfig, source = 'config'): TrainingConfig {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const posInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) fail(`${name}: expected a positive integer, got ${v}`);
  };
  const intRange = (v: IntRange, name: string) => {
    if (Array.isArray(v)) {
      if (v.length !== 2)
        fail(
          `${name}: expected a positive integer or a range [min, max], got ${JSON.stringify(v)}`,
        );
      posInt(v[0], `${name}[0]`);
      posInt(v[1], `${name}[1]`);
      if (v[0] > v[1]) fail(`${name}: range [${v[0]}, ${v[1]}] has min > max`);
    } else posInt(v as number, name);
  };
  const nonNeg = (v: number, name: string) => {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
      fail(`${name}: expected a number >= 0, got ${v}`);
  };
  try {
    validateModelConfig(c.model);
    validateInferenceSettings(c.inference);
    for (const k of ['w', 'x', 'a'] as const)
      validateChainSettings(c.inference[k], `inference.${k}`);
  } catch (e) {
    fail((e as Error).message);
  }
  if ((c.inference.a.restarts ?? 1) !== 1) {
    fail(
      'inference.a.restarts: training differentiates through one a-chain; restarts are a test-time knob (export --chain a.restarts=R)',
    );
  }
  if ((c.inference.a.polish ?? 0) !== 0) {
    fail(
      'inference.a.polish: training differentiates through the a-chain; the polish is a test-time knob (export --chain a.polish=R)',
    );
  }
  if ((c.inference.a.enumerate ?? 0) !== 0) {
    fail(
      'inference.a.enumerate: training differentiates through the a-chain; enumeration is a test-time knob (export --chain a.enumerate=N)',
    );
  }
  if (!Number.isInteger(c.seed)) fail(`seed: expected an integer, got ${c.seed}`);
  const names = Object.keys(c.families);
  if (names.length === 0) fail('families: at least one family is needed');
  for (const name of names) {
    if (!isFamilyName(name))
      fail(`families.${name}: unknown concept (known: ${FAMILY_NAMES.join(', ')})`);
    nonNeg(c.families[name as FamilyName]!, `families.${name}`);
  }
  if (!names.some((n) => (c.families[n as FamilyName] ?? 0) > 0))
    fail('families: every weight is 0');
  intRange(c.entities, 'entities');
  intRange(c.demos, 'demos');
  if (!isObject(c.shift)) fail('shift: expected an object {colours, jitter, geometry}');
  for (const k of ['colours', 'geometry'] as const) {
    nonNeg(c.shift[k], `shift.${k}`);
    if (c.shift[k] > 1) fail(`shift.${k}: a probability, expected <= 1, got ${c.shift[k]}`);
  }
  nonNeg(c.shift.jitter, 'shift.jitter');
  const smallest = Math.min(
    ...names
      .filter((n) => (c.families[n as FamilyName] ?? 0) > 0)
      .map((n) => getFamily(n as FamilyName).minEntities),
  );
  if (rangeOf(c.entities)[1] < smallest)
    fail(`entities: at most ${rangeOf(c.entities)[1]}, below every family's minimum (${smallest})`);
  posInt(c.batchSize, 'batchSize');
  if (!Number.isInteger(c.steps) || c.steps < 0)
    fail(`steps: expected an integer >= 0, got ${c.steps}`);
  nonNeg(c.learningRate, 'learningRate');
  if (c.learningRateDecay !== null) {
    const d = c.learningRateDecay;
    if (!isObject(d)) fail('learningRateDecay: expected null or {"start": step, "final": rate}');
    const extra = Object.keys(d).filter((k) => k !== 'start' && k !== 'final');
    if (extra.length > 0) fail(`learningRateDecay.${extra[0]}: unknown setting`);
    if (!Number.isInteger(d.start) || d.start < 0)
      fail(`learningRateDecay.start: expected an integer >= 0, got ${d.start}`);
    nonNeg(d.final, 'learningRateDecay.final');
  }
  nonNeg(c.adamBeta1, 'adamBeta1');
  nonNeg(c.adamBeta2, 'adamBeta2');
  if (c.adamBeta1 >= 1 || c.adamBeta2 >= 1) fail('adamBeta1 and adamBeta2 must be < 1');
  if (!(c.gradClipNorm > 0)) fail(`gradClipNorm: expected > 0, got ${c.gradClipNorm}`);
  nonNeg(c.initGain, 'initGain');
  if (typeof c.gradientSurgery !== 'boolean')
    fail(`gradientSurgery: expected true or false, got ${c.gradientSurgery}`);
  for (const k of Object.keys(c.loss) as (keyof LossWeights)[]) nonNeg(c.loss[k], `loss.${k}`);
  if (!Number.isInteger(c.loss.contrastiveSteps))
    fail(`loss.contrastiveSteps: expected an integer >= 0, got ${c.loss.contrastiveSteps}`);
  if (!(c.loss.maskRankTemperature > 0))
    fail(`loss.maskRankTemperature: expected > 0, got ${c.loss.maskRankTemperature}`);
  if (!Number.isInteger(c.loss.maskRankMasks) || c.loss.maskRankMasks < 2)
    fail(`loss.maskRankMasks: expected an integer >= 2, got ${c.loss.maskRankMasks}`);
  if (c.loss.maskRank > 0 && rangeOf(c.entities)[1] > MASK_RANK_MAX_ENTITIES)
    fail(
      `loss.maskRank: checks all 2^entities masks of an episode for the right ones; entities up to ${rangeOf(c.entities)[1]} > ${MASK_RANK_MAX_ENTITIES}`,
    );
  if (!isObject(c.familyLoss))
    fail('familyLoss: expected an object {name: {generation?, identification?}}');
  for (const [name, w] of Object.entries(c.familyLoss)) {
    if (!isFamilyName(name))
      fail(`familyLoss.${name}: unknown concept (known: ${FAMILY_NAMES.join(', ')})`);
    if (!isObject(w)) fail(`familyLoss.${name}: expected an object {generation?, identification?}`);
    for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
      if (k !== 'generation' && k !== 'identification')
        fail(`familyLoss.${name}.${k}: unknown setting (generation, identification)`);
      nonNeg(v as number, `familyLoss.${name}.${k}`);
    }
  }
  for (const k of ['wSteps', 'xSteps', 'aSteps'] as const) {
    const v = c.truncation[k];
    if (v !== null && (!Number.isInteger(v) || v < 0))
      fail(`truncation.${k}: expected null or an integer >= 0, got ${v}`);
  }
  posInt(c.checkpointEvery, 'checkpointEvery');
  if (!Number.isInteger(c.evalEvery) || c.evalEvery < 0)
    fail(`evalEvery: expected an integer >= 0, got ${c.evalEvery}`);
  posInt(c.evalEpisodes, 'evalEpisodes');
  return c;
}

/** [min, max] of a count or range. */
export function rangeOf(v: IntRange): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** The learning rate of the step that takes the state from `step` to `step + 1` steps done. */
export function learningRateAt(c: TrainingConfig, step: number): number {
  const d = c.learningRateDecay;
  if (d === null || step < d.start || c.steps <= d.start) return c.learningRate;
  const t = Math.min(1, (step - d.start) / (c.steps - d.start));
  return d.final + ((c.learningRate - d.final) * (1 + Math.cos(Math.PI * t))) / 2;
}

/** What a run's episodes are drawn from. */
export function trainingDistribution(c: TrainingConfig): {
  mixture: ReturnType<typeof familyMixture>;
  entities: IntRange;
  demos: IntRange;
  shift: TrainingShift;
} {
  return { mixture: familyMixture(c), entities: c.entities, demos: c.demos, shift: c.shift };
}

/** The families a run trains on, with their weights normalised to sum to 1. */
export function familyMixture(c: TrainingConfig): { names: FamilyName[]; weights: number[] } {
  const names = (Object.keys(c.families) as FamilyName[]).filter((n) => (c.families[n] ?? 0) > 0);
  const total = names.reduce((s, n) => s + (c.families[n] ?? 0), 0);
  return { names, weights: names.map((n) => (c.families[n] ?? 0) / total) };
}

/**
 * The loss terms of a saved run (a model file's `meta.training`) that are not
 * the paper's, in words; empty for the method's loss or an unreadable record.
 * Only the run's last stage is saved, so a lineage is described by its end.
 */
export function describeLossDepartures(training: unknown): string[] {
  if (!isObject(training) || !isObject(training.loss)) return [];
  const out: string[] = [];
  const rank = training.loss.maskRank;
  if (typeof rank === 'number' && rank > 0) {
    out.push(
      `trained with the mask-ranking term (loss.maskRank ${rank} in its last stage; not in the paper)`,
    );
  }
  const longer = training.loss.contrastiveSteps;
  if (
    typeof longer === 'number' &&
    longer > 0 &&
    typeof training.loss.contrastive === 'number' &&
    training.loss.contrastive > 0
  ) {
    out.push(
      `the contrastive negative carried ${longer} more x-chain steps (loss.contrastiveSteps in its last stage; not in the paper)`,
    );
  }
  return out;
}
