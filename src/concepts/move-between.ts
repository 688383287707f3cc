import { distance } from '../world/scene.js';
import type { GenerateFamily } from './family.js';
import {
  SAMPLE_TRIES,
  checkGeneration,
  describeMoverRule,
  fail,
  geometryRange,
  pass,
  sceneSize,
  verifiedGeneration,
} from './common.js';
import {
  MOVED_CLEARANCE,
  agentColor,
  farFromAll,
  midpoint,
  placePoint,
  placePoints,
  randomColor,
  withRetries,
  type Draft,
} from './geometry.js';
import { agentMoveProblem } from './moves.js';
import { endPoints } from './between.js';

/** The agent must end within this distance of the midpoint. */
export const MOVE_BETWEEN_TOLERANCE = 0.1;

/** Generation: the agent moves to the midpoint of the two attended entities. */
export const moveBetween: GenerateFamily = {
  name: 'move-between',
  kind: 'generate',
  description: 'move the agent to the midpoint of the two attended entities',
  checkerDescription:
    'attention marks the agent and two entities; the agent ends within ' +
    `${MOVE_BETWEEN_TOLERANCE} of the midpoint of the two (final positions); the other entities stay put ` +
    '(mean displacement < 0.05). Target x1: the agent exactly at the midpoint. Error: distance to the midpoint.' +
    ` Minimal change: ${describeMoverRule('stays-agent')}; the worst entity decides.`,
  defaultEntities: 6,
  minEntities: 3,
  usesAgent: true,
  moverRule: 'stays-agent',
  geometry: {
    parameter: 'distance between the two entities',
    training: [0.4, 1.4],
    small: [0.3, 0.4],
    large: [1.4, 2.5],
  },
  sample(rng, options) {
    const n = sceneSize(moveBetween, options);
    const [lo, hi] = geometryRange(moveBetween, options);
    return withRetries('move-between', n, SAMPLE_TRIES, () => {
      const ends = endPoints(rng, lo, hi, options?.geometry !== undefined);
      if (!ends) return null;
      const [pi, pj] = ends;
      const mid = midpoint(pi, pj);
      const agent = placePoint(rng, [pi, pj], { accept: (p) => distance(p, mid) >= 0.3 });
      if (!agent) return null;
      const extra = placePoints(rng, [agent, pi, pj], n - 3, {
        accept: (p) => farFromAll(p, [mid], MOVED_CLEARANCE),
      });
      if (!extra) return null;
      const drafts: Draft[] = [
        { pos: agent, toPos: mid, color: agentColor(), attended: true },
        { pos: pi, color: randomColor(rng), attended: true },
        { pos: pj, color: randomColor(rng), attended: true },
        ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
      ];
      return verifiedGeneration(moveBetween, rng, drafts);
    });
  },
  check(before, attention, after, options) {
    return checkGeneration(
      moveBetween.name,
      moveBetween.moverRule,
      before,
      attention,
      after,
      (ctx) => {
        const problem = agentMoveProblem(ctx, 2);
        if (problem) return problem;
        const [i, j] = ctx.others;
        const e = distance(
          after.entities[ctx.agent].pos,
          midpoint(after.entities[i].pos, after.entities[j].pos),
        );
        if (!(e < MOVE_BETWEEN_TOLERANCE)) {
          return fail(
            e,
            `the agent is ${e.toFixed(3)} from the midpoint (needs < ${MOVE_BETWEEN_TOLERANCE})`,
          );
        }
        return pass(e);
      },
      options,
    );
  },
};
