/**
 * The training loss of docs/METHOD.md, "Training", built so that its gradient flows
 * back through the unrolled w-, x- and a-chains to the parameters (second
 * order), except where a truncation option says otherwise.
 *
 *   1. w     = Langevin over w from 0 on the mean demo energy       (K_w steps)
 *   2. x1^   = Langevin over x from the test x0, true a, only movers (K_x steps)
 *   3. a^    = Langevin over a from 0 on the test x1                 (K_a steps)
 *   loss = generation * mean_b sum_{i,d} (x1^ - x1)^2
 *          (optionally relative: each row / (sum_{i,d} (x0 - x1)^2 + floor))
 *        + identification * mean_{b,i} BCE(a^, a*)
 *        + kl * ( mean_b E_stop(x1^, a, w) + mean_b E_stop(x1, a^, w) )
 *        + contrastive * mean_b softplus(E(x1, a, w) - E(stop(x1^), a, w))   (and the same for a)
 *        + energyL2 * mean_b (E_pos^2 + E_sample^2)
 *        + positiveEnergy * mean_b E(x1, a*, w)
 *        + maskRank * mean_{b identify} -log p(right masks | x1, w)   (./mask-rank.ts)
 *
 * Each episode's generation and identification rows are multiplied by its
 * family's `familyLoss` weights in the total; the parts report them unweighted.
 *
 * E_stop uses the parameters behind a first-order stop: the KL term reaches
 * theta only through the samplers (and the code w). a* is the true attention,
 * except for families with many right answers (count-k): there it is the right
 * answer nearest the model's own, its top-k logits.
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { frozen } from '../model/energy.js';
import type { EnergyModel } from '../model/model.js';
import { rngFor, RowStreams, type NormalSource, type Rng } from '../random/rng.js';
import { ATTRIBUTES } from '../world/types.js';
import { generateBatch, identifyBatch, inferCodes } from '../inference/infer.js';
import type { Batch } from './batch.js';
import { candidateMasks, maskRankLoss, maskRankRows, rightMasks } from './mask-rank.js';
import type { TrainingConfig } from './config.js';

export interface LossParts {
  total: number;
  generation: number;
  identification: number;
  kl: number;
  contrastive: number;
  /** The mask-ranking term (its weighted rows' sum over the batch size, like the others). */
  maskRank: number;
  /** Mean energy of the true test events (positives). */
  energyPositive: number;
  /** Mean energy of the generated samples x1^. */
  energySample: number;
  /** Mean energy of the start states x0 under the true attention. */
  energyStart: number;
  /** Mean |w| of the inferred codes. */
  codeNorm: number;
  /** Per family in the batch: mean generation and identification loss (sums until finalizeFamilies). */
  families: Record<string, { generation: number; identification: number; count: number }>;
}

export function emptyParts(): LossParts {
  return {
    total: 0,
    generation: 0,
    identification: 0,
    kl: 0,
    contrastive: 0,
    maskRank: 0,
    energyPositive: 0,
    energySample: 0,
    energyStart: 0,
    codeNorm: 0,
    families: {},
  };
}

export interface BatchTensors {
  demoStates: Tensor;
  demoLogits: Tensor;
  before: Tensor;
  after: Tensor;
  attention: Tensor;
  logits: Tensor;
  movable: Tensor;
}

export function batchTensors(batch: Batch, attentionLogit: number): BatchTensors {
  const { size: B, demos: M, entities: N } = batch;
  const D = ATTRIBUTES;
  const logit = (m: Float32Array) =>
    Float32Array.from(m, (v) => (v >= 0.5 ? attentionLogit : -attentionLogit));
  return {
    demoStates: T.tensor(batch.demoStates, [B * M, N, D]),
    demoLogits: T.tensor(logit(batch.demoMasks), [B * M, N]),
    before: T.tensor(batch.before, [B, N, D]),
    after: T.tensor(batch.after, [B, N, D]),
    attention: T.tensor(batch.attention, [B, N]),
    logits: T.tensor(logit(batch.attention), [B, N]),
    movable: T.tensor(batch.movable, [B, N, 1]),
  };
}

export function disposeBatchTensors(t: BatchTensors): void {
  T.dispose(Object.values(t));
}

/** Families whose identification answer is not unique: the target is the right set nearest the model's answer. */
export function identificationTargets(batch: Batch, logits: Float32Array): Float32Array {
  const N = batch.entities;
  const target = Float32Array.from(batch.attention);
  batch.families.forEach((family, b) => {
    const m = /^count-(\d)(\+?)$/.exec(family);
    if (!m) return;
    const k = Number(m[1]);
    const row = Array.from(logits.subarray(b * N, (b + 1) * N));
    const order = row.map((v, i) => [v, i] as const).sort((p, q) => q[0] - p[0]);
    const positive = row.filter((v) => v > 0).length;
    const size = m[2] === '+' ? Math.max(k, positive) : k;
    for (let i = 0; i < N; i++) target[b * N + i] = 0;
    for (let r = 0; r < size; r++) target[b * N + order[r][1]] = 1;
  });
  return target;
}

function byFamily(
  parts: LossParts,
  batch: Batch,
  rows: Float32Array,
  key: 'generation' | 'identification',
): void {
  batch.families.forEach((f, b) => (parts.families[f][key] += rows[b]));
}

function countFamilies(parts: LossParts, batch: Batch): void {
  for (const f of batch.families) {
    (parts.families[f] ??= { generation: 0, identification: 0, count: 0 }).count += 1;
  }
}

/** Per-family sums -> means (after all shards of a batch are added). */
export function finalizeFamilies(parts: LossParts): void {
  for (const entry of Object.values(parts.families)) {
    if (entry.count > 0) {
      entry.generation /= entry.count;
      entry.identification /= entry.count;
    }
  }
}

/** Add a shard's parts into the batch's (scalar parts are already shard sums / batch size). */
export function addParts(into: LossParts, shard: LossParts): void {
  for (const k of Object.keys(shard) as (keyof LossParts)[]) {
    if (k === 'families') continue;
    into[k] += shard[k];
  }
  for (const [f, e] of Object.entries(shard.families)) {
    const entry = (into.families[f] ??= { generation: 0, identification: 0, count: 0 });
    entry.generation += e.generation;
    entry.identification += e.identification;
    entry.count += e.count;
  }
}

/** Noise for the three chains: one stream per episode, keyed by (seed, step, episode index). */
export interface ChainNoise {
  w: NormalSource;
  x: NormalSource;
  a: NormalSource;
  /** The contrastive negative's continued x-chain (loss.contrastiveSteps). */
  xLong: NormalSource;
  /** Each row's draws of the masks the mask-ranking term samples. */
  masks: readonly Rng[];
}

export function chainNoise(batch: Batch, seed: number, step: number): ChainNoise {
  const rows = batch.episodes.map((e, b) => rngFor(seed, 'noise', step, e.index ?? b));
  return {
    w: new RowStreams(rows.map((r) => r.split('w'))),
    x: new RowStreams(rows.map((r) => r.split('x'))),
    a: new RowStreams(rows.map((r) => r.split('a'))),
    xLong: new RowStreams(rows.map((r) => r.split('x-long'))),
    masks: rows.map((r) => r.split('masks')),
  };
}

/**
 * The generation side's contrastive negative: the short chain's sample, or
 * with loss.contrastiveSteps = K the same sample carried K more steps down
 * the energy (no gradient through them: only its energy is pushed up).
 */
function contrastiveNegative(
  model: EnergyModel,
  xhat: Tensor,
  t: BatchTensors,
  w: Tensor,
  config: TrainingConfig,
  noise: ChainNoise,
): Tensor {
  const start = T.stopGradient(xhat);
  const K = config.loss.contrastiveSteps;
  if (K === 0) return start;
  const { x } = generateBatch(
    model,
    start,
    t.logits,
    T.stopGradient(w),
    t.movable,
    { ...config.inference.x, steps: K },
    { rng: noise.xLong },
  );
  return T.stopGradient(x);
}

/**
 * Which terms to build: all of them, or one chain's side. The x side is the
 * generation term and the x-chain's kl, contrastive and energyL2 terms; the a
 * side is the identification term and the a-chain's kl and contrastive terms.
 * The two sides add up to the whole loss (gradient surgery needs them apart).
 */
export type LossSide = 'both' | 'x' | 'a';

/**
 * Build the loss inside a gradient computation. Every mean over episodes is a
 * sum over this batch's rows divided by `batchTotal`, so that the losses (and
 * gradients) of the shards of a batch add up to the whole batch's. Scalar
 * parts are written to `parts` in the same form.
 */
export interface LossInputs {
  model: EnergyModel;
  batch: Batch;
  /** The batch as tensors (batchTensors). */
  t: BatchTensors;
  config: TrainingConfig;
  /** The chains' noise, keyed by (seed, step) (chainNoise). */
  noise: ChainNoise;
  /** Filled with the loss's parts, for the logs. */
  parts: LossParts;
  /** The whole batch's size when this is a shard of it (default: this batch's). */
  batchTotal?: number;
  /** Which side of the loss: both, or generation (x) or identification (a) alone. */
  side?: LossSide;
}

export function trainingLoss(inputs: LossInputs): T.Scalar {
  const {
    model,
    batch,
    t,
    config,
    noise,
    parts,
    batchTotal = inputs.batch.size,
    side = 'both',
  } = inputs;
  const { inference: inf, loss: weights, truncation } = config;
  const B = batch.size;
  const steps = (k: number | null) => (k === null ? undefined : k);
  const rowMean = (rows: Tensor) => T.div(T.sum(rows), batchTotal);
  const familyWeighted = (rows: Tensor, key: 'generation' | 'identification'): Tensor =>
    batch.families.every((f) => (config.familyLoss[f]?.[key] ?? 1) === 1)
      ? rows
      : T.mul(
          rows,
          T.tensor(
            Float32Array.from(batch.families, (f) => config.familyLoss[f]?.[key] ?? 1),
            [B],
          ),
        );
  countFamilies(parts, batch);

  let { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, inf.w, {
    rng: noise.w,
    differentiable: true,
    differentiableSteps: steps(truncation.wSteps),
  });
  if (truncation.firstOrderW) w = T.stopGradient(w);
  parts.codeNorm = T.readScalar(rowMean(T.sqrt(T.add(T.sum(T.square(w), 1), 1e-12))));

  const fz = frozen(model.params);
  let total: Tensor = T.scalar(0);
  // g's features of the true after-scenes under w, shared by every term at (x1, w), whatever the
  // attention: the positive energy, the a-chain's steps, its contrastive negative, the mask ranking.
  let afterRelations: Tensor | undefined;
  const relationsAfter = () => (afterRelations ??= model.relations(t.after, w));
  let ePosShared: Tensor | undefined;
  const positiveEnergy = () =>
    (ePosShared ??= model.energyOfRelations(relationsAfter(), t.logits, w));

  const needX =
    side !== 'a' &&
    (weights.generation > 0 ||
      weights.kl > 0 ||
      weights.contrastive > 0 ||
      weights.positiveEnergy > 0);
  if (needX) {
    const { x: xhat } = generateBatch(model, t.before, t.logits, w, t.movable, inf.x, {
      rng: noise.x,
      differentiable: true,
      differentiableSteps: steps(truncation.xSteps),
    });
    let genRows = T.sum(T.square(T.sub(xhat, t.after)), [1, 2]);
    if (weights.generationRelativeFloor > 0) {
      const start = T.sum(T.square(T.sub(t.before, t.after)), [1, 2]);
      genRows = T.div(genRows, T.add(start, weights.generationRelativeFloor));
    }
    parts.generation = T.readScalar(rowMean(genRows));
    byFamily(parts, batch, T.read(genRows), 'generation');
    total = T.add(total, T.mul(rowMean(familyWeighted(genRows, 'generation')), weights.generation));

    const eSample = model.energy(xhat, t.logits, w, fz);
    parts.energySample = T.readScalar(rowMean(eSample));
    if (weights.kl > 0) {
      const kl = rowMean(eSample);
      parts.kl += T.readScalar(kl);
      total = T.add(total, T.mul(kl, weights.kl));
    }
    const ePos = positiveEnergy();
    parts.energyPositive = T.readScalar(rowMean(ePos));
    if (weights.positiveEnergy > 0)
      total = T.add(total, T.mul(rowMean(ePos), weights.positiveEnergy));
    parts.energyStart = T.readScalar(
      rowMean(model.energy(t.before, t.logits, T.stopGradient(w), fz)),
    );
    if (weights.contrastive > 0 || weights.energyL2 > 0) {
      const eNeg = model.energy(contrastiveNegative(model, xhat, t, w, config, noise), t.logits, w);
      const c = rowMean(T.softplus(T.sub(ePos, eNeg)));
      parts.contrastive += T.readScalar(c);
      total = T.add(total, T.mul(c, weights.contrastive));
      total = T.add(total, T.mul(rowMean(T.add(T.square(ePos), T.square(eNeg))), weights.energyL2));
    }
  }

  const needA = side !== 'x' && (weights.identification > 0 || weights.kl > 0);
  if (needA) {
    const { a: ahat } = identifyBatch(model, t.after, w, inf.a, inf.attentionRange, {
      rng: noise.a,
      differentiable: true,
      differentiableSteps: steps(truncation.aSteps),
      relations: relationsAfter(),
    });
    const target = T.tensor(identificationTargets(batch, T.read(ahat)), [B, batch.entities]);
    const idRows = T.mean(T.bceWithLogits(ahat, target), 1);
    parts.identification = T.readScalar(rowMean(idRows));
    byFamily(parts, batch, T.read(idRows), 'identification');
    total = T.add(
      total,
      T.mul(rowMean(familyWeighted(idRows, 'identification')), weights.identification),
    );
    if (weights.kl > 0) {
      const kl = rowMean(model.energy(t.after, ahat, w, fz));
      parts.kl += T.readScalar(kl);
      total = T.add(total, T.mul(kl, weights.kl));
    }
    if (weights.contrastive > 0) {
      const ePos = positiveEnergy();
      const eNeg = model.energyOfRelations(relationsAfter(), T.stopGradient(ahat), w);
      const c = rowMean(T.softplus(T.sub(ePos, eNeg)));
      parts.contrastive += T.readScalar(c);
      total = T.add(total, T.mul(c, weights.contrastive));
    }
  }
  if (side !== 'x' && weights.maskRank > 0) {
    const rows = maskRankRows(batch);
    if (rows.length > 0) {
      const allRight = rows.map((b) => rightMasks(batch, b));
      const masks = rows.map((b, r) =>
        candidateMasks(batch.entities, allRight[r]!, weights.maskRankMasks, noise.masks[b]!),
      );
      const right = masks.map((ms, r) => ms.map((m) => allRight[r]![m]!));
      let rank = maskRankLoss(model, {
        after: t.after,
        w,
        rows,
        masks,
        right,
        attentionLogit: inf.attentionLogit,
        temperature: weights.maskRankTemperature,
        relations: relationsAfter(),
      });
      // Scaled by the family's identification weight, as its BCE rows are.
      const scale = rows.map((b) => config.familyLoss[batch.families[b]]?.identification ?? 1);
      if (scale.some((v) => v !== 1))
        rank = T.mul(rank, T.tensor(Float32Array.from(scale), [rows.length]));
      const term = rowMean(rank);
      parts.maskRank += T.readScalar(term);
      total = T.add(total, T.mul(term, weights.maskRank));
    }
  }
  parts.total = T.readScalar(total);
  return total as T.Scalar;
}
