/**
 * The peer workloads on two threads, as PyTorch uses two: the batch split
 * between two worker threads, each with its own engine (tfjs wasm runs one
 * thread per instance), the way `concept-ebm train --workers 2` trains.
 * Train step: each worker computes its half's gradient (second order through
 * all chains), the main thread sums them and takes the Adam step, and sends
 * the new parameters with the next request. Batched generation: each worker
 * generates half the batch.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParamValues } from '../src/model/params.js';
import { addInto, makeBench, type Workload } from './workload.js';

function spawnTs(entry: URL): Worker {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } | string }> };
  const target = pkg.exports['./esm/api'].import;
  const api = new URL(typeof target === 'string' ? target : target.default, pathToFileURL(pkgPath)).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

function ask<T>(w: Worker, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (m: T & { kind?: string; message?: string }) => {
      w.off('error', reject);
      if (m.kind === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    w.once('message', done);
    w.once('error', reject);
    w.postMessage(message);
  });
}

export interface ParallelBench {
  trainStep(): Promise<number>;
  inferBatch(): Promise<void>;
  dispose(): Promise<void>;
}

export async function makeParallelBench(wl: Workload, micro: number, threads = 2): Promise<ParallelBench> {
  const main = makeBench(wl, 0, micro);
  const workers = Array.from({ length: threads }, () => spawnTs(new URL('./parallel-worker.ts', import.meta.url)));
  await Promise.all(workers.map((w, i) => ask(w, { kind: 'init', workload: wl, micro, seed: i + 1 })));
  const share = (i: number) => Math.floor(wl.B / threads) + (i < wl.B % threads ? 1 : 0);
  return {
    async trainStep() {
      const results = await Promise.all(
        workers.map((w, i) => ask<{ loss: number; grads: ParamValues }>(w, { kind: 'grads', values: main.values, episodes: share(i) })),
      );
      const total = results[0].grads;
      for (const r of results.slice(1)) addInto(total, r.grads);
      main.applyGrads(total);
      return results.reduce((s, r) => s + r.loss, 0);
    },
    async inferBatch() {
      await Promise.all(workers.map((w, i) => ask(w, { kind: 'infer', batch: share(i) })));
    },
    async dispose() {
      main.model.dispose();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
