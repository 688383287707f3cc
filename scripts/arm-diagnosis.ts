/**
 * npx tsx scripts/arm-diagnosis.ts --model DIR [--model DIR2 ...] [--episodes 200] [--seed 2024] [--restarts 4]
 *
 * Why does the arm miss the midpoint when the particle agent finds it? On
 * the arm evaluation's events (codes from 5 particle-world demos), it runs
 * the arm's chain from the event's start pose and from restarts-1 random
 * poses, and reports:
 * - `one chain`: success from the start pose alone (the evaluation before session 10);
 * - `best of R`: success of the lowest-energy answer among the R chains (the evaluation since);
 * - `any of R`: success if any chain succeeded (what a perfect judge would get);
 * - of the one-chain failures, how many end higher in energy than the
 *   effector placed at the true midpoint: there the chain stopped in a
 *   local minimum of the folded kinematics; elsewhere the energy's own
 *   minimum is not the midpoint.
 * All the episodes run as one batch, so the chain noise differs from
 * `eval`'s (chunks of 128): the numbers agree statistically, not episode by episode.
 */
import { parseArgs } from 'node:util';
import * as T from '../src/engine/index.js';
import { initEngine } from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import { armChain, armItems, armRestartPoses } from '../src/evaluation/arm.js';
import { reachBatch } from '../src/inference/arm.js';
import { attentionLogits, inferCodes } from '../src/inference/infer.js';
import { loadTrainedModel } from '../src/model/trained.js';
import { rngFor } from '../src/random/rng.js';
import { stackEpisodes } from '../src/training/batch.js';
import { batchTensors, disposeBatchTensors } from '../src/training/loss.js';
import { armEffector, DEFAULT_ARM } from '../src/world/arm.js';
import { agentIndex, cloneScene, sceneToArray } from '../src/world/scene.js';
import { ATTRIBUTES, type Scene, type Vec2 } from '../src/world/types.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    episodes: { type: 'string', default: '200' },
    seed: { type: 'string', default: '2024' },
    restarts: { type: 'string', default: '4' },
  },
});
if (!args.model?.length) {
  console.error('usage: arm-diagnosis --model DIR [--model DIR2 ...] [--episodes 200] [--seed 2024] [--restarts 4]');
  process.exit(2);
}
await initEngine('wasm');

const o = { episodes: Number(args.episodes), demos: 5, seed: Number(args.seed) };
const R = Number(args.restarts);
const ids = Array.from({ length: o.episodes }, (_, i) => i);
const items = armItems(o, ids);
const family = getFamily('move-between');
const scenes = items.map((it) => it.event.before);
const attention = items.map((it) => it.event.attention);
const placed = (b: number, p: Vec2): Scene => {
  const s = cloneScene(scenes[b]);
  s.entities[agentIndex(s)].pos = p;
  return s;
};
const midpoint = (b: number): Vec2 => {
  const agent = agentIndex(scenes[b]);
  const [p, q] = attention[b].flatMap((v, j) => (v >= 0.5 && j !== agent ? [scenes[b].entities[j].pos] : []));
  return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
};
const ok = (b: number, angles: number[]) =>
  family.kind === 'generate' && family.check(items[b].event.before, items[b].event.attention, placed(b, armEffector(DEFAULT_ARM, angles))).ok;

for (const dir of args.model) {
  const { model, inference } = await loadTrainedModel(dir);
  const batch = stackEpisodes(items.map((it) => it.episode));
  const t = batchTensors(batch, inference.attentionLogit);
  const rng = rngFor(o.seed, 'arm-chains', 0);
  const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, inference.w, { rng: rng.split('w') });
  const reaches = Array.from({ length: R }, (_, r) =>
    reachBatch(model, DEFAULT_ARM, scenes, attention, w, r === 0 ? items.map((it) => it.angles) : armRestartPoses(o, ids, r), armChain(inference), inference.attentionLogit, rng.split(r === 0 ? 'x' : `x${r}`)),
  );
  const x = T.tensor(Float32Array.from(ids.flatMap((b) => Array.from(sceneToArray(placed(b, midpoint(b)))))), [ids.length, scenes[0].entities.length, ATTRIBUTES]);
  const eMid = T.read(model.energy(x, attentionLogits(attention, inference.attentionLogit), w));
  let one = 0, best = 0, any = 0, failures = 0, stuck = 0;
  for (const b of ids) {
    const energies = reaches.map((r) => r.energies[b]);
    const k = energies.indexOf(Math.min(...energies));
    const oneOk = ok(b, reaches[0].angles[b]);
    one += +oneOk;
    best += +ok(b, reaches[k].angles[b]);
    any += +reaches.some((r) => ok(b, r.angles[b]));
    if (!oneOk) {
      failures++;
      if (eMid[b] < reaches[0].energies[b]) stuck++;
    }
  }
  const n = o.episodes;
  console.log(`${dir}: one chain ${(one / n).toFixed(3)}, best of ${R} by energy ${(best / n).toFixed(3)}, any of ${R} ${(any / n).toFixed(3)}; ` +
    `one-chain failures ${failures}, of which ${stuck} end above the midpoint's energy (a local minimum of the chain)`);
  T.dispose([w, x]);
  disposeBatchTensors(t);
  model.dispose();
}
