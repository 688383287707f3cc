/**
 * npx tsx scripts/enumerate-time.ts [--model DIR]
 *
 * What identification's answer costs per scene on the fast kernel, by entity
 * count: scoring all 2^N masks (`a.enumerate`) against the model's own
 * a-chains (its restarts and polish, enumeration off). Random scenes and
 * codes (seeded); medians of 5. Timing only: the answers are not judged.
 */
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { fastAttentionRestarts, fastEnergyOf } from '../src/inference/fast.js';
import { lowestLogits } from '../src/inference/mask-search.js';
import { withChains } from '../src/inference/settings.js';
import { loadTrainedModel } from '../src/inference/trained.js';
import { Rng } from '../src/random/rng.js';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/default' } } });
await initEngine('wasm');
const t = await loadTrainedModel(values.model);
const fe = fastEnergyOf(t.model);
const { attentionLogit: L, attentionRange } = t.inference;
const chains = withChains(t.inference, { a: { enumerate: 0 } }).a;
const median = (f: () => void) => {
  const times = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
  return times.sort((p, q) => p - q)[2];
};
const rng = new Rng(1);
console.log('| N | all 2^N masks (ms) | the a-chains (ms) |\n| ---: | ---: | ---: |');
for (const n of [4, 6, 8, 10, 12]) {
  const x = Float32Array.from({ length: n * 5 }, () => rng.range(0, 1));
  const w = Float32Array.from({ length: t.model.config.codeSize }, () => rng.range(-0.5, 0.5));
  const enumerate = median(() => lowestLogits(n, L, fe.aChain(x, n, w).energy));
  const search = median(() =>
    fastAttentionRestarts(fe.aChain(x, n, w), n, chains, attentionRange, L, rng.split('a')),
  );
  console.log(`| ${n} | ${enumerate.toFixed(1)} | ${search.toFixed(1)} |`);
}
