/**
 * Growing a trained model without changing what it computes, so that a run
 * can branch from it under a config that gives the energy more to see.
 *
 * Today one growth exists: turning on `pairDistance`. The new first-layer
 * weights g0.wd start at zero, so the energy is exactly the old one until
 * training moves them (function-preserving, like Net2Net's widening); their
 * Adam moments start at zero too.
 */
import { canonicalModelConfig, type ModelConfig } from './config.js';
import type { ModelData } from './serialize.js';

/** Why `from` cannot grow into `to`, or null when it can (or they are the same). */
export function growthProblem(from: ModelConfig, to: ModelConfig): string | null {
  const a = canonicalModelConfig(from);
  const b = canonicalModelConfig(to);
  const same = JSON.stringify({ ...a, pairDistance: b.pairDistance }) === JSON.stringify(b);
  if (!same) return `its model (${JSON.stringify(a)}) differs from the config's (${JSON.stringify(b)})`;
  if (a.pairDistance && b.pairDistance && a.pairDistance !== b.pairDistance) {
    return `its model's pair feature is pairDistance ${JSON.stringify(a.pairDistance)} and the config's ${JSON.stringify(b.pairDistance)} (a trained input cannot be swapped)`;
  }
  if (a.pairDistance && !b.pairDistance) return 'its model uses pairDistance and the config does not (a trained input cannot be dropped)';
  return null;
}

/** `data` grown to the config `to`; the energy is unchanged. Throws the growthProblem when there is one. */
export function growModel(data: ModelData, to: ModelConfig): ModelData {
  const problem = growthProblem(data.config, to);
  if (problem) throw new Error(problem);
  const config = canonicalModelConfig(to);
  if (canonicalModelConfig(data.config).pairDistance === config.pairDistance) return { ...data, config };
  const H = config.hidden;
  const values = { ...data.values, 'g0.wd': new Float32Array(H) };
  let extra = data.extra;
  if (extra && Object.keys(extra).some((k) => k.startsWith('adam.'))) {
    extra = {
      ...extra,
      'adam.m/g0.wd': { shape: [1, H], values: new Float32Array(H) },
      'adam.v/g0.wd': { shape: [1, H], values: new Float32Array(H) },
    };
  }
  return { ...data, config, values, extra };
}
