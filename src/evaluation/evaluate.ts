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
import {
  kernelBackend,
  type InferenceBackendName,
  type InferenceBackend,
} from '../inference/backend.js';
import { generateBatch, identifyBatch, inferCodes } from '../inference/infer.js';
import type { InferenceSettings } from '../inference/settings.js';
import type { EnergyModel } from '../model/model.js';
import { rngFor, type Rng } from '../random/rng.js';
import { arrayToScene } from '../world/scene.js';
import { ATTRIBUTES, type Scene } from '../world/types.js';
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
  /**
   * `kernel` (default): each episode on its own through the first-order
   * kernel, with its own chain keys (`episodeChainRng`). `engine`: chunks of
   * episodes batched on the tensor engine, with one key per chunk (the
   * backend training's validation and the published figures before the
   * kernel used; the two agree up to sampling noise).
   */
  backend?: InferenceBackendName;
  /** Episodes per engine call (memory bound; the engine backend only). */
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
    const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, settings.w, {
      rng: rng.split('w'),
    });
    try {
      visit({ episodes: part, batch, t, w, rng });
    } finally {
      w.dispose();
      disposeBatchTensors(t);
    }
  }
}

/** Counts over a family's episodes, one verdict at a time. */
class Tally {
  count = 0;
  successes = 0;
  lenientSuccesses = 0;
  errorSum = 0;
  entityRight = 0;
  entityTotal = 0;

  identification(ep: Episode, mask: readonly number[]): void {
    const f = getFamily(ep.family);
    if (f.kind !== 'identify') throw new Error(`${ep.family} is not an identification family`);
    const verdict = f.check(ep.test.after, mask);
    this.count++;
    this.successes += verdict.ok ? 1 : 0;
    this.lenientSuccesses += verdict.ok ? 1 : 0;
    this.errorSum += verdict.error;
    mask.forEach(
      (m, i) => (this.entityRight += m === (ep.test.attention[i] >= 0.5 ? 1 : 0) ? 1 : 0),
    );
    this.entityTotal += mask.length;
  }

  generation(ep: Episode, after: Scene): void {
    const f = getFamily(ep.family);
    if (f.kind !== 'generate') throw new Error(`${ep.family} is not a generation family`);
    const verdict = f.check(ep.test.before, ep.test.attention, after);
    this.count++;
    this.successes += verdict.ok ? 1 : 0;
    this.lenientSuccesses += f.check(ep.test.before, ep.test.attention, after, { lenient: true }).ok
      ? 1
      : 0;
    this.errorSum += verdict.error;
  }

  score(family: FamilyName): FamilyScore {
    const kind = getFamily(family).kind;
    const n = Math.max(1, this.count);
    return {
      family,
      kind,
      episodes: this.count,
      successes: this.successes,
      score: this.successes / n,
      lenientSuccesses: this.lenientSuccesses,
      lenientScore: this.lenientSuccesses / n,
      meanError: this.errorSum / n,
      entityAccuracy:
        kind === 'identify' ? this.entityRight / Math.max(1, this.entityTotal) : undefined,
    };
  }
}

/**
 * The chains of evaluation episode `index` of a family: its own keys, so an
 * episode's answer does not depend on which others run beside it.
 */
export function episodeChainRng(o: EvalOptions, family: FamilyName, index: number): Rng {
  return rngFor(o.seed, 'episode-chains', family, index);
}

/** One episode answered through `backend`: the mask (identification) or the final scene (generation). */
export function answerEvalEpisode(
  backend: InferenceBackend,
  ep: Episode,
  settings: InferenceSettings,
  rng: Rng,
): { mask: number[] } | { after: Scene } {
  const { code } = backend.inferConcept(ep.demos, settings, rng.split('w'));
  if (getFamily(ep.family).kind === 'identify')
    return { mask: backend.identify(ep.test.after, code, settings, rng.split('a')).mask };
  return {
    after: backend.generate(ep.test.before, ep.test.attention, code, settings, rng.split('x'))
      .after,
  };
}

export function evaluateFamily(
  model: EnergyModel,
  family: FamilyName,
  settings: InferenceSettings,
  o: EvalOptions,
): FamilyScore {
  const tally = new Tally();
  if ((o.backend ?? 'kernel') === 'kernel') {
    const backend = kernelBackend(model);
    evalEpisodes(family, o).forEach((ep, i) => {
      const answer = answerEvalEpisode(backend, ep, settings, episodeChainRng(o, family, i));
      if ('mask' in answer) tally.identification(ep, answer.mask);
      else tally.generation(ep, answer.after);
    });
    return tally.score(family);
  }
  const f = getFamily(family);
  forEachEvalChunk(model, family, settings, o, ({ episodes: part, batch, t, w, rng }) => {
    const N = batch.entities;
    if (f.kind === 'identify') {
      const { a } = identifyBatch(model, t.after, w, settings.a, settings.attentionRange, {
        rng: rng.split('a'),
        answerLogit: settings.attentionLogit,
      });
      const logits = T.read(a);
      part.forEach((ep, b) =>
        tally.identification(
          ep,
          Array.from(logits.subarray(b * N, (b + 1) * N), (v) => (sigmoid(v) > 0.5 ? 1 : 0)),
        ),
      );
      a.dispose();
    } else {
      const { x } = generateBatch(model, t.before, t.logits, w, t.movable, settings.x, {
        rng: rng.split('x'),
      });
      const values = T.read(x);
      part.forEach((ep, b) =>
        tally.generation(
          ep,
          arrayToScene(values.subarray(b * N * ATTRIBUTES, (b + 1) * N * ATTRIBUTES), N),
        ),
      );
      x.dispose();
    }
  });
  return tally.score(family);
}
