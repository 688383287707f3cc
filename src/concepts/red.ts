import type { Rgb } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import { colorDistance } from '../world/scene.js';
import type { IdentifyFamily } from './family.js';
import { SAMPLE_TRIES, fail, identifyEvent, maskProblem, pass, sceneSize } from './common.js';
import {
  assemble,
  paletteColor,
  placePoints,
  randomColor,
  withRetries,
  type Draft,
} from './geometry.js';

export const RED: Rgb = [1, 0, 0];
/** An entity is red when its colour is within this distance of (1, 0, 0). */
export const RED_TOLERANCE = 0.2;

export function isRed(color: Rgb): boolean {
  return colorDistance(color, RED) < RED_TOLERANCE;
}

/** Identification: the red entities (1..3 of them); the others have other palette colours. */
export const red: IdentifyFamily = {
  name: 'red',
  kind: 'identify',
  description: 'find the red entities (1 to 3 of them)',
  checkerDescription:
    'the answer is exactly the set of entities whose colour is within 0.2 of (1, 0, 0), and the scene ' +
    'has 1..3 of them. Error: number of entities in which the answer and the red set differ.',
  defaultEntities: 6,
  minEntities: 3,
  usesAgent: false,
  sample(rng, options) {
    const n = sceneSize(red, options);
    return withRetries('red', n, SAMPLE_TRIES, () => {
      const reds = 1 + rng.int(Math.min(3, n - 1));
      const pos = placePoints(rng, [], n);
      if (!pos) return null;
      const drafts: Draft[] = pos.map((p, i) => ({
        pos: p,
        color: i < reds ? paletteColor('red') : randomColor(rng, ['red']),
        attended: i < reds,
      }));
      const { before, attention } = assemble(rng, drafts);
      return identifyEvent(before, attention);
    });
  },
  check(scene, answer) {
    const problem = maskProblem(scene.entities.length, answer);
    if (problem) return fail(1, problem);
    const reds = scene.entities.flatMap((e, i) => (isRed(e.color) ? [i] : []));
    const set = new Set(maskToSet(answer));
    const redSet = new Set(reds);
    let diff = 0;
    for (const i of set) if (!redSet.has(i)) diff++;
    for (const i of redSet) if (!set.has(i)) diff++;
    if (reds.length < 1 || reds.length > 3) {
      return fail(
        Math.max(diff, 1),
        `the scene has ${reds.length} red entities (the concept needs 1..3)`,
      );
    }
    if (diff > 0)
      return fail(
        diff,
        `the answer differs from the ${reds.length} red entities in ${diff} entities`,
      );
    return pass(0);
  },
};
