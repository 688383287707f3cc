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
  centroid,
  farFromAll,
  placePoint,
  placePoints,
  placeShape,
  randomColor,
  withRetries,
  type Draft,
} from './geometry.js';
import { agentMoveProblem } from './moves.js';
import { SQUARE, shapeGeometry } from './shapes.js';

/** The agent must end within this distance of the square's centre. */
export const SQUARE_CENTER_TOLERANCE = 0.1;

/** Generation: the agent moves to the centre of the square formed by the 4 attended entities. */
export const moveToSquareCenter: GenerateFamily = {
  name: 'move-to-square-center',
  kind: 'generate',
  description: 'move the agent to the centre of the square formed by the 4 attended entities',
  checkerDescription:
    'attention marks the agent and four entities; the agent ends within ' +
    `${SQUARE_CENTER_TOLERANCE} of the centre (mean of the final positions) of the four; the other entities ` +
    'stay put (mean displacement < 0.05). Target x1: the agent exactly at the centre. Error: distance to the centre.' +
    ` Minimal change: ${describeMoverRule('stays-agent')}; the worst entity decides.`,
  defaultEntities: 6,
  minEntities: 5,
  usesAgent: true,
  moverRule: 'stays-agent',
  geometry: shapeGeometry(SQUARE),
  sample(rng, options) {
    const n = sceneSize(moveToSquareCenter, options);
    const [lo, hi] = geometryRange(moveToSquareCenter, options);
    return withRetries('move-to-square-center', n, SAMPLE_TRIES, () => {
      const side = rng.range(lo, hi);
      const corners = placeShape(rng, SQUARE.template(rng, side));
      if (!corners) return null;
      const center = centroid(corners);
      const agent = placePoint(rng, corners, { accept: (p) => distance(p, center) >= 0.3 });
      if (!agent) return null;
      const extra = placePoints(rng, [...corners, agent], n - 5, {
        accept: (p) => farFromAll(p, [center], MOVED_CLEARANCE),
      });
      if (!extra) return null;
      const drafts: Draft[] = [
        { pos: agent, toPos: center, color: agentColor(), attended: true },
        ...corners.map((pos) => ({ pos, color: randomColor(rng), attended: true })),
        ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
      ];
      return verifiedGeneration(moveToSquareCenter, rng, drafts);
    });
  },
  check(before, attention, after, options) {
    return checkGeneration(
      moveToSquareCenter.name,
      moveToSquareCenter.moverRule,
      before,
      attention,
      after,
      (ctx) => {
        const problem = agentMoveProblem(ctx, 4);
        if (problem) return problem;
        const c = centroid(ctx.others.map((i) => after.entities[i].pos));
        const e = distance(after.entities[ctx.agent].pos, c);
        if (!(e < SQUARE_CENTER_TOLERANCE)) {
          return fail(
            e,
            `the agent is ${e.toFixed(3)} from the square's centre (needs < ${SQUARE_CENTER_TOLERANCE})`,
          );
        }
        return pass(e);
      },
      options,
    );
  },
};
