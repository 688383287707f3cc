/**
 * npx tsx scripts/line-diagnosis.ts --model DIR [--episodes 200] [--seed 12345]
 *
 * Which straight lines does a model miss? On eval's own episodes and chains
 * (forEachEvalChunk, the same rng keys as `eval`):
 * - line (identification): the energy's own choice, the lowest-energy mask
 *   of all 2^N (identify-diagnosis's `argmin`; the chain agrees with it on
 *   line), scored by the true line's extent; for the wrong choices, the
 *   chosen triple's residual / extent and extent against the true line's;
 * - make-line (generation): the x-chain's success by the extent of the true
 *   answer's line.
 * docs/history/training-log.md uses it: the misses are the long lines.
 */
import * as T from '../src/engine/index.js';
import { line } from '../src/concepts/line.js';
import { makeLine } from '../src/concepts/make-line.js';
import { LINE } from '../src/concepts/shapes.js';
import { forEachEvalChunk } from '../src/evaluation/evaluate.js';
import { generateBatch } from '../src/inference/infer.js';
import { allMaskEnergies } from '../src/training/mask-rank.js';
import { arrayToScene } from '../src/world/scene.js';
import { ATTRIBUTES, type Scene } from '../src/world/types.js';
import { evalDiagnosisSetup, lowestEnergyMask, quartiles } from './eval-diagnosis-setup.js';

const { model, inference, options: o } = await evalDiagnosisSetup('line-diagnosis', 'identify');
const BINS = [0.4, 0.5, 0.6, 0.7, 0.8];
const binOf = (extent: number) =>
  Math.max(0, Math.min(BINS.length - 2, BINS.findIndex((b) => extent < b) - 1));
const fitOf = (scene: Scene, mask: readonly number[]) =>
  LINE.fit(scene.entities.filter((_, i) => mask[i] >= 0.5).map((e) => e.pos));
const table = (name: string, ok: number[], n: number[]) =>
  console.log(
    `${name.padEnd(10)} ` +
      BINS.slice(0, -1)
        .map(
          (b, k) =>
            `[${b.toFixed(1)}, ${BINS[k + 1].toFixed(1)}): ${n[k] ? (ok[k] / n[k]).toFixed(2) : '-'} (${n[k]})`,
        )
        .join('   '),
  );

console.log("score by the true line's extent (episodes in brackets)");
{
  const ok = BINS.map(() => 0),
    n = BINS.map(() => 0);
  const chosenRel: number[] = [],
    chosenExtent: number[] = [],
    trueExtent: number[] = [];
  const L = inference.attentionLogit;
  forEachEvalChunk(model, 'line', inference, o, ({ episodes: part, batch, t, w }) => {
    const N = batch.entities;
    const e = T.tidy(() =>
      T.read(
        allMaskEnergies(
          model,
          t.after,
          w,
          part.map((_, b) => b),
          L,
        ),
      ),
    );
    part.forEach((ep, b) => {
      const { mask } = lowestEnergyMask(e, b, N);
      const truth = fitOf(ep.test.after, ep.test.attention);
      const k = binOf(truth.size);
      n[k]++;
      if (line.check(ep.test.after, mask).ok) ok[k]++;
      else if (mask.reduce((s, v) => s + v, 0) === 3) {
        const chosen = fitOf(ep.test.after, mask);
        chosenRel.push(chosen.relResidual);
        chosenExtent.push(chosen.size);
        trueExtent.push(truth.size);
      }
    });
  });
  table('line', ok, n);
  console.log(
    `  wrong triples (${chosenRel.length}): residual / extent ${quartiles(chosenRel, 2)} (the checker's bar: ${LINE.tolerance}); ` +
      `extent ${quartiles(chosenExtent, 2)}, the true line's ${quartiles(trueExtent, 2)} (quartiles)`,
  );
}
{
  const ok = BINS.map(() => 0),
    n = BINS.map(() => 0);
  forEachEvalChunk(model, 'make-line', inference, o, ({ episodes: part, batch, t, w, rng }) => {
    const N = batch.entities;
    const { x } = generateBatch(model, t.before, t.logits, w, t.movable, inference.x, {
      rng: rng.split('x'),
    });
    const v = T.read(x);
    part.forEach((ep, b) => {
      const k = binOf(fitOf(ep.test.after, ep.test.attention).size);
      n[k]++;
      const after = arrayToScene(v.subarray(b * N * ATTRIBUTES, (b + 1) * N * ATTRIBUTES), N);
      if (makeLine.check(ep.test.before, ep.test.attention, after).ok) ok[k]++;
    });
    x.dispose();
  });
  table('make-line', ok, n);
}
