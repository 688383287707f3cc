import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../engine/index.js';
import { loadTrainedModel, shippedModelDir, type TrainedModel } from '../inference/trained.js';
import { CliError } from './io.js';

/**
 * The model a command uses: --model DIR, or the one shipped in the package.
 * A training run's folder works too: its best/ (or checkpoint/) is used.
 */
export async function loadModelArg(dir: string | undefined): Promise<TrainedModel> {
  await initEngine('wasm');
  if (dir === undefined) {
    const shipped = shippedModelDir();
    if (!existsSync(join(shipped, 'model.json'))) {
      throw new CliError(`no shipped model at ${shipped}; pass --model DIR`);
    }
    return loadTrainedModel(shipped);
  }
  if (!existsSync(dir)) throw new CliError(`model folder not found: ${dir}`);
  for (const sub of ['', 'best', 'checkpoint']) {
    if (existsSync(join(dir, sub, 'model.json'))) return loadTrainedModel(join(dir, sub));
  }
  throw new CliError(`${dir}: no model.json here (nor in best/ or checkpoint/)`);
}
