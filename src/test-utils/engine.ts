import { initEngine } from '../engine/index.js';

/** Every engine test runs on the backend we ship (wasm): `await useEngine()` at the top of a test file. */
export async function useEngine(): Promise<void> {
  await initEngine('wasm');
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
