/**
 * npx tsx scripts/energy-scale.ts --model DIR [--families L] [--episodes 40] [--seed S]
 *
 * How the energy's scale behaves as the scene grows. The energy pools over
 * attended pairs by a sum, so its inputs grow with the number of attended
 * entities, not with N itself; what a trained energy does with scenes larger
 * than its training ones is measured here, per family and entity count N (the
 * family's minimum to 12), on the shift suite's entity axis (M = 5 demos, the
 * code inferred by the model's w-chain on the kernel):
 *
 * - E+: the median energy of the true final state under the true attention;
 * - identification: the median margin E(nearest wrong set) - E(true set) over
 *   the sets one entity away from the true one (what a chain that ends near
 *   the truth must tell apart), and the share of episodes where the true set
 *   is below all of them;
 * - generation: the median drop E(start) - E(true final state) under the true
 *   attention, which the x-chain descends.
 *
 * Prints one markdown table per family.
 */
import { parseArgs } from 'node:util';
import { getFamily } from '../src/concepts/index.js';
import { initEngine } from '../src/engine/index.js';
import { evalEpisodes } from '../src/evaluation/evaluate.js';
import { parseFamilies } from '../src/evaluation/report.js';
import { fastEnergyOf, fastInferConcept } from '../src/inference/fast.js';
import { loadTrainedModel } from '../src/inference/trained.js';
import { rngFor } from '../src/random/rng.js';
import { sceneToArray } from '../src/world/scene.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/default' },
    families: {
      type: 'string',
      default: 'red,closest,count-3,square,line,make-red,move-close,make-square',
    },
    episodes: { type: 'string', default: '40' },
    seed: { type: 'string', default: '31' },
  },
});
await initEngine('wasm');
const trained = await loadTrainedModel(args.model);
const fe = fastEnergyOf(trained.model);
const s = trained.inference;
const L = s.attentionLogit;
const logits = (mask: ArrayLike<number>) => Float32Array.from(mask, (v) => (v >= 0.5 ? L : -L));
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)]! : NaN;
};
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

for (const family of parseFamilies(args.families)) {
  const f = getFamily(family);
  const counts = [...new Set([f.minEntities, 4, 6, 8, 10, 12])]
    .filter((n) => n >= f.minEntities && n <= 12)
    .sort((a, b) => a - b);
  const id = f.kind === 'identify';
  console.log(`\n### ${family}\n`);
  console.log(
    id
      ? '| N | median E+ | median margin to the nearest wrong set | true set lowest of its neighbours |'
      : '| N | median E+ | median drop E(start) - E+ |',
  );
  console.log(id ? '| ---: | ---: | ---: | ---: |' : '| ---: | ---: | ---: |');
  for (const N of counts) {
    const o = { episodes: Number(args.episodes), demos: 5, seed: Number(args.seed), entities: N };
    const positives: number[] = [];
    const gaps: number[] = [];
    let lowest = 0;
    evalEpisodes(family, o).forEach((ep, i) => {
      const rng = rngFor(o.seed, 'energy-scale', family, N, i);
      const { code } = fastInferConcept(fe, ep.demos, s, rng);
      const after = sceneToArray(ep.test.after);
      const n = ep.test.after.entities.length;
      const truth = ep.test.attention;
      const ePos = fe.energy(after, n, logits(truth), code);
      positives.push(ePos);
      if (id) {
        let nearest = Infinity;
        for (let k = 0; k < n; k++) {
          const other = truth.map((v, j) => (j === k ? (v >= 0.5 ? 0 : 1) : v));
          if (f.check(ep.test.after, other).ok) continue; // another right answer (the counts)
          nearest = Math.min(nearest, fe.energy(after, n, logits(other), code));
        }
        gaps.push(nearest - ePos);
        lowest += nearest > ePos ? 1 : 0;
      } else {
        gaps.push(fe.energy(sceneToArray(ep.test.before), n, logits(truth), code) - ePos);
      }
    });
    const row = [N, fmt(median(positives)), fmt(median(gaps))];
    if (id) row.push((lowest / positives.length).toFixed(2));
    console.log(`| ${row.join(' | ')} |`);
  }
}
