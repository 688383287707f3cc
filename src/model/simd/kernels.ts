/**
 * The fast kernel's hot loops in float32 WebAssembly SIMD: g's [P, H] x [H, H]
 * products (./kernels.wat, compiled into ./kernels-wasm.ts by `npm run
 * build:wasm`) and its SiLU activations with their derivatives (the engine's
 * SiLU module, ../../engine/silu-wat.ts, instantiated on this module's memory).
 *
 * Why: in the one-scene Langevin step the products were about three quarters
 * of the time and the activations (Math.exp, P x H per layer) most of the
 * rest; plain loops do one float64 multiply-add per instruction, f32x4 four.
 * The price is float32 rounding (the engine's precision), so the float64
 * loops stay as the exact path that the tests hold to 1e-9.
 *
 * Each matrix is uploaded once (`add`); a call copies its input rows into the
 * module's memory, runs, and copies the results out: O(rows x (k + n))
 * copies against O(rows x k x n) multiply-adds.
 */
import { compileWasm } from '../../util/wasm.js';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';
// Plain data and the module's generator (no TensorFlow.js): importing them does not load the engine.
import { SILU_WASM_BASE64 } from '../../engine/silu-wasm.js';
import { SILU_MIN_COUNT } from '../../engine/silu-wat.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  mm(inp: number, w: number, bias: number, out: number, rows: number, k: number, n: number): void;
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

/** Output widths must be multiples of this (the kernel's register block). */
export const SIMD_BLOCK = 16;

interface Matrix {
  k: number;
  n: number;
  /** Byte offsets of w [k, n] and of the bias [n] (a zero block when there is none). */
  w: number;
  bias: number;
}

export class SimdKernels {
  /** Whether this JavaScript engine runs WebAssembly SIMD. */
  static available(): boolean {
    return kernelsModule() !== null;
  }

  private readonly wasm: KernelExports;
  private readonly siluKernels: SiluExports;
  private f32: Float32Array;
  private readonly matrices: Matrix[] = [];
  /** Bytes used by matrices and biases; the input and output rows follow. */
  private used = 0;
  private maxK = 0;
  private maxN = 0;
  private rowsCap = 0;
  private inPtr = 0;
  private outPtr = 0;
  private derPtr = 0;
  private hPtr = 0;

  constructor() {
    const module = kernelsModule();
    if (!module) throw new Error('SimdKernels: this JavaScript engine has no WebAssembly SIMD');
    this.wasm = new WebAssembly.Instance(module.kernels).exports as unknown as KernelExports;
    this.siluKernels = new WebAssembly.Instance(module.silu, { env: { memory: this.wasm.memory } }).exports as unknown as SiluExports;
    this.f32 = new Float32Array(this.wasm.memory.buffer);
  }

  /**
   * Upload w [k, n] (row-major; `transpose`: given as [n, k], used as its
   * transpose) and an optional bias [n]; returns the matrix's handle.
   */
  add(w: ArrayLike<number>, k: number, n: number, bias: ArrayLike<number> | null, transpose = false): number {
    if (n % SIMD_BLOCK !== 0) throw new Error(`SimdKernels: output width ${n} is not a multiple of ${SIMD_BLOCK}`);
    if (w.length !== k * n) throw new Error(`SimdKernels: matrix has ${w.length} values, expected ${k} x ${n}`);
    if (bias && bias.length !== n) throw new Error(`SimdKernels: bias has ${bias.length} values, expected ${n}`);
    this.maxK = Math.max(this.maxK, k);
    this.maxN = Math.max(this.maxN, n);
    const wAt = this.used;
    const biasAt = wAt + 4 * k * n;
    this.used = biasAt + 4 * n;
    this.rowsCap = 0; // the row buffers move behind the new matrix
    this.grow(this.used);
    const f = this.f32;
    const w0 = wAt / 4;
    for (let i = 0; i < k; i++) {
      for (let o = 0; o < n; o++) f[w0 + i * n + o] = transpose ? w[o * k + i] : w[i * n + o];
    }
    for (let o = 0; o < n; o++) f[biasAt / 4 + o] = bias ? bias[o] : 0;
    this.matrices.push({ k, n, w: wAt, bias: biasAt });
    return this.matrices.length - 1;
  }

  /** out [rows, n] = inp [rows, k] x w + bias, for the matrix `handle` (float64 in and out, float32 inside). */
  product(handle: number, inp: Float64Array, out: Float64Array, rows: number): void {
    const { n } = this.run(handle, inp, rows);
    const f = this.f32;
    const o0 = this.outPtr / 4;
    const total = rows * n;
    for (let q = 0; q < total; q++) out[q] = f[o0 + q];
  }

  /**
   * The product of `product` followed by SiLU: with pre = inp x w + bias,
   * h = silu(pre) and der = silu'(pre) (all [rows, n]; pre itself is not
   * kept: the backward pass needs only der).
   */
  productSilu(handle: number, inp: Float64Array, der: Float64Array, h: Float64Array, rows: number): void {
    const { n } = this.run(handle, inp, rows);
    this.siluRun(rows * n, der, h);
  }

  /** h = silu(pre), der = silu'(pre) for the first `count` values (count at most rows x the widest matrix). */
  silu(pre: Float64Array, der: Float64Array, h: Float64Array, count: number): void {
    const width = Math.max(1, this.maxN);
    this.reserveRows(Math.ceil(Math.max(count, SILU_MIN_COUNT) / width) + 1);
    const f = this.f32;
    const o0 = this.outPtr / 4;
    for (let q = 0; q < count; q++) f[o0 + q] = pre[q];
    this.siluRun(count, der, h);
  }

  /** SiLU of the first `count` values of the output rows, copied out (padded to a whole block). */
  private siluRun(count: number, der: Float64Array, h: Float64Array): void {
    const f = this.f32;
    const o0 = this.outPtr / 4;
    const padded = Math.max(count, SILU_MIN_COUNT);
    if (padded > count) f.fill(0, o0 + count, o0 + padded);
    this.siluKernels.silu_and_grad(this.outPtr, this.hPtr, this.derPtr, padded);
    const d0 = this.derPtr / 4;
    const h0 = this.hPtr / 4;
    for (let q = 0; q < count; q++) {
      der[q] = f[d0 + q];
      h[q] = f[h0 + q];
    }
  }

  /** Copy the input in and run mm into the output rows; returns the matrix. */
  private run(handle: number, inp: Float64Array, rows: number): Matrix {
    const m = this.matrices[handle];
    if (!m) throw new Error(`SimdKernels: no matrix ${handle}`);
    const { k, n } = m;
    const padded = rows + (rows & 1); // the kernel takes rows in pairs
    this.reserveRows(padded);
    const f = this.f32;
    const i0 = this.inPtr / 4;
    const count = rows * k;
    for (let q = 0; q < count; q++) f[i0 + q] = inp[q];
    if (padded > rows) f.fill(0, i0 + count, i0 + count + k);
    this.wasm.mm(this.inPtr, m.w, m.bias, this.outPtr, padded, k, n);
    return m;
  }

  private reserveRows(rows: number): void {
    if (rows <= this.rowsCap) return;
    const cap = Math.max(rows, 2 * this.rowsCap);
    const outBytes = 4 * cap * Math.max(this.maxN, SILU_MIN_COUNT);
    this.inPtr = this.used;
    this.outPtr = this.inPtr + 4 * cap * this.maxK;
    this.derPtr = this.outPtr + outBytes;
    this.hPtr = this.derPtr + outBytes;
    this.grow(this.hPtr + outBytes);
    this.rowsCap = cap;
  }

  private grow(bytes: number): void {
    const memory = this.wasm.memory;
    if (bytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    }
    if (this.f32.buffer !== memory.buffer) this.f32 = new Float32Array(memory.buffer);
  }
}
