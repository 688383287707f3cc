import { distance } from '../world/scene.js';
import type { Rng } from '../random/rng.js';
import type { Vec2 } from '../world/types.js';
import type { IdentifyFamily } from './family.js';
import { SAMPLE_TRIES, fail, geometryRange, identifyEvent, pass, sceneSize } from './common.js';
import {
  add,
  agentColor,
  assemble,
  fromAngle,
  inBounds,
  midpoint,
  placePoints,
  placeShape,
  randomColor,
  uniformPoint,
  SCENE_HALF,
  withRetries,
  type Draft,
} from './geometry.js';
import { agentAnswer, isVerdict } from './relations.js';

/** The agent must be within this distance of the midpoint of the two entities. */
export const BETWEEN_TOLERANCE = 0.1;
/** The generator keeps the midpoint of every other pair at least this far from the agent. */
export const BETWEEN_MARGIN = 0.2;

/**
 * Two points lo..hi apart inside the scene. The training draw (one end
 * uniform, the other at a random angle, redrawn when it leaves the scene) is
 * kept as it was; the shift suite's bands place the pair where it fits
 * (`placeShape`), which reaches lengths up to the scene's diagonal.
 */
export function endPoints(rng: Rng, lo: number, hi: number, fitted: boolean): [Vec2, Vec2] | null {
  if (fitted) {
    const d = rng.range(lo, hi);
    const ends = placeShape(rng, [
      [-d / 2, 0],
      [d / 2, 0],
    ]);
    return ends ? [ends[0], ends[1]] : null;
  }
  const pi = uniformPoint(rng);
  const pj = add(pi, fromAngle(rng.range(0, 2 * Math.PI), rng.range(lo, hi)));
  return inBounds(pj, SCENE_HALF) ? [pi, pj] : null;
}

/** Identification: the agent and the two entities it lies midway between. */
export const between: IdentifyFamily = {
  name: 'between',
  kind: 'identify',
  description: 'find the agent and the two entities it lies midway between',
  checkerDescription:
    `the answer is the agent plus exactly two entities, and the agent is within ${BETWEEN_TOLERANCE} of their ` +
    `midpoint (the generator keeps every other pair's midpoint at least ${BETWEEN_MARGIN} from the agent). ` +
    'Error: distance from the agent to the midpoint.',
  defaultEntities: 6,
  minEntities: 4,
  usesAgent: true,
  geometry: {
    parameter: 'distance between the two entities',
    training: [0.4, 1.2],
    small: [0.3, 0.4],
    large: [1.2, 2.5],
  },
  sample(rng, options) {
    const n = sceneSize(between, options);
    const [lo, hi] = geometryRange(between, options);
    return withRetries('between', n, SAMPLE_TRIES, () => {
      const ends = endPoints(rng, lo, hi, options?.geometry !== undefined);
      if (!ends) return null;
      const [pi, pj] = ends;
      const agent = midpoint(pi, pj);
      // placed[0] is the agent; no other pair of non-agent entities may have its midpoint near the agent.
      const extra = placePoints(rng, [agent, pi, pj], n - 3, {
        accept: (p, placed) =>
          placed.every((q, k) => k === 0 || distance(midpoint(p, q), agent) >= BETWEEN_MARGIN),
      });
      if (!extra) return null;
      const drafts: Draft[] = [
        { pos: agent, color: agentColor(), attended: true },
        { pos: pi, color: randomColor(rng), attended: true },
        { pos: pj, color: randomColor(rng), attended: true },
        ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
      ];
      const { before, attention } = assemble(rng, drafts);
      if (!between.check(before, attention).ok) return null;
      return identifyEvent(before, attention);
    });
  },
  check(scene, answer) {
    const a = agentAnswer(scene, answer, 2);
    if (isVerdict(a)) return a;
    const [i, j] = a.others;
    const e = distance(
      scene.entities[a.agent].pos,
      midpoint(scene.entities[i].pos, scene.entities[j].pos),
    );
    if (!(e < BETWEEN_TOLERANCE)) {
      return fail(
        e,
        `the agent is ${e.toFixed(3)} from the midpoint of entities ${i} and ${j} (needs < ${BETWEEN_TOLERANCE})`,
      );
    }
    return pass(e);
  },
};
