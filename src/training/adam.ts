/**
 * Adam with global gradient-norm clipping, on plain arrays: its whole state
 * (moments and step count) is saved in checkpoints, so a resumed run takes
 * exactly the steps an uninterrupted one would.
 */
import type { ParamValues } from '../model/params.js';

export interface AdamState {
  t: number;
  m: ParamValues;
  v: ParamValues;
}

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon?: number;
  /** Clip the global L2 norm of the gradient to this (Infinity: no clip). */
  clipNorm: number;
}

export function adamInit(params: ParamValues): AdamState {
  const m: ParamValues = {};
  const v: ParamValues = {};
  for (const [k, p] of Object.entries(params)) {
    m[k] = new Float32Array(p.length);
    v[k] = new Float32Array(p.length);
  }
  return { t: 0, m, v };
}

export function globalNorm(grads: Readonly<Record<string, ArrayLike<number>>>): number {
  let s = 0;
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** One step in place on `params` and `state`; returns the gradient norm before clipping. */
export function adamStep(
  params: ParamValues,
  grads: ParamValues,
  state: AdamState,
  s: AdamSettings,
): number {
  const norm = globalNorm(grads);
  const scale = Number.isFinite(s.clipNorm) && norm > s.clipNorm ? s.clipNorm / norm : 1;
  const eps = s.epsilon ?? 1e-8;
  state.t += 1;
  const c1 = 1 - Math.pow(s.beta1, state.t);
  const c2 = 1 - Math.pow(s.beta2, state.t);
  for (const [k, p] of Object.entries(params)) {
    const g = grads[k];
    const m = state.m[k];
    const v = state.v[k];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * scale;
      m[i] = s.beta1 * m[i] + (1 - s.beta1) * gi;
      v[i] = s.beta2 * v[i] + (1 - s.beta2) * gi * gi;
      p[i] -= (s.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
  }
  return norm;
}
