/**
 * npx tsx scripts/generate-diagnosis.ts --model DIR [--families make-line,...] [--episodes 200] [--seed 12345]
 *
 * Is a wrong generation the sampler's fault or the energy's? On the eval's
 * own episodes and chains (the same rng keys as `eval`, so the chain column
 * equals eval's score), it runs the model's x-chain from x0 as eval does, and
 * also from the true x1, and reports per family:
 * - `chain`: the x-chain's score from x0 (eval's);
 * - `from truth`: the score of the same chain started at the true x1. Below
 *   1, the energy's minimum near the truth is somewhere the checker rejects;
 * - `lower`: of the chain's failures, how many end lower in energy than the
 *   true x1 (the energy prefers the wrong answer; no search would fix those);
 * - the failures' checker error (quartiles) and their reasons.
 */
import * as T from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import { forEachEvalChunk } from '../src/evaluation/evaluate.js';
import { evalDiagnosisSetup, quartiles } from './eval-diagnosis-setup.js';
import { generateBatch } from '../src/inference/infer.js';
import { arrayToScene } from '../src/world/scene.js';
import { ATTRIBUTES } from '../src/world/types.js';

const {
  model,
  inference,
  options: o,
  families,
} = await evalDiagnosisSetup('generate-diagnosis', 'generate');

console.log(
  "family                  chain  from truth  lower/fail  failures' error (q25 / median / q75)",
);
for (const family of families) {
  const f = getFamily(family);
  if (f.kind !== 'generate') continue;
  let n = 0,
    chainOk = 0,
    truthOk = 0,
    fails = 0,
    lower = 0;
  const errors: number[] = [];
  const reasons = new Map<string, number>();
  forEachEvalChunk(model, family, inference, o, ({ episodes: part, batch, t, w, rng }) => {
    n += part.length;
    const N = batch.entities;
    const { x } = generateBatch(model, t.before, t.logits, w, t.movable, inference.x, {
      rng: rng.split('x'),
    });
    const { x: fromTruth } = generateBatch(model, t.after, t.logits, w, t.movable, inference.x, {
      rng: rng.split('x'),
    });
    const eChain = T.tidy(() => T.read(model.energy(x, t.logits, w)));
    const eTruth = T.tidy(() => T.read(model.energy(t.after, t.logits, w)));
    const v = T.read(x);
    const vt = T.read(fromTruth);
    part.forEach((ep, b) => {
      const scene = (arr: Float32Array) =>
        arrayToScene(arr.subarray(b * N * ATTRIBUTES, (b + 1) * N * ATTRIBUTES), N);
      const verdict = f.check(ep.test.before, ep.test.attention, scene(v));
      chainOk += +verdict.ok;
      truthOk += +f.check(ep.test.before, ep.test.attention, scene(vt)).ok;
      if (verdict.ok) return;
      fails++;
      errors.push(verdict.error);
      if (eChain[b] < eTruth[b]) lower++;
      const reason = (verdict.reason ?? 'criterion failed').replace(/-?[0-9]+(\.[0-9]+)?/g, '#');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    });
    T.dispose([x, fromTruth]);
  });
  console.log(
    `${family.padEnd(22)}  ${(chainOk / n).toFixed(3)}  ${(truthOk / n).toFixed(3)}       ${String(lower).padStart(4)}/${String(fails).padEnd(4)}  ${quartiles(errors, 3)}`,
  );
  for (const [reason, count] of [...reasons].sort((p, q) => q[1] - p[1]))
    console.log(`    ${String(count).padStart(4)}  ${reason}`);
}
