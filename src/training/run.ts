/**
 * A training run on disk (Node):
 *
 *   OUT/config.json     the resolved config (every knob)
 *   OUT/checkpoint/     the last good state: model, optimiser, step (resume from here)
 *   OUT/best/           the parameters with the best validation score so far
 *   OUT/log.jsonl       one line per step: loss parts, energies, gradient norm, seconds
 *   OUT/eval.jsonl      one line per validation: per-family scores
 *
 * Non-finite loss or gradients stop the run cleanly: the checkpoint on disk is
 * the last good one and is never overwritten by a bad state.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isEngineAbort } from '../engine/index.js';
import { loadModelDir, saveModelDir } from '../model/store.js';
import { growModel } from '../model/grow.js';
import { Rng } from '../random/rng.js';
import type { ModelData } from '../model/serialize.js';
import { writeFileAtomic } from '../util/fs.js';
import { batchShape } from './batch.js';
import { resolveTrainingConfig, trainingDistribution, type TrainingConfig } from './config.js';
import { workerGradients } from './workers.js';
import { loggedSteps, lockRunFolder, removeStaleTemps, truncateLog } from './run-folder.js';
import {
  checkpointData,
  deadModel,
  DeadModelError,
  localGradients,
  initialState,
  modelFromState,
  NonFiniteError,
  hasOptimizerState,
  stateFromCheckpoint,
  stateFromExport,
  trainStep,
  type EvalRecord,
  type Validator,
  type StepRecord,
  type TrainState,
} from './trainer.js';

export interface RunOptions {
  config: TrainingConfig;
  outDir: string;
  /** Continue from OUT/checkpoint with its saved config (`config` is not used). */
  resume?: boolean;
  /** On resume: train to this step instead of the saved config's. */
  steps?: number;
  /**
   * Branch: start from the state saved in this folder (another run's
   * checkpoint/ or best/: parameters, optimiser moments, step count) under
   * `config`, e.g. the same recipe with a decaying learning rate. The model
   * shapes must match; best/ is chosen among this run's own validations.
   */
  from?: string;
  /** After each step; `config` is the run's own (on resume, the saved one). */
  onStep?: (r: StepRecord, state: TrainState, config: TrainingConfig) => void;
  onEval?: (r: EvalRecord) => void;
  /** Scores the model every `evalEvery` steps (needed when evalEvery > 0; `train` passes src/evaluation/validation.ts). */
  validate?: Validator;
  /** Worker threads for the gradient (1: in this thread). Results agree up to float rounding. */
  workers?: number;
  /** One-line notices (a stale lock taken over, stale temp files removed). */
  onNotice?: (line: string) => void;
  /** Polled between steps (Ctrl-C): the run checkpoints and returns. */
  shouldStop?: () => boolean;
  now?: () => number;
}

export interface RunResult {
  state: TrainState;
  /** `dead`: energies beyond DEAD_ENERGY or a zero gradient for DEAD_GRADIENT_STEPS steps (trainer.ts). */
  stoppedBy: 'done' | 'signal' | 'non-finite' | 'dead';
  error?: string;
}

/**
 * A config file, resolved: `"extends": "other.json"` (relative to the file)
 * takes that config and applies this one's fields over it (objects merged,
 * `families` and `familyLoss` replaced whole), so a config states only what
 * differs from its parent.
 */
export async function readConfigFile(path: string): Promise<TrainingConfig> {
  return resolveTrainingConfig(await readRawConfig(path, []), path);
}

/** A config file's fields with its `extends` chain applied (not yet validated). */
export async function readRawConfig(
  path: string,
  seen: readonly string[],
): Promise<Record<string, unknown>> {
  const full = resolve(path);
  if (seen.includes(full))
    throw new Error(`${path}: "extends" runs in a circle (${[...seen, full].join(' -> ')})`);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new Error(`${path}: cannot read the config file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${path}: expected a JSON object`);
  const { extends: parent, ...fields } = raw as Record<string, unknown>;
  if (parent === undefined) return fields;
  if (typeof parent !== 'string')
    throw new Error(`${path}: "extends" names a config file, got ${JSON.stringify(parent)}`);
  const base = await readRawConfig(resolve(dirname(full), parent), [...seen, full]);
  return mergeConfig(base, fields);
}

/** `patch` over `base`: objects merged key by key, families and familyLoss (and everything else) replaced. */
export function mergeConfig(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    const bothObjects = [b, v].every(
      (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
    );
    out[k] =
      bothObjects && k !== 'families' && k !== 'familyLoss'
        ? mergeConfig(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

async function branchState(config: TrainingConfig, dir: string): Promise<TrainState> {
  const loaded = await loadModelDir(dir);
  // A config may turn on pairDistance over a model trained without it, or
  // widen it: the model grows without changing its energy (src/model/grow.ts).
  let data: ModelData;
  try {
    data = growModel(loaded, config.model, new Rng(config.seed).split('grow'));
  } catch (e) {
    throw new Error(`${dir}: ${(e as Error).message}`);
  }
  // An exported model has no optimiser state: branch with fresh Adam moments.
  const state = hasOptimizerState(data) ? stateFromCheckpoint(config, data) : stateFromExport(data);
  if (state.step >= config.steps)
    throw new Error(`${dir}: already at step ${state.step}; the config stops at ${config.steps}`);
  return { ...state, best: null };
}

export async function runTraining(o: RunOptions): Promise<RunResult> {
  await mkdir(o.outDir, { recursive: true });
  const release = await lockRunFolder(o.outDir, o.onNotice);
  try {
    return await runLocked(o);
  } finally {
    await release();
  }
}

async function runLocked(o: RunOptions): Promise<RunResult> {
  const now = o.now ?? (() => performance.now());
  const ckptDir = join(o.outDir, 'checkpoint');
  const stale = await removeStaleTemps(o.outDir);
  if (stale > 0)
    o.onNotice?.(
      `${o.outDir}: removed ${stale} temporary file${stale > 1 ? 's' : ''} an interrupted save left`,
    );
  let config = o.config;
  let state: TrainState;
  if (o.resume) {
    const data = await loadModelDir(ckptDir);
    const saved = resolveTrainingConfig(
      (data.meta as { training?: unknown }).training,
      `${ckptDir}/model.json`,
    );
    // The saved step count unless one is given: a resume without --steps
    // once took the default config's 2,000 and stopped a longer run early.
    config = { ...saved, steps: o.steps ?? saved.steps };
    state = stateFromCheckpoint(config, data);
  } else if (o.from) {
    state = await branchState(config, o.from);
  } else {
    state = initialState(config);
  }
  // The steps after the state's run again: their records go, so each step is
  // logged once (a fresh start in a folder a killed run left begins its logs anew).
  await truncateLog(join(o.outDir, 'log.jsonl'), state.step);
  await truncateLog(join(o.outDir, 'eval.jsonl'), state.step);
  await writeFileAtomic(join(o.outDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const model = modelFromState(config, state);
  const workers = o.workers ?? 1;
  const source =
    workers > 1
      ? await workerGradients(config, state.values, workers)
      : localGradients(config, state.values);
  let last: StepRecord | null = null;

  const save = async () => {
    await saveModelDir(ckptDir, checkpointData(config, state, { last }));
  };
  const evaluate = async () => {
    model.assign(state.values);
    if (!o.validate) throw new Error('evalEvery > 0 needs a validator (RunOptions.validate)');
    const r = o.validate(model, config, state.step);
    await appendFile(join(o.outDir, 'eval.jsonl'), JSON.stringify(r) + '\n');
    o.onEval?.(r);
    if (!state.best || r.mean > state.best.score) {
      state.best = { score: r.mean, step: state.step, judge: 'strict' };
      await saveModelDir(join(o.outDir, 'best'), checkpointData(config, state, { validation: r }));
    }
  };

  let zeroSteps = 0;
  try {
    // A kill between a checkpoint and its validation lost that validation: run it now.
    if (
      o.resume &&
      config.evalEvery > 0 &&
      state.step > 0 &&
      (state.step % config.evalEvery === 0 || state.step === config.steps)
    ) {
      if (!(await loggedSteps(join(o.outDir, 'eval.jsonl'))).has(state.step)) await evaluate();
    }
    while (state.step < config.steps) {
      if (o.shouldStop?.()) {
        await save();
        return { state, stoppedBy: 'signal' };
      }
      let record: StepRecord;
      try {
        record = await trainStep(source, config, state, now);
        last = record;
      } catch (e) {
        if (e instanceof DeadModelError) {
          await save();
          return { state, stoppedBy: 'dead', error: e.message };
        }
        if (e instanceof NonFiniteError) {
          // The state is the last good one (a failed step changes nothing): keep it.
          await save();
          return { state, stoppedBy: 'non-finite', error: e.message };
        }
        if (isEngineAbort(e)) {
          await save();
          const shape = batchShape(trainingDistribution(config), config.seed, state.step);
          throw new Error(
            `step ${state.step + 1}: the numeric engine failed (${(e as Error).message.split('\n')[0]}) on a batch of ${config.batchSize} episodes, ${shape.entities} entities, ${shape.demos} demos, hidden ${config.model.hidden}: more than its memory holds. Lower batchSize, the largest entities or demos, or split the batch with more --workers; the checkpoint holds step ${state.step}`,
          );
        }
        throw e;
      }
      await appendFile(join(o.outDir, 'log.jsonl'), JSON.stringify(record) + '\n');
      o.onStep?.(record, state, config);
      zeroSteps = record.gradNorm === 0 ? zeroSteps + 1 : 0;
      const dead = deadModel(record, zeroSteps);
      if (dead) {
        // The checkpoint keeps the last state saved before the model died; best/ is untouched.
        return { state, stoppedBy: 'dead', error: dead };
      }
      if (state.step % config.checkpointEvery === 0 || state.step === config.steps) await save();
      if (
        config.evalEvery > 0 &&
        (state.step % config.evalEvery === 0 || state.step === config.steps)
      )
        await evaluate();
    }
    if (state.step === 0 || state.step % config.checkpointEvery !== 0) await save();
    return { state, stoppedBy: 'done' };
  } finally {
    model.dispose();
    await source.dispose();
  }
}
