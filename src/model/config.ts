/**
 * The energy's architecture, fixed by a config so that a checkpoint says
 * exactly what it holds.
 */
import { ATTRIBUTES } from '../world/types.js';

/**
 * - `relational`: E = f( sum_{i,j} s(a_i) s(a_j) g([x_i, x_j, w]), w )^2 (method.md section 2)
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
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  variant: 'relational',
  attributes: ATTRIBUTES,
  codeSize: 16,
  hidden: 64,
  gLayers: 3,
  fLayers: 1,
};

export function validateModelConfig(config: ModelConfig): ModelConfig {
  const problems: string[] = [];
  if (!ENERGY_VARIANTS.includes(config.variant)) {
    problems.push(`variant: "${config.variant}" is not one of ${ENERGY_VARIANTS.join(', ')}`);
  }
  for (const key of ['attributes', 'codeSize', 'hidden', 'gLayers', 'fLayers'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`${key}: expected a positive integer, got ${v}`);
  }
  if (problems.length > 0) throw new Error(`model config: ${problems.join('; ')}`);
  return config;
}
