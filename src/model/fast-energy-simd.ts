/**
 * The fast kernel's SIMD path (the default where available, `precision`
 * 'float32-simd'): g and f in float32 WebAssembly SIMD (./simd/kernels.ts) on
 * buffers that live in the kernels' memory, so that JavaScript only moves
 * the few per-entity numbers in and out: the products, the activations, the
 * pair sums and their reverse, the pooling and the backward seeds are all
 * kernels there (measured at the paper width: the step took a third of the
 * time of the float64 loops with only g's products in SIMD and every [P, H]
 * operand copied between Float64Arrays and the memory, and f's JavaScript
 * matrix-vector products alone cost about as much as two of g's products).
 *
 * c and the per-entity projections are the product x [g0.wi | g0.wj] + [c | 0],
 * so a pair's first layer is one sum of two rows. The forward pass keeps
 * SiLU'(pre) per layer, all the backward pass needs. The pair features and
 * their part of dE/dx stay in JavaScript (./fast-energy-pair-features.ts),
 * read and written in place in the memory.
 */
import type { EnergyLayout } from './fast-energy-layout.js';
import type { EnergyPath } from './fast-energy-path.js';
import { vecTimesT } from './fast-energy-products.js';
import type { ParamValues } from './params.js';
import { SIMD_BLOCK, SimdKernels, type Matrix } from './simd/kernels.js';

/**
 * The hidden layers l = 1..L-1 of an MLP named `name` (g or f) in the kernels'
 * memory: W + b for the forward products, W^T for the backward ones (index 0 unused).
 */
function hiddenLayers(
  k: SimdKernels,
  values: ParamValues,
  name: 'g' | 'f',
  L: number,
  H: number,
): { forward: Matrix[]; backward: Matrix[] } {
  const forward: Matrix[] = [];
  const backward: Matrix[] = [];
  for (let l = 1; l < L; l++) {
    forward[l] = k.matrix(values[`${name}${l}.w`], H, H, values[`${name}${l}.b`]);
    backward[l] = k.matrix(values[`${name}${l}.w`], H, H, null, true);
  }
  return { forward, backward };
}

/** A rows x cols matrix (float32, row-major) with entry (r, c) = at(r, c). */
function table(rows: number, cols: number, at: (r: number, c: number) => number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, q) => at(Math.floor(q / cols), q % cols));
}

/** f on the SIMD path: weights and buffers (byte offsets; [2, H]: one row and its spare). */
interface SimdF {
  input: Matrix; // [f0.wp ; f0.ww] [H + DW, H] + f0.b, on [pool | w]
  forward: Matrix[]; // f{l}.w + f{l}.b (0 unused)
  backward: Matrix[]; // f{l}.w^T
  poolT: Matrix; // f0.wp^T: dE/dpool from dE/dpre0
  outW: number; // [H]; with K > 1 the combined seed sum_k 2 out_k out.w[:, k], written per backward pass
  in: number; // [2, H + DW] pool | w
  pre: number;
  der: number[]; // per f layer
  h: number[];
  dA: number; // backward ping-pong
  dB: number;
  dout: number; // [1]
}

/** g's buffers on the SIMD path (byte offsets) for n entities, P rows of g. */
interface SimdBuffers {
  w: number; // [2, DW] the code (and the spare row)
  c: number; // [2, PW] c | 0: the bias of the projection below
  x: number; // [n + 1, D]
  pp: number; // [n + 1, PW] per entity x_i g0.wi + c | x_i g0.wj (PW = 2H; non-relational H, no wj)
  rows: number; // [P, 2] int32: (i, j) of each row of g
  pre: number; // [P + 1, H] scratch pre-activations
  der: number[]; // per g layer [P + 1, H]: SiLU'(pre), all the backward pass needs of the forward
  h: number[]; // per g layer [P + 1, H]
  dA: number; // backward ping-pong [P + 1, H]
  dB: number;
  gate: number; // [P]
  pool: number; // [H]
  dpool: number; // [2, H] (written by f's backward pass)
  dp: number; // [n + 1, PW] dE/dpp
  dx: number; // [n + 1, DX] dE/dx, rows padded to a register block
}

/**
 * The weights in the kernels' memory, f's buffers (one row), and g's
 * (`buffers`, reallocated after `mark` as the entity count grows). Every
 * buffer a product reads or writes has a spare row: products run rows in pairs.
 */
export class SimdPath implements EnergyPath {
  readonly precision = 'float32-simd' as const;
  private readonly layout: EnergyLayout;
  private readonly kernels: SimdKernels;
  /** Row width of pp and dp (both sides of a pair, or one). */
  private readonly PW: number;
  /** dE/dx's rows: D rounded up to a register block. */
  private readonly DX: number;
  // g's weights: the code's and the entities' projections (its first layer),
  // its products forward (W) and backward (W^T) by layer (0 unused), and
  // dE/dx from dE/dpp.
  private readonly code: Matrix;
  private readonly projection: Matrix;
  private readonly gForwardLayers: Matrix[];
  private readonly gBackwardLayers: Matrix[];
  private readonly dxFromDp: Matrix;
  private readonly f: SimdF;
  /** The allocation mark after the weights and f's buffers: g's buffers start here. */
  private readonly mark: number;
  private buffers: SimdBuffers;

  constructor(layout: EnergyLayout, values: ParamValues) {
    this.layout = layout;
    const { D, DW, H, Lg } = layout;
    const PW = (this.PW = layout.pairs ? 2 * H : H);
    const DX = (this.DX = Math.ceil(D / SIMD_BLOCK) * SIMD_BLOCK);
    const k = (this.kernels = new SimdKernels());
    const { 'g0.ww': ww, 'g0.b': b0, 'g0.wi': wi, 'g0.wj': wj } = values;
    // [c | 0] = w [g0.ww | 0] + [g0.b | 0], then pp = x [g0.wi | g0.wj] + [c | 0]:
    // a pair's first layer is then one sum of two rows (pairsum).
    this.code = k.matrix(
      table(DW, PW, (r, o) => (o < H ? ww[r * H + o] : 0)),
      DW,
      PW,
      table(1, PW, (_, o) => (o < H ? b0[o] : 0)),
    );
    // [g0.wi | g0.wj] (D x PW): the projection, and transposed (padded to DX) dE/dx from dE/dpp.
    const wij = (d: number, o: number) => (o < H ? wi[d * H + o] : wj[d * H + o - H]);
    this.projection = k.matrix(table(D, PW, wij), D, PW, null);
    const { forward, backward } = hiddenLayers(k, values, 'g', Lg, H);
    this.gForwardLayers = forward;
    this.gBackwardLayers = backward;
    this.dxFromDp = k.matrix(
      table(PW, DX, (o, d) => (d < D ? wij(d, o) : 0)),
      PW,
      DX,
      null,
    );
    this.f = this.allocF(values);
    this.mark = k.mark();
    this.buffers = this.allocBuffers(0);
  }

  reserve(n: number): void {
    this.buffers = this.allocBuffers(n);
  }

  /** f's weights and buffers. */
  private allocF(values: ParamValues): SimdF {
    const k = this.kernels;
    const { DW, H, Lf, K } = this.layout;
    const { 'f0.wp': wp, 'f0.ww': ww } = values;
    const row = () => k.alloc(2 * H);
    const layers = () => Array.from({ length: Lf }, row);
    const { forward, backward } = hiddenLayers(k, values, 'f', Lf, H);
    const input = table(H + DW, H, (r, o) => (r < H ? wp[r * H + o] : ww[(r - H) * H + o]));
    return {
      input: k.matrix(input, H + DW, H, values['f0.b']),
      forward,
      backward,
      poolT: k.matrix(wp, H, H, null, true),
      outW: (K === 1
        ? k.matrix(values['out.w'], 1, H, null)
        : k.matrix(new Float32Array(H), 1, H, null)
      ).w,
      in: k.alloc(2 * (H + DW)),
      pre: row(),
      der: layers(),
      h: layers(),
      dA: row(),
      dB: row(),
      dout: k.alloc(1),
    };
  }

  /** g's buffers for n entities, allocated after `mark` in the kernels' memory (zeroed). */
  private allocBuffers(n: number): SimdBuffers {
    const k = this.kernels;
    const mark = this.mark;
    const { D, DW, H, Lg } = this.layout;
    const { PW, DX } = this;
    const P = this.layout.pairs ? n * n : n;
    const rows = P + 1;
    k.release(mark);
    const layers = () => Array.from({ length: Lg }, () => k.alloc(rows * H));
    const b: SimdBuffers = {
      w: k.alloc(2 * DW),
      c: k.alloc(2 * PW),
      x: k.alloc((n + 1) * D),
      pp: k.alloc((n + 1) * PW),
      rows: k.alloc(2 * P),
      pre: k.alloc(rows * H),
      der: layers(),
      h: layers(),
      dA: k.alloc(rows * H),
      dB: k.alloc(rows * H),
      gate: k.alloc(P),
      pool: k.alloc(H),
      dpool: k.alloc(2 * H),
      dp: k.alloc((n + 1) * PW),
      dx: k.alloc((n + 1) * DX),
    };
    // Spare rows are computed on but never read: zeros keep them finite.
    k.f32.fill(0, mark / 4, k.mark() / 4);
    return b;
  }

  project(x: Float32Array, n: number, w: Float32Array): void {
    const { D, DW } = this.layout;
    const k = this.kernels;
    const b = this.buffers;
    k.f32.set(w.subarray(0, DW), b.w / 4);
    k.mm(this.code, b.w, b.c, 1);
    k.f32.set(x.subarray(0, n * D), b.x / 4);
    k.mm(this.projection, b.x, b.pp, n, 0, b.c);
  }

  /** g over the listed rows, keeping SiLU'(pre) per layer and the rows themselves in the memory. */
  gForward(rowI: Int32Array, rowJ: Int32Array, R: number): void {
    const { H, Lg, pairs, pairFeatures } = this.layout;
    const k = this.kernels;
    const b = this.buffers;
    const forward = this.gForwardLayers;
    const rows = k.i32;
    const r0 = b.rows / 4;
    for (let r = 0; r < R; r++) {
      rows[r0 + 2 * r] = rowI[r];
      rows[r0 + 2 * r + 1] = rowJ[r];
    }
    k.pairsum(b.pp, this.PW, b.rows, R, H, pairs, b.pre);
    if (pairFeatures) pairFeatures.add(rowI, rowJ, R, k.f32, b.pre / 4);
    k.silu(b.pre, b.h[0], b.der[0], R * H);
    for (let l = 1; l < Lg; l++) {
      k.mm(forward[l], b.h[l - 1], b.pre, R);
      k.silu(b.pre, b.h[l], b.der[l], R * H);
    }
  }

  features(R: number): Float32Array {
    const at = this.buffers.h[this.layout.Lg - 1] / 4;
    return this.kernels.f32.subarray(at, at + R * this.layout.H);
  }

  /** Pooled in place in the memory (the gates kept there for gBackward). */
  pool(rowI: Int32Array, rowJ: Int32Array, R: number, base: Float64Array | null): void {
    const layout = this.layout;
    const { H, pool } = layout;
    const k = this.kernels;
    const b = this.buffers;
    const f = k.f32;
    const g0 = b.gate / 4;
    for (let r = 0; r < R; r++) f[g0 + r] = layout.gateOf(rowI[r], rowJ[r]);
    k.pool(b.h[layout.Lg - 1], b.gate, R, H, b.pool);
    const p0 = b.pool / 4;
    for (let o = 0; o < H; o++) pool[o] = (base ? base[o] : 0) + f[p0 + o];
  }

  /** The kept features go back in place, pooled by the same kernel as `pool`, so both give the same E to the last bit. */
  poolKept(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
  ): void {
    this.kernels.f32.set(features, this.buffers.h[this.layout.Lg - 1] / 4);
    this.pool(rowI, rowJ, R, null);
  }

  fForward(w: Float32Array): number {
    const { DW, H, Lf, pool } = this.layout;
    const k = this.kernels;
    const sf = this.f;
    const f = k.f32;
    f.set(pool, sf.in / 4);
    f.set(w.subarray(0, DW), sf.in / 4 + H);
    for (let l = 0; l < Lf; l++) {
      if (l === 0) k.mm(sf.input, sf.in, sf.pre, 1);
      else k.mm(sf.forward[l], sf.h[l - 1], sf.pre, 1);
      k.silu(sf.pre, sf.h[l], sf.der[l], H);
    }
    return this.layout.outputs(f, sf.h[Lf - 1] / 4);
  }

  fBackward(wantDw: boolean): void {
    const layout = this.layout;
    const { DW, H, Lf } = layout;
    const k = this.kernels;
    const sf = this.f;
    const b = this.buffers;
    const f = k.f32;
    if (layout.K === 1) {
      f[sf.dout / 4] = 2 * layout.outs[0];
    } else {
      layout.outputSeed(f, sf.outW / 4);
      f[sf.dout / 4] = 1;
    }
    k.seed(sf.dout, sf.outW, sf.der[Lf - 1], 1, H, sf.dA);
    let cur = sf.dA;
    let other = sf.dB;
    for (let l = Lf - 1; l > 0; l--) {
      k.mm(sf.backward[l], cur, other, 1, sf.der[l - 1]);
      [cur, other] = [other, cur];
    }
    k.mm(sf.poolT, cur, b.dpool, 1);
    const dp0 = b.dpool / 4;
    for (let o = 0; o < H; o++) layout.dpool[o] = f[dp0 + o];
    if (wantDw)
      vecTimesT(f.subarray(cur / 4, cur / 4 + H), layout.f0ww, H, DW, layout.dwAcc, false);
  }

  /** Back through g over the listed rows, down to dE/dpp per entity (the rows, gates and dE/dpool are in place from gForward, pool and fBackward). */
  gBackward(rowI: Int32Array, rowJ: Int32Array, R: number, n: number): void {
    const { H, Lg, pairs, pairFeatures } = this.layout;
    const k = this.kernels;
    const b = this.buffers;
    const backward = this.gBackwardLayers;
    const f = k.f32;
    k.seed(b.gate, b.dpool, b.der[Lg - 1], R, H, b.dA);
    let cur = b.dA;
    let other = b.dB;
    for (let l = Lg - 1; l > 0; l--) {
      k.mm(backward[l], cur, other, R, b.der[l - 1]);
      [cur, other] = [other, cur];
    }
    f.fill(0, b.dp / 4, b.dp / 4 + n * this.PW);
    k.scatter(cur, b.rows, R, H, pairs, b.dp, this.PW);
    if (pairFeatures) pairFeatures.backward(rowI, rowJ, R, n, f, cur / 4);
  }

  dxRows(n: number, dx: Float32Array, held: Uint8Array | null): void {
    const { D, pairFeatures } = this.layout;
    const k = this.kernels;
    const b = this.buffers;
    k.mm(this.dxFromDp, b.dp, b.dx, n);
    const f = k.f32;
    const x0 = b.dx / 4;
    for (let i = 0; i < n; i++) {
      const moves = held === null || held[i] === 0;
      for (let d = 0; d < D; d++) {
        const v =
          f[x0 + i * this.DX + d] + (pairFeatures && d < 2 ? pairFeatures.dpos[2 * i + d] : 0);
        dx[i * D + d] = moves ? v : 0;
      }
    }
  }

  /** dE/dpi_i: the first halves of dp's rows. */
  dwFromG(n: number): void {
    this.layout.dwFromG(this.kernels.f32, this.buffers.dp / 4, this.PW, n);
  }
}
