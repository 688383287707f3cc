/**
 * npx tsx scripts/arm-diagnosis.ts --model DIR [--model DIR2 ...] [--episodes 200] [--seed 2024] [--restarts 4]
 *
 * Why does the arm miss the midpoint when the particle agent finds it? On
 * the arm evaluation's events (codes from 5 particle-world demos), it runs
 * the arm's chain from the event's start pose and from restarts-1 random
 * poses (the evaluation's own restarts, `armRestarts`), and reports:
 * - `one chain`: success from the start pose alone (the arm's first evaluation);
 * - `best of R`: success of the lowest-energy answer among the R chains (the evaluation since);
 * - `any of R`: success if any chain succeeded (what a perfect judge would get);
 * - of the one-chain failures, how many end higher in energy than the
 *   event's true final state (the effector at the midpoint): there the chain
 *   stopped in a local minimum of the folded kinematics; elsewhere the
 *   energy's own minimum is not the midpoint.
 * All the episodes run as one batch, so the chain noise differs from
 * `eval`'s (chunks of 128): the numbers agree statistically, not episode by episode.
 */
import { parseArgs } from 'node:util';
import * as T from '../src/engine/index.js';
import { initEngine } from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import { armChain, armItems, armRestarts } from '../src/evaluation/arm.js';
import { reachBestOf } from '../src/inference/arm.js';
import { attentionLogits, inferCodes } from '../src/inference/infer.js';
import { loadTrainedModel } from '../src/inference/trained.js';
import { rngFor } from '../src/random/rng.js';
import { stackEpisodes } from '../src/training/batch.js';
import { batchTensors, disposeBatchTensors } from '../src/training/loss.js';
import { armEffector, DEFAULT_ARM } from '../src/world/arm.js';
import { agentIndex, cloneScene, sceneToArray } from '../src/world/scene.js';
import { ATTRIBUTES } from '../src/world/types.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    episodes: { type: 'string', default: '200' },
    seed: { type: 'string', default: '2024' },
    restarts: { type: 'string', default: '4' },
  },
});
if (!args.model?.length) {
  console.error(
    'usage: arm-diagnosis --model DIR [--model DIR2 ...] [--episodes 200] [--seed 2024] [--restarts 4]',
  );
  process.exit(2);
}
await initEngine('wasm');

const o = { episodes: Number(args.episodes), demos: 5, seed: Number(args.seed) };
const R = Number(args.restarts);
const ids = Array.from({ length: o.episodes }, (_, i) => i);
const items = armItems(o, ids);
const family = getFamily('move-between');
const ok = (b: number, angles: number[]) => {
  const { before, attention } = items[b].event;
  const after = cloneScene(before);
  after.entities[agentIndex(after)].pos = armEffector(DEFAULT_ARM, angles);
  return family.kind === 'generate' && family.check(before, attention, after).ok;
};

for (const dir of args.model) {
  const { model, inference } = await loadTrainedModel(dir);
  const batch = stackEpisodes(items.map((it) => it.episode));
  const t = batchTensors(batch, inference.attentionLogit);
  const rng = rngFor(o.seed, 'arm-chains', 0);
  const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, inference.w, {
    rng: rng.split('w'),
  });
  const { starts, rngs } = armRestarts(o, ids, items, rng, R);
  const attention = items.map((it) => it.event.attention);
  const best = reachBestOf(
    model,
    DEFAULT_ARM,
    items.map((it) => it.event.before),
    attention,
    w,
    starts,
    armChain(inference),
    inference.attentionLogit,
    rngs,
  );
  const truth = T.tensor(
    Float32Array.from(items.flatMap((it) => Array.from(sceneToArray(it.event.after)))),
    [ids.length, items[0].event.after.entities.length, ATTRIBUTES],
  );
  const truthLogits = attentionLogits(attention, inference.attentionLogit);
  const eTruth = T.read(model.energy(truth, truthLogits, w));
  let one = 0,
    bestOk = 0,
    any = 0,
    failures = 0,
    stuck = 0;
  for (const b of ids) {
    const oneOk = ok(b, best.reaches[0].angles[b]);
    one += +oneOk;
    bestOk += +ok(b, best.angles[b]);
    any += +best.reaches.some((r) => ok(b, r.angles[b]));
    if (!oneOk) {
      failures++;
      if (eTruth[b] < best.reaches[0].energies[b]) stuck++;
    }
  }
  const n = o.episodes;
  console.log(
    `${dir}: one chain ${(one / n).toFixed(3)}, best of ${R} by energy ${(bestOk / n).toFixed(3)}, any of ${R} ${(any / n).toFixed(3)}; ` +
      `one-chain failures ${failures}, of which ${stuck} end above the true final state's energy (a local minimum of the chain)`,
  );
  T.dispose([w, truth, truthLogits]);
  disposeBatchTensors(t);
  model.dispose();
}
