/**
 * `concept-ebm train --config FILE --out DIR [--resume | --from RUN/best] [--steps N] [--seed S] [--set PATH=VALUE ...]`
 *
 * A progress bar on stderr (steps/s, ETA, loss parts, energies of positives
 * vs samples, gradient norm); OUT/log.jsonl gets the same per step. Ctrl-C
 * checkpoints and exits 130; a non-finite loss stops cleanly with exit 3,
 * leaving the last good checkpoint in place.
 */
import { validateRun } from '../../evaluation/validation.js';
import cliProgress from 'cli-progress';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecipe, runRecipe } from '../../training/recipe.js';
import { initEngine } from '../../engine/index.js';
import {
  DEFAULT_TRAINING,
  resolveTrainingConfig,
  type TrainingConfig,
} from '../../training/config.js';
import { applyConfigOverrides } from '../set-arg.js';
import { readConfigFile, runTraining } from '../../training/run.js';
import type { StepRecord } from '../../training/trainer.js';
import { guarded, integerArg, UsageError, type CliIo } from '../io.js';

export const EXIT_INTERRUPTED = 130;
export const EXIT_DIVERGED = 3;
/** The model died: energies beyond a bound, or no gradient for many steps (src/training/trainer.ts, deadModel). */
export const EXIT_DEAD = 4;

export interface TrainArgs {
  config?: string;
  out: string;
  resume?: boolean;
  /** Branch from another run's checkpoint/ or best/ folder under --config. */
  from?: string;
  steps?: number;
  seed?: number;
  /** Config fields overridden by dotted path, e.g. model.pairDirection=true (./set-arg.ts). */
  set?: string[];
  /** No progress bar; a plain line every `logEvery` steps. */
  quiet?: boolean;
  logEvery?: number;
  /** Worker threads for the gradient (default: 2 on machines with 2+ cores, else 1). */
  workers?: number;
  /** A recipe (recipes/NAME.json, or a file): every stage into --out, then the model. */
  recipe?: string;
  /** With --recipe: where the model goes (default OUT/model). */
  modelOut?: string;
}

/** The package root (recipes/ and configs/ are found from it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function recipePath(spec: string): string {
  if (/[\\/]|\.json$/.test(spec)) return spec;
  return join(PACKAGE_ROOT, 'recipes', `${spec}.json`);
}

/** `train --recipe`: every stage of a recipe, then its model, with a line per stage and per `logEvery` steps. */
async function runRecipeCommand(args: TrainArgs, io: CliIo): Promise<number> {
  if (args.config || args.resume || args.from || args.steps !== undefined) {
    throw new UsageError(
      '--recipe runs its own stages: drop --config, --resume, --from and --steps (an interrupted recipe carries on by itself)',
    );
  }
  const recipe = await readRecipe(recipePath(args.recipe!));
  const set = applyConfigOverrides({}, args.set) as Record<string, unknown>;
  if (args.seed !== undefined) set.seed = integerArg('--seed', args.seed, Number.MIN_SAFE_INTEGER);
  await initEngine('wasm');
  const interrupt = onInterrupt(io);
  const logEvery = args.logEvery ?? 50;
  try {
    const started = performance.now();
    const result = await runRecipe(recipe, {
      out: args.out,
      modelOut: args.modelOut,
      root: PACKAGE_ROOT,
      set,
      name: args.recipe,
      run: {
        validate: validateRun,
        workers: args.workers ?? Math.min(2, availableParallelism()),
        shouldStop: interrupt.requested,
        onNotice: (line) => io.stderr(`concept-ebm: ${line}\n`),
        onStep: (r, _s, run) => {
          if (r.step % logEvery === 0 || r.step === run.steps)
            io.stderr(`  step ${r.step}/${run.steps} ${describe(r)}\n`);
        },
        onEval: (e) => io.stderr(`  validation @${e.step}: mean ${e.mean.toFixed(3)}\n`),
      },
      onStage: (i, total, stage, note) =>
        io.stderr(
          `stage ${i + 1}/${total} ${stage ? stage.name : 'model'} (${note}) at ${((performance.now() - started) / 60000).toFixed(1)} min\n`,
        ),
    });
    if (result.stoppedBy === 'signal') {
      io.stdout(`interrupted in stage ${result.stage}; run the same command to carry on\n`);
      return EXIT_INTERRUPTED;
    }
    if (result.stoppedBy !== 'done') {
      io.stderr(`concept-ebm: error: stage ${result.stage} stopped (${result.error})\n`);
      return result.stoppedBy === 'dead' ? EXIT_DEAD : EXIT_DIVERGED;
    }
    io.stdout(`model: ${result.model} (${(result.seconds / 60).toFixed(1)} min)\n`);
    return 0;
  } finally {
    interrupt.dispose();
  }
}

/**
 * Ctrl-C while training: the first asks the run to checkpoint and stop
 * (`requested` turns true), a second quits at once.
 */
function onInterrupt(io: CliIo): { requested: () => boolean; dispose: () => void } {
  let stop = false;
  const handler = () => {
    if (stop) process.exit(EXIT_INTERRUPTED);
    stop = true;
    io.stderr('\ninterrupt: saving a checkpoint (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', handler);
  return { requested: () => stop, dispose: () => process.off('SIGINT', handler) };
}

function describe(r: StepRecord): string {
  return (
    `loss ${r.total.toFixed(3)} gen ${r.generation.toFixed(3)} id ${r.identification.toFixed(3)}` +
    (r.maskRank > 0 ? ` rank ${r.maskRank.toFixed(3)}` : '') +
    ` E+ ${r.energyPositive.toFixed(3)} Es ${r.energySample.toFixed(3)} |g| ${r.gradNorm.toFixed(2)}` +
    (r.sideCosine === undefined ? '' : ` cos(x,a) ${r.sideCosine.toFixed(2)}`)
  );
}

export async function runTrain(args: TrainArgs, io: CliIo, isTTY = false): Promise<number> {
  return guarded(io, async () => {
    if (!args.out) throw new UsageError("required option '--out <dir>' not specified");
    if (args.recipe !== undefined) return runRecipeCommand(args, io);
    if (args.modelOut !== undefined) throw new UsageError('--model-out goes with --recipe');
    if (!args.config && !args.resume)
      throw new UsageError(
        'give --config FILE or --recipe NAME (or --resume to continue a run in --out)',
      );
    if (args.from && args.resume) throw new UsageError('--from and --resume exclude each other');
    if (args.from && !args.config)
      throw new UsageError('--from needs --config (the recipe to continue under)');
    if (args.set?.length && args.resume)
      throw new UsageError(
        '--set cannot change a run being resumed (it continues with its saved config)',
      );
    let config: TrainingConfig = args.config ? await readConfigFile(args.config) : DEFAULT_TRAINING;
    if (args.set?.length) {
      try {
        config = resolveTrainingConfig(applyConfigOverrides(config, args.set));
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`--set: ${(e as Error).message}`);
      }
    }
    if (args.seed !== undefined)
      config = { ...config, seed: integerArg('--seed', args.seed, Number.MIN_SAFE_INTEGER) };
    if (args.steps !== undefined)
      config = { ...config, steps: integerArg('--steps', args.steps, 0) };
    config = resolveTrainingConfig(config);
    await initEngine('wasm');

    const interrupt = onInterrupt(io);

    const bar =
      isTTY && !args.quiet
        ? new cliProgress.SingleBar(
            {
              format: '{bar} {value}/{total} | {rate} steps/s | ETA {eta_formatted} | {parts}',
              stream: process.stderr,
              hideCursor: true,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    const logEvery = args.logEvery ?? 50;
    const started = performance.now();
    let startStep = -1;
    try {
      const result = await runTraining({
        config,
        outDir: args.out,
        resume: args.resume,
        // A resume trains to the saved config's step count unless --steps says otherwise.
        steps: args.resume && args.steps !== undefined ? config.steps : undefined,
        from: args.from,
        validate: validateRun,
        onNotice: (line) => io.stderr(`concept-ebm: ${line}\n`),
        workers: args.workers ?? Math.min(2, availableParallelism()),
        shouldStop: interrupt.requested,
        onStep: (r, _state, run) => {
          if (startStep < 0) {
            startStep = r.step - 1;
            bar?.start(run.steps, startStep, { rate: '-', parts: '' });
          }
          const rate = (r.step - startStep) / ((performance.now() - started) / 1000);
          if (bar) bar.update(r.step, { rate: rate.toFixed(2), parts: describe(r) });
          else if (r.step % logEvery === 0 || r.step === run.steps) {
            io.stderr(`step ${r.step}/${run.steps} ${rate.toFixed(2)} steps/s ${describe(r)}\n`);
          }
        },
        onEval: (e) => {
          const line =
            `validation @${e.step}: mean ${e.mean.toFixed(3)} ` +
            Object.entries(e.families)
              .map(([k, v]) => `${k} ${v.toFixed(2)}`)
              .join(' ');
          if (bar) bar.updateETA();
          io.stderr(`${bar ? '\n' : ''}${line}\n`);
        },
      });
      bar?.stop();
      if (result.stoppedBy === 'non-finite') {
        io.stderr(
          `concept-ebm: error: training diverged (${result.error}); last good checkpoint: ${join(args.out, 'checkpoint')}\n`,
        );
        return EXIT_DIVERGED;
      }
      if (result.stoppedBy === 'dead') {
        io.stderr(
          `concept-ebm: error: the model died (${result.error}); last good checkpoint: ${join(args.out, 'checkpoint')}\n`,
        );
        return EXIT_DEAD;
      }
      io.stdout(
        `${result.stoppedBy === 'signal' ? 'interrupted' : 'trained'} to step ${result.state.step}; checkpoint: ${join(args.out, 'checkpoint')}` +
          (result.state.best
            ? `; best (validation ${result.state.best.score.toFixed(3)} @${result.state.best.step}): ${join(args.out, 'best')}`
            : '') +
          '\n',
      );
      return result.stoppedBy === 'signal' ? EXIT_INTERRUPTED : 0;
    } finally {
      bar?.stop();
      interrupt.dispose();
    }
  });
}
