import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import type { FamilyName } from '../concepts/family.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { paramGradients, relativeError, useEngine } from '../test-utils/engine.js';
import { sampleEpisode, stackEpisodes, type Batch } from './batch.js';
import { describeLossDepartures, resolveTrainingConfig, type TrainingConfig } from './config.js';
import { batchTensors, chainNoise, disposeBatchTensors, emptyParts, trainingLoss } from './loss.js';
import {
  allMaskLogits,
  candidateMasks,
  maskRankLoss,
  maskRankRows,
  rightMasks,
} from './mask-rank.js';
import { adamInit, adamStep } from './adam.js';

await useEngine();

const tinyBase = {
  model: { hidden: 8, codeSize: 4, gLayers: 2 },
  inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
};
const L = 4;

/** Every mask of an N-entity scene, for each of `rows` rows. */
const everyMask = (N: number, rows: readonly unknown[]) =>
  rows.map(() => Array.from({ length: 1 << N }, (_, m) => m));

function batchOf(families: FamilyName[], entities: number, seed: number): Batch {
  return stackEpisodes(families.map((f, i) => sampleEpisode(f, 2, entities, rngFor(seed, f, i))));
}

/** log sum exp, in float64. */
function lse(v: number[]): number {
  const top = Math.max(...v);
  return top + Math.log(v.reduce((s, u) => s + Math.exp(u - top), 0));
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
        maskRankLoss(model, {
          after: t.after,
          w,
          rows,
          masks: everyMask(6, rows),
          right: rows.map((b) => rightMasks(batch, b)),
          attentionLogit: L,
          temperature: tau,
        }),
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

  it("on the caller's g features of the whole batch equals the term computed from the scenes, value and gradients", () => {
    const model = EnergyModel.init(resolveTrainingConfig(tinyBase).model, rngFor(6, 'init'));
    const batch = batchOf(['closest', 'red', 'make-red'], 5, 8);
    const t = batchTensors(batch, L);
    const rows = maskRankRows(batch);
    expect(rows.length).toBeLessThan(batch.size); // the pick must select, not copy
    const right = rows.map((b) => rightMasks(batch, b));
    const masks = everyMask(5, rows);
    const w = Float32Array.from({ length: batch.size * 4 }, (_, i) => 0.5 * Math.cos(2 * i + 1));
    const run = (shared: boolean) =>
      paramGradients(model, () => {
        const wt = T.tensor(w, [batch.size, 4]);
        const inputs = { after: t.after, w: wt, rows, masks, right, attentionLogit: L };
        return T.sum(
          maskRankLoss(model, {
            ...inputs,
            temperature: 0.5,
            relations: shared ? model.relations(t.after, wt) : undefined,
          }),
        );
      });
    const [got, want] = [run(true), run(false)];
    expect(got.value).toBe(want.value);
    expect(want.value).toBeGreaterThan(0);
    for (const k of Object.keys(want.grads))
      expect(relativeError(got.grads[k], want.grads[k]), k).toBeLessThan(1e-5);
    disposeBatchTensors(t);
    model.dispose();
  });

  it('has the gradient of its finite differences, in the code w and in the parameters', () => {
    const model = EnergyModel.init(resolveTrainingConfig(tinyBase).model, rngFor(6, 'init'));
    const batch = batchOf(['closest', 'red'], 5, 8);
    const t = batchTensors(batch, L);
    const rows = maskRankRows(batch);
    const right = rows.map((b) => rightMasks(batch, b));
    const all = everyMask(5, rows);
    const tau = 0.5;
    const w0 = Float32Array.from({ length: batch.size * 4 }, (_, i) => 0.5 * Math.cos(2 * i + 1));
    const value = (w: Float32Array) =>
      T.tidy(() =>
        T.readScalar(
          T.sum(
            maskRankLoss(model, {
              after: t.after,
              w: T.tensor(w, [batch.size, 4]),
              rows,
              masks: all,
              right,
              attentionLogit: L,
              temperature: tau,
            }),
          ),
        ),
      );
    const gw = T.tidy(() =>
      T.read(
        T.grad((w: T.Tensor) =>
          T.sum(
            maskRankLoss(model, {
              after: t.after,
              w,
              rows,
              masks: all,
              right,
              attentionLogit: L,
              temperature: tau,
            }),
          ),
        )(T.tensor(w0, [batch.size, 4])),
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
      () =>
        T.sum(
          maskRankLoss(model, {
            after: t.after,
            w: wt,
            rows,
            masks: all,
            right,
            attentionLogit: L,
            temperature: tau,
          }),
        ) as T.Scalar,
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

  it('refuses a temperature <= 0, a mask count below 2, and scenes above 12 entities', () => {
    expect(() => resolveTrainingConfig({ loss: { maskRankTemperature: 0 } })).toThrow(
      /maskRankTemperature/,
    );
    expect(() => resolveTrainingConfig({ loss: { maskRankMasks: 1.5 } })).toThrow(
      /maskRankMasks: expected an integer >= 2/,
    );
    expect(() => resolveTrainingConfig({ entities: 13, loss: { maskRank: 1 } })).toThrow(
      /maskRank.*entities up to 13/,
    );
    expect(() => resolveTrainingConfig({ entities: [2, 12], loss: { maskRank: 1 } })).not.toThrow();
    expect(() => resolveTrainingConfig({ entities: 13 })).not.toThrow();
  });

  it('ranks every mask while 2^N fits the count, else a sample holding the right masks, their neighbours and draws', () => {
    const right6 = Array.from({ length: 64 }, (_, m) => m === 5);
    expect(candidateMasks(6, right6, 64, rngFor(1, 'm'))).toEqual(
      Array.from({ length: 64 }, (_, m) => m),
    );
    // red at N = 10: one right mask; 64 of 1,024.
    const truth = 0b0000100101;
    const right10 = Array.from({ length: 1024 }, (_, m) => m === truth);
    const picked = candidateMasks(10, right10, 64, rngFor(2, 'm'));
    expect(picked).toHaveLength(64);
    expect(new Set(picked).size).toBe(64);
    expect(picked.every((m) => m >= 0 && m < 1024)).toBe(true);
    expect(picked).toContain(truth);
    for (let i = 0; i < 10; i++) expect(picked).toContain(truth ^ (1 << i));
    // the same rng stream, the same sample; another stream, another sample
    expect(candidateMasks(10, right10, 64, rngFor(2, 'm'))).toEqual(picked);
    expect(candidateMasks(10, right10, 64, rngFor(3, 'm'))).not.toEqual(picked);
    // count-2 at N = 12: 66 right masks, at most a quarter of the sample, and at least one
    const popcount = (m: number) => m.toString(2).replace(/0/g, '').length;
    const right12 = Array.from({ length: 4096 }, (_, m) => popcount(m) === 2);
    const sample = candidateMasks(12, right12, 64, rngFor(4, 'm'));
    const rights = sample.filter((m) => right12[m]).length;
    expect(rights).toBeGreaterThanOrEqual(16);
    expect(sample.length - rights).toBeGreaterThan(32);
    expect(() => candidateMasks(12, Array(4096).fill(false), 64, rngFor(5, 'm'))).toThrow(
      /no right mask/,
    );
  });

  it('works to 12 entities: a sampled row equals -log p(right | its masks) computed mask by mask', () => {
    const model = EnergyModel.init(resolveTrainingConfig(tinyBase).model, rngFor(9, 'init'));
    const batch = batchOf(['red', 'closest', 'count-2'], 12, 5);
    const t = batchTensors(batch, L);
    const w = T.tensor(
      Float32Array.from({ length: batch.size * 4 }, (_, i) => Math.cos(i + 2)),
      [batch.size, 4],
    );
    const rows = maskRankRows(batch);
    const allRight = rows.map((b) => rightMasks(batch, b));
    const masks = rows.map((_, r) => candidateMasks(12, allRight[r]!, 32, rngFor(r, 'sample')));
    const right = masks.map((ms, r) => ms.map((m) => allRight[r]![m]!));
    const tau = 0.5;
    const got = T.read(
      maskRankLoss(model, {
        after: t.after,
        w,
        rows,
        masks,
        right,
        attentionLogit: L,
        temperature: tau,
      }),
    );
    rows.forEach((b, r) => {
      const x = T.tensor(batch.after.subarray(b * 12 * 5, (b + 1) * 12 * 5), [1, 12, 5]);
      const wb = T.tensor(T.read(w).subarray(b * 4, b * 4 + 4), [1, 4]);
      const z = masks[r]!.map((m) =>
        T.tidy(
          () =>
            -T.readScalar(
              model.energy(
                x,
                T.tensor(
                  Float32Array.from({ length: 12 }, (_, i) => ((m >> i) & 1 ? L : -L)),
                  [1, 12],
                ),
                wb,
              ),
            ) / tau,
        ),
      );
      const expected = lse(z) - lse(z.filter((_, k) => right[r]![k]));
      expect(Math.abs(got[r]! - expected)).toBeLessThan(1e-3 * Math.max(1, expected));
      T.dispose([x, wb]);
    });
    T.dispose([w]);
    disposeBatchTensors(t);
    model.dispose();
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
          maskRankLoss(model, {
            after: t.after,
            w,
            rows,
            masks: everyMask(6, rows),
            right: rows.map((b) => rightMasks(batch, b)),
            attentionLogit: L,
            temperature: 1e-3,
          }),
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
            maskRankLoss(model, {
              after: t.after,
              w,
              rows,
              masks: everyMask(6, rows),
              right,
              attentionLogit: L,
              temperature: config.loss.maskRankTemperature,
            }),
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
