/**
 * Training batches over a distribution: fixed sizes draw as they always did;
 * ranges draw one size per batch that every shard agrees on; the shift
 * probabilities reach the scenes.
 */
import { describe, expect, it } from 'vitest';
import { getFamily } from '../concepts/index.js';
import { PALETTE } from '../world/scene.js';
import { batchShape, sampleBatch, type Distribution } from './batch.js';
import {
  DEFAULT_TRAINING,
  familyMixture,
  resolveTrainingConfig,
  trainingDistribution,
} from './config.js';

const wide = (patch: object): Distribution => trainingDistribution(resolveTrainingConfig(patch));

describe('batchShape', () => {
  it('keeps fixed sizes and the whole mixture', () => {
    const d = trainingDistribution(DEFAULT_TRAINING);
    const s = batchShape(d, 3, 17);
    expect(s).toEqual({ entities: 6, demos: 3, mixture: familyMixture(DEFAULT_TRAINING) });
  });

  it('draws every size of a range, and leaves out the families too big for it', () => {
    const d = wide({ entities: [2, 12], demos: [1, 10] });
    const seenN = new Set<number>();
    const seenM = new Set<number>();
    for (let step = 0; step < 400; step++) {
      const s = batchShape(d, 5, step);
      seenN.add(s.entities);
      seenM.add(s.demos);
      expect(s.mixture.names.length).toBeGreaterThan(0);
      for (const n of s.mixture.names)
        expect(getFamily(n).minEntities).toBeLessThanOrEqual(s.entities);
      expect(s.mixture.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect([...seenN].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(seenM.size).toBe(10);
    // at N = 2 only the families that fit two entities remain
    const two = Array.from({ length: 400 }, (_, step) => batchShape(d, 5, step)).find(
      (s) => s.entities === 2,
    )!;
    expect(new Set(two.mixture.names)).toEqual(new Set(['make-red', 'move-close', 'move-far']));
  });

  it('rejects ranges that are malformed or below every family', () => {
    expect(() => resolveTrainingConfig({ entities: [8, 4] })).toThrow(/min > max/);
    expect(() => resolveTrainingConfig({ entities: [4] })).toThrow(/range \[min, max\]/);
    expect(() => resolveTrainingConfig({ demos: [0, 3] })).toThrow(
      /demos\[0\]: expected a positive integer/,
    );
    expect(() => resolveTrainingConfig({ entities: 1 })).toThrow(/below every family's minimum/);
    expect(() => resolveTrainingConfig({ shift: { colours: 1.5 } })).toThrow(
      /shift.colours: a probability/,
    );
    expect(() => resolveTrainingConfig({ entities: [4, 13], loss: { maskRank: 1 } })).toThrow(
      /entities up to 13 > 12/,
    );
  });
});

describe('sampleBatch over a distribution', () => {
  it('stacks one size per batch, and a shard draws what the whole batch draws', () => {
    const d = wide({ entities: [3, 12], demos: [1, 10] });
    for (const step of [0, 1, 2, 3]) {
      const whole = sampleBatch(d, [0, 1, 2, 3, 4, 5], 9, step);
      const shard = sampleBatch(d, [3, 4, 5], 9, step);
      const s = batchShape(d, 9, step);
      expect(whole.entities).toBe(s.entities);
      expect(whole.demos).toBe(s.demos);
      expect(Array.from(shard.before)).toEqual(Array.from(whole.before.slice(3 * s.entities * 5)));
      expect(shard.families).toEqual(whole.families.slice(3));
    }
  });

  it('jitters colours and draws geometry bands when asked, never when not', () => {
    const palette = Object.values(PALETTE).map((c) => c.join());
    const offPalette = (d: Distribution) => {
      const b = sampleBatch(d, [...Array(32).keys()], 1, 0);
      let off = 0;
      for (const ep of b.episodes)
        for (const e of ep.test.before.entities)
          if (!palette.includes(e.color.join()) && e.color.join() !== '0.5,0.5,0.5') off++;
      return off;
    };
    expect(offPalette(wide({}))).toBe(0);
    expect(offPalette(wide({ shift: { colours: 1 } }))).toBeGreaterThan(50);

    // make-square's side: training 0.35-0.7; the bands lie outside it
    const sides = (shift: object) => {
      const d = wide({ families: { 'make-square': 1 }, shift });
      const b = sampleBatch(d, [...Array(40).keys()], 2, 0);
      return b.episodes.map((ep) => {
        const pos = ep.test.after.entities
          .filter((_, i) => ep.test.attention[i] > 0.5)
          .map((e) => e.pos);
        // a square's side is its shortest pairwise distance (it may be turned)
        return Math.min(
          ...pos.flatMap((p, i) =>
            pos.slice(i + 1).map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])),
          ),
        );
      });
    };
    const [lo, hi] = getFamily('make-square').geometry!.training;
    const outside = (v: number) => v < lo - 1e-6 || v > hi + 1e-6;
    expect(sides({}).filter(outside).length).toBe(0);
    expect(sides({ geometry: 1 }).filter(outside).length).toBeGreaterThan(10);
  });
});
