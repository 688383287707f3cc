/**
 * npm run bench:eval [-- --episodes N] [--families a,b] [--model DIR]
 *
 * The wall time of `eval`'s inference on the two backends, family by family
 * in turn (engine, then kernel, on the same episodes), with each family's
 * strict score on both: the kernel's speed-up, and that the scores agree up
 * to sampling noise. Model only (no baselines, no arm).
 */
import { FAMILY_NAMES, isFamilyName, type FamilyName } from '../src/concepts/family.js';
import { initEngine } from '../src/engine/index.js';
import { evaluateFamily, EVAL_DEFAULTS } from '../src/evaluation/evaluate.js';
import { loadTrainedModel } from '../src/inference/trained.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const episodes = Number(arg('--episodes', '100'));
const families =
  arg('--families', 'all') === 'all' ? [...FAMILY_NAMES] : arg('--families', '').split(',');
for (const f of families) if (!isFamilyName(f)) throw new Error(`unknown concept "${f}"`);
await initEngine('wasm');
const { model, inference } = await loadTrainedModel(arg('--model', 'models/default'));
const total = { engine: 0, kernel: 0 };
const lines = [
  '| family | engine score | kernel score | engine (s) | kernel (s) | speed-up |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
];
for (const family of families as FamilyName[]) {
  const row: Record<string, { score: number; seconds: number }> = {};
  for (const backend of ['engine', 'kernel'] as const) {
    const t = performance.now();
    const s = evaluateFamily(model, family, inference, {
      episodes,
      demos: EVAL_DEFAULTS.demos,
      seed: EVAL_DEFAULTS.seed,
      backend,
    });
    row[backend] = { score: s.score, seconds: (performance.now() - t) / 1000 };
    total[backend] += row[backend].seconds;
  }
  lines.push(
    `| ${family} | ${row.engine.score.toFixed(2)} | ${row.kernel.score.toFixed(2)} | ${row.engine.seconds.toFixed(1)} | ${row.kernel.seconds.toFixed(1)} | ${(row.engine.seconds / row.kernel.seconds).toFixed(1)}x |`,
  );
  process.stderr.write(`${lines[lines.length - 1]}\n`);
}
lines.push(
  `| all | | | ${total.engine.toFixed(1)} | ${total.kernel.toFixed(1)} | ${(total.engine / total.kernel).toFixed(1)}x |`,
);
process.stdout.write(
  `${episodes} episodes a family, seed ${EVAL_DEFAULTS.seed}\n\n${lines.join('\n')}\n`,
);
model.dispose();
