/**
 * `concept-ebm experiment NAME|all [--quick] [--out DIR] [--page FILE]
 *  [--model DIR] [--episodes N] [--seed S] [--train-dir DIR] [--strict]`
 *
 * One claim of docs/RESULTS.md per experiment: tables, SVG plots and a
 * reading into OUT/NAME/, and with --page the results page gathering them
 * (plus the per-family evaluation when every experiment runs).
 */
import { mkdir } from 'node:fs/promises';
import { FAMILY_NAMES } from '../../concepts/family.js';
import {
  EXPERIMENT_NAMES,
  isExperimentName,
  type ExperimentName,
} from '../../evaluation/experiments/index.js';
import {
  EVALUATION_FILE,
  loadSavedEvaluation,
  loadSavedResults,
  resultsPage,
  runExperiment,
  writeExperiment,
  type SavedEvaluation,
} from '../../evaluation/experiments/runner.js';
import { evaluateModel, reportJson } from '../../evaluation/report.js';
import { EVAL_DEFAULTS } from '../../evaluation/evaluate.js';
import { describeSum } from '../../model/sum.js';
import { describeRecipe } from '../../training/recipe.js';
import { describeEnergy } from '../../model/config.js';
import { describeLossDepartures } from '../../training/config.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';
import { closest, guarded, integerArg, UsageError, type CliIo } from '../io.js';
import { loadModelArg } from '../model-arg.js';
import { applyChainOverrides } from '../chain-arg.js';
import { describeSearch, type InferenceSettings } from '../../inference/settings.js';

export interface ExperimentArgs {
  name: string;
  quick?: boolean;
  out?: string;
  page?: string;
  model?: string;
  episodes?: number;
  seed?: number;
  trainDir?: string;
  strict?: boolean;
  /** With --page and a partial run: run the per-family evaluation again too (it runs with "all" anyway). */
  evaluate?: boolean;
  /** Test-time chain knob overrides, e.g. ["x.steps=5"]. */
  chain?: string[];
}

export async function runExperimentCommand(args: ExperimentArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    const names: ExperimentName[] =
      args.name === 'all'
        ? [...EXPERIMENT_NAMES]
        : args.name.split(',').map((n) => {
            if (!isExperimentName(n)) {
              const near = closest(n, EXPERIMENT_NAMES);
              throw new UsageError(
                `unknown experiment "${n}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${EXPERIMENT_NAMES.join(', ')}, all`,
              );
            }
            return n;
          });
    const quick = Boolean(args.quick);
    const episodes = integerArg('--episodes', args.episodes ?? (quick ? 12 : 200), 2);
    const seed = integerArg('--seed', args.seed ?? 2024, Number.MIN_SAFE_INTEGER);
    const out = args.out ?? 'results';
    const trainDir = args.trainDir ?? 'runs/experiments';
    const trained = await loadModelArg(args.model);
    const modelLabel = args.model ? `\`${args.model}\`` : 'the shipped model (`models/default`)';
    const log = (line: string) => io.stderr(line + '\n');
    const settings = applyChainOverrides(trained.inference, args.chain);
    const trainedSettings = (trained.meta.training as { inference?: InferenceSettings } | undefined)
      ?.inference;
    const ctx = {
      model: trained.model,
      settings,
      trainedSettings,
      modelLabel,
      quick,
      seed,
      episodes,
      trainDir,
      log,
    };
    const flags = [
      quick ? ' --quick' : '',
      args.model ? ` --model ${args.model}` : '',
      args.episodes !== undefined ? ` --episodes ${episodes}` : '',
      args.seed !== undefined ? ` --seed ${seed}` : '',
      ...(args.chain ?? []).map((c) => ` --chain ${c}`),
    ].join('');
    const commandFor = (n: ExperimentName) =>
      `npx concept-ebm experiment ${n} --out ${out}${flags}`;
    await mkdir(out, { recursive: true });
    let failed = 0;
    try {
      for (const name of names) {
        log(`== experiment ${name}${quick ? ' (quick)' : ''}`);
        const t = await runExperiment(name, ctx);
        await writeExperiment(out, t, commandFor(name), modelLabel);
        for (const c of t.result.checks) {
          if (!c.holds && !c.claim) failed += 1;
          io.stdout(
            `${name}: ${c.holds ? 'holds' : 'DOES NOT HOLD'}: ${c.property} (${c.detail})\n`,
          );
        }
        io.stdout(`${name}: written to ${out}/${name}/ in ${t.seconds.toFixed(0)} s\n`);
      }
      if (args.page) {
        let evaluation: SavedEvaluation | undefined;
        if (args.name === 'all' || args.evaluate) {
          log('== evaluation of every family');
          const t0 = performance.now();
          const o = {
            episodes: Math.max(episodes, quick ? episodes : EVAL_DEFAULTS.episodes),
            demos: EVAL_DEFAULTS.demos,
            seed: EVAL_DEFAULTS.seed,
          };
          const report = evaluateModel(trained.model, settings, FAMILY_NAMES, o, undefined, true);
          await writeFileAtomic(join(out, 'eval.json'), reportJson(report));
          evaluation = {
            report,
            model: modelLabel,
            seconds: (performance.now() - t0) / 1000,
            command: `npx concept-ebm eval${args.model ? ` --model ${args.model}` : ''} --episodes ${o.episodes} --markdown${(args.chain ?? []).map((c) => ` --chain ${c}`).join('')}`,
          };
          await writeFileAtomic(
            join(out, EVALUATION_FILE),
            JSON.stringify(evaluation, null, 2) + '\n',
          );
        } else {
          // A partial run re-renders the page from every experiment saved in OUT (and the saved evaluation).
          evaluation = await loadSavedEvaluation(out);
        }
        const generatedBy =
          !quick &&
          args.episodes === undefined &&
          args.seed === undefined &&
          !args.model &&
          !args.chain
            ? 'npm run results'
            : `npx concept-ebm experiment ${args.name} --out ${out} --page ${args.page}${flags}`;
        const saved = await loadSavedResults(out);
        await writeFileAtomic(
          args.page,
          resultsPage({
            pagePath: args.page,
            outDir: out,
            modelLabel,
            modelEnergy: [
              describeEnergy(trained.model.config),
              ...describeRecipe(trained.meta),
              ...describeSum(trained.meta),
              ...describeLossDepartures(trained.meta.training),
              ...describeSearch(settings),
            ].join('; '),
            seed,
            episodes,
            evaluation,
            results: saved,
            generatedBy,
          }),
        );
        io.stdout(`results page: ${args.page}\n`);
      }
    } finally {
      trained.model.dispose();
    }
    return args.strict && failed > 0 ? 1 : 0;
  });
}
