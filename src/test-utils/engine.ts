import * as T from '../engine/index.js';

/** Every engine test runs on the backend we ship (wasm): `await useEngine()` at the top of a test file. */
export async function useEngine(): Promise<void> {
  await T.initEngine('wasm');
}

/** max |a - b| / max(1e-3 * scale, |b|) elementwise-normalised by the reference's norm. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

/**
 * A loss's value and its gradient for every parameter, read into float64 and
 * the tensors freed: `model` is an EnergyModel (its `valueAndGrads`).
 */
export function paramGradients(
  model: {
    valueAndGrads(loss: () => T.Scalar): { value: T.Scalar; grads: Record<string, T.Tensor> };
  },
  loss: () => T.Tensor,
): { value: number; grads: Record<string, Float64Array> } {
  const { value, grads } = model.valueAndGrads(loss as () => T.Scalar);
  const v = T.readScalar(value);
  value.dispose();
  const out = Object.fromEntries(
    Object.entries(grads).map(([k, t]) => [k, Float64Array.from(T.read(t))]),
  );
  T.dispose(Object.values(grads));
  return { value: v, grads: out };
}
