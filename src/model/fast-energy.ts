/**
 * The concept energy E(x, a, w) of ./energy.ts for ONE event, with its
 * first-order gradients dE/dx, dE/da and dE/dw, in plain TypeScript loops.
 *
 * Why: a Langevin step at test time is one forward and one backward pass on
 * a handful of entities; through the engine each step costs ~5 ms, almost all
 * of it per-op overhead (dozens of ops, each dispatching, allocating and
 * freeing a tensor). Here one step is a few straight loops over preallocated
 * buffers: no allocation after the first call at a given entity count.
 *
 * Same formula as ./energy.ts (and ./reference64.ts), with g's first layer
 * computed per entity and broadcast over pairs:
 *
 *   c        = g0.b + w g0.ww                                  [H]
 *   pre0_ij  = x_i g0.wi + x_j g0.wj + c   (relational)        [N*N, H]
 *              (+ d_ij g0.wd with pairDistance, d_ij the smoothed distance of ./energy.ts)
 *              (+ v_ij g0.wv with pairDirection, v_ij = (ex^2 - ey^2, 2 ex ey) / (|e|^2 + eps^2),
 *               e = p_i - p_j: the doubled-angle direction of ./energy.ts, g0.wv [2, H])
 *   pre0_i   = x_i g0.wi + c               (non-relational)    [N, H]
 *   h_k      = silu(pre_k),  pre_k = h_{k-1} g_k.w + g_k.b
 *   pool     = sum_p gate_p h_last[p]      gate_ij = s(a_i) s(a_j) | s(a_i); gate_i = s(a_i)
 *   u        = silu(pool f0.wp + w f0.ww + f0.b), then the f layers
 *   E        = |u out.w + out.b|^2       (out.w [H, K]: K = energyOutputs, 1 in the method)
 *
 * The backward pass is hand-written reverse mode over the kept
 * pre-activations and sigmoids (SiLU'(v) = s(v) (1 + v (1 - s(v)))).
 * Only what a request needs is computed: dE/da needs no backward pass
 * through g (only dE/dgate = h_last . dE/dpool), dE/dx and dE/dw do.
 * The pair features (the distance, the direction) are not per entity, so
 * they are added to each pair row after the per-entity sum, and their part of
 * dE/dx (positions only) is reduced from dE/dpre0 in JavaScript on both paths
 * (O(P H), small beside g's products). Both are functions of e = p_i - p_j
 * alone, so a pair's part of dE/dp_j is minus its part of dE/dp_i.
 *
 * Two views for chains that hold part of the input fixed (`xChain`,
 * `aChain`) cache what does not change between steps: g's features of the
 * pairs among held entities (x-chain: only pairs touching a movable entity
 * are recomputed, about a third of them for one mover in six), or all of g
 * (a-chain: a step is then only the gates, the pooling and f). With
 * pairDistance or pairDirection both stay exact as they are: d_ij and v_ij
 * change only when i or j moves.
 *
 * Two paths. The float64 loops (weights copied to Float64Array once) are the
 * exact one. The SIMD path (the default where available, `precision`
 * 'float32-simd') runs g and f in float32 WebAssembly SIMD (./simd/kernels.ts)
 * on buffers that live in the kernels' memory, so that JavaScript only moves
 * the few per-entity numbers in and out: the products, the activations, the
 * pair sums and their reverse, the pooling and the backward seeds are all
 * kernels there (measured at the paper width: the step took a third of the
 * time of the float64 loops with only g's products in SIMD and every [P, H]
 * operand copied between Float64Arrays and the memory, and f's JavaScript
 * matrix-vector products alone cost about as much as two of g's products).
 * On the SIMD path, c and the per-entity projections are the product
 * x [g0.wi | g0.wj] + [c | 0], so a pair's first layer is one sum of two rows.
 * Results are written into the caller's Float32Arrays either way.
 *
 * Matrix products on the float64 path: the [P, H] x [H, H] products (P = N^2 pairs) run as rows
 * of dot products against a weight matrix laid out so that both operands are
 * read contiguously: the forward pass uses W^T (row o = column o of W), the
 * backward pass W itself (dE/dh_prev[p, i] = dE/dpre[p, :] . W[i, :]), in
 * register blocks of 2 rows x 4 outputs (i-j-k order with both operands
 * streamed contiguously; the i-k-j "axpy" order, which stores into the output
 * row in its inner loop, measured about 2x slower on V8 here).
 *
 * No engine, no tensors: this file is safe to load in a worker or a page
 * without TensorFlow.js.
 */
import { PAIR_DISTANCE_EPS, pairDirectionEps, type ModelConfig } from './config.js';
import { checkParamValues, type ParamValues } from './params.js';
import { SIMD_BLOCK, SimdKernels, type Matrix } from './simd/kernels.js';

export interface FastEnergyOptions {
  /**
   * Run g and f in float32 WebAssembly SIMD (./simd/kernels.ts; float32
   * rounding, like the engine). Default: where the JavaScript engine has SIMD,
   * hidden is a multiple of 16 and gLayers > 1. false: the float64 loops
   * throughout (exact to 1e-9 against ./reference64.ts).
   */
  simd?: boolean;
}

/** E and dE/dz for a chain over one variable z (see `xChain`, `aChain`). */
export interface FastChainEnergy {
  /** E at z. */
  energy(z: Float32Array): number;
  /** E at z, with dE/dz written into `grad`. */
  gradient(z: Float32Array, grad: Float32Array): number;
}

/** Where `gradients` writes dE/dx [N*D], dE/da [N] and dE/dw [DW]; absent ones are not computed. */
export interface FastGradientTargets {
  dx?: Float32Array;
  da?: Float32Array;
  dw?: Float32Array;
}

const DIST_EPS2 = PAIR_DISTANCE_EPS * PAIR_DISTANCE_EPS;

function copy64(v: Float32Array): Float64Array {
  return Float64Array.from(v);
}

/** W [rows, cols] row-major -> W^T [cols, rows], float64. */
function transposed(W: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = W[r * cols + c];
  }
  return out;
}

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

/**
 * The SIMD path: the weights in k's memory, f's buffers (one row), and g's
 * (`b`, reallocated after `mark` as the entity count grows). Every buffer a
 * product reads or writes has a spare row: products run rows in pairs.
 */
interface SimdState {
  k: SimdKernels;
  // g's weights: the code's and the entities' projections (its first layer),
  // its products forward (W) and backward (W^T) by layer (0 unused), and
  // dE/dx from dE/dpp.
  code: Matrix;
  project: Matrix;
  forward: Matrix[];
  backward: Matrix[];
  dx: Matrix;
  f: SimdF;
  mark: number;
  b: SimdBuffers;
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
 * out[p*K + o] = (bias ? bias[o] : 0) + sum_{i<K} inp[p*K + i] * M[o*K + i], for p < rows, o < K.
 * (Forward: M = W^T gives inp W + b. Backward: M = W gives inp W^T.)
 *
 * Register-blocked 2 rows x 4 outputs: each step of the inner loop loads 6
 * numbers for 8 multiply-adds into 8 independent accumulators (measured on
 * V8: ~1.6x the throughput of one row against one weight row at a time).
 */
function rowsTimesT(
  inp: Float64Array,
  M: Float64Array,
  bias: Float64Array | null,
  out: Float64Array,
  rows: number,
  K: number,
): void {
  const K4 = K - (K % 4);
  let p = 0;
  for (; p + 2 <= rows; p += 2) {
    const r0 = p * K;
    const r1 = r0 + K;
    let o = 0;
    for (; o < K4; o += 4) {
      const m0 = o * K;
      const m1 = m0 + K;
      const m2 = m1 + K;
      const m3 = m2 + K;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < K; i++) {
        const x0 = inp[r0 + i];
        const x1 = inp[r1 + i];
        const w0 = M[m0 + i];
        const w1 = M[m1 + i];
        const w2 = M[m2 + i];
        const w3 = M[m3 + i];
        a0 += x0 * w0;
        a1 += x0 * w1;
        a2 += x0 * w2;
        a3 += x0 * w3;
        b0 += x1 * w0;
        b1 += x1 * w1;
        b2 += x1 * w2;
        b3 += x1 * w3;
      }
      if (bias !== null) {
        const c0 = bias[o];
        const c1 = bias[o + 1];
        const c2 = bias[o + 2];
        const c3 = bias[o + 3];
        a0 += c0;
        a1 += c1;
        a2 += c2;
        a3 += c3;
        b0 += c0;
        b1 += c1;
        b2 += c2;
        b3 += c3;
      }
      out[r0 + o] = a0;
      out[r0 + o + 1] = a1;
      out[r0 + o + 2] = a2;
      out[r0 + o + 3] = a3;
      out[r1 + o] = b0;
      out[r1 + o + 1] = b1;
      out[r1 + o + 2] = b2;
      out[r1 + o + 3] = b3;
    }
    for (; o < K; o++) {
      const m0 = o * K;
      let a0 = 0;
      let b0 = 0;
      for (let i = 0; i < K; i++) {
        const w0 = M[m0 + i];
        a0 += inp[r0 + i] * w0;
        b0 += inp[r1 + i] * w0;
      }
      const c0 = bias === null ? 0 : bias[o];
      out[r0 + o] = a0 + c0;
      out[r1 + o] = b0 + c0;
    }
  }
  if (p < rows) {
    const r0 = p * K;
    let o = 0;
    for (; o < K4; o += 4) {
      const m0 = o * K;
      const m1 = m0 + K;
      const m2 = m1 + K;
      const m3 = m2 + K;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < K; i++) {
        const x0 = inp[r0 + i];
        a0 += x0 * M[m0 + i];
        a1 += x0 * M[m1 + i];
        a2 += x0 * M[m2 + i];
        a3 += x0 * M[m3 + i];
      }
      out[r0 + o] = a0 + (bias === null ? 0 : bias[o]);
      out[r0 + o + 1] = a1 + (bias === null ? 0 : bias[o + 1]);
      out[r0 + o + 2] = a2 + (bias === null ? 0 : bias[o + 2]);
      out[r0 + o + 3] = a3 + (bias === null ? 0 : bias[o + 3]);
    }
    for (; o < K; o++) {
      const m0 = o * K;
      let a0 = 0;
      for (let i = 0; i < K; i++) a0 += inp[r0 + i] * M[m0 + i];
      out[r0 + o] = a0 + (bias === null ? 0 : bias[o]);
    }
  }
}

/**
 * out[o] = (accumulate ? out[o] : 0) + sum_{i<len} v[i] * M[o*len + i], for o < outLen.
 * Four partial sums per dot product: one sum is a chain of dependent adds
 * and ran at a third of the speed (measured in the one-scene step at hidden 128).
 */
function vecTimesT(
  v: ArrayLike<number>,
  M: Float64Array,
  len: number,
  outLen: number,
  out: Float64Array,
  accumulate: boolean,
): void {
  const len4 = len - (len % 4);
  for (let o = 0; o < outLen; o++) {
    const m = o * len;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i < len4; i += 4) {
      s0 += v[i] * M[m + i];
      s1 += v[i + 1] * M[m + i + 1];
      s2 += v[i + 2] * M[m + i + 2];
      s3 += v[i + 3] * M[m + i + 3];
    }
    for (; i < len; i++) s0 += v[i] * M[m + i];
    const s = s0 + s1 + (s2 + s3);
    out[o] = accumulate ? out[o] + s : s;
  }
}

export class FastEnergy {
  readonly config: ModelConfig;
  private readonly D: number;
  private readonly DW: number;
  private readonly H: number;
  private readonly Lg: number;
  private readonly Lf: number;
  /** Pairs (relational variants) or single entities (non-relational) are the rows of g. */
  private readonly pairs: boolean;
  /** Gate s(a_i) s(a_j) (relational) rather than s(a_i). */
  private readonly bothSides: boolean;
  /** The pair's first layer also gets d_ij g0.wd (config.pairDistance). */
  private readonly distance: boolean;
  /** The pair's first layer also gets v_ij g0.wv (config.pairDirection). */
  private readonly direction: boolean;
  /** Either of the two: the positions are kept (pos) and dE/dx gets their part (dpos). */
  private readonly pairFeatures: boolean;

  // Weights (float64). gW[k]/gWT[k]/gB[k] for k >= 1 (index 0 unused), same for f.
  private readonly g0wi: Float64Array;
  private readonly g0wj: Float64Array;
  private readonly g0wd: Float64Array; // [H], empty without the distance
  private readonly g0wv: Float64Array; // [2, H], empty without the direction
  /** The direction's eps^2 (config.pairDirection: a number is eps). */
  private readonly dirEps2: number;
  /** pairDistance 'squared': the distance feature is |p_i - p_j|^2 instead of the smoothed distance. */
  private readonly squared: boolean;
  private readonly g0ww: Float64Array;
  private readonly g0wwT: Float64Array;
  private readonly g0b: Float64Array;
  private readonly gW: Float64Array[] = [];
  private readonly gWT: Float64Array[] = [];
  private readonly gB: Float64Array[] = [];
  private readonly f0wp: Float64Array;
  private readonly f0wpT: Float64Array;
  private readonly f0ww: Float64Array;
  private readonly f0wwT: Float64Array;
  private readonly f0b: Float64Array;
  private readonly fW: Float64Array[] = [];
  private readonly fWT: Float64Array[] = [];
  private readonly fB: Float64Array[] = [];
  private readonly K: number;
  private readonly outW: Float64Array; // [H, K]
  private readonly outB: Float64Array; // [K]
  private readonly outs: Float64Array; // [K], the last forward pass's outputs

  // Fixed-size scratch [H] (f, the pooled features, the per-entity constant c).
  private readonly c: Float64Array;
  private readonly dc: Float64Array;
  private readonly pool: Float64Array;
  private readonly dpool: Float64Array;
  private readonly fPre: Float64Array[] = [];
  private readonly fSig: Float64Array[] = [];
  private readonly fH: Float64Array[] = [];
  private readonly du: Float64Array;
  private readonly dq: Float64Array;
  private readonly dwAcc: Float64Array;
  private readonly simd: SimdState | null = null;
  /** Row width of pp and dp (both sides of a pair, or one). */
  private readonly PW: number;
  /** dE/dx's rows on the SIMD path: D rounded up to a register block. */
  private readonly DX: number;
  /** 'float32-simd' when g and f run in WebAssembly SIMD, else 'float64'. */
  readonly precision: 'float32-simd' | 'float64';

  // Scratch that grows with the entity count (P = N^2 rows, or N when non-relational).
  private cap = -1;
  private s = new Float64Array(0); // sigmoid(a_i) [N]
  private acc = new Float64Array(0); // [N]
  private gate = new Float64Array(0); // [P]
  private pi = new Float64Array(0); // [N, H]  x_i g0.wi + c
  private pj = new Float64Array(0); // [N, H]  x_j g0.wj
  private dpi = new Float64Array(0);
  private dpj = new Float64Array(0);
  private gPre: Float64Array[] = []; // per g layer [P, H]
  private gSig: Float64Array[] = []; // sigmoid(pre); on the SIMD path SiLU'(pre)
  private gH: Float64Array[] = [];
  private bufA = new Float64Array(0); // backward ping-pong [P, H]
  private bufB = new Float64Array(0);
  private rowI = new Int32Array(0); // row r of g is the pair (rowI[r], rowJ[r]) [P]
  private rowJ = new Int32Array(0);
  private pos = new Float64Array(0); // [N, 2] the positions of the last `project` (pair features only)
  private dpos = new Float64Array(0); // [N, 2] the pair features' part of dE/dx_i0, dE/dx_i1

  constructor(config: ModelConfig, values: ParamValues, options: FastEnergyOptions = {}) {
    checkParamValues(config, values);
    this.config = { ...config };
    const { attributes: D, codeSize: DW, hidden: H, gLayers: Lg, fLayers: Lf } = config;
    this.D = D;
    this.DW = DW;
    this.H = H;
    this.Lg = Lg;
    this.Lf = Lf;
    this.pairs = config.variant !== 'non-relational';
    this.bothSides = config.variant === 'relational';
    this.distance = this.pairs && Boolean(config.pairDistance);
    this.squared = config.pairDistance === 'squared';
    this.direction = this.pairs && Boolean(config.pairDirection);
    this.pairFeatures = this.distance || this.direction;
    this.dirEps2 = pairDirectionEps(config) ** 2;
    if (this.pairFeatures && D < 2)
      throw new Error(
        `FastEnergy: ${this.distance ? 'pairDistance' : 'pairDirection'} needs the two position attributes, got attributes ${D}`,
      );

    this.g0wi = copy64(values['g0.wi']);
    this.g0wj = this.pairs ? copy64(values['g0.wj']) : new Float64Array(0);
    this.g0wd = this.distance ? copy64(values['g0.wd']) : new Float64Array(0);
    this.g0wv = this.direction ? copy64(values['g0.wv']) : new Float64Array(0);
    this.g0ww = copy64(values['g0.ww']);
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
    this.f0ww = copy64(values['f0.ww']);
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
    this.K = config.energyOutputs ?? 1;
    this.outW = copy64(values['out.w']);
    this.outB = copy64(values['out.b']);
    this.outs = new Float64Array(this.K);

    this.c = new Float64Array(H);
    this.dc = new Float64Array(H);
    this.pool = new Float64Array(H);
    this.dpool = new Float64Array(H);
    for (let k = 0; k < Lf; k++) {
      this.fPre.push(new Float64Array(H));
      this.fSig.push(new Float64Array(H));
      this.fH.push(new Float64Array(H));
    }
    this.du = new Float64Array(H);
    this.dq = new Float64Array(H);
    this.dwAcc = new Float64Array(DW);
    const PW = (this.PW = this.pairs ? 2 * H : H);
    const DX = (this.DX = Math.ceil(D / SIMD_BLOCK) * SIMD_BLOCK);
    const simd = options.simd ?? (H % SIMD_BLOCK === 0 && SimdKernels.available());
    if (simd && Lg > 1) {
      const k = new SimdKernels();
      const { 'g0.ww': ww, 'g0.b': b0, 'g0.wi': wi, 'g0.wj': wj } = values;
      // [c | 0] = w [g0.ww | 0] + [g0.b | 0], then pp = x [g0.wi | g0.wj] + [c | 0]:
      // a pair's first layer is then one sum of two rows (pairsum).
      const code = k.matrix(
        table(DW, PW, (r, o) => (o < H ? ww[r * H + o] : 0)),
        DW,
        PW,
        table(1, PW, (_, o) => (o < H ? b0[o] : 0)),
      );
      // [g0.wi | g0.wj] (D x PW): the projection, and transposed (padded to DX) dE/dx from dE/dpp.
      const wij = (d: number, o: number) => (o < H ? wi[d * H + o] : wj[d * H + o - H]);
      const project = k.matrix(table(D, PW, wij), D, PW, null);
      const { forward, backward } = hiddenLayers(k, values, 'g', Lg, H);
      const dx = k.matrix(
        table(PW, DX, (o, d) => (d < D ? wij(d, o) : 0)),
        PW,
        DX,
        null,
      );
      const f = this.simdF(k, values);
      const mark = k.mark();
      const b = this.simdBuffers(k, mark, 0);
      this.simd = { k, code, project, forward, backward, dx, f, mark, b };
    }
    this.precision = this.simd ? 'float32-simd' : 'float64';
    this.reserve(8);
  }

  /** Make room for scenes of up to n entities (done on demand, doubling, by every method). */
  reserve(n: number): void {
    if (n <= this.cap) return;
    const H = this.H;
    const P = this.pairs ? n * n : n;
    this.s = new Float64Array(n);
    this.acc = new Float64Array(n);
    this.rowI = new Int32Array(P);
    this.rowJ = new Int32Array(P);
    this.pos = new Float64Array(this.pairFeatures ? 2 * n : 0);
    this.dpos = new Float64Array(this.pairFeatures ? 2 * n : 0);
    this.cap = n;
    if (this.simd) {
      this.simd.b = this.simdBuffers(this.simd.k, this.simd.mark, n);
      return;
    }
    this.gate = new Float64Array(P);
    this.pi = new Float64Array(n * H);
    this.pj = new Float64Array(n * H);
    this.dpi = new Float64Array(n * H);
    this.dpj = new Float64Array(n * H);
    this.gPre = [];
    this.gSig = [];
    this.gH = [];
    for (let k = 0; k < this.Lg; k++) {
      this.gPre.push(new Float64Array(P * H));
      this.gSig.push(new Float64Array(P * H));
      this.gH.push(new Float64Array(P * H));
    }
    this.bufA = new Float64Array(P * H);
    this.bufB = new Float64Array(P * H);
  }

  /** f's weights and buffers on the SIMD path. */
  private simdF(k: SimdKernels, values: ParamValues): SimdF {
    const { DW, H, Lf } = this;
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
      outW: (this.K === 1
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

  /** g's buffers on the SIMD path for n entities, allocated after `mark` in k's memory (zeroed). */
  private simdBuffers(k: SimdKernels, mark: number, n: number): SimdBuffers {
    const { D, DW, H, PW, DX } = this;
    const P = this.pairs ? n * n : n;
    const rows = P + 1;
    k.release(mark);
    const layers = () => Array.from({ length: this.Lg }, () => k.alloc(rows * H));
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

  /** E(x, a, w) for one event: x [n*D] row-major, a [n] attention logits, w [DW]. */
  energy(x: Float32Array, n: number, a: Float32Array, w: Float32Array): number {
    this.check(x, n, a, w);
    return this.forwardAll(x, n, a, w);
  }

  /**
   * E(x, a, w) and the requested first-order gradients, written into
   * `out.dx` [n*D], `out.da` [n] and `out.dw` [DW] (overwritten, not accumulated).
   */
  gradients(
    x: Float32Array,
    n: number,
    a: Float32Array,
    w: Float32Array,
    out: FastGradientTargets,
  ): number {
    this.check(x, n, a, w);
    const { dx, da, dw } = out;
    this.checkOut(dx, n * this.D, 'dx');
    this.checkOut(da, n, 'da');
    this.checkOut(dw, this.DW, 'dw');
    const e = this.forwardAll(x, n, a, w);
    if (!dx && !da && !dw) return e;
    const R = this.pairs ? n * n : n;
    this.fBackward(dw !== undefined);
    if (da) this.daRows(this.rowI, this.rowJ, R, this.features(R), n, da);
    if (dx || dw) {
      this.gBackward(this.rowI, this.rowJ, R, n);
      if (dx) this.dxRows(n, dx, null);
      if (dw) {
        this.dwFromG(n);
        for (let k = 0; k < this.DW; k++) dw[k] = this.dwAcc[k];
      }
    }
    return e;
  }

  /**
   * The energy as a function of x alone, for a chain in which a, w and the
   * entities with movable[i] < 0.5 stay fixed. g's features of the pairs among
   * held entities are computed once and pooled into a constant; each call
   * recomputes only the pairs that touch a movable entity.
   *
   * `gradient` reports dE/dx for movable entities and 0 for held ones. If a
   * held entity's values ever differ from the last ones seen (e.g. a range
   * clamp moved it), the constant is recomputed, so results stay exact.
   * a, w and the initial x are copied; the view shares this kernel's scratch.
   */
  xChain(
    x0: Float32Array,
    n: number,
    a: Float32Array,
    w: Float32Array,
    movable: ArrayLike<number>,
  ): FastChainEnergy {
    this.check(x0, n, a, w);
    if (movable.length !== n)
      throw new Error(`FastEnergy: movable has ${movable.length} entries for ${n} entities`);
    const { D, H } = this;
    // Plain loops and one buffer (a few microseconds less than `from` and four
    // arrays): generation builds a view per call, often for a single step.
    const held = new Uint8Array(n);
    for (let i = 0; i < n; i++) held[i] = movable[i] >= 0.5 ? 0 : 1;
    const R = this.pairs ? n * n : n;
    const lists = new Int32Array(4 * R);
    const actI = lists.subarray(0, R);
    const actJ = lists.subarray(R, 2 * R);
    const heldI = lists.subarray(2 * R, 3 * R);
    const heldJ = lists.subarray(3 * R);
    let nAct = 0;
    let nHeld = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < (this.pairs ? n : 1); j++) {
        const fixed = held[i] === 1 && (!this.pairs || held[j] === 1);
        if (fixed) {
          heldI[nHeld] = i;
          heldJ[nHeld++] = j;
        } else {
          actI[nAct] = i;
          actJ[nAct++] = j;
        }
      }
    }
    const aa = a.slice(0, n);
    const ww = w.slice(0, this.DW);
    const seen = x0.slice(0, n * D);
    const constant = new Float64Array(H);

    const freeze = (x: Float32Array) => {
      seen.set(x.subarray(0, n * D));
      if (nHeld === 0) return; // the constant stays 0
      this.project(x, n, ww);
      this.gForward(heldI, heldJ, nHeld);
      this.sigmoids(aa, n);
      this.poolG(heldI, heldJ, nHeld, null);
      constant.set(this.pool);
    };
    const forward = (x: Float32Array): number => {
      if (x.length < n * D)
        throw new Error(`FastEnergy: x has ${x.length} values, needs ${n} x ${D}`);
      for (let i = 0; i < n; i++) {
        if (held[i] === 0) continue;
        let same = true;
        for (let d = i * D; d < (i + 1) * D; d++) same &&= x[d] === seen[d];
        if (!same) {
          freeze(x);
          break;
        }
      }
      this.project(x, n, ww);
      this.gForward(actI, actJ, nAct);
      this.sigmoids(aa, n);
      this.poolG(actI, actJ, nAct, constant);
      return this.fForward(ww);
    };
    freeze(x0);
    return {
      energy: forward,
      gradient: (x, grad) => {
        this.checkOut(grad, n * D, 'dx');
        const e = forward(x);
        this.fBackward(false);
        this.gBackward(actI, actJ, nAct, n);
        this.dxRows(n, grad, held);
        return e;
      },
    };
  }

  /**
   * The energy as a function of the attention logits alone, for a chain in
   * which x and w stay fixed: g's features are computed once, each call is
   * only the gates, the pooling and f. x and w are copied.
   */
  aChain(x: Float32Array, n: number, w: Float32Array): FastChainEnergy {
    this.check(x, n, new Float32Array(n), w);
    const R = this.allRows(n);
    const rI = this.rowI.slice(0, R);
    const rJ = this.rowJ.slice(0, R);
    const ww = Float32Array.from(w.subarray(0, this.DW));
    this.project(x, n, ww);
    this.gForward(rI, rJ, R);
    const features = this.features(R).slice();
    const forward = (a: Float32Array): number => {
      if (a.length < n) throw new Error(`FastEnergy: a has ${a.length} values, needs ${n}`);
      this.sigmoids(a, n);
      if (this.simd) {
        // Pooled by the same kernel as `gradients`, so both give the same E to the last bit.
        this.simd.k.f32.set(features, this.simd.b.h[this.Lg - 1] / 4);
        this.poolG(rI, rJ, R, null);
      } else {
        this.poolRows(rI, rJ, R, features, null);
      }
      return this.fForward(ww);
    };
    return {
      energy: forward,
      gradient: (a, grad) => {
        this.checkOut(grad, n, 'da');
        const e = forward(a);
        this.fBackward(false);
        this.daRows(rI, rJ, R, features, n, grad);
        return e;
      },
    };
  }

  // -------------------------------------------------------------------------

  private check(x: Float32Array, n: number, a: Float32Array, w: Float32Array): void {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`FastEnergy: n must be an integer >= 0, got ${n}`);
    if (x.length < n * this.D)
      throw new Error(`FastEnergy: x has ${x.length} values, needs ${n} x ${this.D}`);
    if (a.length < n) throw new Error(`FastEnergy: a has ${a.length} values, needs ${n}`);
    if (w.length < this.DW)
      throw new Error(`FastEnergy: w has ${w.length} values, needs ${this.DW}`);
    if (n > this.cap) this.reserve(Math.max(n, 2 * this.cap));
  }

  private checkOut(v: Float32Array | undefined, size: number, name: string): void {
    if (v && v.length < size)
      throw new Error(`FastEnergy: ${name} has ${v.length} entries, needs ${size}`);
  }

  /** Every row of g, in order (pairs i-major, or entities); returns the count. */
  private allRows(n: number): number {
    let r = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < (this.pairs ? n : 1); j++) {
        this.rowI[r] = i;
        this.rowJ[r++] = j;
      }
    }
    return r;
  }

  private forwardAll(x: Float32Array, n: number, a: Float32Array, w: Float32Array): number {
    const R = this.allRows(n);
    this.project(x, n, w);
    this.gForward(this.rowI, this.rowJ, R);
    this.sigmoids(a, n);
    this.poolG(this.rowI, this.rowJ, R, null);
    return this.fForward(w);
  }

  /** c = g0.b + w g0.ww; per entity pi = x_i g0.wi + c and pj = x_i g0.wj (and the positions, for d_ij and v_ij). */
  private project(x: Float32Array, n: number, w: Float32Array): void {
    const { D, DW, H } = this;
    if (this.pairFeatures) {
      for (let i = 0; i < n; i++) {
        this.pos[2 * i] = x[i * D];
        this.pos[2 * i + 1] = x[i * D + 1];
      }
    }
    if (this.simd) {
      const { k, b } = this.simd;
      k.f32.set(w.subarray(0, DW), b.w / 4);
      k.mm(this.simd.code, b.w, b.c, 1);
      k.f32.set(x.subarray(0, n * D), b.x / 4);
      k.mm(this.simd.project, b.x, b.pp, n, 0, b.c);
      return;
    }
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
      if (this.pairs) for (let o = 0; o < H; o++) pj[row + o] = 0;
      for (let d = 0; d < D; d++) {
        const xv = x[i * D + d];
        const wr = d * H;
        for (let o = 0; o < H; o++) pi[row + o] += xv * wi[wr + o];
        if (this.pairs) for (let o = 0; o < H; o++) pj[row + o] += xv * wj[wr + o];
      }
    }
  }

  /**
   * g over the listed rows (row r: pair (rowI[r], rowJ[r]), or entity rowI[r]),
   * keeping what the backward pass needs: pre-activations and sigmoids, or on
   * the SIMD path SiLU' (and the rows themselves, in the kernels' memory).
   */
  private gForward(rowI: Int32Array, rowJ: Int32Array, R: number): void {
    const H = this.H;
    if (this.simd) {
      const { k, b, forward } = this.simd;
      const rows = k.i32;
      const r0 = b.rows / 4;
      for (let r = 0; r < R; r++) {
        rows[r0 + 2 * r] = rowI[r];
        rows[r0 + 2 * r + 1] = rowJ[r];
      }
      k.pairsum(b.pp, this.PW, b.rows, R, H, this.pairs, b.pre);
      if (this.pairFeatures) this.addPairFeatures(rowI, rowJ, R, k.f32, b.pre / 4);
      k.silu(b.pre, b.h[0], b.der[0], R * H);
      for (let l = 1; l < this.Lg; l++) {
        k.mm(forward[l], b.h[l - 1], b.pre, R);
        k.silu(b.pre, b.h[l], b.der[l], R * H);
      }
      return;
    }
    const pi = this.pi;
    const pj = this.pj;
    const pre0 = this.gPre[0];
    for (let r = 0; r < R; r++) {
      const ri = rowI[r] * H;
      const rj = rowJ[r] * H;
      const base = r * H;
      if (this.pairs) for (let o = 0; o < H; o++) pre0[base + o] = pi[ri + o] + pj[rj + o];
      else for (let o = 0; o < H; o++) pre0[base + o] = pi[ri + o];
    }
    if (this.pairFeatures) this.addPairFeatures(rowI, rowJ, R, pre0, 0);
    for (let k = 0; k < this.Lg; k++) {
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

  /**
   * pre0[r] += d_r g0.wd + v_r g0.wv over the listed pair rows (pre0's rows start at `start`), with
   * d = sqrt(r2 + eps^2) - eps written as r2 / (sqrt(r2 + eps^2) + eps): the same
   * number without the cancellation at small r2, and exactly 0 on the diagonal
   * (with pairDistance 'squared', d = r2). v is 0 on the diagonal too, so the diagonal is skipped.
   */
  private addPairFeatures(
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
  private pairFeaturesBackward(
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

  private sigmoids(a: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) this.s[i] = 1 / (1 + Math.exp(-a[i]));
  }

  /** g's last layer over the rows of the last `gForward` (a view on the SIMD path). */
  private features(R: number): Float64Array | Float32Array {
    if (!this.simd) return this.gH[this.Lg - 1];
    const at = this.simd.b.h[this.Lg - 1] / 4;
    return this.simd.k.f32.subarray(at, at + R * this.H);
  }

  /** poolRows over the rows of the last `gForward`, in place on the SIMD path (gates kept there). */
  private poolG(rowI: Int32Array, rowJ: Int32Array, R: number, base: Float64Array | null): void {
    if (!this.simd) {
      this.poolRows(rowI, rowJ, R, this.gH[this.Lg - 1], base);
      return;
    }
    const { H, pool } = this;
    const { k, b } = this.simd;
    const f = k.f32;
    const g0 = b.gate / 4;
    for (let r = 0; r < R; r++) f[g0 + r] = this.gateOf(rowI[r], rowJ[r]);
    k.pool(b.h[this.Lg - 1], b.gate, R, H, b.pool);
    const p0 = b.pool / 4;
    for (let o = 0; o < H; o++) pool[o] = (base ? base[o] : 0) + f[p0 + o];
  }

  /** The gate of g's row (i, j): s_i s_j with both-sides gating, else s_i. */
  private gateOf(i: number, j: number): number {
    return this.bothSides ? this.s[i] * this.s[j] : this.s[i];
  }

  /** pool = base + sum_r gate_r features[r]; keeps gate_r. */
  private poolRows(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
    base: Float64Array | null,
  ): void {
    const H = this.H;
    const gate = this.gate;
    const pool = this.pool;
    if (base) pool.set(base);
    else pool.fill(0);
    for (let r = 0; r < R; r++) {
      const gr = this.gateOf(rowI[r], rowJ[r]);
      gate[r] = gr;
      const off = r * H;
      for (let o = 0; o < H; o++) pool[o] += gr * features[off + o];
    }
  }

  /** f from the pooled features and w: E = out^2. */
  private fForward(w: Float32Array): number {
    const { DW, H } = this;
    if (this.simd) {
      const { k, f: sf } = this.simd;
      const f = k.f32;
      f.set(this.pool, sf.in / 4);
      f.set(w.subarray(0, DW), sf.in / 4 + H);
      for (let l = 0; l < this.Lf; l++) {
        if (l === 0) k.mm(sf.input, sf.in, sf.pre, 1);
        else k.mm(sf.forward[l], sf.h[l - 1], sf.pre, 1);
        k.silu(sf.pre, sf.h[l], sf.der[l], H);
      }
      return this.outputs(f, sf.h[this.Lf - 1] / 4);
    }
    let u: Float64Array = this.pool;
    for (let k = 0; k < this.Lf; k++) {
      const pre = this.fPre[k];
      if (k === 0) {
        vecTimesT(this.pool, this.f0wpT, H, H, pre, false);
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
    return this.outputs(u, 0);
  }

  /** out = u out.w + out.b from u = v[at .. at + H), kept for the backward pass; returns E = |out|^2. */
  private outputs(v: ArrayLike<number>, at: number): number {
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
  private outputSeed(into: Float64Array | Float32Array, at: number): void {
    const { H, K, outW, outs } = this;
    for (let o = 0; o < H; o++) {
      let d = 0;
      for (let q = 0; q < K; q++) d += 2 * outs[q] * outW[o * K + q];
      into[at + o] = d;
    }
  }

  /** Back through f: dE/dpool, and f's part of dE/dw into dwAcc when asked. */
  private fBackward(wantDw: boolean): void {
    const { DW, H } = this;
    if (this.simd) {
      const { k, f: sf, b } = this.simd;
      const f = k.f32;
      if (this.K === 1) {
        f[sf.dout / 4] = 2 * this.outs[0];
      } else {
        this.outputSeed(f, sf.outW / 4);
        f[sf.dout / 4] = 1;
      }
      k.seed(sf.dout, sf.outW, sf.der[this.Lf - 1], 1, H, sf.dA);
      let cur = sf.dA;
      let other = sf.dB;
      for (let l = this.Lf - 1; l > 0; l--) {
        k.mm(sf.backward[l], cur, other, 1, sf.der[l - 1]);
        [cur, other] = [other, cur];
      }
      k.mm(sf.poolT, cur, b.dpool, 1);
      const dp0 = b.dpool / 4;
      for (let o = 0; o < H; o++) this.dpool[o] = f[dp0 + o];
      if (wantDw) vecTimesT(f.subarray(cur / 4, cur / 4 + H), this.f0ww, H, DW, this.dwAcc, false);
      return;
    }
    const du = this.du;
    const dq = this.dq;
    this.outputSeed(du, 0);
    for (let k = this.Lf - 1; k >= 0; k--) {
      const pre = this.fPre[k];
      const sig = this.fSig[k];
      for (let o = 0; o < H; o++) {
        const sv = sig[o];
        dq[o] = du[o] * sv * (1 + pre[o] * (1 - sv));
      }
      if (k > 0) {
        vecTimesT(dq, this.fW[k], H, H, du, false);
      } else {
        vecTimesT(dq, this.f0wp, H, H, this.dpool, false);
        if (wantDw) vecTimesT(dq, this.f0ww, H, DW, this.dwAcc, false);
      }
    }
  }

  /** dE/da from dE/dgate_r = features[r] . dE/dpool over the listed rows (all rows of g). */
  private daRows(
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

  /** Back through g over the listed rows, down to dE/dpi and dE/dpj per entity. */
  private gBackward(rowI: Int32Array, rowJ: Int32Array, R: number, n: number): void {
    const H = this.H;
    const gate = this.gate;
    const dpool = this.dpool;
    if (this.simd) {
      // The rows, gates and dE/dpool are still in place from gForward, poolG and fBackward.
      const { k, b, backward } = this.simd;
      const f = k.f32;
      k.seed(b.gate, b.dpool, b.der[this.Lg - 1], R, H, b.dA);
      let cur = b.dA;
      let other = b.dB;
      for (let l = this.Lg - 1; l > 0; l--) {
        k.mm(backward[l], cur, other, R, b.der[l - 1]);
        [cur, other] = [other, cur];
      }
      f.fill(0, b.dp / 4, b.dp / 4 + n * this.PW);
      k.scatter(cur, b.rows, R, H, this.pairs, b.dp, this.PW);
      if (this.pairFeatures) this.pairFeaturesBackward(rowI, rowJ, R, n, f, cur / 4);
      return;
    }
    let cur = this.bufA;
    let other = this.bufB;
    for (let r = 0; r < R; r++) {
      const gr = gate[r];
      const off = r * H;
      for (let o = 0; o < H; o++) cur[off + o] = gr * dpool[o];
    }
    for (let k = this.Lg - 1; k >= 0; k--) {
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
    if (this.pairFeatures) this.pairFeaturesBackward(rowI, rowJ, R, n, cur, 0);
    const dpi = this.dpi;
    const dpj = this.dpj;
    dpi.fill(0, 0, n * H);
    if (this.pairs) dpj.fill(0, 0, n * H);
    for (let r = 0; r < R; r++) {
      const ri = rowI[r] * H;
      const rj = rowJ[r] * H;
      const off = r * H;
      if (this.pairs) {
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

  /** dE/dx_i = g0.wi dE/dpi_i + g0.wj dE/dpj_i (+ the pair features' part) (0 for entities marked held). */
  private dxRows(n: number, dx: Float32Array, held: Uint8Array | null): void {
    const { D, H } = this;
    const dpos = this.dpos;
    if (this.simd) {
      const { k, b } = this.simd;
      k.mm(this.simd.dx, b.dp, b.dx, n);
      const f = k.f32;
      const x0 = b.dx / 4;
      for (let i = 0; i < n; i++) {
        const moves = held === null || held[i] === 0;
        for (let d = 0; d < D; d++) {
          const v = f[x0 + i * this.DX + d] + (this.pairFeatures && d < 2 ? dpos[2 * i + d] : 0);
          dx[i * D + d] = moves ? v : 0;
        }
      }
      return;
    }
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
        if (this.pairs) for (let o = 0; o < H; o++) acc += dpj[ri + o] * wj[wr + o];
        if (this.pairFeatures && d < 2) acc += dpos[2 * i + d];
        dx[i * D + d] = acc;
      }
    }
  }

  /** g's part of dE/dw: dE/dc = sum_i dE/dpi_i, then dwAcc += g0.ww dE/dc. */
  private dwFromG(n: number): void {
    const H = this.H;
    const dc = this.dc;
    // dE/dpi_i: rows of dpi, or the first halves of dp's rows on the SIMD path.
    const dpi = this.simd ? this.simd.k.f32 : this.dpi;
    const start = this.simd ? this.simd.b.dp / 4 : 0;
    const stride = this.simd ? this.PW : H;
    dc.fill(0);
    for (let i = 0; i < n; i++) {
      const ri = start + i * stride;
      for (let o = 0; o < H; o++) dc[o] += dpi[ri + o];
    }
    vecTimesT(dc, this.g0ww, H, this.DW, this.dwAcc, true);
  }
}
