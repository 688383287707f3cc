/**
 * npx tsx scripts/between-geometry.ts --model DIR [--model DIR2 ...] [--episodes 100] [--seed 12345] [--demos 5]
 *
 * Where does a model put the agent on move-between, and why is it wrong?
 * On the eval's episodes (same seed, same demos, the model's own test-time
 * chains), it measures the agent's end point A against the two references
 * P and Q (medians over episodes):
 * - `way`: how far A went along the line from its start to the midpoint (1: there);
 * - `|AP-AQ|` before and after: 0 on the perpendicular bisector;
 * - `AP+AQ-PQ` after: 0 on the segment PQ;
 * - `error`: |A - midpoint|, the checker's error (ok below 0.1).
 * The midpoint is the one point with both at 0. Then the energy (the inferred
 * code, the true attention) along the straight line from the answer to the
 * true final state: E(s) - E(answer) at s = 0.25, 0.5, 0.75, 1, and how often
 * the true state is lower than the answer. docs/history/training-log.md uses
 * it: the shapes-first lineage reaches the segment and not the bisector.
 */
import { parseArgs } from 'node:util';
import * as T from '../src/engine/index.js';
import { initEngine } from '../src/engine/index.js';
import { betweenGeometry } from '../src/evaluation/between.js';
import { evalEpisodes } from '../src/evaluation/evaluate.js';
import { generateBatch, inferCodes } from '../src/inference/infer.js';
import { loadTrainedModel } from '../src/inference/trained.js';
import { rngFor } from '../src/random/rng.js';
import { batchTensors, disposeBatchTensors } from '../src/training/loss.js';
import { stackEpisodes } from '../src/training/batch.js';
import { distance } from '../src/world/scene.js';
import { ATTRIBUTES } from '../src/world/types.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    episodes: { type: 'string', default: '100' },
    seed: { type: 'string', default: '12345' },
    demos: { type: 'string', default: '5' },
  },
});
if (!args.model?.length) {
  console.error(
    'usage: between-geometry --model DIR [--model DIR2 ...] [--episodes 100] [--seed 12345] [--demos 5]',
  );
  process.exit(2);
}
await initEngine('wasm');

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const o = { episodes: Number(args.episodes), demos: Number(args.demos), seed: Number(args.seed) };
const episodes = evalEpisodes('move-between', o);

for (const dir of args.model) {
  const { model, inference } = await loadTrainedModel(dir);
  const batch = stackEpisodes(episodes);
  const t = batchTensors(batch, inference.attentionLogit);
  // The eval's chain noise for this family and chunk (evaluate.ts), so the answers are the eval's.
  const rng = rngFor(o.seed, 'eval-chains', 'move-between', 0);
  const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, inference.w, {
    rng: rng.split('w'),
  });
  const { x } = generateBatch(model, t.before, t.logits, w, t.movable, inference.x, {
    rng: rng.split('x'),
  });
  const values = T.read(x);
  // The energy from the answer (s = 0) to the true final state (s = 1), per episode.
  const profile = [0, 0.25, 0.5, 0.75, 1].map((frac) => {
    const xs = T.add(T.mul(x, 1 - frac), T.mul(t.after, frac));
    const e = model.energy(xs, t.logits, w);
    const v = Array.from(T.read(e));
    T.dispose([xs, e]);
    return v;
  });
  const eStart = model.energy(t.before, t.logits, w);
  const startEnergy = Array.from(T.read(eStart));
  eStart.dispose();
  const rows = episodes.map((ep, b) => {
    const before = ep.test.before.entities.map((e) => e.pos);
    const target = ep.test.after.entities.map((e) => e.pos);
    const agent = before.findIndex((p, i) => distance(p, target[i]) > 1e-9);
    const [p, q] = ep.test.attention.flatMap((v, i) =>
      v >= 0.5 && i !== agent ? [before[i]] : [],
    );
    const base = (b * batch.entities + agent) * ATTRIBUTES;
    return {
      ...betweenGeometry(before[agent], [values[base], values[base + 1]], p, q),
      rise: profile.map((e) => e[b] - profile[0][b]),
      answerEnergy: profile[0][b],
      startEnergy: startEnergy[b],
    };
  });
  [w, x].forEach((v) => v.dispose());
  disposeBatchTensors(t);
  model.dispose();
  const m = (k: Exclude<keyof (typeof rows)[number], 'rise'>) =>
    median(rows.map((r) => r[k])).toFixed(3);
  const energies = `E(start) ${median(rows.map((r) => r.startEnergy)).toExponential(2)}, E(answer) ${median(rows.map((r) => r.answerEnergy)).toExponential(2)}`;
  const rise = [1, 2, 3, 4].map((i) => median(rows.map((r) => r.rise[i])).toExponential(2));
  const lower = rows.filter((r) => r.rise[4] < 0).length;
  console.log(
    `${dir}: n ${rows.length}  way ${m('way')}  |AP-AQ| ${m('bisectorBefore')} -> ${m('bisectorAfter')}  ` +
      `AP+AQ-PQ ${m('segmentAfter')}  error ${m('error')}  ok ${rows.filter((r) => r.error < 0.1).length}/${rows.length}\n` +
      `  E(s) - E(answer) toward the truth, s = 0.25 / 0.5 / 0.75 / 1: ${rise.join(' / ')}; the truth lower in ${lower}/${rows.length}; ${energies}`,
  );
}
