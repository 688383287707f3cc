/**
 * The pair features of the fast kernel (./fast-energy.ts): the inputs of g's
 * first layer that belong to a pair rather than to an entity, and their part
 * of dE/dx. Both paths (./fast-energy-simd.ts, ./fast-energy-float64.ts) add
 * them to each pair row after the per-entity sum and reduce their gradient
 * here in JavaScript (O(P H), small beside g's products):
 *
 *   pre0_ij += d_ij g0.wd   (config.pairDistance; d_ij the smoothed distance of ./energy.ts)
 *   pre0_ij += v_ij g0.wv   (config.pairDirection; v_ij = (ex^2 - ey^2, 2 ex ey) / (|e|^2 + eps^2),
 *                            e = p_i - p_j: the doubled-angle direction of ./energy.ts, g0.wv [2, H])
 *
 * Both are functions of e = p_i - p_j alone, so a pair's part of dE/dp_j is
 * minus its part of dE/dp_i, and both change only when i or j moves.
 */
import { PAIR_DISTANCE_EPS, pairDirectionEps, type ModelConfig } from './config.js';
import { copy64 } from './fast-energy-products.js';
import type { ParamValues } from './params.js';

const DIST_EPS2 = PAIR_DISTANCE_EPS * PAIR_DISTANCE_EPS;

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
    this.squared = config.pairDistance === 'squared';
    this.dirEps2 = pairDirectionEps(config) ** 2;
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
   * pre0[r] += d_r g0.wd + v_r g0.wv over the listed pair rows (pre0's rows start at `start`), with
   * d = sqrt(r2 + eps^2) - eps written as r2 / (sqrt(r2 + eps^2) + eps): the same
   * number without the cancellation at small r2, and exactly 0 on the diagonal
   * (with pairDistance 'squared', d = r2). v is 0 on the diagonal too, so the diagonal is skipped.
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
        const d = this.squared ? r2 : r2 / (Math.sqrt(r2 + DIST_EPS2) + PAIR_DISTANCE_EPS);
        for (let o = 0; o < H; o++) pre0[base + o] += d * wd[o];
      }
      if (this.direction) {
        const q = r2 + this.dirEps2;
        const v0 = (ex * ex - ey * ey) / q;
        const v1 = (2 * ex * ey) / q;
        for (let o = 0; o < H; o++) pre0[base + o] += v0 * wv[o] + v1 * wv[H + o];
      }
    }
  }

  /**
   * The pair features' part of dE/dx into dpos [n, 2], through dE/de per pair row,
   * e = p_i - p_j (dE/dp_i += dE/de, dE/dp_j -= dE/de; 0 for i = j):
   * - distance: dE/dd_r = dE/dpre0[r] . g0.wd and dd/de = e / sqrt(|e|^2 + eps^2)
   *   (squared: 2 e);
   * - direction: dE/dv_r = dE/dpre0[r] g0.wv^T [2] and, with q = |e|^2 + eps^2,
   *   dv0/de = 2 (ex (1 - v0), -ey (1 + v0)) / q, dv1/de = 2 (ey - ex v1, ex - ey v1) / q
   *   (the quotient rule on v = (ex^2 - ey^2, 2 ex ey) / q, written through v itself).
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
        const scale = this.squared ? 2 * dd : dd / Math.sqrt(r2 + DIST_EPS2);
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
        const v0 = (ex * ex - ey * ey) / q;
        const v1 = (2 * ex * ey) / q;
        gx += (2 * (dv0 * ex * (1 - v0) + dv1 * (ey - ex * v1))) / q;
        gy += (2 * (dv1 * (ex - ey * v1) - dv0 * ey * (1 + v0))) / q;
      }
      dpos[2 * i] += gx;
      dpos[2 * i + 1] += gy;
      dpos[2 * j] -= gx;
      dpos[2 * j + 1] -= gy;
    }
  }
}
