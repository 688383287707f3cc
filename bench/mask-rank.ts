/**
 * The mask-ranking term's energies, value and parameter gradients, two ways
 * in one run: g once per episode with each mask's pooling and f
 * (`energyOfAttentions`, what training uses) against one full energy per
 * mask (the scene tiled 2^N times, what training used before):
 *
 *   npx tsx bench/mask-rank.ts [--entities N] [--hidden H]
 *
 * 17 episodes (the identification rows of a batch of 32) with all 2^N masks,
 * the shipped recipe's energy shape; medians of 5 interleaved repetitions.
 */
import * as T from '../src/engine/index.js';
import { EnergyModel } from '../src/model/model.js';
import { Rng } from '../src/random/rng.js';
import { allMaskLogits } from '../src/training/mask-rank.js';

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) {
    console.error(`mask-rank: ${name} must be an integer >= 1`);
    process.exit(2);
  }
  return v;
};
const N = flag('--entities', 6);
const H = flag('--hidden', 64);
const [R, M, D, C] = [17, 2 ** N, 5, 16];
await T.initEngine('wasm');
const model = EnergyModel.init(
  {
    variant: 'relational',
    attributes: D,
    codeSize: C,
    hidden: H,
    gLayers: 3,
    fLayers: 1,
    pairDistance: true,
    energyOutputs: 4,
  },
  new Rng(1),
);
const rng = new Rng(2);
const x = T.tensor(
  Float32Array.from({ length: R * N * D }, () => rng.range(-1, 1)),
  [R, N, D],
);
const w = T.tensor(
  Float32Array.from({ length: R * C }, () => rng.range(-1, 1)),
  [R, C],
);
const logits = new Float32Array(R * M * N);
for (let r = 0; r < R; r++) logits.set(allMaskLogits(N, 4), r * M * N);
const a = T.tensor(logits, [R, M, N]);

const fused = () => T.sum(model.energyOfAttentions(x, a, w)) as T.Scalar;
const perMask = () => {
  const tile = T.zeros([R, M, 1]);
  const xs = T.reshape(T.add(T.reshape(x, [R, 1, N * D]), tile), [R * M, N, D]);
  const ws = T.reshape(T.add(T.reshape(w, [R, 1, C]), tile), [R * M, C]);
  return T.sum(model.energy(xs, T.reshape(a, [R * M, N]), ws)) as T.Scalar;
};
const time = (loss: () => T.Scalar) => {
  const t0 = performance.now();
  T.tidy(() => {
    const { value, grads } = model.valueAndGrads(loss);
    T.read(value);
    Object.values(grads).forEach((g) => T.read(g));
  });
  return performance.now() - t0;
};
const runs = { fused: [] as number[], perMask: [] as number[] };
for (let k = 0; k < 7; k++) {
  const [f, p] = [time(fused), time(perMask)];
  if (k < 2) continue; // warm-up
  runs.fused.push(f);
  runs.perMask.push(p);
}
const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const [f, p] = [median(runs.fused), median(runs.perMask)];
console.log(
  `mask-ranking term, N = ${N}, hidden ${H}, ${R} episodes x ${M} masks: ` +
    `g once per episode ${f.toFixed(1)} ms, an energy per mask ${p.toFixed(1)} ms (${(p / f).toFixed(1)}x)`,
);
