/**
 * The heart of the method: a loss taken through unrolled Langevin chains is
 * differentiated w.r.t. the energy's parameters (gradients of gradients).
 * Checked against a float64 reference in which both the inner gradient (the
 * sampler's dE/dz) and the outer gradient are central finite differences.
 */
import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { ENERGY_VARIANTS, type ModelConfig } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { paramSpecs, type ParamValues } from '../model/params.js';
import { energy64, numericGradient } from '../model/reference64.js';
import { Rng } from '../random/rng.js';
import { relativeError, useEngine } from '../test-utils/engine.js';
import { attentionEnergy, conceptEnergy, stateEnergy } from './chain-energies.js';
import { langevin, type ChainSettings } from './langevin.js';

await useEngine();

const B = 2;
const N = 3;
const D = 5;
const M = 2;
const STEPS = 3;

type Params = Record<string, Float64Array | Float32Array>;

function config(variant: ModelConfig['variant']): ModelConfig {
  return { variant, attributes: D, codeSize: 3, hidden: 5, gLayers: 2, fLayers: 1 };
}

const rows = (flat: ArrayLike<number>, offset: number, n: number, d: number) =>
  Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, k) => flat[offset + i * d + k]),
  );

/** The same update rule as langevin(), in float64 with a finite-difference sampler gradient. */
function chain64(
  energyOfRow: (z: Float64Array, row: number) => number,
  z0: ArrayLike<number>,
  rowSize: number,
  s: ChainSettings,
  noise: Float32Array[],
  lo: number,
  hi: number,
): Float64Array {
  let z = Float64Array.from(z0);
  for (let k = 0; k < s.steps; k++) {
    const next = new Float64Array(z.length);
    for (let b = 0; b < z.length / rowSize; b++) {
      const zb = z.subarray(b * rowSize, (b + 1) * rowSize);
      const g = numericGradient((v) => energyOfRow(v, b), zb, 1e-5);
      for (let i = 0; i < rowSize; i++) {
        const gi = Math.max(-s.gradClamp, Math.min(s.gradClamp, g[i]));
        const idx = b * rowSize + i;
        const v = z[idx] - (s.stepSize / 2) * gi + s.noise * noise[k][idx];
        next[idx] = Math.min(hi, Math.max(lo, v));
      }
    }
    z = next;
  }
  return z;
}

interface Case {
  name: 'x' | 'a' | 'w';
  settings: ChainSettings;
  /** The a-chain on g's features computed once before it (as the training loss runs it). */
  shared?: boolean;
}

const A_CHAIN: ChainSettings = { steps: STEPS, stepSize: 1.0, noise: 0.05, gradClamp: 5 };

const cases: Case[] = [
  {
    name: 'x',
    settings: { steps: STEPS, stepSize: 0.2, noise: 0.01, gradClamp: 5 },
    shared: false,
  },
  { name: 'a', settings: A_CHAIN, shared: false },
  { name: 'a', settings: A_CHAIN, shared: true },
  {
    name: 'w',
    settings: { steps: STEPS, stepSize: 1.0, noise: 0.01, gradClamp: 5 },
    shared: false,
  },
];

describe.each(ENERGY_VARIANTS)('gradient through %s unrolled chains', (variant) => {
  const cfg = config(variant);
  const rng = new Rng(11);
  const model = EnergyModel.init(cfg, rng.split('params'), 1.2);
  const values: ParamValues = model.values();
  const x = Float32Array.from({ length: B * N * D }, () => rng.range(-0.8, 0.8));
  const a = Float32Array.from({ length: B * N }, () => rng.range(-2, 2));
  const w = Float32Array.from({ length: B * cfg.codeSize }, () => rng.range(-1, 1));
  const xd = Float32Array.from({ length: B * M * N * D }, () => rng.range(-0.8, 0.8));
  const ad = Float32Array.from({ length: B * M * N }, () => rng.range(-2, 2));
  // A fixed linear read-out of the chain's end state makes the loss sensitive to every element.
  const readout = (n: number) => Float32Array.from({ length: n }, () => rng.range(-1, 1));

  it.each(cases)(
    'chain over $name (g shared: $shared) matches nested finite differences',
    ({ name, settings, shared }) => {
      const size = name === 'x' ? B * N * D : name === 'a' ? B * N : B * cfg.codeSize;
      const rowSize = size / B;
      const r = readout(size);
      const noiseSeed = 99;
      const lo = name === 'x' ? -1 : name === 'a' ? -15 : -1e9;
      const hi = name === 'x' ? 1 : name === 'a' ? 15 : 1e9;

      // Engine: loss = sum(r * z_K), gradient w.r.t. every parameter through the chain.
      const { value, grads } = model.valueAndGrads(() => {
        const xt = T.tensor(x, [B, N, D]);
        const at = T.tensor(a, [B, N]);
        const wt = T.tensor(w, [B, cfg.codeSize]);
        let fn: (z: T.Tensor) => T.Tensor;
        let z0: T.Tensor;
        if (name === 'x') {
          fn = stateEnergy(model, at, wt);
          z0 = xt;
        } else if (name === 'a') {
          fn = attentionEnergy(
            model,
            xt,
            wt,
            undefined,
            shared ? model.relations(xt, wt) : undefined,
          );
          z0 = at;
        } else {
          fn = conceptEnergy(model, T.tensor(xd, [B * M, N, D]), T.tensor(ad, [B * M, N]), M);
          z0 = wt;
        }
        const { z } = langevin(fn, z0, settings, {
          rng: new Rng(noiseSeed),
          differentiable: true,
          range: { lo, hi },
        });
        return T.sum(T.mul(z, T.tensor(r, z.shape))) as T.Scalar;
      });
      value.dispose();

      // Reference: the same loss in float64, differentiated numerically.
      const noiseRng = new Rng(noiseSeed);
      const noise = Array.from({ length: STEPS }, () => noiseRng.normals(size));
      const loss64 = (p: Params): number => {
        const energyOfRow = (z: Float64Array, b: number): number => {
          if (name === 'x') {
            return energy64(
              cfg,
              p,
              rows(z, 0, N, D),
              a.subarray(b * N, b * N + N),
              w.subarray(b * 3, b * 3 + 3),
            );
          }
          if (name === 'a') {
            return energy64(cfg, p, rows(x, b * N * D, N, D), z, w.subarray(b * 3, b * 3 + 3));
          }
          let e = 0;
          for (let m = 0; m < M; m++) {
            const row = b * M + m;
            e += energy64(
              cfg,
              p,
              rows(xd, row * N * D, N, D),
              ad.subarray(row * N, row * N + N),
              z,
            );
          }
          return e / M;
        };
        const z0 = name === 'x' ? x : name === 'a' ? a : w;
        const zK = chain64(energyOfRow, z0, rowSize, settings, noise, lo, hi);
        let s = 0;
        for (let i = 0; i < zK.length; i++) s += r[i] * zK[i];
        return s;
      };

      for (const spec of paramSpecs(cfg)) {
        const got = Float64Array.from(T.read(grads[spec.name]));
        const numeric = numericGradient(
          (v) => loss64({ ...values, [spec.name]: v }),
          values[spec.name],
          1e-4,
        );
        expect(relativeError(got, numeric), `${name}-chain, ${spec.name}`).toBeLessThan(2e-3);
      }
      T.dispose(Object.values(grads));
    },
  );
});
