/**
 * `concept-ebm export RUN_OR_MODEL_DIR --out DIR`: write a model folder with
 * the parameters, config and inference settings of a checkpoint, without
 * the optimiser state (what ships: models/default is made this way).
 * `--chain a.steps=20` stores a test-time knob as the model's default.
 * `--add OTHER` writes the sum of the two energies as one model
 * (src/model/sum.ts; the shipped model is made this way).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sumModels } from '../../model/sum.js';
import { loadModelDir, saveModelDir } from '../../model/store.js';
import { CliError, guarded, UsageError, type CliIo } from '../io.js';
import { applyChainOverrides } from '../chain-arg.js';
import { DEFAULT_INFERENCE, type InferenceSettings } from '../../inference/settings.js';

export interface ExportArgs {
  from: string;
  out: string;
  /** Test-time chain knobs to store as the model's defaults, e.g. ["a.steps=20"]. */
  chain?: string[];
  /** A second run, checkpoint or model folder whose energy is added to the first's. */
  add?: string;
  /** The added energy's weight (default 1): E = E_first + addWeight E_added. */
  addWeight?: number;
}

function modelSource(from: string): string {
  const source = ['', 'best', 'checkpoint']
    .map((sub) => join(from, sub))
    .find((d) => existsSync(join(d, 'model.json')));
  if (!source) throw new CliError(`${from}: no model.json here (nor in best/ or checkpoint/)`);
  return source;
}

export async function runExport(args: ExportArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (!args.out) throw new UsageError("required option '--out <dir>' not specified");
    if (args.addWeight !== undefined && !args.add) throw new UsageError('--add-weight needs --add');
    const source = modelSource(args.from);
    const added = args.add ? modelSource(args.add) : undefined;
    let data = await loadModelDir(source);
    if (added) {
      try {
        data = sumModels(data, await loadModelDir(added), args.addWeight ?? 1);
      } catch (e) {
        throw new CliError(
          `cannot add ${added} to ${source}: ${(e as Error).message.replace(/^sum: /, '')}`,
        );
      }
    }
    // `exportedFrom` names where the parameters come from and `testTimeOverrides` every chain knob
    // set since: re-exporting a model to change a knob keeps both, so a model's file says how it
    // was made (models/default: the sum's two sources, then each stored knob in order).
    const earlier = data.meta ?? {};
    const meta: Record<string, unknown> = {
      ...earlier,
      exportedFrom: added ? [source, added] : (earlier.exportedFrom ?? source),
    };
    const earlierOverrides = added
      ? []
      : ((earlier.testTimeOverrides as string[] | undefined) ?? []);
    const inference = args.chain?.length
      ? applyChainOverrides(
          (data.inference as InferenceSettings | undefined) ?? DEFAULT_INFERENCE,
          args.chain,
        )
      : data.inference;
    if (args.chain?.length) meta.testTimeOverrides = [...earlierOverrides, ...args.chain];
    const path = await saveModelDir(args.out, {
      config: data.config,
      values: data.values,
      inference,
      meta,
    });
    io.stdout(`${path}\n`);
    return 0;
  });
}
