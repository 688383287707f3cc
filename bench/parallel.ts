/**
 * The peer workloads on two threads, as PyTorch uses two: the batch split
 * between two worker threads, each with its own engine (tfjs wasm runs one
 * thread per instance), the way `concept-ebm train --workers 2` trains.
 * Train step: each worker computes its half's gradient (second order through
 * all chains), the main thread sums them and takes the Adam step, and sends
 * the new parameters with the next request. Batched generation: each worker
 * generates half the batch.
 */
import type { ParamValues } from '../src/model/params.js';
import { request, spawnWorker } from '../src/util/threads.js';
import { addInto, makeBench, type Workload } from './workload.js';

export interface ParallelBench {
  trainStep(): Promise<number>;
  inferBatch(): Promise<void>;
  /** The batched generation through the hand-written kernel, half the scenes per worker. */
  fastInferBatch(): Promise<void>;
  dispose(): Promise<void>;
}

export async function makeParallelBench(
  wl: Workload,
  micro: number,
  threads = 2,
): Promise<ParallelBench> {
  const main = makeBench(wl, 0, micro);
  const workers = Array.from({ length: threads }, () =>
    spawnWorker(new URL('./parallel-worker.ts', import.meta.url)),
  );
  await Promise.all(
    workers.map((w, i) => request(w, { kind: 'init', workload: wl, micro, seed: i + 1 })),
  );
  const share = (i: number) => Math.floor(wl.B / threads) + (i < wl.B % threads ? 1 : 0);
  return {
    async trainStep() {
      const results = await Promise.all(
        workers.map((w, i) =>
          request<{ loss: number; grads: ParamValues }>(w, {
            kind: 'grads',
            values: main.values,
            episodes: share(i),
          }),
        ),
      );
      const total = results[0].grads;
      for (const r of results.slice(1)) addInto(total, r.grads);
      main.applyGrads(total);
      return results.reduce((s, r) => s + r.loss, 0);
    },
    async inferBatch() {
      await Promise.all(workers.map((w, i) => request(w, { kind: 'infer', batch: share(i) })));
    },
    async fastInferBatch() {
      await Promise.all(workers.map((w, i) => request(w, { kind: 'fastInfer', batch: share(i) })));
    },
    async dispose() {
      main.model.dispose();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
