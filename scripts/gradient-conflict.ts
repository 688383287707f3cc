/**
 * npx tsx scripts/gradient-conflict.ts --config CONFIG.json --model DIR|init [--families a,b] [--batches 6] [--step 1000] [--against FAMILY]
 *
 * Do the generation and identification terms pull the parameters the same
 * way? Prints (JSON) each term's gradient norm, their cosine and each term's
 * batch-to-batch consistency, at a model folder's parameters (a run's `best`
 * or `checkpoint`) or at the config's initial ones, on the batches that
 * training steps step..step+batches-1 of CONFIG would draw. docs/TRAINING.md,
 * "The make-shapes" (docs/history/training-log.md), uses it.
 *
 * With --against FAMILY it compares families instead of terms: the cosine of
 * each family's mean gradient with FAMILY's (move-between).
 */
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { loadModelDir } from '../src/model/store.js';
import { initParams } from '../src/model/params.js';
import { rngFor } from '../src/random/rng.js';
import { familyConflict, termConflict } from '../src/training/conflict.js';
import { readConfigFile } from '../src/training/run.js';
import { resolveTrainingConfig } from '../src/training/config.js';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    model: { type: 'string' },
    families: { type: 'string' },
    batches: { type: 'string', default: '6' },
    step: { type: 'string', default: '1000' },
    against: { type: 'string' },
  },
});
if (!args.config || !args.model) {
  console.error(
    'usage: gradient-conflict --config CONFIG.json --model DIR|init [--families a,b] [--batches 6] [--step 1000] [--against FAMILY]',
  );
  process.exit(2);
}
await initEngine('wasm');
let config = await readConfigFile(args.config);
if (args.families) {
  config = resolveTrainingConfig(
    { ...config, families: Object.fromEntries(args.families.split(',').map((f) => [f.trim(), 1])) },
    '--families',
  );
}
const params =
  args.model === 'init'
    ? initParams(config.model, rngFor(config.seed, 'init'), config.initGain)
    : (await loadModelDir(args.model)).values;
const first = Number(args.step);
const steps = Array.from({ length: Number(args.batches) }, (_, i) => first + i);
if (args.against) {
  const r = familyConflict(config, params, args.against, steps);
  const rows = Object.keys(r.cosine).sort((a, b) => r.cosine[a] - r.cosine[b]);
  for (const f of rows)
    console.log(
      `${f.padEnd(24)} cos ${r.cosine[f].toFixed(3).padStart(6)}  |g| ${r.norms[f].toFixed(3)}`,
    );
  console.log(JSON.stringify({ model: args.model, ...r }));
} else {
  const r = termConflict(config, params, steps);
  console.log(JSON.stringify({ model: args.model, families: Object.keys(config.families), ...r }));
}
