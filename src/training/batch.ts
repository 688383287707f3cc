/**
 * Training examples (method.md section 4): an episode is M demonstration
 * events and one test event of the same concept, drawn by a family's
 * generator; the learner is never told which concept. A batch stacks B
 * episodes of one scene size, families drawn from a weighted mixture.
 */
import { getFamily } from '../concepts/index.js';
import { drawEvent, type SceneShift } from '../concepts/scene-shift.js';
import type { FamilyName } from '../concepts/family.js';
import { movableMask } from '../inference/infer.js';
import { rngFor, type Rng } from '../random/rng.js';
import { sceneToArray } from '../world/scene.js';
import { ATTRIBUTES, type Event } from '../world/types.js';

export interface Episode {
  family: FamilyName;
  /** Position of the episode in its training batch (keys its noise streams), if any. */
  index?: number;
  demos: Event[];
  test: Event;
}

/** A batch as flat arrays, ready to become tensors. */
export interface Batch {
  size: number;
  demos: number;
  entities: number;
  families: FamilyName[];
  episodes: Episode[];
  /** Demo final states [B*M, N, D] and their attention masks [B*M, N]. */
  demoStates: Float32Array;
  demoMasks: Float32Array;
  /** Test event: start state, true final state [B, N, D], attention [B, N], movable [B, N]. */
  before: Float32Array;
  after: Float32Array;
  attention: Float32Array;
  movable: Float32Array;
}

/** An episode of `family`: M demos and one test event of N entities, optionally of shifted scenes (`SceneShift`). */
export function sampleEpisode(
  family: FamilyName,
  demos: number,
  entities: number,
  rng: Rng,
  shift: SceneShift = {},
): Episode {
  const f = getFamily(family);
  const demoRng = rng.split('demos');
  const testRng = rng.split('test');
  return {
    family,
    demos: Array.from({ length: demos }, () => drawEvent(f, demoRng, entities, shift)),
    test: drawEvent(f, testRng, entities, shift),
  };
}

function pick(weights: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

export function stackEpisodes(episodes: Episode[]): Batch {
  const B = episodes.length;
  const M = episodes[0].demos.length;
  const N = episodes[0].test.before.entities.length;
  const D = ATTRIBUTES;
  const batch: Batch = {
    size: B,
    demos: M,
    entities: N,
    families: episodes.map((e) => e.family),
    episodes,
    demoStates: new Float32Array(B * M * N * D),
    demoMasks: new Float32Array(B * M * N),
    before: new Float32Array(B * N * D),
    after: new Float32Array(B * N * D),
    attention: new Float32Array(B * N),
    movable: new Float32Array(B * N),
  };
  episodes.forEach((ep, b) => {
    if (ep.demos.length !== M) throw new Error(`batch: episode ${b} has ${ep.demos.length} demos, expected ${M}`);
    ep.demos.forEach((d, m) => {
      if (d.after.entities.length !== N) throw new Error(`batch: scenes must all have ${N} entities`);
      batch.demoStates.set(sceneToArray(d.after), (b * M + m) * N * D);
      batch.demoMasks.set(d.attention, (b * M + m) * N);
    });
    if (ep.test.before.entities.length !== N) throw new Error(`batch: scenes must all have ${N} entities`);
    batch.before.set(sceneToArray(ep.test.before), b * N * D);
    batch.after.set(sceneToArray(ep.test.after), b * N * D);
    batch.attention.set(ep.test.attention, b * N);
    batch.movable.set(movableMask(ep.test.before, ep.test.attention), b * N);
  });
  return batch;
}

export interface Mixture {
  names: readonly FamilyName[];
  weights: readonly number[];
}

/**
 * Episode `index` of training step `step`: a pure function of (seed, step,
 * index), so any subset of a batch (a worker's shard) is drawn exactly as the
 * whole batch would draw it.
 */
export function trainingEpisode(
  mixture: Mixture,
  demos: number,
  entities: number,
  seed: number,
  step: number,
  index: number,
): Episode {
  const rng = rngFor(seed, 'episode', step, index);
  const family = mixture.names[pick(mixture.weights, rng)];
  return { ...sampleEpisode(family, demos, entities, rng.split(family)), index };
}

/** The episodes `indices` of a training batch, stacked. */
export function sampleBatch(
  mixture: Mixture,
  indices: readonly number[],
  demos: number,
  entities: number,
  seed: number,
  step: number,
): Batch {
  return stackEpisodes(indices.map((i) => trainingEpisode(mixture, demos, entities, seed, step, i)));
}
