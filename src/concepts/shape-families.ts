/**
 * Factories for the shape families: identification (square, line, triangle,
 * circle) and generation (make-square, make-line, make-triangle, make-circle).
 */
import type { Rng } from '../random/rng.js';
import type { Event, Scene, Vec2 } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import type {
  CheckOptions,
  GenerateFamily,
  GenerateFamilyName,
  IdentifyFamily,
  IdentifyFamilyName,
  SampleOptions,
} from './family.js';
import {
  SAMPLE_TRIES,
  checkGeneration,
  describeMoverRule,
  fail,
  geometryRange,
  identifyEvent,
  maskProblem,
  sceneSize,
} from './common.js';
import {
  MIN_SPACING,
  MOVED_CLEARANCE,
  SCENE_HALF,
  add,
  allInBounds,
  assemble,
  combinations,
  farFromAll,
  fitCircle,
  fitLine,
  fromAngle,
  minPairDistance,
  norm,
  placePoints,
  placeShape,
  randomColor,
  sub,
  withRetries,
  type Draft,
} from './geometry.js';
import {
  CIRCLE_MIN_GAP,
  angularGaps,
  confusable,
  describeShapeCheck,
  judgeShape,
  shapeGeometry,
  shapeTarget,
  type ShapeSpec,
} from './shapes.js';

/** True when some (members)-subset made of `p` and members-1 points of `placed` is confusable with the shape. */
function formsShapeWith(spec: ShapeSpec, p: Vec2, placed: readonly Vec2[]): boolean {
  for (const subset of combinations(placed.length, spec.members - 1)) {
    const pts = subset.map((i) => placed[i]);
    pts.push(p);
    if (confusable(spec, pts)) return true;
  }
  return false;
}

/** Does any subset of `points` other than `truth` come close to the shape? (full uniqueness test) */
export function otherShapeExists(
  spec: ShapeSpec,
  points: readonly Vec2[],
  truth: readonly number[],
): boolean {
  const key = truth
    .slice()
    .sort((a, b) => a - b)
    .join(',');
  for (const subset of combinations(points.length, spec.members)) {
    if (subset.join(',') === key) continue;
    if (
      confusable(
        spec,
        subset.map((i) => points[i]),
      )
    )
      return true;
  }
  return false;
}

export function identifyShapeFamily(
  spec: ShapeSpec,
  name: IdentifyFamilyName,
  description: string,
  defaultEntities = 6,
): IdentifyFamily {
  const family: IdentifyFamily = {
    name,
    kind: 'identify',
    description,
    checkerDescription:
      `${describeShapeCheck(spec)}. The generator guarantees that no other subset of the scene comes within ` +
      `${spec.uniqueMargin} x its ${spec.sizeName} of the shape, so this is the exact set. ` +
      `Error: residual / ${spec.sizeName} (or the size mismatch).`,
    defaultEntities,
    minEntities: spec.members + 1,
    // A unique shape among many points: line fails to place one at 20, circle takes minutes at 32.
    maxEntities: 16,
    usesAgent: false,
    geometry: shapeGeometry(spec),
    sample(rng: Rng, options?: SampleOptions): Event {
      const n = sceneSize(family, options);
      const [lo, hi] = geometryRange(family, options);
      return withRetries(name, n, SAMPLE_TRIES, () => {
        const size = rng.range(lo, hi);
        const shape = placeShape(rng, spec.template(rng, size));
        if (!shape || minPairDistance(shape) < MIN_SPACING) return null;
        const extra = placePoints(rng, shape, n - spec.members, {
          accept: (p, placed) => !formsShapeWith(spec, p, placed),
        });
        if (!extra) return null;
        const drafts: Draft[] = [
          ...shape.map((pos) => ({ pos, color: randomColor(rng), attended: true })),
          ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
        ];
        const { before, attention } = assemble(rng, drafts);
        if (!family.check(before, attention).ok) return null;
        return identifyEvent(before, attention);
      });
    },
    check(scene: Scene, answer: readonly number[]) {
      const problem = maskProblem(scene.entities.length, answer);
      if (problem) return fail(1, problem);
      const set = maskToSet(answer);
      return judgeShape(
        spec,
        set.map((i) => scene.entities[i].pos),
      );
    },
  };
  return family;
}

export function generateShapeFamily(
  spec: ShapeSpec,
  name: GenerateFamilyName,
  description: string,
  defaultEntities = 6,
): GenerateFamily {
  const family: GenerateFamily = {
    name,
    kind: 'generate',
    description,
    checkerDescription:
      `the attended entities of the final scene: ${describeShapeCheck(spec)}; the other entities ` +
      `stay put (mean displacement < 0.05). Target x1: the nearest exact ${spec.name} ` +
      `(${spec.sizeName} clamped to [${spec.sampleSize[0]}, ${spec.sampleSize[1]}], kept inside [-0.95, 0.95]). ` +
      `Error: residual / ${spec.sizeName}. Minimal change: ${describeMoverRule('keeps-colour')}; the worst entity decides.`,
    defaultEntities,
    minEntities: spec.members,
    usesAgent: false,
    moverRule: 'keeps-colour',
    geometry: shapeGeometry(spec),
    sample(rng: Rng, options?: SampleOptions): Event {
      const n = sceneSize(family, options);
      const sizes = geometryRange(family, options);
      return withRetries(name, n, SAMPLE_TRIES, () => {
        // x0: an exact shape with every point pushed 10..40% of the shape's size in a random direction.
        const size = rng.range(sizes[0], sizes[1]);
        const exact = placeShape(rng, spec.template(rng, size));
        if (!exact) return null;
        const x0 = exact.map((p) =>
          add(p, fromAngle(rng.range(0, 2 * Math.PI), size * rng.range(0.1, 0.4))),
        );
        if (!allInBounds(x0, SCENE_HALF) || minPairDistance(x0) < MIN_SPACING) return null;
        // x0 must clearly not be the shape already.
        const fit0 = spec.fit(x0);
        if (judgeShape(spec, x0).ok || fit0.relResidual < 1.5 * spec.tolerance) return null;
        // x1: the nearest exact shape; keep only cases where no clamp or shift was needed.
        const x1 = shapeTarget(spec, x0, sizes);
        if (x1.some((p, i) => norm(sub(p, fit0.fitted[i])) > 1e-9)) return null;
        if (minPairDistance(x1) < MIN_SPACING) return null;
        if (spec.name === 'line') {
          // Like the identification lines: the middle point sits in the middle 40% of the segment.
          const t = fitLine(x1).t.sort((a, b) => a - b);
          const f = (t[1] - t[0]) / (t[2] - t[0]);
          if (f < 0.3 || f > 0.7) return null;
        }
        if (spec.name === 'circle') {
          const gaps = angularGaps(x1, fitCircle(x1).center);
          if (
            Math.min(...gaps) < CIRCLE_MIN_GAP - 0.1 ||
            Math.max(...gaps) > (spec.maxGap?.sample ?? Infinity)
          ) {
            return null;
          }
        }
        const extra = placePoints(rng, x0, n - spec.members, {
          accept: (p) => farFromAll(p, x1, MOVED_CLEARANCE),
        });
        if (!extra) return null;
        const drafts: Draft[] = [
          ...x0.map((pos, i) => ({ pos, toPos: x1[i], color: randomColor(rng), attended: true })),
          ...extra.map((pos) => ({ pos, color: randomColor(rng), attended: false })),
        ];
        const { before, after, attention } = assemble(rng, drafts);
        if (!family.check(before, attention, after).ok) return null;
        if (family.check(before, attention, before).ok) return null;
        return { before, after, attention };
      });
    },
    check(before: Scene, attention: readonly number[], after: Scene, options?: CheckOptions) {
      return checkGeneration(
        name,
        'keeps-colour',
        before,
        attention,
        after,
        (ctx) =>
          judgeShape(
            spec,
            ctx.attended.map((i) => after.entities[i].pos),
          ),
        options,
      );
    },
  };
  return family;
}
