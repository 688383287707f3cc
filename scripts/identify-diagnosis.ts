/**
 * npx tsx scripts/identify-diagnosis.ts --model DIR [--families square,line,...] [--episodes 200] [--seed 12345]
 *
 * Is a wrong identification the search's fault or the energy's? On the
 * eval's own episodes and chains (the same rng keys as `eval`, so the chain
 * column equals eval's score), it runs the shipped a-chain and also scores
 * every one of the 2^N hard masks by the energy, and reports per family:
 * - `chain`: the a-chain's score (best of the model's restarts, as eval);
 * - `argmin`: the score of the mask of lowest energy among all 2^N, i.e.
 *   what a perfect search would get from this energy;
 * - `search`: of the chain's failures, how many end higher in energy than the
 *   true mask (a better search would fix those, if the true mask is the argmin);
 * - `rank`: the median rank of the true mask among the 2^N (0 = the lowest);
 * - of argmin's failures, how many differ from the truth by one entity.
 */
import * as T from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import { forEachEvalChunk } from '../src/evaluation/evaluate.js';
import { evalDiagnosisSetup, lowestEnergyMask } from './eval-diagnosis-setup.js';
import { identifyBatch } from '../src/inference/infer.js';
import { allMaskEnergies } from '../src/training/mask-rank.js';

const {
  model,
  inference,
  options: o,
  families,
} = await evalDiagnosisSetup('identify-diagnosis', 'identify');
const L = inference.attentionLogit;

console.log('family        chain  argmin  search/fail  rank(med)  argmin-fail-by-one');
for (const family of families) {
  const f = getFamily(family);
  if (f.kind !== 'identify') continue;
  let n = 0,
    chainOk = 0,
    argminOk = 0,
    fails = 0,
    search = 0,
    byOne = 0;
  const ranks: number[] = [];
  forEachEvalChunk(model, family, inference, o, ({ episodes: part, batch, t, w, rng }) => {
    n += part.length;
    const N = batch.entities;
    const M = 1 << N;
    // The chain's own answer: the model's enumeration off (with it, the chain column is the argmin).
    const chain = { ...inference.a, enumerate: 0 };
    const { a } = identifyBatch(model, t.after, w, chain, inference.attentionRange, {
      rng: rng.split('a'),
      answerLogit: L,
    });
    const logits = T.read(a);
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
      const code = (mask: number[]) => mask.reduce((c, v, i) => c | (v << i), 0);
      const chainMask = Array.from(logits.subarray(b * N, (b + 1) * N), (v) => (v > 0 ? 1 : 0));
      const truth = code(ep.test.attention.map((v) => (v >= 0.5 ? 1 : 0)));
      const eb = e.subarray(b * M, (b + 1) * M);
      const { index: arg, mask: argMask } = lowestEnergyMask(e, b, N);
      const okChain = f.check(ep.test.after, chainMask).ok;
      const okArg = f.check(ep.test.after, argMask).ok;
      chainOk += +okChain;
      argminOk += +okArg;
      if (!okChain) {
        fails++;
        if (eb[truth] < eb[code(chainMask)]) search++;
      }
      if (!okArg) {
        const bits = (arg ^ truth)
          .toString(2)
          .split('')
          .filter((c) => c === '1').length;
        if (
          bits === 1 ||
          (bits === 2 &&
            argMask.reduce((s, v) => s + v, 0) === ep.test.attention.filter((v) => v >= 0.5).length)
        )
          byOne++;
      }
      ranks.push(Array.from(eb).filter((v) => v < eb[truth]).length);
    });
    a.dispose();
  });
  ranks.sort((x, y) => x - y);
  console.log(
    `${family.padEnd(12)} ${(chainOk / n).toFixed(3)}  ${(argminOk / n).toFixed(3)}   ${String(search).padStart(4)}/${String(fails).padEnd(4)}   ${String(ranks[Math.floor(n / 2)]).padStart(6)}     ${byOne}/${n - argminOk}`,
  );
}
