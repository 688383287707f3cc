/**
 * Data-parallel gradients on worker threads: the batch is split into
 * contiguous shards of episode indices, each worker computes its shard's
 * share of the loss gradient on its own engine (tfjs's wasm backend runs one
 * thread per instance), and the shards' gradients are summed here. Episodes
 * and chain noise are keyed by (seed, step, episode index), so the sum is the
 * whole batch's gradient, up to float rounding in the order of summation.
 */
import type { ParamValues } from '../model/params.js';
import { request, spawnWorker } from '../util/threads.js';
import type { TrainingConfig } from './config.js';
import { addParts, emptyParts } from './loss.js';
import type { GradientSource, ShardGradients } from './trainer.js';

type Result = ShardGradients & { kind: 'result' };

/** Sum the shards' gradients into the first one's arrays (copied first). */
function sumShards(all: ParamValues[]): ParamValues {
  const out: ParamValues = {};
  for (const [name, g] of Object.entries(all[0])) out[name] = Float32Array.from(g);
  for (const grads of all.slice(1)) {
    for (const [name, g] of Object.entries(grads)) {
      const sum = out[name];
      for (let i = 0; i < g.length; i++) sum[i] += g[i];
    }
  }
  return out;
}

function spawn() {
  // From source (tsx, vitest) the entry is the .ts file, from dist the .js one.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return spawnWorker(new URL(`./worker-entry.${ext}`, import.meta.url));
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
        workers.map((w, i) =>
          request<Result>(w, { kind: 'compute', step, values, indices: parts[i] }),
        ),
      );
      const total = emptyParts();
      for (const r of results) addParts(total, r.parts);
      const loss = results.reduce((a, r) => a + r.loss, 0);
      if (results[0].sides) {
        const x = sumShards(results.map((r) => r.sides!.x));
        const a = sumShards(results.map((r) => r.sides!.a));
        return { parts: total, loss, sides: { x, a } };
      }
      return { parts: total, loss, grads: sumShards(results.map((r) => r.grads!)) };
    },
    async dispose() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
