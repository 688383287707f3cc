/**
 * Training examples (docs/METHOD.md, "Training"): an episode is M demonstration
 * events and one test event of the same concept, drawn by a family's
 * generator; the learner is never told which concept. A batch stacks B
 * episodes of one scene size, families drawn from a weighted mixture.
 */
import { getFamily } from '../concepts/index.js';
import { drawEvent, type SceneShift } from '../concepts/scene-shift.js';
import { GEOMETRY_BANDS, type FamilyName } from '../concepts/family.js';
import type { IntRange, TrainingShift } from './config.js';
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
    if (ep.demos.length !== M)
      throw new Error(`batch: episode ${b} has ${ep.demos.length} demos, expected ${M}`);
    ep.demos.forEach((d, m) => {
      if (d.after.entities.length !== N)
        throw new Error(`batch: scenes must all have ${N} entities`);
      batch.demoStates.set(sceneToArray(d.after), (b * M + m) * N * D);
      batch.demoMasks.set(d.attention, (b * M + m) * N);
    });
    if (ep.test.before.entities.length !== N)
      throw new Error(`batch: scenes must all have ${N} entities`);
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

/** What a run's training episodes are drawn from (the config's `families`, `entities`, `demos` and `shift`). */
export interface Distribution {
  mixture: Mixture;
  entities: IntRange;
  demos: IntRange;
  shift: TrainingShift;
}

function drawCount(r: IntRange, rng: Rng): number {
  return typeof r === 'number' ? r : r[0] + Math.floor(rng.uniform() * (r[1] - r[0] + 1));
}

/**
 * The scene size and demo count of batch `step`, a pure function of (seed,
 * step) so that every worker's shard agrees; and the mixture restricted to
 * the families that fit scenes of that size (renormalised).
 */
export function batchShape(
  d: Distribution,
  seed: number,
  step: number,
): { entities: number; demos: number; mixture: Mixture } {
  if (typeof d.entities === 'number' && typeof d.demos === 'number')
    return { entities: d.entities, demos: d.demos, mixture: d.mixture };
  const rng = rngFor(seed, 'batch-shape', step);
  const entities = drawCount(d.entities, rng);
  const demos = drawCount(d.demos, rng);
  const fits = d.mixture.names.map((n) => getFamily(n).minEntities <= entities);
  const total = d.mixture.weights.reduce((s, w, i) => s + (fits[i] ? w : 0), 0);
  const names = d.mixture.names.filter((_, i) => fits[i]);
  const weights = d.mixture.weights.flatMap((w, i) => (fits[i] ? [w / total] : []));
  return { entities, demos, mixture: { names, weights } };
}

/** The shift of one training episode: none unless the config's probabilities draw one. */
function episodeShift(family: FamilyName, s: TrainingShift, rng: Rng): SceneShift {
  if (s.colours === 0 && s.geometry === 0) return {};
  rng = rng.split('shift');
  const shift: SceneShift = {};
  if (rng.uniform() < s.colours) shift.colours = { kind: 'jitter', amount: s.jitter };
  const spec = getFamily(family).geometry;
  const bands = GEOMETRY_BANDS.filter((b) => spec?.[b]);
  if (rng.uniform() < s.geometry && bands.length > 0)
    shift.geometry = bands[Math.floor(rng.uniform() * bands.length)];
  return shift;
}

/**
 * Episode `index` of training step `step`: a pure function of (seed, step,
 * index), so any subset of a batch (a worker's shard) is drawn exactly as the
 * whole batch would draw it. `shape` is the batch's (sampleBatch draws it once).
 */
export function trainingEpisode(
  d: Distribution,
  seed: number,
  step: number,
  index: number,
  shape = batchShape(d, seed, step),
): Episode {
  const { entities, demos, mixture } = shape;
  const rng = rngFor(seed, 'episode', step, index);
  const family = mixture.names[pick(mixture.weights, rng)];
  const familyRng = rng.split(family);
  // drawn after the family's stream, so runs without a shift draw what they always drew
  const shift = episodeShift(family, d.shift, rng);
  return { ...sampleEpisode(family, demos, entities, familyRng, shift), index };
}

/** The episodes `indices` of a training batch, stacked. */
export function sampleBatch(
  d: Distribution,
  indices: readonly number[],
  seed: number,
  step: number,
): Batch {
  const shape = batchShape(d, seed, step);
  return stackEpisodes(indices.map((i) => trainingEpisode(d, seed, step, i, shape)));
}
