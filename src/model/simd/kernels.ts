/**
 * The fast kernel's loops in float32 WebAssembly SIMD: the products (g's
 * [P, H] x [H, H] and f's one-row ones) and the loops around them
 * (./kernels.wat, compiled into ./kernels-wasm.ts by `npm run build:wasm`),
 * and the SiLU activations with their derivatives (the engine's SiLU module, ../../engine/silu-wat.ts,
 * instantiated on this module's memory).
 *
 * Why: in the one-scene Langevin step the products and activations are most
 * of the arithmetic; plain loops do one float64 multiply-add per instruction,
 * f32x4 four. The price is float32 rounding (the engine's precision), so the
 * float64 loops stay as the exact path that the tests hold to 1e-9.
 *
 * The caller keeps its buffers IN the module's memory (`alloc`, byte offsets)
 * and reads and writes them through `f32` / `i32`, so that a chain of kernels
 * runs with no copies in or out: copying every [P, H] operand between
 * Float64Arrays and the memory, and the float64 elementwise loops between
 * the products, cost more than the products themselves (measured at hidden
 * 128). `f32` and `i32` are replaced when `alloc` grows the memory (growing
 * detaches the old views): read them after allocating, not before.
 */
import { compileWasm } from '../../util/wasm.js';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';
// Plain data and the module's generator (no TensorFlow.js): importing them does not load the engine.
import { SILU_WASM_BASE64 } from '../../engine/silu-wasm.js';
import { SILU_MIN_COUNT } from '../../engine/silu-wat.js';

/** ./kernels.wat's exports (byte offsets; widths `hb` in bytes). */
interface KernelExports {
  memory: WebAssembly.Memory;
  mm(
    inp: number,
    w: number,
    bias: number,
    out: number,
    rows: number,
    k: number,
    n: number,
    mul: number,
  ): void;
  pairsum(
    pp: number,
    stride: number,
    rows: number,
    count: number,
    hb: number,
    pairs: number,
    out: number,
  ): void;
  scatter(
    d: number,
    rows: number,
    count: number,
    hb: number,
    pairs: number,
    dp: number,
    stride: number,
  ): void;
  pool(h: number, gate: number, count: number, hb: number, out: number): void;
  seed(gate: number, dpool: number, der: number, count: number, hb: number, out: number): void;
}

/** The engine's SiLU module (../../engine/silu-wat.ts), here on this module's memory. */
interface SiluExports {
  silu_and_grad(x: number, h: number, der: number, count: number): void;
}

let compiled: { kernels: WebAssembly.Module; silu: WebAssembly.Module } | null | undefined;

function kernelsModule(): { kernels: WebAssembly.Module; silu: WebAssembly.Module } | null {
  if (compiled === undefined) {
    const kernels = compileWasm(KERNELS_WASM_BASE64);
    const silu = compileWasm(SILU_WASM_BASE64);
    compiled = kernels && silu ? { kernels, silu } : null;
  }
  return compiled;
}

/** Output widths must be multiples of this (the kernels' register block). */
export const SIMD_BLOCK = 16;

/** A matrix w [k, n] and its bias [n] in the memory (byte offsets; the bias is a zero block when there is none). */
export interface Matrix {
  readonly k: number;
  readonly n: number;
  readonly w: number;
  readonly bias: number;
}

function checkWidth(n: number): void {
  if (n % SIMD_BLOCK !== 0)
    throw new Error(`SimdKernels: output width ${n} is not a multiple of ${SIMD_BLOCK}`);
}

export class SimdKernels {
  /** Whether this JavaScript engine runs WebAssembly SIMD. */
  static available(): boolean {
    return kernelsModule() !== null;
  }

  /** The memory as float32 and int32 (replaced when `alloc` grows it). */
  f32: Float32Array;
  i32: Int32Array;
  private readonly wasm: KernelExports;
  private readonly siluKernels: SiluExports;
  /** End of the allocated bytes. Offset 0 is never handed out: it is mm's "no mul". */
  private top = 64;

  constructor() {
    const module = kernelsModule();
    if (!module) throw new Error('SimdKernels: this JavaScript engine has no WebAssembly SIMD');
    this.wasm = new WebAssembly.Instance(module.kernels).exports as unknown as KernelExports;
    this.siluKernels = new WebAssembly.Instance(module.silu, { env: { memory: this.wasm.memory } })
      .exports as unknown as SiluExports;
    this.f32 = new Float32Array(this.wasm.memory.buffer);
    this.i32 = new Int32Array(this.wasm.memory.buffer);
  }

  /** Room for `floats` float32 (or int32) values, 64-byte aligned: its byte offset. Contents undefined. */
  alloc(floats: number): number {
    const at = this.top;
    this.top += Math.ceil((4 * floats) / 64) * 64;
    const memory = this.wasm.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / 65536));
      this.f32 = new Float32Array(memory.buffer);
      this.i32 = new Int32Array(memory.buffer);
    }
    return at;
  }

  /** The allocation mark, to hand back to `release`. */
  mark(): number {
    return this.top;
  }

  /** Free everything allocated after `mark` (the memory itself never shrinks). */
  release(mark: number): void {
    this.top = mark;
  }

  /**
   * Upload w [k, n] (row-major; `transpose`: given as [n, k], used as its
   * transpose) and an optional bias [n].
   */
  matrix(
    w: ArrayLike<number>,
    k: number,
    n: number,
    bias: ArrayLike<number> | null,
    transpose = false,
  ): Matrix {
    checkWidth(n);
    if (w.length !== k * n)
      throw new Error(`SimdKernels: matrix has ${w.length} values, expected ${k} x ${n}`);
    if (bias && bias.length !== n)
      throw new Error(`SimdKernels: bias has ${bias.length} values, expected ${n}`);
    const m = { k, n, w: this.alloc(k * n), bias: this.alloc(n) };
    const f = this.f32;
    const w0 = m.w / 4;
    for (let i = 0; i < k; i++) {
      for (let o = 0; o < n; o++) f[w0 + i * n + o] = transpose ? w[o * k + i] : w[i * n + o];
    }
    for (let o = 0; o < n; o++) f[m.bias / 4 + o] = bias ? bias[o] : 0;
    return m;
  }

  /**
   * out [rows, n] = (inp [rows, k] x m + bias) * mul [rows, n] (elementwise;
   * mul 0: none; bias: m's own unless given). Odd `rows` are rounded up to
   * even (the kernel takes rows in pairs): all three buffers need that row.
   */
  mm(m: Matrix, inp: number, out: number, rows: number, mul = 0, bias = m.bias): void {
    this.wasm.mm(inp, m.w, bias, out, rows + (rows & 1), m.k, m.n, mul);
  }

  /** h = silu(pre), der = silu'(pre) for `count` values (0, or at least 16; no aliasing). */
  silu(pre: number, h: number, der: number, count: number): void {
    if (count === 0) return;
    if (count < SILU_MIN_COUNT)
      throw new Error(`SimdKernels: silu needs at least ${SILU_MIN_COUNT} values, got ${count}`);
    this.siluKernels.silu_and_grad(pre, h, der, count);
  }

  /**
   * out [count, width]: row r = pp[i_r, 0:width] + pp[j_r, width:2 width]
   * (pairs), or pp[i_r, 0:width]. rows: (i_r, j_r) as int32 pairs; pp's rows
   * are `stride` floats long.
   */
  pairsum(
    pp: number,
    stride: number,
    rows: number,
    count: number,
    width: number,
    pairs: boolean,
    out: number,
  ): void {
    checkWidth(width);
    this.wasm.pairsum(pp, 4 * stride, rows, count, 4 * width, pairs ? 1 : 0, out);
  }

  /** The transpose of `pairsum`, accumulated: dp[i_r, 0:width] += d[r] (and dp[j_r, width:2 width] += d[r] for pairs). */
  scatter(
    d: number,
    rows: number,
    count: number,
    width: number,
    pairs: boolean,
    dp: number,
    stride: number,
  ): void {
    checkWidth(width);
    this.wasm.scatter(d, rows, count, 4 * width, pairs ? 1 : 0, dp, 4 * stride);
  }

  /** out [width] = sum_{r < count} gate[r] h[r, :]. */
  pool(h: number, gate: number, count: number, width: number, out: number): void {
    checkWidth(width);
    this.wasm.pool(h, gate, count, 4 * width, out);
  }

  /** out [count, width] = gate[r] dpool[o] der[r, o]. */
  seed(gate: number, dpool: number, der: number, count: number, width: number, out: number): void {
    checkWidth(width);
    this.wasm.seed(gate, dpool, der, count, 4 * width, out);
  }
}
