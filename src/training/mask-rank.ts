/**
 * The mask-ranking term: a departure from the paper (docs/METHOD.md), off unless
 * `loss.maskRank` > 0.
 *
 * The identification term judges only where one a-chain ends. Nothing asks
 * the energy to rank the true set of entities below the other sets it never
 * visits, and a wider search at test time (more restarts, more noise) then
 * finds wrong sets of lower energy (docs/history/training-log.md, "Ranking
 * the true set": `scripts/identify-diagnosis.ts`). With N entities there are only 2^N hard
 * masks (64 at N = 6), so the discrete attention's likelihood is exact:
 *
 *   p(m | x1, w) = exp(-E(x1, m, w) / tau) / sum_m' exp(-E(x1, m', w) / tau)
 *   row loss     = -log sum_{m right} p(m | x1, w)
 *
 * where "right" is the family's own checker (so count-k's many right answers
 * all count), and a mask m enters the energy as logits +-L, as demos do.
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { getFamily } from '../concepts/index.js';
import type { EnergyModel } from '../model/model.js';
import type { Batch } from './batch.js';

/** Largest scene the term enumerates: 2^10 masks per episode. */
export const MASK_RANK_MAX_ENTITIES = 10;

/** Every hard mask over N entities, as logits +-L: row m holds bit i of m at entity i. [2^N, N] */
export function allMaskLogits(N: number, L: number): Float32Array {
  const M = 1 << N;
  const out = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let i = 0; i < N; i++) out[m * N + i] = (m >> i) & 1 ? L : -L;
  return out;
}

/** Which of the 2^N masks the family's checker accepts on batch row b's test scene. */
export function rightMasks(batch: Batch, b: number): boolean[] {
  const f = getFamily(batch.families[b]);
  if (f.kind !== 'identify')
    throw new Error(`maskRank: ${batch.families[b]} is not an identification family`);
  const N = batch.entities;
  const scene = batch.episodes[b].test.after;
  return Array.from(
    { length: 1 << N },
    (_, m) =>
      f.check(
        scene,
        Array.from({ length: N }, (_, i) => (m >> i) & 1),
      ).ok,
  );
}

/** The batch rows the term applies to: identification families. */
export function maskRankRows(batch: Batch): number[] {
  return batch.families.flatMap((f, b) => (getFamily(f).kind === 'identify' ? [b] : []));
}

/**
 * E(x1, m, w) of every hard mask m of each selected row: [rows.length, 2^N],
 * column m holding mask m of `allMaskLogits`. `after` [B, N, D] and `w` [B, C]
 * are the whole batch's; rows are picked with a 0/1 matrix product (gather has
 * no gradient on wasm), so the gradient reaches w, and through it the w-chain.
 */
export function allMaskEnergies(
  model: EnergyModel,
  after: Tensor,
  w: Tensor,
  rows: readonly number[],
  attentionLogit: number,
): Tensor {
  const [B, N, D] = after.shape as [number, number, number];
  const C = w.shape[1]!;
  const R = rows.length;
  const M = 1 << N;
  const pick = new Float32Array(R * B);
  rows.forEach((b, r) => (pick[r * B + b] = 1));
  const S = T.tensor(pick, [R, B]);
  const broadcast = T.zeros([R, M, 1]);
  const xs = T.reshape(
    T.add(T.reshape(T.matMul(S, T.reshape(after, [B, N * D])), [R, 1, N * D]), broadcast),
    [R * M, N, D],
  );
  const ws = T.reshape(T.add(T.reshape(T.matMul(S, w), [R, 1, C]), broadcast), [R * M, C]);
  const masks = allMaskLogits(N, attentionLogit);
  const logits = new Float32Array(R * M * N);
  for (let r = 0; r < R; r++) logits.set(masks, r * M * N);
  return T.reshape(model.energy(xs, T.tensor(logits, [R * M, N]), ws), [R, M]);
}

/** Per selected row, -log p(right masks): [rows.length] (the energies as in `allMaskEnergies`). */
export function maskRankLoss(
  model: EnergyModel,
  after: Tensor,
  w: Tensor,
  rows: readonly number[],
  right: readonly (readonly boolean[])[],
  attentionLogit: number,
  temperature: number,
): Tensor {
  if (right.some((ok) => !ok.some(Boolean))) throw new Error('maskRank: a row has no right mask');
  const e = allMaskEnergies(model, after, w, rows, attentionLogit);
  const [R, M] = e.shape as [number, number];
  const z = T.div(T.neg(e), temperature);
  // Wrong masks are pushed out of the second sum by a large negative offset.
  const offset = new Float32Array(R * M);
  right.forEach((ok, r) => ok.forEach((v, m) => (offset[r * M + m] = v ? 0 : -1e4)));
  return T.sub(T.logSumExp(z), T.logSumExp(T.add(z, T.tensor(offset, [R, M]))));
}
