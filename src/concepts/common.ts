/**
 * Helpers shared by the concept families: scene-size validation, check
 * results, the answer-mask sanity test, identification events and the
 * generation checker's "entities that do not move stay put" rule.
 */
import type { Event, Scene } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import { agentIndex, cloneScene, meanDisplacement } from '../world/scene.js';
import type { CheckResult, GenerateFamily, SampleOptions } from './family.js';
import { assemble, type Draft } from './geometry.js';
import type { Rng } from '../random/rng.js';
import { whoMoves } from './family.js';

/** Generation checkers require the non-moving entities' mean displacement to stay below this. */
export const STAY_PUT_TOLERANCE = 0.05;
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

/** The requested scene size, validated against the family's minimum. */
export function sceneSize(
  family: { name: string; defaultEntities: number; minEntities: number },
  options?: SampleOptions,
): number {
  const n = options?.entities ?? family.defaultEntities;
  if (!Number.isInteger(n) || n < family.minEntities) {
    throw new Error(
      `${family.name}: entities must be an integer >= ${family.minEntities}, got ${n}`,
    );
  }
  return n;
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

/**
 * The generation checker's frame: validates the inputs, runs the family's
 * `criterion` on the final scene, and adds the stay-put rule (entities that
 * the "who moves" rule does not move must have mean displacement < 0.05).
 * The error is the criterion's; when only the stay-put rule fails it is the
 * non-movers' mean displacement.
 */
export function checkGeneration(
  before: Scene,
  attention: readonly number[],
  after: Scene,
  criterion: (ctx: GenerationContext) => CheckResult,
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
  const stayOk = disp < STAY_PUT_TOLERANCE;
  const stayReason = `entities that should stay put moved (mean displacement ${disp.toFixed(3)} >= ${STAY_PUT_TOLERANCE})`;
  if (verdict.ok && stayOk) return verdict;
  if (!verdict.ok && stayOk) return verdict;
  if (verdict.ok) return fail(disp, stayReason);
  return fail(verdict.error, `${verdict.reason ?? 'criterion failed'}; ${stayReason}`);
}

/**
 * A generation event from drafts, kept only if its target passes the family's
 * checker and its untouched start does not (the event must ask for a change).
 */
export function verifiedGeneration(family: GenerateFamily, rng: Rng, drafts: readonly Draft[]): Event | null {
  const { before, after, attention } = assemble(rng, drafts);
  if (!family.check(before, attention, after).ok || family.check(before, attention, before).ok) return null;
  return { before, after, attention };
}
