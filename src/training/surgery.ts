/**
 * Gradient surgery between the two sides of the loss (PCGrad: T. Yu et al.,
 * "Gradient Surgery for Multi-Task Learning", NeurIPS 2020).
 *
 * Why: on the same batches the generation and identification terms pull the
 * parameters apart (cosine -0.45 at a model that makes squares, batch to
 * batch in one fixed direction; docs/history/training-log.md, "The make-shapes"). When
 * the two gradients conflict (negative dot product), each loses its component
 * along the other before they are added, so that the step lowers neither
 * side's loss to first order at the other's expense.
 */
import type { ParamValues } from '../model/params.js';

/** The dot product of two gradients over all parameter tensors. */
export function dot(
  a: Readonly<Record<string, ArrayLike<number>>>,
  b: Readonly<Record<string, ArrayLike<number>>>,
): number {
  let s = 0;
  for (const name of Object.keys(a)) {
    const x = a[name];
    const y = b[name];
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  }
  return s;
}

export interface Surgery {
  /** The gradient to step with. */
  grads: ParamValues;
  /** cos(a, b) before the surgery (0 when either is zero). */
  cosine: number;
}

/** a + b, where each has first lost its component along the other if they conflict. */
export function projectConflicting(a: ParamValues, b: ParamValues): Surgery {
  const ab = dot(a, b);
  const aa = dot(a, a);
  const bb = dot(b, b);
  const cosine = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  const ca = ab < 0 && bb > 0 ? ab / bb : 0; // a -= ca * b
  const cb = ab < 0 && aa > 0 ? ab / aa : 0; // b -= cb * a
  const grads: ParamValues = {};
  for (const name of Object.keys(a)) {
    const x = a[name];
    const y = b[name];
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] - ca * y[i] + (y[i] - cb * x[i]);
    grads[name] = out;
  }
  return { grads, cosine };
}
