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
 *
 * g runs once per episode: a mask enters only as gates on g's pooling, so
 * each mask costs one row of a batched product and f
 * (`energyOfAttentions`, ../model/energy.ts; 12-22 times faster than an energy
 * per mask at N = 6, `npx tsx bench/mask-rank.ts`).
 *
 * The sum runs over every mask while 2^N is at most `loss.maskRankMasks`
 * (64: N <= 6). Above, each row ranks a sample of that many masks instead
 * (all 4,096 at N = 12 would be 64 times the term's work): some right masks, the masks one
 * entity away from a right one (the wrong answers nearest the truth, the ones
 * a chain ends in), and uniform draws. The loss is then a sampled softmax:
 * the same ranking, its normaliser estimated from the masks that compete.
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { getFamily } from '../concepts/index.js';
import type { EnergyModel } from '../model/model.js';
import type { Rng } from '../random/rng.js';
import type { Batch } from './batch.js';

/** Largest scene the term takes: its right masks are found among all 2^12 by the checker. */
export const MASK_RANK_MAX_ENTITIES = 12;

/** Hard masks over N entities as logits +-L: row r holds bit i of masks[r] at entity i. [masks.length, N] */
export function maskLogits(masks: readonly number[], N: number, L: number): Float32Array {
  const out = new Float32Array(masks.length * N);
  masks.forEach((m, r) => {
    for (let i = 0; i < N; i++) out[r * N + i] = (m >> i) & 1 ? L : -L;
  });
  return out;
}

/** Every hard mask over N entities, as logits +-L: row m holds bit i of m at entity i. [2^N, N] */
export function allMaskLogits(N: number, L: number): Float32Array {
  return maskLogits(
    Array.from({ length: 1 << N }, (_, m) => m),
    N,
    L,
  );
}

/**
 * The masks one row ranks: all 2^N of them when there are at most `count`;
 * else exactly `count` distinct masks: up to a quarter right ones (at least
 * one), every mask one entity away from those (while they fit in half), then
 * uniform draws. `right` is over all 2^N masks (rightMasks).
 */
export function candidateMasks(
  N: number,
  right: readonly boolean[],
  count: number,
  rng: Rng,
): number[] {
  const M = 1 << N;
  if (M <= count) return Array.from({ length: M }, (_, m) => m);
  const rights = rng.shuffle(right.flatMap((ok, m) => (ok ? [m] : [])));
  if (rights.length === 0) throw new Error('maskRank: a row has no right mask');
  const chosen = new Set<number>(rights.slice(0, Math.max(1, Math.floor(count / 4))));
  for (const r of [...chosen]) {
    if (chosen.size + N > count / 2) break;
    for (let i = 0; i < N; i++) chosen.add(r ^ (1 << i));
  }
  while (chosen.size < count) chosen.add(rng.int(M));
  return [...chosen];
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
 * E(x1, m, w) of each selected row's masks: [rows.length, K], column k
 * holding `masks[r][k]` (every row has the same count K). `after` [B, N, D]
 * and `w` [B, C] are the whole batch's; rows are picked with a 0/1 matrix
 * product (gather has no gradient on wasm), so the gradient reaches w, and
 * through it the w-chain.
 */
export function maskEnergies(
  model: EnergyModel,
  after: Tensor,
  w: Tensor,
  rows: readonly number[],
  masks: readonly (readonly number[])[],
  attentionLogit: number,
  relations?: Tensor,
): Tensor {
  const [B, N, D] = after.shape as [number, number, number];
  const R = rows.length;
  const M = masks[0]?.length ?? 0;
  if (masks.length !== R || masks.some((m) => m.length !== M))
    throw new Error('maskRank: every row needs the same number of masks');
  const pick = new Float32Array(R * B);
  rows.forEach((b, r) => (pick[r * B + b] = 1));
  const S = T.tensor(pick, [R, B]);
  const ws = T.matMul(S, w);
  const logits = new Float32Array(R * M * N);
  masks.forEach((m, r) => logits.set(maskLogits(m, N, attentionLogit), r * M * N));
  const a = T.tensor(logits, [R, M, N]);
  if (relations) {
    // The caller's g features of the whole batch: the rows picked, exactly (one 1 per row).
    const rest = relations.shape.slice(1);
    const size = rest.reduce((u, v) => u * v, 1);
    const hs = T.reshape(T.matMul(S, T.reshape(relations, [B, size])), [R, ...rest]);
    return model.energyOfAttentionsGiven(hs, a, ws);
  }
  const xs = T.reshape(T.matMul(S, T.reshape(after, [B, N * D])), [R, N, D]);
  // g once per row, then each mask's pooling and f (energyOfAttentions in ../model/energy.ts).
  return model.energyOfAttentions(xs, a, ws);
}

/** E(x1, m, w) of every hard mask m of each selected row: [rows.length, 2^N], column m holding mask m. */
export function allMaskEnergies(
  model: EnergyModel,
  after: Tensor,
  w: Tensor,
  rows: readonly number[],
  attentionLogit: number,
): Tensor {
  const every = Array.from({ length: 1 << after.shape[1]! }, (_, m) => m);
  return maskEnergies(
    model,
    after,
    w,
    rows,
    rows.map(() => every),
    attentionLogit,
  );
}

export interface MaskRankInputs {
  /** The batch's true after-scenes [B, N, D]. */
  after: Tensor;
  /** The batch's codes [B, C]. */
  w: Tensor;
  /** The rows the term applies to (maskRankRows). */
  rows: readonly number[];
  /** Each row's masks (every row the same count). */
  masks: readonly (readonly number[])[];
  /** Which of each row's masks are right. */
  right: readonly (readonly boolean[])[];
  attentionLogit: number;
  temperature: number;
  /** g's features of (after, w) for the whole batch, when the caller has them. */
  relations?: Tensor;
}

/**
 * Per selected row, -log p(right masks | the row's masks): [rows.length].
 * `masks[r]` are row r's masks (candidateMasks) and `right[r][k]` whether
 * `masks[r][k]` is right; with every mask, the exact likelihood.
 */
export function maskRankLoss(model: EnergyModel, o: MaskRankInputs): Tensor {
  const { right, temperature } = o;
  if (right.some((ok) => !ok.some(Boolean))) throw new Error('maskRank: a row has no right mask');
  const e = maskEnergies(model, o.after, o.w, o.rows, o.masks, o.attentionLogit, o.relations);
  const [R, M] = e.shape as [number, number];
  const z = T.div(T.neg(e), temperature);
  // Wrong masks are pushed out of the second sum by a large negative offset.
  const offset = new Float32Array(R * M);
  right.forEach((ok, r) => ok.forEach((v, m) => (offset[r * M + m] = v ? 0 : -1e4)));
  return T.sub(T.logSumExp(z), T.logSumExp(T.add(z, T.tensor(offset, [R, M]))));
}
