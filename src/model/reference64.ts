/**
 * A plain float64 evaluation of the same energy, one event at a time, written
 * straight from the formula with loops. It is slow and has no gradients: it is
 * the ground truth that the engine's gradients (first and second order) are
 * tested against by finite differences.
 */
import type { ModelConfig } from './config.js';
import { pairDirection0, pairDirection1, pairDistance, pairFeatureSpec } from './pair-features.js';

export type Params64 = Record<string, Float64Array | Float32Array>;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const silu = (v: number) => v * sigmoid(v);

/** y = x W (+ b): x [in], W [in, out] row-major. */
function affine(
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  out: number,
  acc?: Float64Array,
): Float64Array {
  const y = acc ?? new Float64Array(out);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    for (let o = 0; o < out; o++) y[o] += xi * W[i * out + o];
  }
  return y;
}

function gFeatures(
  config: ModelConfig,
  p: Params64,
  xi: ArrayLike<number>,
  xj: ArrayLike<number> | null,
  w: ArrayLike<number>,
): Float64Array {
  const H = config.hidden;
  let h = new Float64Array(p['g0.b']);
  affine(xi, p['g0.wi'], H, h);
  if (xj) affine(xj, p['g0.wj'], H, h);
  const pairs = pairFeatureSpec(config);
  if (xj && (pairs.distance || pairs.directionEps2 !== null)) {
    const ex = xi[0] - xj[0];
    const ey = xi[1] - xj[1];
    const r2 = ex * ex + ey * ey;
    if (pairs.distance) affine([pairDistance(r2, pairs.distance === 'squared')], p['g0.wd'], H, h);
    if (pairs.directionEps2 !== null) {
      const q = r2 + pairs.directionEps2;
      affine([pairDirection0(ex, ey, q), pairDirection1(ex, ey, q)], p['g0.wv'], H, h);
    }
  }
  affine(w, p['g0.ww'], H, h);
  h = h.map(silu);
  for (let k = 1; k < config.gLayers; k++) {
    const next = new Float64Array(p[`g${k}.b`]);
    affine(h, p[`g${k}.w`], H, next);
    h = next.map(silu);
  }
  return h;
}

/** E(x, a, w) for one event: x is N rows of D attributes, a the N logits, w the code. */
export function energy64(
  config: ModelConfig,
  p: Params64,
  x: ArrayLike<number>[],
  a: ArrayLike<number>,
  w: ArrayLike<number>,
): number {
  const H = config.hidden;
  const N = x.length;
  const pool = new Float64Array(H);
  for (let i = 0; i < N; i++) {
    const si = sigmoid(a[i]);
    if (config.variant === 'non-relational') {
      const h = gFeatures(config, p, x[i], null, w);
      for (let o = 0; o < H; o++) pool[o] += si * h[o];
      continue;
    }
    for (let j = 0; j < N; j++) {
      const gate = config.variant === 'relational' ? si * sigmoid(a[j]) : si;
      const h = gFeatures(config, p, x[i], x[j], w);
      for (let o = 0; o < H; o++) pool[o] += gate * h[o];
    }
  }
  let h = new Float64Array(p['f0.b']);
  affine(pool, p['f0.wp'], H, h);
  affine(w, p['f0.ww'], H, h);
  h = h.map(silu);
  for (let k = 1; k < config.fLayers; k++) {
    const next = new Float64Array(p[`f${k}.b`]);
    affine(h, p[`f${k}.w`], H, next);
    h = next.map(silu);
  }
  const K = config.energyOutputs ?? 1;
  const out = affine(h, p['out.w'], K, new Float64Array(p['out.b']));
  return out.reduce((s, v) => s + v * v, 0);
}

/** Central finite-difference gradient of a scalar function of a flat vector. */
export function numericGradient(
  f: (v: Float64Array) => number,
  at: ArrayLike<number>,
  h = 1e-5,
): Float64Array {
  const v = Float64Array.from(at);
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    v[i] = keep + h;
    const up = f(v);
    v[i] = keep - h;
    const down = f(v);
    v[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
