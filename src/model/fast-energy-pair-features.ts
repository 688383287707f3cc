/**
 * The pair features of the fast kernel (./fast-energy.ts): the inputs of g's
 * first layer that belong to a pair rather than to an entity, and their part
 * of dE/dx. Both paths (./fast-energy-simd.ts, ./fast-energy-float64.ts) add
 * them to each pair row after the per-entity sum and reduce their gradient
 * here in JavaScript (O(P H), small beside g's products):
 *
 *   pre0_ij += d_ij g0.wd   (config.pairDistance)
 *   pre0_ij += v_ij g0.wv   (config.pairDirection; g0.wv [2, H])
 *
 * with d and v the formulas of ./pair-features.ts, of e = p_i - p_j.
 *
 * Both are functions of e = p_i - p_j alone, so a pair's part of dE/dp_j is
 * minus its part of dE/dp_i, and both change only when i or j moves.
 */
import type { ModelConfig } from './config.js';
import { copy64 } from './fast-energy-products.js';
import {
  pairDirection0,
  pairDirection1,
  pairDirectionGradX,
  pairDirectionGradY,
  pairDistance,
  pairDistanceSlope,
  pairFeatureSpec,
} from './pair-features.js';
import type { ParamValues } from './params.js';

/** The pair features' weights (float64), the positions they are computed from, and dE/dp. */
export class PairFeatures {
  /** The pair's first layer gets d_ij g0.wd (config.pairDistance). */
  private readonly distance: boolean;
  /** The pair's first layer gets v_ij g0.wv (config.pairDirection). */
  private readonly direction: boolean;
  /** pairDistance 'squared': the distance feature is |p_i - p_j|^2 instead of the smoothed distance. */
  private readonly squared: boolean;
  /** The direction's eps^2 (config.pairDirection: a number is eps). */
  private readonly dirEps2: number;
  private readonly H: number;
  private readonly g0wd: Float64Array; // [H], empty without the distance
  private readonly g0wv: Float64Array; // [2, H], empty without the direction
  /** [N, 2] the positions of the last `setPositions`. */
  private pos = new Float64Array(0);
  /** [N, 2] the pair features' part of dE/dx_i0, dE/dx_i1, written by `backward`. */
  dpos = new Float64Array(0);

  /**
   * The pair features of a config, or null when it has none (no pairDistance,
   * no pairDirection, or the non-relational variant, which has no pairs).
   */
  static of(config: ModelConfig, values: ParamValues): PairFeatures | null {
    const pairs = config.variant !== 'non-relational';
    const distance = pairs && Boolean(config.pairDistance);
    const direction = pairs && Boolean(config.pairDirection);
    if (!distance && !direction) return null;
    if (config.attributes < 2)
      throw new Error(
        `FastEnergy: ${distance ? 'pairDistance' : 'pairDirection'} needs the two position attributes, got attributes ${config.attributes}`,
      );
    return new PairFeatures(config, values, distance, direction);
  }

  private constructor(
    config: ModelConfig,
    values: ParamValues,
    distance: boolean,
    direction: boolean,
  ) {
    this.distance = distance;
    this.direction = direction;
    const spec = pairFeatureSpec(config);
    this.squared = spec.distance === 'squared';
    this.dirEps2 = spec.directionEps2 ?? 0;
    this.H = config.hidden;
    this.g0wd = distance ? copy64(values['g0.wd']) : new Float64Array(0);
    this.g0wv = direction ? copy64(values['g0.wv']) : new Float64Array(0);
  }

  /** Make room for n entities. */
  reserve(n: number): void {
    this.pos = new Float64Array(2 * n);
    this.dpos = new Float64Array(2 * n);
  }

  /** Keep the positions (the first two attributes) of x [n*D] for `add` and `backward`. */
  setPositions(x: Float32Array, n: number, D: number): void {
    for (let i = 0; i < n; i++) {
      this.pos[2 * i] = x[i * D];
      this.pos[2 * i + 1] = x[i * D + 1];
    }
  }

  /**
   * pre0[r] += d_r g0.wd + v_r g0.wv over the listed pair rows (pre0's rows start at `start`).
   * d and v are 0 on the diagonal, so the diagonal is skipped.
   */
  add(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    pre0: Float64Array | Float32Array,
    start: number,
  ): void {
    const { H, pos } = this;
    const wd = this.g0wd;
    const wv = this.g0wv;
    for (let r = 0; r < R; r++) {
      const i = rowI[r];
      const j = rowJ[r];
      if (i === j) continue;
      const ex = pos[2 * i] - pos[2 * j];
      const ey = pos[2 * i + 1] - pos[2 * j + 1];
      const r2 = ex * ex + ey * ey;
      const base = start + r * H;
      if (this.distance) {
        const d = pairDistance(r2, this.squared);
        for (let o = 0; o < H; o++) pre0[base + o] += d * wd[o];
      }
      if (this.direction) {
        const q = r2 + this.dirEps2;
        const v0 = pairDirection0(ex, ey, q);
        const v1 = pairDirection1(ex, ey, q);
        for (let o = 0; o < H; o++) pre0[base + o] += v0 * wv[o] + v1 * wv[H + o];
      }
    }
  }

  /**
   * The pair features' part of dE/dx into dpos [n, 2], through dE/de per pair row,
   * e = p_i - p_j (dE/dp_i += dE/de, dE/dp_j -= dE/de; 0 for i = j):
   * - distance: dE/dd_r = dE/dpre0[r] . g0.wd, and dd/de (pairDistanceSlope);
   * - direction: dE/dv_r = dE/dpre0[r] g0.wv^T [2], and dv/de (pairDirectionGradX, -Y).
   */
  backward(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    n: number,
    dpre0: Float64Array | Float32Array,
    start: number,
  ): void {
    const { H, pos, dpos } = this;
    const wd = this.g0wd;
    const wv = this.g0wv;
    dpos.fill(0, 0, 2 * n);
    for (let r = 0; r < R; r++) {
      const i = rowI[r];
      const j = rowJ[r];
      if (i === j) continue;
      const base = start + r * H;
      const ex = pos[2 * i] - pos[2 * j];
      const ey = pos[2 * i + 1] - pos[2 * j + 1];
      const r2 = ex * ex + ey * ey;
      let gx = 0;
      let gy = 0;
      if (this.distance) {
        let dd = 0;
        for (let o = 0; o < H; o++) dd += dpre0[base + o] * wd[o];
        const scale = dd * pairDistanceSlope(r2, this.squared);
        gx += scale * ex;
        gy += scale * ey;
      }
      if (this.direction) {
        let dv0 = 0;
        let dv1 = 0;
        for (let o = 0; o < H; o++) {
          const g = dpre0[base + o];
          dv0 += g * wv[o];
          dv1 += g * wv[H + o];
        }
        const q = r2 + this.dirEps2;
        const v0 = pairDirection0(ex, ey, q);
        const v1 = pairDirection1(ex, ey, q);
        gx += pairDirectionGradX(ex, ey, q, v0, v1, dv0, dv1);
        gy += pairDirectionGradY(ex, ey, q, v0, v1, dv0, dv1);
      }
      dpos[2 * i] += gx;
      dpos[2 * i + 1] += gy;
      dpos[2 * j] -= gx;
      dpos[2 * j + 1] -= gy;
    }
  }
}
