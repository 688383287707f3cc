import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import type { FamilyName } from '../concepts/family.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { sampleEpisode, stackEpisodes, type Batch } from './batch.js';
import { describeLossDepartures, resolveTrainingConfig, type TrainingConfig } from './config.js';
import { batchTensors, chainNoise, disposeBatchTensors, emptyParts, trainingLoss } from './loss.js';
import { allMaskLogits, maskRankLoss, maskRankRows, rightMasks } from './mask-rank.js';
import { adamInit, adamStep } from './adam.js';

await useEngine();

const tinyBase = {
  model: { hidden: 8, codeSize: 4, gLayers: 2 },
  inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
};
const L = 4;

function batchOf(families: FamilyName[], entities: number, seed: number): Batch {
  return stackEpisodes(families.map((f, i) => sampleEpisode(f, 2, entities, rngFor(seed, f, i))));
}

/** -log p(right) of batch row b, from each mask's energy computed one scene at a time, in float64. */
function referenceRow(
  model: EnergyModel,
  batch: Batch,
  b: number,
  w: Float32Array,
  tau: number,
): number {
  const N = batch.entities;
  const D = batch.after.length / (batch.size * N);
  const C = w.length / batch.size;
  const x = T.tensor(batch.after.subarray(b * N * D, (b + 1) * N * D), [1, N, D]);
  const wb = T.tensor(w.subarray(b * C, (b + 1) * C), [1, C]);
  const right = rightMasks(batch, b);
  const z: number[] = [];
  for (let m = 0; m < 1 << N; m++) {
    const mask = T.tensor(
      Float32Array.from({ length: N }, (_, i) => ((m >> i) & 1 ? L : -L)),
      [1, N],
    );
    z.push(-T.tidy(() => T.readScalar(model.energy(x, mask, wb))) / tau);
    mask.dispose();
  }
  T.dispose([x, wb]);
  const lse = (v: number[]) => {
    const top = Math.max(...v);
    return top + Math.log(v.reduce((s, u) => s + Math.exp(u - top), 0));
  };
  return lse(z) - lse(z.filter((_, m) => right[m]));
}

describe('the mask-ranking term', () => {
  it('enumerates every hard mask once, bit i of m at entity i', () => {
    const masks = allMaskLogits(3, L);
    expect(masks.length).toBe(8 * 3);
    const rows = Array.from({ length: 8 }, (_, m) =>
      Array.from(masks.subarray(m * 3, m * 3 + 3)).join(','),
    );
    expect(new Set(rows).size).toBe(8);
    expect(rows[5]).toBe(`${L},${-L},${L}`);
    expect(rows[0]).toBe(`${-L},${-L},${-L}`);
  });

  it("counts as right the masks the family's checker accepts, and only identification rows", () => {
    const batch = batchOf(['red', 'count-2', 'move-close', 'closest'], 6, 3);
    expect(maskRankRows(batch)).toEqual([0, 1, 3]);
    const red = rightMasks(batch, 0);
    const truth = batch.episodes[0].test.attention.reduce(
      (c, v, i) => c | ((v >= 0.5 ? 1 : 0) << i),
      0,
    );
    expect(red.filter(Boolean).length).toBe(1);
    expect(red[truth]).toBe(true);
    // count-2: every pair of the 6 entities, and nothing else.
    const count = rightMasks(batch, 1);
    const popcount = (m: number) =>
      m
        .toString(2)
        .split('')
        .filter((c) => c === '1').length;
    expect(count.filter(Boolean).length).toBe(15);
    count.forEach((ok, m) => expect(ok).toBe(popcount(m) === 2));
    expect(() => rightMasks(batch, 2)).toThrow(/not an identification family/);
  });

  it('equals -log p(right masks) computed mask by mask in float64', () => {
    const model = EnergyModel.init(resolveTrainingConfig(tinyBase).model, rngFor(5, 'init'));
    const batch = batchOf(['red', 'move-close', 'count-2', 'square'], 6, 4);
    const t = batchTensors(batch, L);
    const w = T.tensor(
      Float32Array.from({ length: batch.size * 4 }, (_, i) => Math.sin(i + 1)),
      [batch.size, 4],
    );
    const rows = maskRankRows(batch);
    for (const tau of [1, 0.1]) {
      const got = T.read(
        maskRankLoss(
          model,
          t.after,
          w,
          rows,
          rows.map((b) => rightMasks(batch, b)),
          L,
          tau,
        ),
      );
      rows.forEach((b, r) => {
        const expected = referenceRow(model, batch, b, T.read(w), tau);
        expect(expected).toBeGreaterThan(0);
        expect(Math.abs(got[r] - expected)).toBeLessThan(1e-3 * Math.max(1, expected));
      });
    }
    T.dispose([w]);
    disposeBatchTensors(t);
    model.dispose();
  });

  it('has the gradient of its finite differences, in the code w and in the parameters', () => {
    const model = EnergyModel.init(resolveTrainingConfig(tinyBase).model, rngFor(6, 'init'));
    const batch = batchOf(['closest', 'red'], 5, 8);
    const t = batchTensors(batch, L);
    const rows = maskRankRows(batch);
    const right = rows.map((b) => rightMasks(batch, b));
    const tau = 0.5;
    const w0 = Float32Array.from({ length: batch.size * 4 }, (_, i) => 0.5 * Math.cos(2 * i + 1));
    const value = (w: Float32Array) =>
      T.tidy(() =>
        T.readScalar(
          T.sum(maskRankLoss(model, t.after, T.tensor(w, [batch.size, 4]), rows, right, L, tau)),
        ),
      );
    const gw = T.tidy(() =>
      T.read(
        T.grad((w: T.Tensor) => T.sum(maskRankLoss(model, t.after, w, rows, right, L, tau)))(
          T.tensor(w0, [batch.size, 4]),
        ),
      ),
    );
    const h = 1e-2;
    for (let i = 0; i < w0.length; i++) {
      const up = Float32Array.from(w0);
      const down = Float32Array.from(w0);
      up[i] += h;
      down[i] -= h;
      const fd = (value(up) - value(down)) / (2 * h);
      expect(Math.abs(gw[i] - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
    // One parameter tensor, a few coordinates.
    const wt = T.tensor(w0, [batch.size, 4]);
    const { value: v, grads } = model.valueAndGrads(
      () => T.sum(maskRankLoss(model, t.after, wt, rows, right, L, tau)) as T.Scalar,
    );
    const name = Object.keys(grads)[0];
    const g = T.read(grads[name]);
    const base = model.values();
    for (const k of [0, 3, 7]) {
      const shifted = (d: number) => {
        const p = { ...base, [name]: Float32Array.from(base[name]) };
        p[name][k] += d;
        model.assign(p);
        return value(w0);
      };
      const fd = (shifted(h) - shifted(-h)) / (2 * h);
      model.assign(base);
      expect(Math.abs(g[k] - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
    T.dispose([v, wt, ...Object.values(grads)]);
    disposeBatchTensors(t);
    model.dispose();
  });

  it('adds maskRank times its mean over the batch to the loss, on the a side only', () => {
    const plain = resolveTrainingConfig(tinyBase);
    const withIt = resolveTrainingConfig({
      ...tinyBase,
      loss: { maskRank: 0.5, maskRankTemperature: 0.2 },
    });
    const model = EnergyModel.init(plain.model, rngFor(5, 'init'));
    const batch = batchOf(['red', 'move-close', 'closest'], 6, 11);
    const measure = (config: TrainingConfig, side: 'both' | 'x' | 'a' = 'both') => {
      const t = batchTensors(batch, L);
      const parts = emptyParts();
      const loss = T.tidy(() =>
        T.readScalar(
          trainingLoss({ model, batch, t, config, noise: chainNoise(batch, 1, 0), parts, side }),
        ),
      );
      disposeBatchTensors(t);
      return { loss, parts };
    };
    const p = measure(plain);
    const w = measure(withIt);
    expect(p.parts.maskRank).toBe(0);
    expect(w.parts.maskRank).toBeGreaterThan(0);
    expect(w.loss - p.loss).toBeCloseTo(0.5 * w.parts.maskRank, 4);
    expect(measure(withIt, 'x').parts.maskRank).toBe(0);
    expect(measure(withIt, 'a').parts.maskRank).toBeCloseTo(w.parts.maskRank, 5);
    // A batch without identification episodes adds nothing.
    const gen = stackEpisodes([sampleEpisode('move-close', 2, 6, rngFor(1, 'g'))]);
    const t = batchTensors(gen, L);
    const parts = emptyParts();
    T.tidy(() =>
      trainingLoss({ model, batch: gen, t, config: withIt, noise: chainNoise(gen, 1, 0), parts }),
    );
    expect(parts.maskRank).toBe(0);
    disposeBatchTensors(t);
    model.dispose();
  });

  it('is named as a departure from the paper where a model is described, and only when on', () => {
    expect(describeLossDepartures(resolveTrainingConfig({}))).toEqual([]);
    expect(describeLossDepartures(undefined)).toEqual([]);
    expect(describeLossDepartures({ loss: 'x' })).toEqual([]);
    const named = describeLossDepartures(resolveTrainingConfig({ loss: { maskRank: 0.25 } }));
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(/mask-ranking term \(loss\.maskRank 0\.25 .*not in the paper\)/);
    // The shipped model was trained with it, and its file says so.
    const shipped = JSON.parse(
      readFileSync(new URL('../../models/default/model.json', import.meta.url), 'utf8'),
    );
    expect(describeLossDepartures(shipped.meta.training)[0]).toContain('mask-ranking term');
  });

  it('refuses a temperature <= 0 and scenes too large to enumerate', () => {
    expect(() => resolveTrainingConfig({ loss: { maskRankTemperature: 0 } })).toThrow(
      /maskRankTemperature/,
    );
    expect(() => resolveTrainingConfig({ entities: 12, loss: { maskRank: 1 } })).toThrow(
      /maskRank.*entities up to 12/,
    );
    expect(() => resolveTrainingConfig({ entities: 12 })).not.toThrow();
  });

  it('teaches the energy to rank the red entities first: the argmin mask beats chance after 40 steps', () => {
    // Only this term, one family, a fixed code: the energy must learn to rank masks by colour.
    const config = resolveTrainingConfig({
      ...tinyBase,
      loss: { generation: 0, identification: 0, maskRank: 1, maskRankTemperature: 0.5 },
    });
    const model = EnergyModel.init(config.model, rngFor(2, 'init'));
    const w = T.tensor(new Float32Array(8 * 4).fill(0.5), [8, 4]);
    const accuracy = (seed: number) => {
      let ok = 0;
      for (let k = 0; k < 4; k++) {
        const batch = batchOf(Array(8).fill('red'), 6, seed + k);
        const t = batchTensors(batch, L);
        const rows = maskRankRows(batch);
        const nll = T.read(
          maskRankLoss(
            model,
            t.after,
            w,
            rows,
            rows.map((b) => rightMasks(batch, b)),
            L,
            1e-3,
          ),
        );
        // At a near-zero temperature p is one-hot on the argmin: nll ~ 0 iff the argmin is right.
        nll.forEach((v) => (ok += v < 1e-2 ? 1 : 0));
        disposeBatchTensors(t);
      }
      return ok / 32;
    };
    const before = accuracy(1000);
    const adam = adamInit(model.values());
    let values = model.values();
    for (let step = 0; step < 40; step++) {
      const batch = batchOf(Array(8).fill('red'), 6, step);
      const t = batchTensors(batch, L);
      const rows = maskRankRows(batch);
      const right = rows.map((b) => rightMasks(batch, b));
      const { value, grads } = model.valueAndGrads(
        () =>
          T.mean(
            maskRankLoss(model, t.after, w, rows, right, L, config.loss.maskRankTemperature),
          ) as T.Scalar,
      );
      const g: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(grads)) g[k] = Float32Array.from(T.read(v));
      T.dispose([value, ...Object.values(grads)]);
      adamStep(values, g, adam, { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, clipNorm: 10 });
      model.assign(values);
      values = model.values();
      disposeBatchTensors(t);
    }
    const after = accuracy(1000);
    // Chance for red: 1 of 64 masks (red scenes have 1-3 red entities).
    expect(after).toBeGreaterThan(0.5);
    expect(after).toBeGreaterThan(before + 0.3);
    w.dispose();
    model.dispose();
  });
});
