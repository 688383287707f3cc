/**
 * Data-parallel gradients on worker threads: the batch is split into
 * contiguous shards of episode indices, each worker computes its shard's
 * share of the loss gradient on its own engine (tfjs's wasm backend runs one
 * thread per instance), and the shards' gradients are summed here. Episodes
 * and chain noise are keyed by (seed, step, episode index), so the sum is the
 * whole batch's gradient, up to float rounding in the order of summation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParamValues } from '../model/params.js';
import type { TrainingConfig } from './config.js';
import { addParts, emptyParts, type LossParts } from './loss.js';
import type { GradientSource } from './trainer.js';

interface Result {
  kind: 'result';
  grads: ParamValues;
  parts: LossParts;
  loss: number;
}

function spawn(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source (tsx, vitest): register the TypeScript loader in the worker first.
    const pkgPath = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } | string }> };
    const target = pkg.exports['./esm/api'].import;
    const api = new URL(typeof target === 'string' ? target : target.default, pathToFileURL(pkgPath)).href;
    const entry = new URL('./worker-entry.ts', here).href;
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true });
  }
  return new Worker(new URL('./worker-entry.js', here));
}

function request<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { kind: string; message?: string }) => {
      cleanup();
      if (m.kind === 'error') reject(new Error(m.message));
      else resolve(m as T);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(message);
  });
}

/** Split 0..n-1 into `k` contiguous, nearly equal shards. */
export function shards(n: number, k: number): number[][] {
  const out: number[][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = Math.floor(n / k) + (i < n % k ? 1 : 0);
    out.push(Array.from({ length: size }, (_, j) => start + j));
    start += size;
  }
  return out.filter((s) => s.length > 0);
}

export async function workerGradients(
  config: TrainingConfig,
  initial: ParamValues,
  count: number,
): Promise<GradientSource> {
  const parts = shards(config.batchSize, count);
  const workers = parts.map(() => spawn());
  try {
    await Promise.all(workers.map((w) => request(w, { kind: 'init', config, values: initial })));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  return {
    async compute(step, values) {
      const results = await Promise.all(
        workers.map((w, i) => request<Result>(w, { kind: 'compute', step, values, indices: parts[i] })),
      );
      const grads: ParamValues = {};
      for (const [name, g] of Object.entries(results[0].grads)) grads[name] = Float32Array.from(g);
      for (const r of results.slice(1)) {
        for (const [name, g] of Object.entries(r.grads)) {
          const sum = grads[name];
          for (let i = 0; i < g.length; i++) sum[i] += g[i];
        }
      }
      const total = emptyParts();
      for (const r of results) addParts(total, r.parts);
      return { grads, parts: total, loss: results.reduce((a, r) => a + r.loss, 0) };
    },
    async dispose() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
