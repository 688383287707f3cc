/**
 * The contract every concept family keeps (docs/CONCEPTS.md): a seeded
 * generator of events and a checker that judges any answer against the
 * world's ground truth, never against a model's energy.
 */
import type { Rng } from '../random/rng.js';
import type { Event, Scene } from '../world/types.js';

export {
  FAMILY_NAMES,
  GENERATE_FAMILIES,
  IDENTIFY_FAMILIES,
  isFamilyName,
  type FamilyName,
  type GenerateFamilyName,
  type IdentifyFamilyName,
} from '../world/family-names.js';
import type { FamilyName, GenerateFamilyName, IdentifyFamilyName } from '../world/family-names.js';

/** A verdict: `ok`, a non-negative error (0 is perfect; the family says its unit), and why it failed. */
export interface CheckResult {
  ok: boolean;
  error: number;
  reason?: string;
}

/**
 * A band of a family's geometry outside what training draws but inside what
 * its checker accepts: `small` below the training range, `large` above it.
 */
export type GeometryBand = 'small' | 'large';
export const GEOMETRY_BANDS: readonly GeometryBand[] = ['small', 'large'];

/** The one geometric quantity a family's generator draws, and the ranges it may draw it from. */
export interface GeometrySpec {
  /** What is drawn, in words (e.g. "side", "distance between the two ends"). */
  readonly parameter: string;
  /** The range the default episodes (and training) draw. */
  readonly training: readonly [number, number];
  /** The bands of the shift suite; a family without one has no such cell. */
  readonly small?: readonly [number, number];
  readonly large?: readonly [number, number];
  /** Where a band overlaps the training range, how (e.g. a tail training reaches rarely). */
  readonly note?: string;
}

export interface SampleOptions {
  /** Scene size; defaults to the family's `defaultEntities`; must be >= `minEntities`. */
  entities?: number;
  /** Draw the family's geometry from this band of `geometry` instead of the training range. */
  geometry?: GeometryBand;
}

interface FamilyBase<Name extends FamilyName> {
  readonly name: Name;
  /** One line for `concept-ebm concepts`. */
  readonly description: string;
  /** The checker's definition, with its tolerances, in words. */
  readonly checkerDescription: string;
  readonly defaultEntities: number;
  readonly minEntities: number;
  /**
   * The largest scene the generator fills in seconds (default: the format's
   * 32): where its spacing and uniqueness rules crowd out a bigger scene.
   */
  readonly maxEntities?: number;
  /** True when scenes of this family contain the (gray) agent. */
  readonly usesAgent: boolean;
  /** The geometry its generator draws, with the shift suite's bands (none for colour and count concepts). */
  readonly geometry?: GeometrySpec;
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

/**
 * What the entities that change must leave alone (minimal change): make-red
 * recolours and keeps positions, the make-shapes move and keep colours, the
 * moves move the agent and keep it an agent (gray).
 */
export type MoverRule = 'keeps-position' | 'keeps-colour' | 'stays-agent';

export interface CheckOptions {
  /**
   * Skip the mover rule and judge only what the concept names (plus the
   * stay-put rule). Not the judge of an answer: it reports `lenientScore`
   * beside the strict score, and composition uses it, where each concept
   * changes what the other names.
   */
  lenient?: boolean;
}

export interface GenerateFamily extends FamilyBase<GenerateFamilyName> {
  readonly kind: 'generate';
  /** What the entities that change keep. */
  readonly moverRule: MoverRule;
  /**
   * Judge a generated final scene: the concept's criterion, the entities the
   * concept does not move stay put (mean displacement < 0.05), and each one
   * it moves keeps what `moverRule` says (tolerance 0.05, worst entity).
   */
  check(
    before: Scene,
    attention: readonly number[],
    after: Scene,
    options?: CheckOptions,
  ): CheckResult;
}

export type ConceptFamily = IdentifyFamily | GenerateFamily;

/**
 * Who moves (docs/METHOD.md, "Inference"): if the agent is attended, the agent alone
 * acts; otherwise the attended entities change. Returns a 0/1 mask.
 */
export function whoMoves(scene: Scene, attention: readonly number[], agent: number): number[] {
  if (agent >= 0 && attention[agent] >= 0.5) {
    return scene.entities.map((_, i) => (i === agent ? 1 : 0));
  }
  return attention.map((a) => (a >= 0.5 ? 1 : 0));
}
