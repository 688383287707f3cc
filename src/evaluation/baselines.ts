/**
 * Chance baselines, judged by the same checkers as the model:
 * - identification: a uniformly random set of the true set's size; for the
 *   count families (where the size IS the answer) a random subset, each
 *   entity in with probability 1/2;
 * - generation: a random move: the entities allowed to change (the "who
 *   moves" rule) jump to uniform positions in [-1, 1]^2, or, for make-red
 *   (which changes colour, not place), take a uniformly random palette colour.
 */
import { getFamily } from '../concepts/index.js';
import type { FamilyName } from '../concepts/family.js';
import { movableMask } from '../inference/infer.js';
import { rngFor, type Rng } from '../random/rng.js';
import { cloneScene, PALETTE } from '../world/scene.js';
import type { Scene } from '../world/types.js';
import { evalEpisodes, type EvalOptions, type FamilyScore } from './evaluate.js';

export function randomMask(family: FamilyName, truth: readonly number[], rng: Rng): number[] {
  const n = truth.length;
  if (family.startsWith('count-')) return truth.map(() => (rng.bernoulli(0.5) ? 1 : 0));
  const k = truth.filter((v) => v >= 0.5).length;
  const chosen = new Set(rng.sample(n, k));
  return truth.map((_, i) => (chosen.has(i) ? 1 : 0));
}

export function randomMove(
  family: FamilyName,
  before: Scene,
  attention: readonly number[],
  rng: Rng,
): Scene {
  const after = cloneScene(before);
  const movers = movableMask(before, attention);
  const colours = Object.values(PALETTE);
  after.entities.forEach((e, i) => {
    if (!movers[i]) return;
    if (family === 'make-red') e.color = [...rng.choice(colours)];
    else e.pos = [rng.range(-1, 1), rng.range(-1, 1)];
  });
  return after;
}

export function chanceScore(family: FamilyName, o: EvalOptions): FamilyScore {
  const f = getFamily(family);
  const rng = rngFor(o.seed, 'chance', family);
  let successes = 0;
  let lenientSuccesses = 0;
  let errorSum = 0;
  let entityRight = 0;
  let entityTotal = 0;
  const episodes = evalEpisodes(family, o);
  for (const ep of episodes) {
    let verdict;
    let lenient;
    if (f.kind === 'identify') {
      const mask = randomMask(family, ep.test.attention, rng);
      verdict = lenient = f.check(ep.test.after, mask);
      mask.forEach((m, i) => (entityRight += m === (ep.test.attention[i] >= 0.5 ? 1 : 0) ? 1 : 0));
      entityTotal += mask.length;
    } else {
      const after = randomMove(family, ep.test.before, ep.test.attention, rng);
      verdict = f.check(ep.test.before, ep.test.attention, after);
      lenient = f.check(ep.test.before, ep.test.attention, after, { lenient: true });
    }
    successes += verdict.ok ? 1 : 0;
    lenientSuccesses += lenient.ok ? 1 : 0;
    errorSum += verdict.error;
  }
  return {
    family,
    kind: f.kind,
    episodes: episodes.length,
    successes,
    score: successes / Math.max(1, episodes.length),
    lenientSuccesses,
    lenientScore: lenientSuccesses / Math.max(1, episodes.length),
    meanError: errorSum / Math.max(1, episodes.length),
    entityAccuracy: f.kind === 'identify' ? entityRight / Math.max(1, entityTotal) : undefined,
  };
}
