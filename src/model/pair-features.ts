/**
 * The pair features of the relational energy, written once: the inputs of
 * g's first layer that belong to a pair (i, j) rather than to an entity, as
 * functions of e = p_i - p_j (the positions, attributes 0 and 1):
 *
 *   distance   d = sqrt(|e|^2 + eps^2) - eps          (config.pairDistance; eps = PAIR_DISTANCE_EPS)
 *              d = |e|^2                              (config.pairDistance 'squared')
 *   direction  v = (ex^2 - ey^2, 2 ex ey) / (|e|^2 + eps_v^2)
 *                                                     (config.pairDirection: the doubled angle)
 *
 * and their derivatives in e. The float64 reference (./reference64.ts) and the
 * kernel (./fast-energy-pair-features.ts) compute them here; the engine
 * (./energy.ts) writes the same formulas in tensor ops, which its second-order
 * gradients need, and ./pair-features.test.ts holds it to these.
 */
import { PAIR_DISTANCE_EPS, pairDirectionEps, type ModelConfig } from './config.js';

const DIST_EPS2 = PAIR_DISTANCE_EPS * PAIR_DISTANCE_EPS;

/** Which pair features a config's energy reads. */
export interface PairFeatureSpec {
  /** The distance feature: smoothed, squared, or none. */
  distance: 'smooth' | 'squared' | null;
  /** The direction's eps_v^2, or null without the direction. */
  directionEps2: number | null;
}

export function pairFeatureSpec(config: ModelConfig): PairFeatureSpec {
  const pairs = config.variant !== 'non-relational';
  return {
    distance:
      pairs && config.pairDistance
        ? config.pairDistance === 'squared'
          ? 'squared'
          : 'smooth'
        : null,
    directionEps2: pairs && config.pairDirection ? pairDirectionEps(config) ** 2 : null,
  };
}

/**
 * d from r2 = |e|^2. The smoothed distance is written r2 / (sqrt(r2 + eps^2) + eps):
 * the same number as sqrt(r2 + eps^2) - eps without the cancellation at small
 * r2, and exactly 0 at e = 0.
 */
export function pairDistance(r2: number, squared: boolean): number {
  return squared ? r2 : r2 / (Math.sqrt(r2 + DIST_EPS2) + PAIR_DISTANCE_EPS);
}

/** s with dd/de = s e: 2 for the squared distance, 1 / sqrt(|e|^2 + eps^2) for the smoothed one. */
export function pairDistanceSlope(r2: number, squared: boolean): number {
  return squared ? 2 : 1 / Math.sqrt(r2 + DIST_EPS2);
}

/** v0 of the direction (ex^2 - ey^2) / q, q = |e|^2 + eps_v^2. */
export function pairDirection0(ex: number, ey: number, q: number): number {
  return (ex * ex - ey * ey) / q;
}

/** v1 of the direction 2 ex ey / q, q = |e|^2 + eps_v^2. */
export function pairDirection1(ex: number, ey: number, q: number): number {
  return (2 * ex * ey) / q;
}

/**
 * dE/dex from dE/dv = (dv0, dv1), with v0, v1 and q as above: the quotient rule
 * written through v itself, dv0/de = 2 (ex (1 - v0), -ey (1 + v0)) / q and
 * dv1/de = 2 (ey - ex v1, ex - ey v1) / q.
 */
export function pairDirectionGradX(
  ex: number,
  ey: number,
  q: number,
  v0: number,
  v1: number,
  dv0: number,
  dv1: number,
): number {
  return (2 * (dv0 * ex * (1 - v0) + dv1 * (ey - ex * v1))) / q;
}

/** dE/dey, as pairDirectionGradX. */
export function pairDirectionGradY(
  ex: number,
  ey: number,
  q: number,
  v0: number,
  v1: number,
  dv0: number,
  dv1: number,
): number {
  return (2 * (dv1 * (ex - ey * v1) - dv0 * ey * (1 + v0))) / q;
}
