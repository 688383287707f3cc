/**
 * The fast kernel's exact path: g and f forward and back in float64 loops
 * over weights copied to Float64Array once (exact to 1e-9 against
 * ./reference64.ts). The path where WebAssembly SIMD does not apply, and the
 * one asked for with `simd: false`.
 *
 * g's first layer is computed per entity (pi = x_i g0.wi + c, pj = x_i g0.wj)
 * and summed per pair row; the [P, H] x [H, H] products are ./fast-energy-products.ts's
 * register-blocked rows of dot products. The forward pass keeps each layer's
 * pre-activations and sigmoids, all the backward pass needs
 * (SiLU'(v) = s(v) (1 + v (1 - s(v)))).
 */
import type { EnergyLayout } from './fast-energy-layout.js';
import type { EnergyPath } from './fast-energy-path.js';
import { copy64, rowsTimesT, transposed, vecTimesT } from './fast-energy-products.js';
import type { ParamValues } from './params.js';

export class Float64Path implements EnergyPath {
  readonly precision = 'float64' as const;
  private readonly layout: EnergyLayout;

  // Weights (float64). gW[k]/gWT[k]/gB[k] for k >= 1 (index 0 unused), same for f.
  private readonly g0wi: Float64Array;
  private readonly g0wj: Float64Array; // empty when non-relational
  private readonly g0wwT: Float64Array;
  private readonly g0b: Float64Array;
  private readonly gW: Float64Array[] = [];
  private readonly gWT: Float64Array[] = [];
  private readonly gB: Float64Array[] = [];
  private readonly f0wp: Float64Array;
  private readonly f0wpT: Float64Array;
  private readonly f0wwT: Float64Array;
  private readonly f0b: Float64Array;
  private readonly fW: Float64Array[] = [];
  private readonly fWT: Float64Array[] = [];
  private readonly fB: Float64Array[] = [];

  // Fixed-size scratch [H] (f, the per-entity constant c).
  private readonly c: Float64Array;
  private readonly fPre: Float64Array[] = [];
  private readonly fSig: Float64Array[] = [];
  private readonly fH: Float64Array[] = [];
  private readonly du: Float64Array;
  private readonly dq: Float64Array;

  // Scratch that grows with the entity count (P = N^2 rows, or N when non-relational).
  private gate = new Float64Array(0); // [P]
  private pi = new Float64Array(0); // [N, H]  x_i g0.wi + c
  private pj = new Float64Array(0); // [N, H]  x_j g0.wj
  private dpi = new Float64Array(0);
  private dpj = new Float64Array(0);
  private gPre: Float64Array[] = []; // per g layer [P, H]
  private gSig: Float64Array[] = []; // sigmoid(pre)
  private gH: Float64Array[] = [];
  private bufA = new Float64Array(0); // backward ping-pong [P, H]
  private bufB = new Float64Array(0);

  constructor(layout: EnergyLayout, values: ParamValues) {
    this.layout = layout;
    const { DW, H, Lg, Lf } = layout;
    this.g0wi = copy64(values['g0.wi']);
    this.g0wj = layout.pairs ? copy64(values['g0.wj']) : new Float64Array(0);
    this.g0wwT = transposed(values['g0.ww'], DW, H);
    this.g0b = copy64(values['g0.b']);
    this.gW.push(new Float64Array(0));
    this.gWT.push(new Float64Array(0));
    this.gB.push(new Float64Array(0));
    for (let k = 1; k < Lg; k++) {
      this.gW.push(copy64(values[`g${k}.w`]));
      this.gWT.push(transposed(values[`g${k}.w`], H, H));
      this.gB.push(copy64(values[`g${k}.b`]));
    }
    this.f0wp = copy64(values['f0.wp']);
    this.f0wpT = transposed(values['f0.wp'], H, H);
    this.f0wwT = transposed(values['f0.ww'], DW, H);
    this.f0b = copy64(values['f0.b']);
    this.fW.push(new Float64Array(0));
    this.fWT.push(new Float64Array(0));
    this.fB.push(new Float64Array(0));
    for (let k = 1; k < Lf; k++) {
      this.fW.push(copy64(values[`f${k}.w`]));
      this.fWT.push(transposed(values[`f${k}.w`], H, H));
      this.fB.push(copy64(values[`f${k}.b`]));
    }

    this.c = new Float64Array(H);
    for (let k = 0; k < Lf; k++) {
      this.fPre.push(new Float64Array(H));
      this.fSig.push(new Float64Array(H));
      this.fH.push(new Float64Array(H));
    }
    this.du = new Float64Array(H);
    this.dq = new Float64Array(H);
  }

  reserve(n: number): void {
    const { H, Lg } = this.layout;
    const P = this.layout.pairs ? n * n : n;
    this.gate = new Float64Array(P);
    this.pi = new Float64Array(n * H);
    this.pj = new Float64Array(n * H);
    this.dpi = new Float64Array(n * H);
    this.dpj = new Float64Array(n * H);
    this.gPre = [];
    this.gSig = [];
    this.gH = [];
    for (let k = 0; k < Lg; k++) {
      this.gPre.push(new Float64Array(P * H));
      this.gSig.push(new Float64Array(P * H));
      this.gH.push(new Float64Array(P * H));
    }
    this.bufA = new Float64Array(P * H);
    this.bufB = new Float64Array(P * H);
  }

  project(x: Float32Array, n: number, w: Float32Array): void {
    const { D, DW, H, pairs } = this.layout;
    const c = this.c;
    vecTimesT(w, this.g0wwT, DW, H, c, false);
    for (let o = 0; o < H; o++) c[o] += this.g0b[o];
    const pi = this.pi;
    const pj = this.pj;
    const wi = this.g0wi;
    const wj = this.g0wj;
    for (let i = 0; i < n; i++) {
      const row = i * H;
      for (let o = 0; o < H; o++) pi[row + o] = c[o];
      if (pairs) for (let o = 0; o < H; o++) pj[row + o] = 0;
      for (let d = 0; d < D; d++) {
        const xv = x[i * D + d];
        const wr = d * H;
        for (let o = 0; o < H; o++) pi[row + o] += xv * wi[wr + o];
        if (pairs) for (let o = 0; o < H; o++) pj[row + o] += xv * wj[wr + o];
      }
    }
  }

  /** g over the listed rows, keeping each layer's pre-activations and sigmoids. */
  gForward(rowI: Int32Array, rowJ: Int32Array, R: number): void {
    const { H, Lg, pairs, pairFeatures } = this.layout;
    const pi = this.pi;
    const pj = this.pj;
    const pre0 = this.gPre[0];
    for (let r = 0; r < R; r++) {
      const ri = rowI[r] * H;
      const rj = rowJ[r] * H;
      const base = r * H;
      if (pairs) for (let o = 0; o < H; o++) pre0[base + o] = pi[ri + o] + pj[rj + o];
      else for (let o = 0; o < H; o++) pre0[base + o] = pi[ri + o];
    }
    if (pairFeatures) pairFeatures.add(rowI, rowJ, R, pre0, 0);
    for (let k = 0; k < Lg; k++) {
      const pre = this.gPre[k];
      const sig = this.gSig[k];
      const h = this.gH[k];
      if (k > 0) rowsTimesT(this.gH[k - 1], this.gWT[k], this.gB[k], pre, R, H);
      for (let q = 0; q < R * H; q++) {
        const v = pre[q];
        const sv = 1 / (1 + Math.exp(-v));
        sig[q] = sv;
        h[q] = v * sv;
      }
    }
  }

  features(_R: number): Float64Array {
    return this.gH[this.layout.Lg - 1];
  }

  pool(rowI: Int32Array, rowJ: Int32Array, R: number, base: Float64Array | null): void {
    this.poolRows(rowI, rowJ, R, this.gH[this.layout.Lg - 1], base);
  }

  poolKept(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
  ): void {
    this.poolRows(rowI, rowJ, R, features, null);
  }

  /** The layout's pool = base + sum_r gate_r features[r]; keeps gate_r. */
  private poolRows(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
    base: Float64Array | null,
  ): void {
    const layout = this.layout;
    const H = layout.H;
    const gate = this.gate;
    const pool = layout.pool;
    if (base) pool.set(base);
    else pool.fill(0);
    for (let r = 0; r < R; r++) {
      const gr = layout.gateOf(rowI[r], rowJ[r]);
      gate[r] = gr;
      const off = r * H;
      for (let o = 0; o < H; o++) pool[o] += gr * features[off + o];
    }
  }

  fForward(w: Float32Array): number {
    const { DW, H, Lf, pool } = this.layout;
    let u: Float64Array = pool;
    for (let k = 0; k < Lf; k++) {
      const pre = this.fPre[k];
      if (k === 0) {
        vecTimesT(pool, this.f0wpT, H, H, pre, false);
        vecTimesT(w, this.f0wwT, DW, H, pre, true);
        for (let o = 0; o < H; o++) pre[o] += this.f0b[o];
      } else {
        vecTimesT(u, this.fWT[k], H, H, pre, false);
        const b = this.fB[k];
        for (let o = 0; o < H; o++) pre[o] += b[o];
      }
      const sig = this.fSig[k];
      const h = this.fH[k];
      for (let o = 0; o < H; o++) {
        const v = pre[o];
        const sv = 1 / (1 + Math.exp(-v));
        sig[o] = sv;
        h[o] = v * sv;
      }
      u = h;
    }
    return this.layout.outputs(u, 0);
  }

  fBackward(wantDw: boolean): void {
    const layout = this.layout;
    const { DW, H, Lf } = layout;
    const du = this.du;
    const dq = this.dq;
    layout.outputSeed(du, 0);
    for (let k = Lf - 1; k >= 0; k--) {
      const pre = this.fPre[k];
      const sig = this.fSig[k];
      for (let o = 0; o < H; o++) {
        const sv = sig[o];
        dq[o] = du[o] * sv * (1 + pre[o] * (1 - sv));
      }
      if (k > 0) {
        vecTimesT(dq, this.fW[k], H, H, du, false);
      } else {
        vecTimesT(dq, this.f0wp, H, H, layout.dpool, false);
        if (wantDw) vecTimesT(dq, layout.f0ww, H, DW, layout.dwAcc, false);
      }
    }
  }

  /** Back through g over the listed rows, down to dE/dpi and dE/dpj per entity. */
  gBackward(rowI: Int32Array, rowJ: Int32Array, R: number, n: number): void {
    const { H, Lg, pairs, pairFeatures, dpool } = this.layout;
    const gate = this.gate;
    let cur = this.bufA;
    let other = this.bufB;
    for (let r = 0; r < R; r++) {
      const gr = gate[r];
      const off = r * H;
      for (let o = 0; o < H; o++) cur[off + o] = gr * dpool[o];
    }
    for (let k = Lg - 1; k >= 0; k--) {
      const pre = this.gPre[k];
      const sig = this.gSig[k];
      for (let q = 0; q < R * H; q++) {
        const sv = sig[q];
        cur[q] *= sv * (1 + pre[q] * (1 - sv));
      }
      if (k > 0) {
        rowsTimesT(cur, this.gW[k], null, other, R, H);
        const t = cur;
        cur = other;
        other = t;
      }
    }
    // cur = dE/dpre0: reduce to the per-entity projections (and the pair features).
    if (pairFeatures) pairFeatures.backward(rowI, rowJ, R, n, cur, 0);
    const dpi = this.dpi;
    const dpj = this.dpj;
    dpi.fill(0, 0, n * H);
    if (pairs) dpj.fill(0, 0, n * H);
    for (let r = 0; r < R; r++) {
      const ri = rowI[r] * H;
      const rj = rowJ[r] * H;
      const off = r * H;
      if (pairs) {
        for (let o = 0; o < H; o++) {
          const g = cur[off + o];
          dpi[ri + o] += g;
          dpj[rj + o] += g;
        }
      } else {
        for (let o = 0; o < H; o++) dpi[ri + o] += cur[off + o];
      }
    }
  }

  dxRows(n: number, dx: Float32Array, held: Uint8Array | null): void {
    const { D, H, pairs, pairFeatures } = this.layout;
    const dpi = this.dpi;
    const dpj = this.dpj;
    const wi = this.g0wi;
    const wj = this.g0wj;
    for (let i = 0; i < n; i++) {
      const ri = i * H;
      for (let d = 0; d < D; d++) {
        if (held !== null && held[i] === 1) {
          dx[i * D + d] = 0;
          continue;
        }
        const wr = d * H;
        let acc = 0;
        for (let o = 0; o < H; o++) acc += dpi[ri + o] * wi[wr + o];
        if (pairs) for (let o = 0; o < H; o++) acc += dpj[ri + o] * wj[wr + o];
        if (pairFeatures && d < 2) acc += pairFeatures.dpos[2 * i + d];
        dx[i * D + d] = acc;
      }
    }
  }

  dwFromG(n: number): void {
    this.layout.dwFromG(this.dpi, 0, this.layout.H, n);
  }
}
