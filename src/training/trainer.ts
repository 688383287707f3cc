/**
 * The training loop. The math (one step) is a function of (config, state,
 * step index): the batch and the chains' noise come from streams keyed by
 * (seed, step), so a run resumed from a checkpoint takes exactly the steps an
 * uninterrupted run would. Side effects (files, clock, logging) are passed in.
 */
import * as T from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import type { ParamValues } from '../model/params.js';
import { initParams, paramSpecs } from '../model/params.js';
import { MAX_WEIGHT, type ModelData } from '../model/serialize.js';
import { rngFor } from '../random/rng.js';
import { adamInit, adamStep, type AdamState } from './adam.js';
import { sampleBatch } from './batch.js';
import { learningRateAt, trainingDistribution, type TrainingConfig } from './config.js';
import {
  batchTensors,
  chainNoise,
  disposeBatchTensors,
  emptyParts,
  finalizeFamilies,
  trainingLoss,
  type LossParts,
  type LossSide,
} from './loss.js';
import { projectConflicting } from './surgery.js';

export interface TrainState {
  /** Steps completed. */
  step: number;
  values: ParamValues;
  adam: AdamState;
  /**
   * Best mean validation score so far (the strict judge's), and the step it
   * was reached at. A checkpoint whose best was judged otherwise (no `judge`)
   * loads with none, so the next validation sets it afresh.
   */
  best: { score: number; step: number; judge: 'strict' } | null;
}

export interface StepRecord extends LossParts {
  step: number;
  /** With gradient surgery: cos(x side's gradient, a side's gradient) before it. */
  sideCosine?: number;
  gradNorm: number;
  learningRate: number;
  seconds: number;
}

export interface EvalRecord {
  step: number;
  /** Mean and per-family scores by the strict judge (the concept and minimal change). */
  mean: number;
  families: Record<string, number>;
  /** The same by the lenient judge (what each concept names), to watch beside them. */
  lenientMean: number;
}

export function initialState(config: TrainingConfig): TrainState {
  const values = initParams(config.model, rngFor(config.seed, 'init'), config.initGain);
  return { step: 0, values, adam: adamInit(values), best: null };
}

function finite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function cloneValues(v: ParamValues): ParamValues {
  const out: ParamValues = {};
  for (const [k, arr] of Object.entries(v)) out[k] = Float32Array.from(arr);
  return out;
}

export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

/** The step would leave a model no file may hold (weights beyond MAX_WEIGHT): the state stays as it was. */
export class DeadModelError extends Error {
  override name = 'DeadModelError';
}

/** Energies beyond this, in a step's positives or samples, mean the model is dead (a healthy run stays within 1e3). */
export const DEAD_ENERGY = 1e6;
/** This many steps in a row with a zero gradient mean the model has stopped learning. */
export const DEAD_GRADIENT_STEPS = 20;

/**
 * Why the run is dead after `record`, or null. `zeroSteps` counts the steps
 * in a row so far whose gradient was zero (this one included).
 */
export function deadModel(record: StepRecord, zeroSteps: number): string | null {
  for (const [name, v] of [
    ['positives', record.energyPositive],
    ['samples', record.energySample],
  ] as const) {
    if (Math.abs(v) > DEAD_ENERGY)
      return `step ${record.step}: the energy of the ${name} is ${v.toExponential(2)}, beyond ${DEAD_ENERGY.toExponential(0)}`;
  }
  if (zeroSteps >= DEAD_GRADIENT_STEPS)
    return `step ${record.step}: the gradient has been zero for ${zeroSteps} steps`;
  return null;
}

/**
 * A shard's (or a batch's) gradient: whole, or, when the config asks for
 * gradient surgery, its x side and a side apart (never both: the step uses
 * one or the other, and the sides are what workers send and sum).
 */
export type ShardGradients = { parts: LossParts; loss: number } & (
  | { grads: ParamValues; sides?: undefined }
  | { grads?: undefined; sides: { x: ParamValues; a: ParamValues } }
);

/**
 * The gradient of `side` of the loss of episodes `indices` of batch `step`,
 * at the parameters the model holds: the shard's share of the batch loss (its
 * rows' sum over the batch size), so shards' gradients add up to the batch's.
 */
export function lossGradients(
  model: EnergyModel,
  config: TrainingConfig,
  step: number,
  indices: readonly number[],
  side: LossSide = 'both',
): { grads: ParamValues; parts: LossParts; loss: number } {
  const batch = sampleBatch(trainingDistribution(config), indices, config.seed, step);
  const t = batchTensors(batch, config.inference.attentionLogit);
  const parts = emptyParts();
  const noise = chainNoise(batch, config.seed, step);
  const { value, grads } = model.valueAndGrads(() =>
    trainingLoss({ model, batch, t, config, noise, parts, batchTotal: config.batchSize, side }),
  );
  const gradValues: ParamValues = {};
  for (const spec of paramSpecs(config.model))
    gradValues[spec.name] = Float32Array.from(T.read(grads[spec.name]));
  const loss = T.readScalar(value);
  T.dispose([value, ...Object.values(grads)]);
  disposeBatchTensors(t);
  return { grads: gradValues, parts, loss };
}

/** What a training step needs from a shard: the whole gradient, or its two sides for gradient surgery. */
export function shardGradients(
  model: EnergyModel,
  config: TrainingConfig,
  step: number,
  indices: readonly number[],
): ShardGradients {
  if (!config.gradientSurgery) return lossGradients(model, config, step, indices);
  // The same episodes and chain noise on both sides: the two are the whole loss, split.
  const x = lossGradients(model, config, step, indices, 'x');
  const a = lossGradients(model, config, step, indices, 'a');
  const parts = x.parts;
  parts.total += a.parts.total;
  parts.identification = a.parts.identification;
  parts.kl += a.parts.kl;
  parts.contrastive += a.parts.contrastive;
  parts.maskRank = a.parts.maskRank;
  for (const [f, e] of Object.entries(a.parts.families))
    parts.families[f].identification = e.identification;
  return { parts, loss: x.loss + a.loss, sides: { x: x.grads, a: a.grads } };
}

/** Where a step's gradient is computed: in this thread, or split over worker threads. */
export interface GradientSource {
  /** The whole batch's gradient for step `step` at parameters `values`. */
  compute(step: number, values: ParamValues): Promise<ShardGradients>;
  dispose(): Promise<void>;
}

/** The in-thread source: one model, the whole batch at once. */
export function localGradients(config: TrainingConfig, initial: ParamValues): GradientSource {
  const model = new EnergyModel(config.model, initial);
  const all = Array.from({ length: config.batchSize }, (_, i) => i);
  return {
    async compute(step, values) {
      model.assign(values);
      return shardGradients(model, config, step, all);
    },
    async dispose() {
      model.dispose();
    },
  };
}

/**
 * One optimisation step on `state`. Throws NonFiniteError, leaving the state
 * untouched, when the loss, a gradient or the updated parameters are NaN or
 * infinite.
 */
export async function trainStep(
  source: GradientSource,
  config: TrainingConfig,
  state: TrainState,
  now: () => number,
): Promise<StepRecord> {
  const started = now();
  const computed = await source.compute(state.step, state.values);
  const { parts, loss } = computed;
  finalizeFamilies(parts);
  const surgery = computed.sides ? projectConflicting(computed.sides.x, computed.sides.a) : null;
  const grads = surgery ? surgery.grads : computed.grads!;
  if (!Number.isFinite(loss))
    throw new NonFiniteError(`step ${state.step + 1}: the loss is not finite (${loss})`);
  const bad = Object.entries(grads).find(([, g]) => !finite(g));
  if (bad)
    throw new NonFiniteError(
      `step ${state.step + 1}: the gradient of ${bad[0]} is not finite (the loss was ${loss})`,
    );
  // Step on copies: a step that would make the parameters non-finite leaves the state as it was.
  const values = cloneValues(state.values);
  const adam = { t: state.adam.t, m: cloneValues(state.adam.m), v: cloneValues(state.adam.v) };
  const learningRate = learningRateAt(config, state.step);
  const gradNorm = adamStep(values, grads, adam, {
    learningRate,
    beta1: config.adamBeta1,
    beta2: config.adamBeta2,
    clipNorm: config.gradClipNorm,
  });
  if (!Object.values(values).every(finite)) {
    throw new NonFiniteError(`step ${state.step + 1}: parameters became non-finite`);
  }
  const wild = Object.entries(values).find(([, v]) => v.some((x) => Math.abs(x) > MAX_WEIGHT));
  if (wild)
    throw new DeadModelError(
      `step ${state.step + 1}: the parameters of ${wild[0]} left +-${MAX_WEIGHT.toExponential(0)}`,
    );
  state.values = values;
  state.adam = adam;
  state.step += 1;
  return {
    ...parts,
    step: state.step,
    gradNorm,
    learningRate,
    seconds: (now() - started) / 1000,
    ...(surgery ? { sideCosine: surgery.cosine } : {}),
  };
}

/**
 * Scores a model on fresh validation episodes at `step`. The evaluation layer
 * provides it (src/evaluation/validation.ts); training only records it.
 */
export type Validator = (model: EnergyModel, config: TrainingConfig, step: number) => EvalRecord;

/** A checkpoint: the model file plus the optimiser state and run metadata. */
export function checkpointData(
  config: TrainingConfig,
  state: TrainState,
  metrics: Record<string, unknown>,
): ModelData {
  const extra: ModelData['extra'] = {};
  for (const spec of paramSpecs(config.model)) {
    extra[`adam.m/${spec.name}`] = { shape: spec.shape, values: state.adam.m[spec.name] };
    extra[`adam.v/${spec.name}`] = { shape: spec.shape, values: state.adam.v[spec.name] };
  }
  return {
    config: config.model,
    values: state.values,
    inference: config.inference,
    meta: {
      seed: config.seed,
      step: state.step,
      adamT: state.adam.t,
      best: state.best,
      training: config,
      metrics,
    },
    extra,
  };
}

export function stateFromCheckpoint(config: TrainingConfig, data: ModelData): TrainState {
  const m: ParamValues = {};
  const v: ParamValues = {};
  for (const spec of paramSpecs(config.model)) {
    const mm = data.extra?.[`adam.m/${spec.name}`];
    const vv = data.extra?.[`adam.v/${spec.name}`];
    if (!mm || !vv) throw new Error(`checkpoint: optimizer state for "${spec.name}" is missing`);
    m[spec.name] = Float32Array.from(mm.values);
    v[spec.name] = Float32Array.from(vv.values);
  }
  const meta = data.meta as { step?: number; adamT?: number; best?: TrainState['best'] };
  if (!Number.isInteger(meta.step)) throw new Error('checkpoint: no training step recorded');
  const values = cloneValues(data.values);
  const best = meta.best?.judge === 'strict' ? meta.best : null;
  return { step: meta.step!, values, adam: { t: meta.adamT ?? meta.step!, m, v }, best };
}

/**
 * A state from an exported model (`concept-ebm export`), which keeps the
 * parameters and the step but not the optimiser: Adam's moments start at
 * zero, so its first steps are bias-corrected sign-like steps of size ~lr.
 */
export function stateFromExport(data: ModelData): TrainState {
  const meta = data.meta as { step?: number };
  const step = Number.isInteger(meta.step) ? meta.step! : 0;
  const values = cloneValues(data.values);
  return { step, values, adam: adamInit(values), best: null };
}

/** Whether a model file carries the optimiser state a checkpoint has. */
export function hasOptimizerState(data: ModelData): boolean {
  return Object.keys(data.extra ?? {}).some((k) => k.startsWith('adam.'));
}

export function modelFromState(config: TrainingConfig, state: TrainState): EnergyModel {
  return new EnergyModel(config.model, state.values);
}
