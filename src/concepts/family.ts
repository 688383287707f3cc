/**
 * The contract every concept family keeps (method.md section 5): a seeded
 * generator of events and a checker that judges any answer against the
 * world's ground truth, never against a model's energy.
 */
import type { Rng } from '../random/rng.js';
import type { Event, Scene } from '../world/types.js';

export const IDENTIFY_FAMILIES = [
  'square',
  'line',
  'triangle',
  'circle',
  'red',
  'closest',
  'farthest',
  'between',
  'near',
  'count-1',
  'count-2',
  'count-3',
  'count-4+',
] as const;

export const GENERATE_FAMILIES = [
  'make-square',
  'make-line',
  'make-triangle',
  'make-circle',
  'make-red',
  'move-close',
  'move-far',
  'move-between',
  'move-to-square-center',
] as const;

export type IdentifyFamilyName = (typeof IDENTIFY_FAMILIES)[number];
export type GenerateFamilyName = (typeof GENERATE_FAMILIES)[number];
export type FamilyName = IdentifyFamilyName | GenerateFamilyName;

export const FAMILY_NAMES: readonly FamilyName[] = [...IDENTIFY_FAMILIES, ...GENERATE_FAMILIES];

export function isFamilyName(name: string): name is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}

/** A verdict: `ok`, a non-negative error (0 is perfect; the family says its unit), and why it failed. */
export interface CheckResult {
  ok: boolean;
  error: number;
  reason?: string;
}

export interface SampleOptions {
  /** Scene size; defaults to the family's `defaultEntities`; must be >= `minEntities`. */
  entities?: number;
}

interface FamilyBase<Name extends FamilyName> {
  readonly name: Name;
  /** One line for `concept-ebm concepts`. */
  readonly description: string;
  /** The checker's definition, with its tolerances, in words. */
  readonly checkerDescription: string;
  readonly defaultEntities: number;
  readonly minEntities: number;
  /** True when scenes of this family contain the (gray) agent. */
  readonly usesAgent: boolean;
  /**
   * Draw one event. Deterministic in `rng`. Distractors never satisfy the
   * concept by accident: the generator verifies its own event with `check`
   * (and, for identification, that the answer is unique) and redraws.
   */
  sample(rng: Rng, options?: SampleOptions): Event;
}

export interface IdentifyFamily extends FamilyBase<IdentifyFamilyName> {
  readonly kind: 'identify';
  /** Judge an attended set (0/1 mask over `scene.entities`) against the scene's ground truth. */
  check(scene: Scene, answer: readonly number[]): CheckResult;
}

export interface GenerateFamily extends FamilyBase<GenerateFamilyName> {
  readonly kind: 'generate';
  /**
   * Judge a generated final scene. The checker also requires the entities the
   * concept does not move to stay put (mean displacement < 0.05).
   */
  check(before: Scene, attention: readonly number[], after: Scene): CheckResult;
}

export type ConceptFamily = IdentifyFamily | GenerateFamily;

/**
 * Who moves (method.md section 3): if the agent is attended, the agent alone
 * acts; otherwise the attended entities change. Returns a 0/1 mask.
 */
export function whoMoves(scene: Scene, attention: readonly number[], agent: number): number[] {
  if (agent >= 0 && attention[agent] >= 0.5) {
    return scene.entities.map((_, i) => (i === agent ? 1 : 0));
  }
  return attention.map((a) => (a >= 0.5 ? 1 : 0));
}
