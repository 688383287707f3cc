/**
 * npx tsx scripts/old-units.ts --model DIR --hidden H --out DIR
 *
 * What do the units that widening added carry? Writes the model's first H
 * units alone (src/model/grow.ts, oldUnits): for a model widened from H, the
 * energy its old units compute without the new ones, with the same test-time
 * chains. Evaluate both on the same episodes:
 *
 *   node dist/cli/main.js eval --model OUT --families all --episodes 100
 *
 * docs/history/training-log.md: the lineage model (widened 64 -> 128) cut
 * back to its 64 old units.
 */
import { parseArgs } from 'node:util';
import { oldUnits } from '../src/model/grow.js';
import { loadModelDir, saveModelDir } from '../src/model/store.js';

const { values: args } = parseArgs({
  options: { model: { type: 'string' }, hidden: { type: 'string' }, out: { type: 'string' } },
});
if (!args.model || !args.hidden || !args.out) {
  console.error('usage: old-units --model DIR --hidden H --out DIR');
  process.exit(2);
}
const data = await loadModelDir(args.model);
const cut = oldUnits(data, Number(args.hidden));
await saveModelDir(args.out, cut);
console.log(
  `${args.model} (hidden ${data.config.hidden}) -> ${args.out} (its first ${cut.config.hidden} units)`,
);
