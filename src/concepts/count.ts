import { maskToSet, setToMask } from '../world/types.js';
import type { IdentifyFamily } from './family.js';
import { SAMPLE_TRIES, fail, identifyEvent, maskProblem, pass, sceneSize } from './common.js';
import { assemble, placePoints, randomColor, withRetries, type Draft } from './geometry.js';

/**
 * count-k: any set of exactly k entities; with `atLeast`, any set of k or
 * more. Many answers are right; the sampled attention is one random set of
 * the right size (count-4+: size uniform in 4..N).
 */
export function countFamily(
  name: 'count-1' | 'count-2' | 'count-3' | 'count-4+',
  k: number,
  atLeast = false,
): IdentifyFamily {
  const sizeWords = atLeast ? `${k} or more` : `exactly ${k}`;
  const noun = k === 1 && !atLeast ? 'entity' : 'entities';
  const family: IdentifyFamily = {
    name,
    kind: 'identify',
    description: `attend to ${sizeWords} ${noun} (any of them)`,
    checkerDescription: `any set of ${sizeWords} entities is right; nothing else is checked. Error: how many entities too many or too few.`,
    defaultEntities: 6,
    minEntities: Math.max(3, k + 1),
    usesAgent: false,
    sample(rng, options) {
      const n = sceneSize(family, options);
      return withRetries(name, n, SAMPLE_TRIES, () => {
        const pos = placePoints(rng, [], n);
        if (!pos) return null;
        const drafts: Draft[] = pos.map((p) => ({
          pos: p,
          color: randomColor(rng),
          attended: false,
        }));
        const { before } = assemble(rng, drafts);
        const size = atLeast ? k + rng.int(n - k + 1) : k;
        const attention = setToMask(rng.sample(n, size), n);
        return identifyEvent(before, attention);
      });
    },
    check(scene, answer) {
      const problem = maskProblem(scene.entities.length, answer);
      if (problem) return fail(1, problem);
      const size = maskToSet(answer).length;
      const error = atLeast ? Math.max(0, k - size) : Math.abs(size - k);
      if (error > 0) return fail(error, `expected ${sizeWords} ${noun}, got ${size}`);
      return pass(0);
    },
  };
  return family;
}

export const count1 = countFamily('count-1', 1);
export const count2 = countFamily('count-2', 2);
export const count3 = countFamily('count-3', 3);
export const count4plus = countFamily('count-4+', 4, true);
