/** One thread of bench/parallel.ts: its own engine and copy of the bench model. */
import { parentPort } from 'node:worker_threads';
import { initEngine } from '../src/engine/index.js';
import type { ParamValues } from '../src/model/params.js';
import { makeBench, type Workload } from './workload.js';

type Message =
  | { kind: 'init'; workload: Workload; micro: number; seed: number }
  | { kind: 'grads'; values: ParamValues; episodes: number }
  | { kind: 'infer'; batch: number }
  | { kind: 'fastInfer'; batch: number };

let bench: ReturnType<typeof makeBench> | null = null;

parentPort!.on('message', async (m: Message) => {
  try {
    if (m.kind === 'init') {
      await initEngine('wasm');
      bench = makeBench(m.workload, m.seed, m.micro);
      parentPort!.postMessage({ kind: 'ready' });
    } else if (m.kind === 'grads') {
      bench!.model.assign(m.values);
      const r = bench!.batchGrads(m.episodes);
      parentPort!.postMessage({ kind: 'grads', ...r });
    } else if (m.kind === 'fastInfer') {
      bench!.fastInferBatch(m.batch);
      parentPort!.postMessage({ kind: 'done' });
    } else {
      bench!.inferBatch(m.batch);
      parentPort!.postMessage({ kind: 'done' });
    }
  } catch (e) {
    parentPort!.postMessage({ kind: 'error', message: (e as Error).message });
  }
});
