/**
 * Few-shot evaluation against ground truth: fresh seeded episodes of a family,
 * the concept code inferred from M demos, the test query answered by
 * Langevin inference, the answer judged by the family's checker (never by the
 * model's own energy).
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { getFamily } from '../concepts/index.js';
import type { FamilyName } from '../concepts/family.js';
import type { SceneShift } from '../concepts/scene-shift.js';
import { generateBatch, identifyBatch, inferCodes } from '../inference/infer.js';
import type { InferenceSettings } from '../inference/settings.js';
import type { EnergyModel } from '../model/model.js';
import { rngFor, type Rng } from '../random/rng.js';
import { arrayToScene } from '../world/scene.js';
import { ATTRIBUTES } from '../world/types.js';
import { sampleEpisode, stackEpisodes, type Batch, type Episode } from '../training/batch.js';
import { batchTensors, disposeBatchTensors, type BatchTensors } from '../training/loss.js';

/**
 * `eval`'s defaults: the episodes every reported score is measured on. The
 * results page and the diagnostics (scripts/*-diagnosis.ts) use the same, so
 * their numbers are the same episodes' as `eval`'s.
 */
export const EVAL_DEFAULTS = { episodes: 500, demos: 5, seed: 12345 } as const;

export interface EvalOptions {
  episodes: number;
  demos: number;
  entities?: number;
  seed: number;
  /** Scenes unlike the training defaults (the shift suite's geometry and colour axes). */
  shift?: SceneShift;
  /** Episodes per engine call (memory bound). */
  chunk?: number;
}

export interface FamilyScore {
  family: FamilyName;
  kind: 'identify' | 'generate';
  episodes: number;
  successes: number;
  /** The strict judge: the concept and minimal change (`check`). */
  score: number;
  /**
   * The lenient judge: what the concept names and the stay-put rule, not what
   * the movers do to the rest (`check(..., { lenient: true })`); equal to
   * `score` for identification. Reported beside the score, never instead.
   */
  lenientSuccesses: number;
  lenientScore: number;
  /** Mean of the checker's error over episodes. */
  meanError: number;
  /** Identification: fraction of entities whose attended/unattended call is right. */
  entityAccuracy?: number;
}

/** The evaluation episodes of a family: a pure function of (seed, family, index). */
export function evalEpisodes(family: FamilyName, o: EvalOptions): Episode[] {
  const f = getFamily(family);
  const entities = o.entities ?? f.defaultEntities;
  return Array.from({ length: o.episodes }, (_, i) =>
    sampleEpisode(family, o.demos, entities, rngFor(o.seed, 'eval', family, i), o.shift),
  );
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** One chunk of a family's evaluation episodes, set up as `eval` sets it up. */
export interface EvalChunk {
  episodes: Episode[];
  batch: Batch;
  t: BatchTensors;
  /** The codes inferred from the chunk's demos (eval's w-chain and noise). */
  w: Tensor;
  /** The chunk's chain keys: split('a') for identification, split('x') for generation. */
  rng: Rng;
}

/**
 * Visits each chunk of a family's evaluation episodes with eval's own
 * tensors, codes and rng keys, then disposes them. Why shared: the
 * diagnostics (scripts/*-diagnosis.ts) must reproduce eval's chains exactly,
 * and one setup cannot drift from another.
 */
export function forEachEvalChunk(
  model: EnergyModel,
  family: FamilyName,
  settings: InferenceSettings,
  o: EvalOptions,
  visit: (chunk: EvalChunk) => void,
): void {
  const episodes = evalEpisodes(family, o);
  const size = o.chunk ?? 128;
  for (let start = 0; start < episodes.length; start += size) {
    const part = episodes.slice(start, start + size);
    const batch = stackEpisodes(part);
    const t = batchTensors(batch, settings.attentionLogit);
    const rng = rngFor(o.seed, 'eval-chains', family, start);
    const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, settings.w, { rng: rng.split('w') });
    try {
      visit({ episodes: part, batch, t, w, rng });
    } finally {
      w.dispose();
      disposeBatchTensors(t);
    }
  }
}

export function evaluateFamily(
  model: EnergyModel,
  family: FamilyName,
  settings: InferenceSettings,
  o: EvalOptions,
): FamilyScore {
  const f = getFamily(family);
  let count = 0;
  let successes = 0;
  let lenientSuccesses = 0;
  let errorSum = 0;
  let entityRight = 0;
  let entityTotal = 0;
  forEachEvalChunk(model, family, settings, o, ({ episodes: part, batch, t, w, rng }) => {
    count += part.length;
    const N = batch.entities;
    if (f.kind === 'identify') {
      const { a } = identifyBatch(model, t.after, w, settings.a, settings.attentionRange, {
        rng: rng.split('a'),
        answerLogit: settings.attentionLogit,
      });
      const logits = T.read(a);
      part.forEach((ep, b) => {
        const mask = Array.from(logits.subarray(b * N, (b + 1) * N), (v) => (sigmoid(v) > 0.5 ? 1 : 0));
        const verdict = f.check(ep.test.after, mask);
        successes += verdict.ok ? 1 : 0;
        lenientSuccesses += verdict.ok ? 1 : 0;
        errorSum += verdict.error;
        mask.forEach((m, i) => (entityRight += m === (ep.test.attention[i] >= 0.5 ? 1 : 0) ? 1 : 0));
        entityTotal += N;
      });
      a.dispose();
    } else {
      const { x } = generateBatch(model, t.before, t.logits, w, t.movable, settings.x, { rng: rng.split('x') });
      const values = T.read(x);
      part.forEach((ep, b) => {
        const after = arrayToScene(values.subarray(b * N * ATTRIBUTES, (b + 1) * N * ATTRIBUTES), N);
        const verdict = f.check(ep.test.before, ep.test.attention, after);
        successes += verdict.ok ? 1 : 0;
        lenientSuccesses += f.check(ep.test.before, ep.test.attention, after, { lenient: true }).ok ? 1 : 0;
        errorSum += verdict.error;
      });
      x.dispose();
    }
  });
  return {
    family,
    kind: f.kind,
    episodes: count,
    successes,
    score: successes / Math.max(1, count),
    lenientSuccesses,
    lenientScore: lenientSuccesses / Math.max(1, count),
    meanError: errorSum / Math.max(1, count),
    entityAccuracy: f.kind === 'identify' ? entityRight / Math.max(1, entityTotal) : undefined,
  };
}
