import { colorDistance } from '../world/scene.js';
import type { GenerateFamily } from './family.js';
import {
  SAMPLE_TRIES,
  checkGeneration,
  describeMoverRule,
  fail,
  pass,
  sceneSize,
  verifiedGeneration,
} from './common.js';
import { paletteColor, placePoints, randomColor, withRetries, type Draft } from './geometry.js';
import { RED, RED_TOLERANCE } from './red.js';

/** Generation: the attended (non-red) entity turns red; its position and everything else stay. */
export const makeRed: GenerateFamily = {
  name: 'make-red',
  kind: 'generate',
  description: 'turn the attended entity red',
  checkerDescription:
    `every attended entity's final colour is within ${RED_TOLERANCE} of (1, 0, 0); the other entities stay put ` +
    '(mean displacement < 0.05). Target x1: colour exactly (1, 0, 0), position unchanged. ' +
    'Error: the largest colour distance to red.' +
    ` Minimal change: ${describeMoverRule('keeps-position')}; the worst entity decides.`,
  defaultEntities: 6,
  minEntities: 2,
  usesAgent: false,
  moverRule: 'keeps-position',
  sample(rng, options) {
    const n = sceneSize(makeRed, options);
    return withRetries('make-red', n, SAMPLE_TRIES, () => {
      const pos = placePoints(rng, [], n);
      if (!pos) return null;
      const drafts: Draft[] = pos.map((p, i) =>
        i === 0
          ? {
              pos: p,
              color: randomColor(rng, ['red']),
              toColor: paletteColor('red'),
              attended: true,
            }
          : { pos: p, color: randomColor(rng), attended: false },
      );
      return verifiedGeneration(makeRed, rng, drafts);
    });
  },
  check(before, attention, after, options) {
    return checkGeneration(
      makeRed.name,
      makeRed.moverRule,
      before,
      attention,
      after,
      (ctx) => {
        if (ctx.attended.length < 1) return fail(1, 'no entity is attended');
        const worst = Math.max(
          ...ctx.attended.map((i) => colorDistance(after.entities[i].color, RED)),
        );
        if (!(worst < RED_TOLERANCE)) {
          return fail(
            worst,
            `an attended entity's colour is ${worst.toFixed(3)} from red (needs < ${RED_TOLERANCE})`,
          );
        }
        return pass(worst);
      },
      options,
    );
  },
};
