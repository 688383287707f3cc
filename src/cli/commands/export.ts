/**
 * `concept-ebm export RUN_OR_MODEL_DIR --out DIR`: write a model folder with
 * the parameters, config and inference settings of a checkpoint, without
 * the optimiser state (what ships: models/default is made this way).
 * `--chain a.steps=20` stores a test-time knob as the model's default.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelDir, saveModelDir } from '../../model/store.js';
import { CliError, guarded, UsageError, type CliIo } from '../io.js';
import { applyChainOverrides } from '../chain-arg.js';
import { DEFAULT_INFERENCE, type InferenceSettings } from '../../inference/settings.js';

export interface ExportArgs {
  from: string;
  out: string;
  /** Test-time chain knobs to store as the model's defaults, e.g. ["a.steps=20"]. */
  chain?: string[];
}

export async function runExport(args: ExportArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (!args.out) throw new UsageError("required option '--out <dir>' not specified");
    const source = ['', 'best', 'checkpoint']
      .map((sub) => join(args.from, sub))
      .find((d) => existsSync(join(d, 'model.json')));
    if (!source) throw new CliError(`${args.from}: no model.json here (nor in best/ or checkpoint/)`);
    const data = await loadModelDir(source);
    const meta = { ...data.meta };
    meta.exportedFrom = source;
    const inference = args.chain?.length
      ? applyChainOverrides((data.inference as InferenceSettings | undefined) ?? DEFAULT_INFERENCE, args.chain)
      : data.inference;
    if (args.chain?.length) meta.testTimeOverrides = args.chain;
    const path = await saveModelDir(args.out, { config: data.config, values: data.values, inference, meta });
    io.stdout(`${path}\n`);
    return 0;
  });
}
