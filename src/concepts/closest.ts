import type { Scene } from '../world/types.js';
import { distance } from '../world/scene.js';
import type { IdentifyFamily, IdentifyFamilyName } from './family.js';
import { SAMPLE_TRIES, fail, geometryRange, identifyEvent, pass, sceneSize } from './common.js';
import {
  agentColor,
  assemble,
  placePoints,
  randomColor,
  withRetries,
  type Draft,
} from './geometry.js';
import { agentAnswer, isVerdict } from './relations.js';

/** The generator keeps the runner-up at least this much nearer/farther than the answer. */
export const EXTREME_MARGIN = 0.1;

/**
 * closest / farthest: the agent and the entity nearest to (farthest from) it.
 * `sign` = +1 for nearest, -1 for farthest.
 */
export function extremeFamily(name: IdentifyFamilyName, sign: 1 | -1): IdentifyFamily {
  const word = sign > 0 ? 'nearest to' : 'farthest from';
  const family: IdentifyFamily = {
    name,
    kind: 'identify',
    description: `find the agent and the entity ${word} it`,
    checkerDescription:
      `the answer is the agent plus exactly one entity, and that entity is the ${word} the agent among all ` +
      `non-agent entities (the generator keeps the runner-up at least ${EXTREME_MARGIN} ${sign > 0 ? 'farther' : 'nearer'}). ` +
      `Error: how much ${sign > 0 ? 'farther' : 'nearer'} the chosen entity is than the ${sign > 0 ? 'nearest' : 'farthest'} one.`,
    defaultEntities: 6,
    minEntities: 3,
    usesAgent: true,
    geometry: {
      parameter: `how much ${sign > 0 ? 'farther' : 'nearer'} the runner-up is than the answer`,
      training: [EXTREME_MARGIN, 2.5],
      small: [0.02, EXTREME_MARGIN],
    },
    sample(rng, options) {
      const n = sceneSize(family, options);
      const [lo, hi] = geometryRange(family, options);
      return withRetries(name, n, SAMPLE_TRIES, () => {
        const pos = placePoints(rng, [], n);
        if (!pos) return null;
        const agent = pos[0];
        const ranked = pos
          .slice(1)
          .map((p, k) => ({ k: k + 1, d: sign * distance(agent, p) }))
          .sort((a, b) => a.d - b.d);
        const margin = ranked[1].d - ranked[0].d;
        if (margin < lo || margin > hi) return null;
        const drafts: Draft[] = pos.map((p, i) => ({
          pos: p,
          color: i === 0 ? agentColor() : randomColor(rng),
          attended: i === 0 || i === ranked[0].k,
        }));
        const { before, attention } = assemble(rng, drafts);
        if (!family.check(before, attention).ok) return null;
        return identifyEvent(before, attention);
      });
    },
    check(scene: Scene, answer: readonly number[]) {
      const a = agentAnswer(scene, answer, 1);
      if (isVerdict(a)) return a;
      const at = scene.entities[a.agent].pos;
      const dists = scene.entities.flatMap((e, i) =>
        i === a.agent ? [] : [sign * distance(at, e.pos)],
      );
      const best = Math.min(...dists);
      const chosen = sign * distance(at, scene.entities[a.others[0]].pos);
      const error = chosen - best;
      if (error > 1e-9) {
        return fail(
          error,
          `entity ${a.others[0]} is not the ${word} the agent (off by ${error.toFixed(3)})`,
        );
      }
      return pass(0);
    },
  };
  return family;
}

/** Identification: the agent and the entity nearest to it. */
export const closest = extremeFamily('closest', 1);
