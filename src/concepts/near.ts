import { maskToSet } from '../world/types.js';
import { distance } from '../world/scene.js';
import type { IdentifyFamily } from './family.js';
import {
  SAMPLE_TRIES,
  fail,
  geometryRange,
  identifyEvent,
  maskProblem,
  pass,
  sceneSize,
} from './common.js';
import {
  add,
  assemble,
  fromAngle,
  inBounds,
  placePoints,
  randomColor,
  uniformPoint,
  SCENE_HALF,
  withRetries,
  type Draft,
} from './geometry.js';

/** The two entities must be closer than this. */
export const NEAR_TOLERANCE = 0.2;
/** Every other pair of entities is at least this far apart in generated scenes. */
export const NEAR_MARGIN = 0.3;

/** Identification: the one pair of entities within 0.2 of each other. */
export const near: IdentifyFamily = {
  name: 'near',
  kind: 'identify',
  description: 'find the two entities that are close to each other',
  checkerDescription:
    `the answer is exactly two entities, less than ${NEAR_TOLERANCE} apart (the generator keeps every other ` +
    `pair at least ${NEAR_MARGIN} apart). Error: the distance between the two.`,
  defaultEntities: 6,
  minEntities: 3,
  usesAgent: false,
  geometry: {
    parameter: 'distance between the two',
    training: [0.1, 0.18],
    small: [0.04, 0.1],
    large: [0.18, 0.2],
  },
  sample(rng, options) {
    const n = sceneSize(near, options);
    const [lo, hi] = geometryRange(near, options);
    return withRetries('near', n, SAMPLE_TRIES, () => {
      const p = uniformPoint(rng);
      const q = add(p, fromAngle(rng.range(0, 2 * Math.PI), rng.range(lo, hi)));
      if (!inBounds(q, SCENE_HALF)) return null;
      const extra = placePoints(rng, [p, q], n - 2, { minSpacing: NEAR_MARGIN });
      if (!extra) return null;
      const drafts: Draft[] = [
        { pos: p, color: randomColor(rng), attended: true },
        { pos: q, color: randomColor(rng), attended: true },
        ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
      ];
      const { before, attention } = assemble(rng, drafts);
      if (!near.check(before, attention).ok) return null;
      return identifyEvent(before, attention);
    });
  },
  check(scene, answer) {
    const problem = maskProblem(scene.entities.length, answer);
    if (problem) return fail(1, problem);
    const set = maskToSet(answer);
    if (set.length !== 2)
      return fail(Math.abs(set.length - 2), `expected 2 entities, got ${set.length}`);
    const d = distance(scene.entities[set[0]].pos, scene.entities[set[1]].pos);
    if (!(d < NEAR_TOLERANCE))
      return fail(d, `the two entities are ${d.toFixed(3)} apart (needs < ${NEAR_TOLERANCE})`);
    return pass(d);
  },
};
