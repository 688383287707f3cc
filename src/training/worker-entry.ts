/**
 * A training worker thread: holds its own engine and model, and computes the
 * gradient of its shard of each batch (see workers.ts).
 */
import { parentPort } from 'node:worker_threads';
import { initEngine } from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import type { ParamValues } from '../model/params.js';
import type { TrainingConfig } from './config.js';
import { shardGradients } from './trainer.js';

type Request =
  | { kind: 'init'; config: TrainingConfig; values: ParamValues }
  | { kind: 'compute'; step: number; values: ParamValues; indices: number[] };

let model: EnergyModel | null = null;
let config: TrainingConfig | null = null;

parentPort!.on('message', async (msg: Request) => {
  try {
    if (msg.kind === 'init') {
      await initEngine('wasm');
      config = msg.config;
      model = new EnergyModel(config.model, msg.values);
      parentPort!.postMessage({ kind: 'ready' });
      return;
    }
    if (!model || !config) throw new Error('worker: compute before init');
    model.assign(msg.values);
    const r = shardGradients(model, config, msg.step, msg.indices);
    parentPort!.postMessage(
      { kind: 'result', ...r },
      (r.sides ? [r.sides.x, r.sides.a] : [r.grads]).flatMap((grads) =>
        Object.values(grads).map((g) => g.buffer as ArrayBuffer),
      ),
    );
  } catch (e) {
    parentPort!.postMessage({
      kind: 'error',
      message: (e as Error).message,
      stack: (e as Error).stack,
    });
  }
});
