/**
 * Helpers shared by the concept families: scene-size validation, check
 * results, the answer-mask sanity test, identification events and the
 * generation checker's "entities that do not move stay put" rule.
 */
import { EPISODE_LIMITS } from '../world/interchange.js';
import type { Event, Scene } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import {
  AGENT_COLOR,
  agentIndex,
  cloneScene,
  colorDistance,
  distance,
  meanDisplacement,
} from '../world/scene.js';
import type {
  CheckOptions,
  CheckResult,
  GenerateFamily,
  GeometrySpec,
  MoverRule,
  SampleOptions,
} from './family.js';
import { assemble, type Draft } from './geometry.js';
import type { Rng } from '../random/rng.js';
import { whoMoves } from './family.js';

/** Generation checkers require the non-moving entities' mean displacement to stay below this. */
export const STAY_PUT_TOLERANCE = 0.05;
/**
 * Minimal change: the entities that move may change only what the concept
 * names. Each mover's unnamed attribute may change by less than this
 * (displacement, colour distance, or each channel's distance from gray).
 */
export const MOVER_TOLERANCE = 0.05;
/** Whole-scene redraws before a sampler gives up with an error. */
export const SAMPLE_TRIES = 500;
/** Cap for errors that would otherwise be infinite (degenerate shapes), so results stay JSON-safe. */
export const MAX_ERROR = 1e6;

export function finiteError(x: number): number {
  return Number.isFinite(x) ? Math.max(0, Math.min(x, MAX_ERROR)) : MAX_ERROR;
}

export function pass(error: number): CheckResult {
  return { ok: true, error: finiteError(error) };
}

export function fail(error: number, reason: string): CheckResult {
  return { ok: false, error: finiteError(error), reason };
}

/** The requested scene size, validated against the family's minimum and maximum. */
export function sceneSize(
  family: { name: string; defaultEntities: number; minEntities: number; maxEntities?: number },
  options?: SampleOptions,
): number {
  const n = options?.entities ?? family.defaultEntities;
  if (!Number.isInteger(n) || n < family.minEntities) {
    throw new Error(
      `${family.name}: entities must be an integer >= ${family.minEntities}, got ${n}`,
    );
  }
  const max = maxEntitiesOf(family);
  if (n > max) throw new Error(`${family.name}: at most ${max} entities a scene, got ${n}`);
  return n;
}

/** The largest scene a family's generator draws in seconds: its own `maxEntities`, else the format's limit. */
export function maxEntitiesOf(family: { maxEntities?: number }): number {
  return family.maxEntities ?? EPISODE_LIMITS.entities;
}

/**
 * The range a sampler draws its geometry from: the band `options.geometry`
 * names, or the training range. Throws when the family has no such band.
 */
export function geometryRange(
  family: { name: string; geometry?: GeometrySpec },
  options?: SampleOptions,
): readonly [number, number] {
  const spec = family.geometry;
  if (!spec) {
    if (options?.geometry) throw new Error(`${family.name}: has no geometry to shift`);
    throw new Error(`${family.name}: declares no geometry`);
  }
  if (!options?.geometry) return spec.training;
  const band = spec[options.geometry];
  if (!band) throw new Error(`${family.name}: has no ${options.geometry} geometry band`);
  return band;
}

/** A reason why `mask` is not a usable 0/1 mask over `n` entities, or null. */
export function maskProblem(n: number, mask: readonly number[], what = 'answer'): string | null {
  if (mask.length !== n) return `${what} has ${mask.length} values for ${n} entities`;
  if (!mask.every((m) => Number.isFinite(m))) return `${what} has a non-finite value`;
  return null;
}

/** A recognition event: after equals before (a separate copy), attention = the true set. */
export function identifyEvent(scene: Scene, attention: number[]): Event {
  return { before: scene, after: cloneScene(scene), attention };
}

/** Size mismatch message helper. */
export function sizeReason(expected: string, got: number): string {
  return `expected ${expected} entities, got ${got}`;
}

export interface GenerationContext {
  before: Scene;
  after: Scene;
  attention: readonly number[];
  /** Index of the agent in `before`, or -1. */
  agent: number;
  /** Indices of the attended entities. */
  attended: number[];
  /** Attended entities other than the agent. */
  others: number[];
}

/** The mover rule in words, for checker descriptions and docs. */
export function describeMoverRule(rule: MoverRule): string {
  switch (rule) {
    case 'keeps-position':
      return `each entity that changes keeps its position (displacement < ${MOVER_TOLERANCE})`;
    case 'keeps-colour':
      return `each entity that moves keeps its colour (colour distance < ${MOVER_TOLERANCE})`;
    case 'stays-agent':
      return `the agent stays an agent (each colour channel within ${MOVER_TOLERANCE} of gray 0.5)`;
  }
}

/** What the family does, as the failure message's "but <family> only ..." clause. */
const ONLY: Record<MoverRule, string> = {
  'keeps-position': 'only recolours',
  'keeps-colour': 'only moves entities',
  'stays-agent': 'only moves the agent',
};

/**
 * The worst mover's breach of `rule` (null when every mover keeps it): the
 * entity, by how much, and why. The worst entity decides, not the mean.
 */
export function moverViolation(
  family: string,
  rule: MoverRule,
  before: Scene,
  after: Scene,
  movers: readonly number[],
): CheckResult | null {
  let worst: { i: number; amount: number } | null = null;
  for (let i = 0; i < movers.length; i++) {
    if (!(movers[i] >= 0.5)) continue;
    const b = before.entities[i];
    const a = after.entities[i];
    const amount =
      rule === 'keeps-position'
        ? distance(b.pos, a.pos)
        : rule === 'keeps-colour'
          ? colorDistance(b.color, a.color)
          : Math.max(...a.color.map((c, k) => Math.abs(c - AGENT_COLOR[k])));
    // NaN counts as a breach: `!(amount < tol)`.
    if (!(amount < MOVER_TOLERANCE) && (worst === null || !(amount <= worst.amount)))
      worst = { i, amount };
  }
  if (worst === null) return null;
  const { i, amount } = worst;
  const what =
    rule === 'keeps-position'
      ? `entity ${i} moved ${amount.toFixed(2)}`
      : rule === 'keeps-colour'
        ? `entity ${i} changed colour by ${amount.toFixed(2)}`
        : `entity ${i} (the agent) ended ${amount.toFixed(2)} from gray in a colour channel, no longer an agent,`;
  return fail(amount, `${what} but ${family} ${ONLY[rule]} (needs < ${MOVER_TOLERANCE})`);
}

/**
 * The generation checker's frame: validates the inputs, runs the family's
 * `criterion` on the final scene, and adds two rules of minimal change:
 * the entities that the "who moves" rule does not move stay put (mean
 * displacement < 0.05), and each entity it moves keeps the attributes the
 * concept does not name (`rule`, the worst entity decides). With
 * `options.lenient` the mover rule is skipped: the judge of what the concept
 * names alone (see `CheckOptions`). The error is the criterion's; when only
 * a minimal-change rule fails it is that rule's measure.
 */
export function checkGeneration(
  family: string,
  rule: MoverRule,
  before: Scene,
  attention: readonly number[],
  after: Scene,
  criterion: (ctx: GenerationContext) => CheckResult,
  options: CheckOptions = {},
): CheckResult {
  const n = before.entities.length;
  if (after.entities.length !== n) {
    return fail(
      Math.abs(after.entities.length - n),
      `after has ${after.entities.length} entities, before has ${n}`,
    );
  }
  const problem = maskProblem(n, attention, 'attention');
  if (problem) return fail(1, problem);
  const agent = agentIndex(before);
  const attended = maskToSet(attention);
  const ctx: GenerationContext = {
    before,
    after,
    attention,
    agent,
    attended,
    others: attended.filter((i) => i !== agent),
  };
  const verdict = criterion(ctx);
  const movers = whoMoves(before, attention, agent);
  const still = movers.map((m) => 1 - m);
  const disp = meanDisplacement(before, after, still);
  const breaches: CheckResult[] = [];
  if (!(disp < STAY_PUT_TOLERANCE)) {
    breaches.push(
      fail(
        disp,
        `entities that should stay put moved (mean displacement ${disp.toFixed(3)} >= ${STAY_PUT_TOLERANCE})`,
      ),
    );
  }
  const mover = options.lenient ? null : moverViolation(family, rule, before, after, movers);
  if (mover) breaches.push(mover);
  if (breaches.length === 0) return verdict;
  const reasons = breaches.map((b) => b.reason ?? '');
  if (!verdict.ok)
    return fail(verdict.error, [verdict.reason ?? 'criterion failed', ...reasons].join('; '));
  return fail(breaches[0].error, reasons.join('; '));
}

/**
 * A generation event from drafts, kept only if its target passes the family's
 * checker and its untouched start does not (the event must ask for a change).
 */
export function verifiedGeneration(
  family: GenerateFamily,
  rng: Rng,
  drafts: readonly Draft[],
): Event | null {
  const { before, after, attention } = assemble(rng, drafts);
  if (!family.check(before, attention, after).ok || family.check(before, attention, before).ok)
    return null;
  return { before, after, attention };
}
