/**
 * The numeric engine: the only module that imports TensorFlow.js.
 *
 * Why a curated surface instead of `export * from tfjs`: tfjs computes the
 * second derivative of several ops silently wrong (tensorflow/tfjs#3252:
 * sigmoid, tanh, exp, elu, pow, softmax, logSoftmax, max, min take their
 * gradient from the op's saved output, which an outer tape does not see).
 * The method differentiates through gradients, so the rest of the code may
 * only use the ops below, each of which is either safe at second order or
 * re-implemented here, and each is covered by a finite-difference test.
 * Also avoided: `gather` (no gradient on wasm) and batched matMul that
 * broadcasts its second operand (fails on wasm even at first order): pair
 * terms are built with reshape + broadcast-add + 2-D matMul.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type Tensor = tf.Tensor;
export type Scalar = tf.Scalar;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;
export type Variable = tf.Variable;
export type Rank = tf.Rank;

export type BackendName = 'wasm' | 'cpu' | 'webgl';

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
// Re-implemented ops.

/**
 * sigmoid(x) = exp(-softplus(-x)). Composed of softplus and exp would again
 * hit the saved-output problem through exp, so the gradient is given
 * explicitly and computed from the saved INPUT with safe ops:
 * sigmoid'(x) = exp(logSigmoid(x) + logSigmoid(-x)) would still need exp;
 * instead use sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x)) where the inner
 * sigmoid is this same custom op, so the outer tape differentiates it again
 * correctly (recursively, to any order).
 */
export const sigmoid: (x: Tensor) => Tensor = tf.customGrad((x: Tensor, save) => {
  save([x as Tensor]);
  const value = tf.sigmoid(x);
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const s = sigmoid(saved[0]);
      return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
    },
  };
}) as (x: Tensor) => Tensor;

/** SiLU (swish): x * sigmoid(x), smooth, with a correct second derivative. */
export function silu(x: Tensor): Tensor {
  return tf.mul(x, sigmoid(x));
}

/** Identity whose gradient is zero: a first-order stop (the value passes, the tape stops). */
export const stopGradient: <T extends Tensor>(x: T) => T = tf.customGrad((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as <T extends Tensor>(x: T) => T;

/** Binary cross-entropy with logits, elementwise: softplus(z) - y z (stable, second-order safe). */
export function bceWithLogits(logits: Tensor, targets: Tensor): Tensor {
  return tf.sub(tf.softplus(logits), tf.mul(targets, logits));
}

/** Synchronous read of a tensor's values (for small tensors at the edges). */
export function read(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

export function readScalar(t: Tensor): number {
  return t.dataSync()[0];
}
