/**
 * The energy's architecture, fixed by a config so that a checkpoint says
 * exactly what it holds.
 */
import { ATTRIBUTES } from '../world/types.js';

/**
 * - `relational`: E = f( sum_{i,j} s(a_i) s(a_j) g([x_i, x_j, w]), w )^2 (docs/METHOD.md, "The energy")
 * - `relational-one-side`: the pair term gated on i only, sum_{i,j} s(a_i) g([x_i, x_j, w]):
 *   an attended entity sees every other entity, attended or not
 * - `non-relational`: f( sum_i s(a_i) g([x_i, w]), w )^2, the ablation without pairs
 */
export type EnergyVariant = 'relational' | 'relational-one-side' | 'non-relational';
export const ENERGY_VARIANTS: readonly EnergyVariant[] = [
  'relational',
  'relational-one-side',
  'non-relational',
];

export interface ModelConfig {
  variant: EnergyVariant;
  /** Attributes per entity (5: px, py, r, g, b). */
  attributes: number;
  /** Size DW of the concept code w. */
  codeSize: number;
  /** Width of every hidden layer of g and f. */
  hidden: number;
  /** Layers of g (each Linear + SiLU); the first takes [x_i, x_j, w]. */
  gLayers: number;
  /** Hidden layers of f before its scalar output layer. */
  fLayers: number;
  /**
   * Relational variants only: give g's first layer the distance between the
   * two entities' positions as one more input, d_ij = sqrt(|p_i - p_j|^2 +
   * eps^2) - eps (smooth, so second derivatives exist; 0 on the diagonal).
   * Why: the shapes and the comparisons (farthest) are functions of pair
   * distances, which a first layer linear in [x_i, x_j] can only approximate
   * with many SiLU units. Absent means false (models saved before it existed).
   *
   * 'squared' gives |p_i - p_j|^2 instead. Why: summed over the agent's two
   * pairs, the distance is flat along the segment between them, and a sum of
   * squared distances is lowest at their midpoint; the distance lineage
   * learns move-between's segment and not its midpoint
   * (docs/history/training-log.md, "move-between against the make-shapes").
   */
  pairDistance?: boolean | 'squared';
  /**
   * Relational variants only: give g's first layer the pair's direction as
   * its doubled angle, (dx^2 - dy^2, 2 dx dy) / (|p_i - p_j|^2 + eps^2): the
   * same for i->j and j->i, the same for every pair of a straight triple,
   * and 0 on the diagonal (smooth, so second derivatives exist). Why: pooled
   * over pairs, the distances see a bent triple only through a difference of
   * large terms (16 A^2 = (sum d^2)^2 - 2 sum d^4), a few parts in a thousand
   * at line's tolerance; the directions of a bent triple differ by about 2%
   * (docs/history/training-log.md, "Where generation fails"). Absent means false. A number is eps, the
   * radius below which the direction fades to 0 (true: PAIR_DISTANCE_EPS).
   * Why a larger one: v's derivatives grow as 1/r down to eps, and training
   * differentiates through the chains (second order); at 0.05 the gradient norm's 90th
   * percentile was 2,200 against 9-16 without (docs/history/training-log.md,
   * "The pair direction from scratch").
   */
  pairDirection?: boolean | number;
  /**
   * Outputs of f: E = sum_k f_k(...)^2 (the paper: one output, E = f(...)^2).
   * Why more than one: the zero set of one squared output is a curve in an
   * agent's two position coordinates, so an energy that reaches 0 pins the
   * agent to a line (the segment, or the bisector) rather than a point; with
   * k outputs it has codimension k (docs/history/training-log.md,
   * "move-between against the make-shapes"). Absent means 1.
   */
  energyOutputs?: number;
}

/** The smoothing of the pair distance (scene units): the distance's curvature is at most 1/eps. */
export const PAIR_DISTANCE_EPS = 0.05;

/** The pair direction's smoothing radius eps (config.pairDirection: true means PAIR_DISTANCE_EPS). */
export function pairDirectionEps(config: ModelConfig): number {
  return typeof config.pairDirection === 'number' ? config.pairDirection : PAIR_DISTANCE_EPS;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  variant: 'relational',
  attributes: ATTRIBUTES,
  codeSize: 16,
  hidden: 64,
  gLayers: 3,
  fLayers: 1,
  pairDistance: false,
  pairDirection: false,
  energyOutputs: 1,
};

/** The config with every optional field filled in (pairDirection only when on), keys in a fixed order (so configs compare as JSON). */
export function canonicalModelConfig(c: ModelConfig): ModelConfig {
  return {
    variant: c.variant,
    attributes: c.attributes,
    codeSize: c.codeSize,
    hidden: c.hidden,
    gLayers: c.gLayers,
    fLayers: c.fLayers,
    pairDistance: c.pairDistance ?? false,
    energyOutputs: c.energyOutputs ?? 1,
    // Only when on, so that the files of models made before it stay byte-identical when re-saved.
    ...(c.pairDirection ? { pairDirection: c.pairDirection } : {}),
  };
}

export function validateModelConfig(config: ModelConfig): ModelConfig {
  const problems: string[] = [];
  if (!ENERGY_VARIANTS.includes(config.variant)) {
    problems.push(`variant: "${config.variant}" is not one of ${ENERGY_VARIANTS.join(', ')}`);
  }
  for (const key of ['attributes', 'codeSize', 'hidden', 'gLayers', 'fLayers'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1)
      problems.push(`${key}: expected a positive integer, got ${v}`);
  }
  if (
    config.pairDistance !== undefined &&
    typeof config.pairDistance !== 'boolean' &&
    config.pairDistance !== 'squared'
  ) {
    problems.push(
      `pairDistance: expected true, false or "squared", got ${JSON.stringify(config.pairDistance)}`,
    );
  } else if (config.pairDistance && config.variant === 'non-relational') {
    problems.push(
      'pairDistance: needs a relational variant (the non-relational energy has no pairs)',
    );
  }
  const dir = config.pairDirection;
  if (
    dir !== undefined &&
    typeof dir !== 'boolean' &&
    !(typeof dir === 'number' && Number.isFinite(dir) && dir > 0)
  ) {
    problems.push(
      `pairDirection: expected true, false or a smoothing radius > 0, got ${JSON.stringify(dir)}`,
    );
  } else if (config.pairDirection && config.variant === 'non-relational') {
    problems.push(
      'pairDirection: needs a relational variant (the non-relational energy has no pairs)',
    );
  }
  if (
    config.energyOutputs !== undefined &&
    (!Number.isInteger(config.energyOutputs) || config.energyOutputs < 1)
  ) {
    problems.push(
      `energyOutputs: expected a positive integer, got ${JSON.stringify(config.energyOutputs)}`,
    );
  }
  if (problems.length > 0) throw new Error(`model config: ${problems.join('; ')}`);
  return canonicalModelConfig(config);
}

/**
 * The energy in one line, for pages that report a model's numbers: the
 * variant, the sizes, and every place it departs from docs/METHOD.md, "The energy"
 * (the pair distance input, more than one squared output), so that a
 * reader never takes a departure for the paper's energy.
 */
export function describeEnergy(config: ModelConfig): string {
  const c = canonicalModelConfig(config);
  const k = c.energyOutputs ?? 1;
  const parts = [
    `${c.variant} energy`,
    `hidden ${c.hidden}`,
    `code ${c.codeSize}`,
    `${c.gLayers} g-layers`,
    k === 1
      ? 'one squared output (E = f^2, as in the paper)'
      : `${k} squared outputs (E = f_1^2 + ... + f_${k}^2; the paper has one)`,
  ];
  if (c.pairDistance) {
    parts.push(
      `${c.pairDistance === 'squared' ? 'squared pair distance' : 'pair distance'} as an input of g (not in the paper)`,
    );
  }
  if (c.pairDirection)
    parts.push('pair direction (doubled angle) as an input of g (not in the paper)');
  return parts.join(', ');
}
