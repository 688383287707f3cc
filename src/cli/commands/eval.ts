/**
 * `concept-ebm eval [--model DIR] [--families a,b] [--episodes N] [--demos M]
 *  [--steps K] [--entities N] [--seed S] [--json | --markdown] [--backend kernel|engine]`
 *
 * Per family: the score by the family's checker on fresh seeded episodes, its
 * 95% Wilson interval, and two baselines measured on the same episodes:
 * chance and an untrained model of the same shape. With `--suite shift`: the
 * shift suite (src/evaluation/shift-suite.ts), one score per family and cell.
 */
import {
  evaluateModel,
  parseFamilies,
  reportJson,
  reportMarkdown,
  reportTable,
} from '../../evaluation/report.js';
import { EVAL_DEFAULTS } from '../../evaluation/evaluate.js';
import {
  SHIFT_EPISODES,
  runShiftSuite,
  shiftHeatmap,
  shiftJson,
  shiftTable,
} from '../../evaluation/shift-suite.js';
import { withChains } from '../../inference/settings.js';
import type { InferenceBackendName } from '../../inference/backend.js';
import { guarded, integerArg, UsageError, type CliIo, writeOutputFile } from '../io.js';
import { loadModelArg } from '../model-arg.js';
import { applyChainOverrides } from '../chain-arg.js';

export interface EvalArgs {
  model?: string;
  families?: string;
  episodes?: number;
  demos?: number;
  steps?: number;
  entities?: number;
  seed?: number;
  json?: boolean;
  markdown?: boolean;
  /** Also the robot arm (default: when every family is evaluated). */
  arm?: boolean;
  /** Knob overrides of the test-time chains, e.g. ["a.steps=20"]. */
  chain?: string[];
  /** `shift`: the shift suite instead of the default episodes. */
  suite?: string;
  /** With --suite: fewer cells and episodes. */
  quick?: boolean;
  /** With --suite: also write the heatmap SVG here. */
  heatmap?: string;
  /** Where the chains run (default: the kernel). */
  backend?: InferenceBackendName;
}

export async function runEval(args: EvalArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (args.json && args.markdown) throw new UsageError('choose one of --json and --markdown');
    let families;
    try {
      families = parseFamilies(args.families);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (args.suite !== undefined && args.suite !== 'shift') {
      throw new UsageError(`unknown suite "${args.suite}"; the one suite is: shift`);
    }
    if (args.suite === undefined && (args.quick || args.heatmap !== undefined)) {
      throw new UsageError(`${args.quick ? '--quick' : '--heatmap'} goes with --suite shift`);
    }
    if (
      args.suite !== undefined &&
      (args.entities !== undefined || args.demos !== undefined || args.arm)
    ) {
      throw new UsageError(
        '--suite shift sets scene sizes and demonstrations per cell; drop --entities, --demos and --arm',
      );
    }
    const defaultEpisodes = args.suite
      ? SHIFT_EPISODES[args.quick ? 'quick' : 'full']
      : EVAL_DEFAULTS.episodes;
    const episodes = integerArg('--episodes', args.episodes ?? defaultEpisodes, 1);
    const demos = integerArg('--demos', args.demos ?? EVAL_DEFAULTS.demos, 1);
    const seed = integerArg('--seed', args.seed ?? EVAL_DEFAULTS.seed, Number.MIN_SAFE_INTEGER);
    const entities =
      args.entities === undefined ? undefined : integerArg('--entities', args.entities, 1);
    const trained = await loadModelArg(args.model);
    let settings = trained.inference;
    if (args.steps !== undefined) {
      const k = integerArg('--steps', args.steps, 0);
      settings = withChains(settings, { x: { steps: k }, a: { steps: k } });
    }
    settings = applyChainOverrides(settings, args.chain);
    if (args.suite) {
      const shift = runShiftSuite(
        trained.model,
        args.model ?? 'models/default',
        settings,
        families,
        { episodes, seed, quick: args.quick, backend: args.backend },
        (done, total, cell) => {
          io.stderr(
            `\rshift ${done + 1}/${total} ${cell.family} ${cell.axis}=${cell.value}...`.padEnd(60),
          );
        },
      );
      io.stderr('\r'.padEnd(60) + '\r');
      if (args.heatmap) await writeOutputFile(args.heatmap, await shiftHeatmap(shift), '--heatmap');
      io.stdout(args.json ? shiftJson(shift) : shiftTable(shift, args.markdown));
      return 0;
    }
    const report = evaluateModel(
      trained.model,
      settings,
      families,
      { episodes, demos, seed, entities, backend: args.backend },
      (done, total, family) => {
        if (done < total) io.stderr(`\reval ${done + 1}/${total} ${family}...`.padEnd(50));
        else io.stderr('\r'.padEnd(50) + '\r');
      },
      args.arm ?? (args.families === undefined || args.families === 'all'),
    );
    io.stdout(
      args.json ? reportJson(report) : args.markdown ? reportMarkdown(report) : reportTable(report),
    );
    return 0;
  });
}
