import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { identifyBatch } from './infer.js';
import { lowestMask, maskNeighbours, polishMasks } from './mask-search.js';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_INFERENCE,
  describeSearch,
  validateInferenceSettings,
  withChains,
} from './settings.js';

await useEngine();

const hamming = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((s, v, i) => s + (v === b[i] ? 0 : 1), 0);

describe('maskNeighbours', () => {
  it('is every mask at Hamming distance 1 or 2, each once', () => {
    const base = [1, 0, 0, 1, 1, 0];
    const n = base.length;
    const got = maskNeighbours(base);
    expect(got).toHaveLength(n + (n * (n - 1)) / 2);
    expect(new Set(got.map((m) => m.join(''))).size).toBe(got.length);
    got.forEach((m) => expect([1, 2]).toContain(hamming(m, base)));
    // Every swap (one member out, one distractor in) is among them.
    const swaps = got.filter((m) => hamming(m, base) === 2 && m.reduce((s, v) => s + v, 0) === 3);
    expect(swaps).toHaveLength(3 * 3);
  });
});

describe('polishMasks', () => {
  // Each scene has its own target; the energy is the Hamming distance to it.
  const targets = [Uint8Array.of(1, 1, 0, 0, 1, 0), Uint8Array.of(0, 0, 0, 0, 0, 1)];
  const distance = (scenes: readonly number[], masks: readonly Uint8Array[]) =>
    masks.map((m, k) => hamming(m, targets[scenes[k]]));

  it('descends two flips a round, to the target, and stops there', () => {
    const start = [Uint8Array.of(0, 0, 1, 1, 0, 1), Uint8Array.of(0, 0, 0, 0, 0, 1)];
    const e0 = distance([0, 1], start);
    expect(e0).toEqual([6, 0]);
    const three = polishMasks(start, e0, 3, distance);
    expect(Array.from(three.masks[0])).toEqual(Array.from(targets[0]));
    expect(Array.from(three.energies)).toEqual([0, 0]);
    expect(Array.from(three.moves)).toEqual([3, 0]);
    const one = polishMasks(start, e0, 1, distance);
    expect(one.energies[0]).toBe(4);
    expect(hamming(one.masks[0], targets[0])).toBe(4);
    // The start masks are not modified.
    expect(Array.from(start[0])).toEqual([0, 0, 1, 1, 0, 1]);
  });

  it('moves only to a strictly lower energy', () => {
    const flat = (_: readonly number[], masks: readonly Uint8Array[]) => masks.map(() => 1);
    const start = [Uint8Array.of(1, 0, 1, 0)];
    const r = polishMasks(start, [1], 5, flat);
    expect(Array.from(r.masks[0])).toEqual([1, 0, 1, 0]);
    expect(r.moves[0]).toBe(0);
  });

  it('stays in a local minimum of the Hamming-2 neighbourhood', () => {
    // Energy 0 at the far mask 111111, 1 at the start 000000, 2 elsewhere: the far one is 3 flips away.
    const trap = (_: readonly number[], masks: readonly Uint8Array[]) =>
      masks.map((m) => (m.every((v) => v === 1) ? 0 : m.every((v) => v === 0) ? 1 : 2));
    const r = polishMasks([new Uint8Array(6)], [1], 10, trap);
    expect(r.moves[0]).toBe(0);
  });

  it('names bad input', () => {
    expect(() => polishMasks([new Uint8Array(3)], [0], -1, distance)).toThrow(
      /rounds must be a whole number >= 0/,
    );
    expect(() => polishMasks([new Uint8Array(3)], [0], 1.5, distance)).toThrow(/rounds/);
    expect(() => polishMasks([new Uint8Array(3)], [0, 1], 1, distance)).toThrow(
      /1 masks but 2 energies/,
    );
  });
});

describe('identification with the polish (a.polish)', () => {
  const config = {
    variant: 'relational' as const,
    attributes: 5,
    codeSize: 4,
    hidden: 16,
    gLayers: 2,
    fLayers: 1,
  };
  const model = EnergyModel.init(config, new Rng(7), 1.5);
  const B = 16;
  const N = 5;
  const rng = new Rng(3);
  const x = T.tensor(
    Float32Array.from({ length: B * N * 5 }, () => rng.range(-1, 1)),
    [B, N, 5],
  );
  const w = T.tensor(
    Float32Array.from({ length: B * 4 }, () => rng.range(-1, 1)),
    [B, 4],
  );
  // A short chain, so that the polish has something left to do.
  const chain = { ...DEFAULT_INFERENCE.a, steps: 2, noise: 0.3 };
  const L = 4;
  const maskEnergies = (a: T.Tensor) => {
    const hard = T.tensor(
      Float32Array.from(T.read(a), (v) => (v > 0 ? L : -L)),
      a.shape,
    );
    const e = T.tidy(() => Array.from(T.read(model.energy(x, hard, w))));
    hard.dispose();
    return e;
  };

  // N = 12 also checks the chunked energies: 16 scenes x 78 neighbours are three chunks.
  it.each([5, 12])(
    'never raises the energy of the answer, lowers it somewhere, and ends in a local minimum (N = %i)',
    (n) => {
      const r = new Rng(10 + n);
      const xn = T.tensor(
        Float32Array.from({ length: B * n * 5 }, () => r.range(-1, 1)),
        [B, n, 5],
      );
      const wn = T.tensor(
        Float32Array.from({ length: B * 4 }, () => r.range(-1, 1)),
        [B, 4],
      );
      const energyOf = (
        xs: Float32Array,
        ws: Float32Array,
        masks: readonly ArrayLike<number>[],
      ) => {
        const C = masks.length;
        const cx = new Float32Array(C * n * 5);
        const cw = new Float32Array(C * 4);
        masks.forEach((_, k) => (cx.set(xs, k * n * 5), cw.set(ws, k * 4)));
        const ca = Float32Array.from(masks.flatMap((m) => Array.from(m, (v) => (v ? L : -L))));
        return T.tidy(() =>
          Array.from(
            T.read(
              model.energy(T.tensor(cx, [C, n, 5]), T.tensor(ca, [C, n]), T.tensor(cw, [C, 4])),
            ),
          ),
        );
      };
      const X = T.read(xn);
      const W = T.read(wn);
      const scene = (b: number) =>
        [X.subarray(b * n * 5, (b + 1) * n * 5), W.subarray(b * 4, (b + 1) * 4)] as const;
      const masksOf = (a: T.Tensor) => {
        const v = T.read(a);
        return Array.from({ length: B }, (_, b) =>
          Array.from(v.subarray(b * n, (b + 1) * n), (z) => (z > 0 ? 1 : 0)),
        );
      };
      const plain = identifyBatch(model, xn, wn, { ...chain, restarts: 2 }, 15, {
        rng: new Rng(5),
        answerLogit: L,
      }).a;
      const polished = identifyBatch(model, xn, wn, { ...chain, restarts: 2, polish: 20 }, 15, {
        rng: new Rng(5),
        answerLogit: L,
      }).a;
      const before = masksOf(plain).map((m, b) => energyOf(...scene(b), [m])[0]);
      const masks = masksOf(polished);
      const after = masks.map((m, b) => energyOf(...scene(b), [m])[0]);
      let lowered = 0;
      for (let b = 0; b < B; b++) {
        expect(after[b]).toBeLessThanOrEqual(before[b] + 1e-6);
        if (after[b] < before[b] - 1e-6) lowered++;
        // No neighbour of a polished answer is lower (20 rounds is more than these scenes need).
        expect(Math.min(...energyOf(...scene(b), maskNeighbours(masks[b])))).toBeGreaterThanOrEqual(
          after[b] - 1e-5,
        );
      }
      expect(lowered).toBeGreaterThan(0);
      T.dispose([xn, wn, plain, polished]);
    },
  );

  it('with one chain polishes that chain', () => {
    const plain = identifyBatch(model, x, w, chain, 15, { rng: new Rng(6) }).a;
    const polished = identifyBatch(model, x, w, { ...chain, polish: 20 }, 15, {
      rng: new Rng(6),
      answerLogit: L,
    }).a;
    const before = maskEnergies(plain);
    const after = maskEnergies(polished);
    expect(after.some((e, b) => e < before[b] - 1e-6)).toBe(true);
    T.dispose([plain, polished]);
  });

  it('is a test-time knob of the a-chain only, named in every error', () => {
    expect(() =>
      identifyBatch(model, x, w, { ...chain, polish: 1 }, 15, {
        rng: new Rng(1),
        differentiable: true,
      }),
    ).toThrow(/nor is the polish/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { x: { polish: 1 } })),
    ).toThrow(/x-chain: polish applies to identification/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { a: { polish: -1 } })),
    ).toThrow(/a-chain: polish must be an integer >= 0/);
  });

  it('is named, with the restarts, in a results page header; the shipped model uses it', () => {
    expect(describeSearch(DEFAULT_INFERENCE)).toEqual([]);
    expect(describeSearch(withChains(DEFAULT_INFERENCE, { a: { restarts: 16 } }))).toEqual([
      'identification keeps the lowest-energy answer of 16 a-chains',
    ]);
    const both = describeSearch(withChains(DEFAULT_INFERENCE, { a: { restarts: 4, polish: 3 } }));
    expect(both).toHaveLength(2);
    expect(both[1]).toMatch(/up to 3 rounds .*not in the paper/);
    const shipped = JSON.parse(
      readFileSync(new URL('../../models/default/model.json', import.meta.url), 'utf8'),
    );
    expect(describeSearch(shipped.inference).join('; ')).toMatch(
      /16 a-chains; the answer polished by up to 3 rounds/,
    );
    // The code's chain without noise, then the x-chain's pull, in its unit and shape.
    expect(describeSearch(shipped.inference)[0]).toBe(
      'the code inferred by descent without noise (w.noise 0)',
    );
    expect(describeSearch(shipped.inference)[1]).toBe(
      "generation pulled toward its start (x.shrink 0.3, each position and colour as one vector, then 30 refit steps; in half-widths of each attribute's range; not in the paper)",
    );
    const raw = withChains(DEFAULT_INFERENCE, {
      x: { anchor: 2, pullUnit: 'raw', pullBy: 'coordinate', shrink: 0.1 },
    });
    expect(describeSearch(raw)).toEqual([
      'generation pulled toward its start (x.shrink 0.1, coordinate by coordinate, x.anchor 2; in raw units; not in the paper)',
    ]);
  });
});

describe('lowestMask (a.enumerate)', () => {
  // The energy's minimum sits at `target`; every mask's energy is its Hamming distance to it.
  const target = Uint8Array.of(1, 0, 1, 1, 0, 0, 1);

  it('scores every mask once and keeps the lowest', () => {
    const seen = new Set<string>();
    const { mask, energy } = lowestMask(7, (m) => {
      seen.add(m.join(''));
      return hamming(m, target);
    });
    expect(seen.size).toBe(128);
    expect(Array.from(mask)).toEqual(Array.from(target));
    expect(energy).toBe(0);
  });

  it('finds a minimum that no descent from the empty set reaches', () => {
    // A trap: every mask scores 1 + its count, but the full set scores -1.
    const { mask } = lowestMask(6, (m) =>
      m.every((v) => v) ? -1 : 1 + m.reduce((s, v) => s + v, 0),
    );
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 1]);
    const polished = polishMasks([new Uint8Array(6)], [1], 10, (_, masks) =>
      masks.map((m) => (m.every((v) => v) ? -1 : 1 + m.reduce((s, v) => s + v, 0))),
    );
    expect(Array.from(polished.masks[0])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps the first in counting order on a tie, and handles the empty scene', () => {
    // Entity 0 alone (m = 1) and entity 1 alone (m = 2) tie below the rest.
    const e = (m: Uint8Array) => (m.reduce((s, v) => s + v, 0) === 1 && !m[2] ? 0 : 1);
    expect(Array.from(lowestMask(3, e).mask)).toEqual([1, 0, 0]);
    expect(lowestMask(0, () => 5)).toEqual({ mask: new Uint8Array(0), energy: 5 });
  });

  it('names bad input', () => {
    expect(() => lowestMask(17, () => 0)).toThrow(/0 to 16 entities, got 17/);
    expect(() => lowestMask(2.5, () => 0)).toThrow(/got 2.5/);
  });

  it('is a test-time knob of the a-chain only, named in every error and in a results page header', () => {
    const model = EnergyModel.init(
      { variant: 'relational', attributes: 5, codeSize: 4, hidden: 16, gLayers: 2, fLayers: 1 },
      new Rng(7),
      1.5,
    );
    const x = T.tensor(new Float32Array(2 * 4 * 5).fill(0.1), [2, 4, 5]);
    const w = T.tensor(new Float32Array(2 * 4), [2, 4]);
    const chain = { steps: 2, stepSize: 0.5, noise: 0.1, gradClamp: 5, enumerate: 4 };
    expect(() =>
      identifyBatch(model, x, w, chain, 15, { rng: new Rng(1), differentiable: true }),
    ).toThrow(/enumeration is not differentiable/);
    T.dispose([x, w]);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { w: { enumerate: 4 } })),
    ).toThrow(/w-chain: enumerate applies to identification/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { a: { enumerate: 17 } })),
    ).toThrow(/a-chain: enumerate must be at most 16, got 17/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { a: { enumerate: 1.5 } })),
    ).toThrow(/a-chain: enumerate must be an integer >= 0/);
    expect(describeSearch(withChains(DEFAULT_INFERENCE, { a: { enumerate: 12 } }))).toEqual([
      'in scenes of up to 12 entities, the answer is the lowest-energy of all 2^N sets instead (a.enumerate; not in the paper)',
    ]);
  });
});
