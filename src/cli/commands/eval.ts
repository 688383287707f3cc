/**
 * `concept-ebm eval [--model DIR] [--families a,b] [--episodes N] [--demos M]
 *  [--steps K] [--entities N] [--seed S] [--json | --markdown]`
 *
 * Per family: the score by the family's checker on fresh seeded episodes, its
 * 95% Wilson interval, and two baselines measured on the same episodes:
 * chance and an untrained model of the same shape.
 */
import { evaluateModel, parseFamilies, reportJson, reportMarkdown, reportTable } from '../../evaluation/report.js';
import { EVAL_DEFAULTS } from '../../evaluation/evaluate.js';
import { withChains } from '../../inference/settings.js';
import { guarded, integerArg, UsageError, type CliIo } from '../io.js';
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
    const episodes = integerArg('--episodes', args.episodes ?? EVAL_DEFAULTS.episodes, 1);
    const demos = integerArg('--demos', args.demos ?? EVAL_DEFAULTS.demos, 1);
    const seed = integerArg('--seed', args.seed ?? EVAL_DEFAULTS.seed, Number.MIN_SAFE_INTEGER);
    const entities = args.entities === undefined ? undefined : integerArg('--entities', args.entities, 1);
    const trained = await loadModelArg(args.model);
    let settings = trained.inference;
    if (args.steps !== undefined) {
      const k = integerArg('--steps', args.steps, 0);
      settings = withChains(settings, { x: { steps: k }, a: { steps: k } });
    }
    settings = applyChainOverrides(settings, args.chain);
    const report = evaluateModel(trained.model, settings, families, { episodes, demos, seed, entities }, (done, total, family) => {
      if (done < total) io.stderr(`\reval ${done + 1}/${total} ${family}...`.padEnd(50));
      else io.stderr('\r'.padEnd(50) + '\r');
    }, args.arm ?? (args.families === undefined || args.families === 'all'));
    io.stdout(args.json ? reportJson(report) : args.markdown ? reportMarkdown(report) : reportTable(report));
    return 0;
  });
}
