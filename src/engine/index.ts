/**
 * The numeric engine: with its fused SiLU (./silu.ts), the only code that imports TensorFlow.js.
 *
 * Why a curated surface instead of `export * from tfjs`: tfjs computes the
 * second derivative of several ops silently wrong (tensorflow/tfjs#3252:
 * sigmoid, tanh, exp, elu, pow, softmax, logSoftmax, max, min take their
 * gradient from the op's saved output, which an outer tape does not see).
 * The method differentiates through gradients, so the rest of the code may
 * only use the ops below, each of which is either safe at second order or
 * has its gradient replaced here, and each is covered by a finite-difference
 * test.
 * Also avoided: `gather` (no gradient on wasm) and batched matMul that
 * broadcasts its second operand (fails on wasm even at first order): pair
 * terms are built with reshape + broadcast-add + 2-D matMul.
 */
import * as tf from '@tensorflow/tfjs-core';
// The gradients of the core's ops (see scripts/tfjs-gradients.ts), and the
// backends: wasm, and cpu where wasm cannot start.
import './tfjs-gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type Tensor = tf.Tensor;
export type Scalar = tf.Scalar;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;
export type Variable = tf.Variable;
export type Rank = tf.Rank;

export type BackendName = 'wasm' | 'cpu';

let initialised: BackendName | null = null;

/**
 * Select the backend once per process (wasm by default: SIMD, single thread,
 * the fastest one that runs both in Node and in a browser). In a browser,
 * `wasmPath` is the URL prefix where the .wasm files are served.
 */
export async function initEngine(
  backend: BackendName = 'wasm',
  options: { wasmPath?: string } = {},
): Promise<BackendName> {
  if (initialised === backend && tf.getBackend() === backend) return backend;
  if (backend === 'wasm' && options.wasmPath) setWasmPaths(options.wasmPath);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`numeric engine: backend "${backend}" failed to initialise`);
  await tf.ready();
  initialised = backend;
  return backend;
}

export function backendName(): string {
  return tf.getBackend();
}

/**
 * Whether `e` is the wasm module's own failure (an abort, or memory or a
 * function table indexed out of bounds): what a computation too large for the
 * engine's 32-bit memory ends in. The engine is unusable after it.
 */
export function isEngineAbort(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return /Aborted\(|memory access out of bounds|table index is out of bounds|Out of memory/i.test(
    message,
  );
}

/** Live tensors: a loop that leaks shows a growing count. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

// ---------------------------------------------------------------------------
// Ops that are safe at second order as tfjs implements them (their gradients
// are expressed in terms of their inputs through differentiable ops).

export const add = tf.add;
export const sub = tf.sub;
export const mul = tf.mul;
export const div = tf.div;
export const neg = tf.neg;
export const square = tf.square;
export const sum = tf.sum;
export const mean = tf.mean;
export const reshape = tf.reshape;
export const matMul = tf.matMul;
export const concat = tf.concat;
export const tile = tf.tile;
export const softplus = tf.softplus;
export const logSigmoid = tf.logSigmoid;
export const clipByValue = tf.clipByValue;
export const transpose = tf.transpose;
export const slice = tf.slice;
export const abs = tf.abs;
export const sqrt = tf.sqrt;
export const minimum = tf.minimum;
export const maximum = tf.maximum;
export const expandDims = tf.expandDims;
export const squeeze = tf.squeeze;
export const stack = tf.stack;
export const unstack = tf.unstack;
export const sin = tf.sin;
export const cos = tf.cos;
export const greater = tf.greater;
export const where = tf.where;
export const isNaN = tf.isNaN;
export const zerosLike = tf.zerosLike;
export const onesLike = tf.onesLike;

// Tensor creation and memory management.
export const tensor = tf.tensor;
export const scalar = tf.scalar;
export const zeros = tf.zeros;
export const ones = tf.ones;
export const variable = tf.variable;
export const tidy = tf.tidy;
export const dispose = tf.dispose;
export const keep = tf.keep;

// Differentiation.
export const grad = tf.grad;
export const grads = tf.grads;
export const valueAndGrads = tf.valueAndGrads;
export const variableGrads = tf.variableGrads;
export const customGrad = tf.customGrad;

// ---------------------------------------------------------------------------
// Gradients we replace in the engine's registry (once, on import).

function transposeLast(t: Tensor): Tensor {
  const perm = Array.from({ length: t.rank }, (_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/**
 * matMul's gradient with explicit transposes instead of the transposeA/B
 * flags: on wasm (XNNPACK) a flagged matMul is about 10x slower than a
 * transpose followed by a plain one (measured: [5760,64]x[64,64]^T 30 ms vs
 * 4 ms). Every matMul of a backward pass goes through here, and so, at second
 * order, do the matMuls of the backward pass's own backward pass.
 */
tf.registerGradient({
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[], attrs: tf.NamedAttrMap) => {
    const dy = dyIn as Tensor;
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    const at = () => transposeLast(a);
    const bt = () => transposeLast(b);
    const dyt = () => transposeLast(dy);
    if (!transposeA && !transposeB)
      return { a: () => tf.matMul(dy, bt()), b: () => tf.matMul(at(), dy) };
    if (!transposeA && transposeB)
      return { a: () => tf.matMul(dy, b), b: () => tf.matMul(dyt(), a) };
    if (transposeA && !transposeB)
      return { a: () => tf.matMul(b, dyt()), b: () => tf.matMul(a, dy) };
    return { a: () => tf.matMul(bt(), dyt()), b: () => tf.matMul(dyt(), at()) };
  },
});

/**
 * sigmoid's gradient from its saved INPUT: s(x)(1 - s(x)) with s recomputed.
 * tfjs's own uses the saved output y, and its second derivative comes out
 * silently wrong (tensorflow/tfjs#3252; measured here: a mixed partial 48%
 * off). Recomputing from x puts the dependence on the tape, and since the
 * recomputed sigmoid again has this gradient, every order is right. This also
 * repairs softplus and logSigmoid, whose gradients call sigmoid.
 */
tf.registerGradient({
  kernelName: 'Sigmoid',
  inputsToSave: ['x'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[]) => {
    const dy = dyIn as Tensor;
    const [x] = saved;
    return {
      x: () => {
        const s = tf.sigmoid(x);
        return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
      },
    };
  },
});

export const sigmoid = tf.sigmoid;

/**
 * The wasm backend's Identity copies its input, and the engine clones (through
 * Identity) every tensor it saves for a backward pass: at second order through
 * unrolled chains this doubled peak memory (1.6 GB for the small workload).
 * Tensors are immutable (variables swap buffers on assign), so the clone can
 * share the buffer, as wasm's own Reshape already does.
 */
tf.unregisterKernel('Identity', 'wasm');
tf.registerKernel({
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    (backend as unknown as { incRef(id: unknown): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
});

/**
 * tfjs's gradients of Mul, Div and others cast their operands to float32,
 * and the wasm backend's Cast copies even when the type does not change:
 * about 1,000 copies per training step. A same-type cast shares the buffer.
 */
const wasmCast = tf.getKernel('Cast', 'wasm')!.kernelFunc;
tf.unregisterKernel('Cast', 'wasm');
tf.registerKernel({
  kernelName: 'Cast',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if ((args.attrs as { dtype?: string }).dtype !== x.dtype) return wasmCast(args);
    (args.backend as unknown as { incRef(id: unknown): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
});

// ---------------------------------------------------------------------------
// Composite ops.

type GradFn = Parameters<typeof tf.customGrad>[0];

/** SiLU (swish): x * sigmoid(x), smooth, exact at every order (fused kernels on wasm: ./silu.ts). */
export { silu } from './silu.js';

/** Identity whose gradient is zero: a first-order stop (the value passes, the tape stops). */
export const stopGradient: <T extends Tensor>(x: T) => T = tf.customGrad(((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as unknown as GradFn) as <T extends Tensor>(x: T) => T;

/** Binary cross-entropy with logits, elementwise: softplus(z) - y z (stable, second-order safe). */
export function bceWithLogits(logits: Tensor, targets: Tensor): Tensor {
  return tf.sub(tf.softplus(logits), tf.mul(targets, logits));
}

/**
 * log sum_j exp(z_j) along the last axis (rows of [B, M] -> [B]), stable and
 * right at every order. tfjs's Exp takes its gradient from its saved output
 * (tfjs#3252), so exp(u) is built as sigmoid(u) / sigmoid(-u), whose
 * sigmoids carry the gradient fixed above; Log's gradient uses its input.
 * The shift by the row maximum is a constant to the tape (it cancels).
 */
const rowMaxConstant = tf.customGrad(((z: Tensor) => ({
  value: tf.max(z, -1, true),
  gradFunc: () => tf.zerosLike(z),
})) as unknown as GradFn) as (z: Tensor) => Tensor;

export function logSumExp(z: Tensor): Tensor {
  // max inside a customGrad: off the tape, so no order differentiates Max (whose gradient uses Equal).
  const m = rowMaxConstant(z);
  const u = tf.sub(z, m);
  const e = tf.div(tf.sigmoid(u), tf.sigmoid(tf.neg(u)));
  return tf.add(tf.log(tf.sum(e, -1)), tf.squeeze(m, [-1]));
}

/** Synchronous read of a tensor's values (for small tensors at the edges). */
export function read(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

export function readScalar(t: Tensor): number {
  return t.dataSync()[0];
}
