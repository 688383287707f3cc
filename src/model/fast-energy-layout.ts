/**
 * What both paths of the fast kernel (./fast-energy-simd.ts,
 * ./fast-energy-float64.ts) share: the sizes and switches read from the
 * config, the float64 weights used outside g's and f's products (the output
 * layer, the code's weights for dE/dw, the pair features), the per-event
 * numbers in float64 that pass between the front (./fast-energy.ts) and a path (the
 * rows of g, the sigmoids of a, the pooled features and dE/dpool, dE/dw),
 * and the few steps computed the same way on both paths: the gates, dE/da
 * from dE/dgate, the output layer E = |u out.w + out.b|^2 and its seed, and
 * g's part of dE/dw.
 */
import type { ModelConfig } from './config.js';
import { PairFeatures } from './fast-energy-pair-features.js';
import { copy64, vecTimesT } from './fast-energy-products.js';
import type { ParamValues } from './params.js';

export class EnergyLayout {
  /** Attributes per entity. */
  readonly D: number;
  /** Code size. */
  readonly DW: number;
  /** Hidden width of g and f. */
  readonly H: number;
  /** Layers of g. */
  readonly Lg: number;
  /** Layers of f. */
  readonly Lf: number;
  /** Energy outputs (out.w [H, K]). */
  readonly K: number;
  /** Pairs (relational variants) or single entities (non-relational) are the rows of g. */
  readonly pairs: boolean;
  /** Gate s(a_i) s(a_j) (relational) rather than s(a_i). */
  readonly bothSides: boolean;
  /** The pair features of g's first layer (distance, direction), or null without them. */
  readonly pairFeatures: PairFeatures | null;

  /** [DW, H] g0.ww: g's part of dE/dw. */
  private readonly g0ww: Float64Array;
  /** [DW, H] f0.ww: f's part of dE/dw. */
  readonly f0ww: Float64Array;
  private readonly outW: Float64Array; // [H, K]
  private readonly outB: Float64Array; // [K]
  /** [K] the last forward pass's outputs. */
  readonly outs: Float64Array;

  /** [H] the pooled features, f's input. */
  readonly pool: Float64Array;
  /** [H] dE/dpool, written by a path's fBackward. */
  readonly dpool: Float64Array;
  /** [DW] dE/dw, accumulated by fBackward (f's part) and dwFromG (g's part). */
  readonly dwAcc: Float64Array;
  /** [H] scratch: dE/dc = sum_i dE/dpi_i. */
  private readonly dc: Float64Array;

  // Scratch that grows with the entity count (P = N^2 rows, or N when non-relational).
  /** [N] sigmoid(a_i). */
  s = new Float64Array(0);
  /** [N] scratch: dE/ds_i. */
  private acc = new Float64Array(0);
  /** [P] row r of g is the pair (rowI[r], rowJ[r]). */
  rowI = new Int32Array(0);
  rowJ = new Int32Array(0);

  constructor(config: ModelConfig, values: ParamValues) {
    const { attributes: D, codeSize: DW, hidden: H, gLayers: Lg, fLayers: Lf } = config;
    this.D = D;
    this.DW = DW;
    this.H = H;
    this.Lg = Lg;
    this.Lf = Lf;
    this.K = config.energyOutputs ?? 1;
    this.pairs = config.variant !== 'non-relational';
    this.bothSides = config.variant === 'relational';
    this.pairFeatures = PairFeatures.of(config, values);
    this.g0ww = copy64(values['g0.ww']);
    this.f0ww = copy64(values['f0.ww']);
    this.outW = copy64(values['out.w']);
    this.outB = copy64(values['out.b']);
    this.outs = new Float64Array(this.K);
    this.pool = new Float64Array(H);
    this.dpool = new Float64Array(H);
    this.dwAcc = new Float64Array(DW);
    this.dc = new Float64Array(H);
  }

  /** Make room for scenes of n entities. */
  reserve(n: number): void {
    const P = this.pairs ? n * n : n;
    this.s = new Float64Array(n);
    this.acc = new Float64Array(n);
    this.rowI = new Int32Array(P);
    this.rowJ = new Int32Array(P);
    this.pairFeatures?.reserve(n);
  }

  /** Every row of g, in order (pairs i-major, or entities), into rowI and rowJ; returns the count. */
  allRows(n: number): number {
    let r = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < (this.pairs ? n : 1); j++) {
        this.rowI[r] = i;
        this.rowJ[r++] = j;
      }
    }
    return r;
  }

  sigmoids(a: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) this.s[i] = 1 / (1 + Math.exp(-a[i]));
  }

  /** The gate of g's row (i, j): s_i s_j with both-sides gating, else s_i. */
  gateOf(i: number, j: number): number {
    return this.bothSides ? this.s[i] * this.s[j] : this.s[i];
  }

  /** dE/da from dE/dgate_r = features[r] . dE/dpool over the listed rows (all rows of g). */
  daRows(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
    n: number,
    da: Float32Array,
  ): void {
    const H = this.H;
    const s = this.s;
    const acc = this.acc;
    const dpool = this.dpool;
    acc.fill(0, 0, n);
    for (let r = 0; r < R; r++) {
      const off = r * H;
      let dg = 0;
      for (let o = 0; o < H; o++) dg += features[off + o] * dpool[o];
      const i = rowI[r];
      if (this.bothSides) {
        const j = rowJ[r];
        acc[i] += dg * s[j];
        acc[j] += dg * s[i];
      } else {
        acc[i] += dg;
      }
    }
    for (let i = 0; i < n; i++) da[i] = acc[i] * s[i] * (1 - s[i]);
  }

  /** out = u out.w + out.b from u = v[at .. at + H), kept for the backward pass; returns E = |out|^2. */
  outputs(v: ArrayLike<number>, at: number): number {
    const { H, K, outW, outs } = this;
    let e = 0;
    for (let q = 0; q < K; q++) {
      let out = this.outB[q];
      for (let o = 0; o < H; o++) out += v[at + o] * outW[o * K + q];
      outs[q] = out;
      e += out * out;
    }
    return e;
  }

  /** dE/du[o] = sum_k 2 out_k out.w[o, k], into `into` from `at`. */
  outputSeed(into: Float64Array | Float32Array, at: number): void {
    const { H, K, outW, outs } = this;
    for (let o = 0; o < H; o++) {
      let d = 0;
      for (let q = 0; q < K; q++) d += 2 * outs[q] * outW[o * K + q];
      into[at + o] = d;
    }
  }

  /**
   * g's part of dE/dw: dE/dc = sum_i dE/dpi_i, then dwAcc += g0.ww dE/dc, with
   * dE/dpi_i the H numbers of dpi from start + i * stride.
   */
  dwFromG(dpi: Float64Array | Float32Array, start: number, stride: number, n: number): void {
    const H = this.H;
    const dc = this.dc;
    dc.fill(0);
    for (let i = 0; i < n; i++) {
      const ri = start + i * stride;
      for (let o = 0; o < H; o++) dc[o] += dpi[ri + o];
    }
    vecTimesT(dc, this.g0ww, H, this.DW, this.dwAcc, true);
  }
}
