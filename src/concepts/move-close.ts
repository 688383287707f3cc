import { distance } from '../world/scene.js';
import type { Rng } from '../random/rng.js';
import type { Vec2 } from '../world/types.js';
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
  SHAPE_BOUND,
  add,
  agentColor,
  farFromAll,
  inBounds,
  norm,
  placePoints,
  randomColor,
  scale,
  sub,
  withRetries,
  type Draft,
} from './geometry.js';
import { agentMoveProblem } from './moves.js';
import { endPoints } from './between.js';

/** The agent must end closer than this to the target. */
export const CLOSE_TOLERANCE = 0.2;
/** Where the target x1 puts the agent: this far from the target, on the way from the agent. */
export const CLOSE_STOP = 0.1;

/** Two entities lo..hi apart where they fit (`endPoints`), then n - 2 more, spaced. */
function pairThenRest(rng: Rng, lo: number, hi: number, n: number): Vec2[] | null {
  const pair = endPoints(rng, lo, hi, true);
  if (!pair) return null;
  const rest = placePoints(rng, pair, n - 2);
  return rest ? [...pair, ...rest] : null;
}

/** Generation: the agent moves next to the attended entity. */
export const moveClose: GenerateFamily = {
  name: 'move-close',
  kind: 'generate',
  description: 'move the agent next to the attended entity',
  checkerDescription:
    `attention marks the agent and one target; the agent ends less than ${CLOSE_TOLERANCE} from the target; the ` +
    'other entities (target included) stay put (mean displacement < 0.05). Target x1: the agent stops ' +
    `${CLOSE_STOP} from the target on the straight segment toward it. Error: final agent-target distance.` +
    ` Minimal change: ${describeMoverRule('stays-agent')}; the worst entity decides.`,
  defaultEntities: 6,
  minEntities: 2,
  usesAgent: true,
  moverRule: 'stays-agent',
  geometry: {
    parameter: 'initial distance from the agent to the target',
    training: [0.4, 2.55],
    small: [0.25, 0.4],
    large: [1.5, 2.5],
    note:
      "training places both uniformly, 0.4 or more apart, up to the scene's diagonal; 14% of its trips are longer " +
      'than 1.5, and the large band holds only those',
  },
  sample(rng, options) {
    const n = sceneSize(moveClose, options);
    const [lo, hi] = geometryRange(moveClose, options);
    return withRetries('move-close', n, SAMPLE_TRIES, () => {
      const pos =
        options?.geometry === undefined ? placePoints(rng, [], n) : pairThenRest(rng, lo, hi, n);
      if (!pos) return null;
      const [agent, target] = pos;
      const d = distance(agent, target);
      if (d < lo || d > hi) return null;
      const to = add(target, scale(sub(agent, target), CLOSE_STOP / norm(sub(agent, target))));
      if (!inBounds(to, SHAPE_BOUND) || !farFromAll(to, pos.slice(2), MOVED_CLEARANCE)) return null;
      const drafts: Draft[] = pos.map((p, i) =>
        i === 0
          ? { pos: p, toPos: to, color: agentColor(), attended: true }
          : { pos: p, color: randomColor(rng), attended: i === 1 },
      );
      return verifiedGeneration(moveClose, rng, drafts);
    });
  },
  check(before, attention, after, options) {
    return checkGeneration(
      moveClose.name,
      moveClose.moverRule,
      before,
      attention,
      after,
      (ctx) => {
        const problem = agentMoveProblem(ctx, 1);
        if (problem) return problem;
        const d = distance(after.entities[ctx.agent].pos, after.entities[ctx.others[0]].pos);
        if (!(d < CLOSE_TOLERANCE))
          return fail(
            d,
            `the agent is ${d.toFixed(3)} from the target (needs < ${CLOSE_TOLERANCE})`,
          );
        return pass(d);
      },
      options,
    );
  },
};
