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
  SCENE_HALF,
  SHAPE_BOUND,
  add,
  agentColor,
  farFromAll,
  fromAngle,
  inBounds,
  placePoints,
  randomColor,
  scale,
  uniformPoint,
  withRetries,
  type Draft,
} from './geometry.js';
import type { Vec2 } from '../world/types.js';
import { agentMoveProblem } from './moves.js';

/** Success when the final distance is at least this multiple of the initial one... */
export const FAR_FACTOR = 2;
/** ...or exceeds this. */
export const FAR_DISTANCE = 1.2;
/**
 * x0 is drawn so that moving straight away from the target to this multiple of the initial distance stays
 * inside the scene: the target x1 is then always a success with margin.
 */
export const FAR_TARGET_FACTOR = 2.5;

/**
 * How far a point can go from `from` along the unit vector `dir` before leaving [-half, half]^2.
 * The demonstrations move the agent this far: "as far as the scene allows, straight away from the target".
 * Why not to 2.5 x the initial distance: the energy sees only the final state (docs/METHOD.md, "The energy"), and a
 * final distance that depends on the unseen start cannot be told apart from any other distance; a
 * learned model then settled on a typical distance and fell short of doubling (sweep notes in
 * docs/history/training-log.md). "Against the wall, away from the target" is visible in the final state.
 */
export function rayToBounds(from: Vec2, dir: Vec2, half: number): number {
  let t = Infinity;
  for (let k = 0; k < 2; k++) {
    const d = dir[k]!;
    if (Math.abs(d) < 1e-12) continue;
    const limit = ((d > 0 ? half : -half) - from[k]!) / d;
    t = Math.min(t, limit);
  }
  return t;
}

/** Generation: the agent moves away from the attended entity. */
export const moveFar: GenerateFamily = {
  name: 'move-far',
  kind: 'generate',
  description: 'move the agent away from the attended entity',
  checkerDescription:
    `attention marks the agent and one target; the final agent-target distance is at least ${FAR_FACTOR} x the ` +
    `initial one or more than ${FAR_DISTANCE}; the other entities stay put (mean displacement < 0.05). ` +
    `Target x1: the agent moves straight away from the target as far as the scene allows ([-${SHAPE_BOUND}, ${SHAPE_BOUND}]^2); ` +
    `x0 is drawn so that this is at least ${FAR_TARGET_FACTOR} x the initial distance. Error: shortfall min(${FAR_FACTOR} d0, ${FAR_DISTANCE}) - d1, floored at 0.` +
    ` Minimal change: ${describeMoverRule('stays-agent')}; the worst entity decides.`,
  defaultEntities: 6,
  minEntities: 2,
  usesAgent: true,
  moverRule: 'stays-agent',
  // No small band: 0.15 is the scene's minimum spacing.
  geometry: {
    parameter: 'initial distance from the agent to the target',
    training: [0.15, 0.5],
    large: [0.5, 0.7],
  },
  sample(rng, options) {
    const n = sceneSize(moveFar, options);
    const [lo, hi] = geometryRange(moveFar, options);
    return withRetries('move-far', n, SAMPLE_TRIES, () => {
      const target = uniformPoint(rng);
      const theta = rng.range(0, 2 * Math.PI);
      const d0 = rng.range(lo, hi);
      const agent = add(target, fromAngle(theta, d0));
      const dir = fromAngle(theta, 1);
      if (
        !inBounds(agent, SCENE_HALF) ||
        !inBounds(add(target, scale(dir, FAR_TARGET_FACTOR * d0)), SHAPE_BOUND)
      ) {
        return null;
      }
      const to = add(target, scale(dir, rayToBounds(target, dir, SHAPE_BOUND)));
      const extra = placePoints(rng, [agent, target], n - 2, {
        accept: (p) => farFromAll(p, [to], MOVED_CLEARANCE),
      });
      if (!extra) return null;
      const drafts: Draft[] = [
        { pos: agent, toPos: to, color: agentColor(), attended: true },
        { pos: target, color: randomColor(rng), attended: true },
        ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
      ];
      return verifiedGeneration(moveFar, rng, drafts);
    });
  },
  check(before, attention, after, options) {
    return checkGeneration(
      moveFar.name,
      moveFar.moverRule,
      before,
      attention,
      after,
      (ctx) => {
        const problem = agentMoveProblem(ctx, 1);
        if (problem) return problem;
        const t = ctx.others[0];
        const d0 = distance(before.entities[ctx.agent].pos, before.entities[t].pos);
        const d1 = distance(after.entities[ctx.agent].pos, after.entities[t].pos);
        const need = Math.min(FAR_FACTOR * d0, FAR_DISTANCE);
        if (d1 >= FAR_FACTOR * d0 || d1 > FAR_DISTANCE) return pass(0);
        return fail(
          Math.max(0, need - d1),
          `the agent-target distance went from ${d0.toFixed(3)} to ${d1.toFixed(3)} (needs x${FAR_FACTOR} or > ${FAR_DISTANCE})`,
        );
      },
      options,
    );
  },
};
