import { describe, expect, it } from 'vitest';
import { ENERGY_VARIANTS, type ModelConfig } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { sceneToArray } from '../world/scene.js';
import type { Event, Scene } from '../world/types.js';
import {
  fastEnergyOf,
  fastGenerate,
  fastIdentify,
  fastInferConcept,
  fastLangevin,
  fastStateObjective,
  composeObjectives,
  stateMask,
  type FastObjective,
} from './fast.js';
import { generateComposed } from './compose.js';
import { generate, identify, inferConcept } from './infer.js';
import { DEFAULT_INFERENCE, STATE_RANGE, withChains, type InferenceSettings } from './settings.js';

await useEngine();

// E(z) = 0.5 sum_d c_d (z_d - m_d)^2, as in langevin.test.ts.
const target = [0.3, -0.6, 0.9];
const curvature = [1, 2, 0.5];
const quadratic: FastObjective = {
  energy: (z) => z.reduce((s, v, d) => s + 0.5 * curvature[d] * (v - target[d]) ** 2, 0),
  gradient(z, grad) {
    for (let d = 0; d < z.length; d++) grad[d] = curvature[d] * (z[d] - target[d]);
    return this.energy(z);
  },
};

describe('fastLangevin', () => {
  it('follows the documented update rule exactly for one step', () => {
    const n = new Rng(3).normals(3);
    const { z } = fastLangevin(
      quadratic,
      Float32Array.of(1, 1, 1),
      { steps: 1, stepSize: 0.2, noise: 0.1, gradClamp: 0.5 },
      {
        rng: new Rng(3),
      },
    );
    for (let d = 0; d < 3; d++) {
      const g = Math.max(-0.5, Math.min(0.5, curvature[d] * (1 - target[d])));
      expect(z[d]).toBeCloseTo(1 - 0.1 * g + 0.1 * n[d], 6);
    }
  });

  it('clips the gradient norm, holds masked elements, clamps to the range and records', () => {
    const z0 = new Float32Array(3);
    const clipped = fastLangevin(quadratic, z0, {
      steps: 1,
      stepSize: 2,
      noise: 0,
      gradClamp: 5,
      gradClipNorm: 0.1,
    });
    const g = target.map((m, d) => -curvature[d] * m);
    const norm = Math.hypot(...g);
    for (let d = 0; d < 3; d++) expect(clipped.z[d]).toBeCloseTo((-g[d] * 0.1) / norm, 6);

    const { z, trajectory } = fastLangevin(
      quadratic,
      z0,
      { steps: 100, stepSize: 0.5, noise: 0, gradClamp: 5 },
      {
        mask: [1, 0, 1],
        range: { lo: [-1, -1, -0.2], hi: [0.2, 1, 1] },
        last: 3,
        record: true,
      },
    );
    expect(z[0]).toBeCloseTo(0.2, 5);
    expect(z[1]).toBe(0);
    expect(z[2]).toBeCloseTo(0.9, 3);
    expect(z0).toEqual(new Float32Array(3));
    expect(trajectory).toHaveLength(101);
    trajectory!.forEach((t) => expect(t.energy[0]).toBeCloseTo(quadratic.energy(t.values), 6));
    expect(() =>
      fastLangevin(quadratic, z0, { steps: 1, stepSize: 1, noise: 0.1, gradClamp: 5 }),
    ).toThrow(/needs an rng/);
  });

  it('pulls each attribute as one vector where the range groups it (as langevin.ts)', () => {
    const c = [1, 1, 0.5];
    const m = [0.3, -0.6, 0.9];
    const objective: FastObjective = {
      energy: (z) => z.reduce((s, v, d) => s + 0.5 * c[d] * (v - m[d]) ** 2, 0),
      gradient(z, grad) {
        for (let d = 0; d < z.length; d++) grad[d] = c[d] * (z[d] - m[d]);
        return this.energy(z);
      },
    };
    const range = { lo: -4, hi: 4, groups: [[0, 1]] };
    const chain = { steps: 800, stepSize: 0.5, noise: 0, gradClamp: 50, shrink: 0.5 };
    const { z } = fastLangevin(objective, Float32Array.of(1, 1, 1), chain, { range, last: 3 });
    const kept = Math.max(0, 1 - 0.5 / Math.hypot(m[0] - 1, m[1] - 1));
    expect(z[0]).toBeCloseTo(1 + (m[0] - 1) * kept, 4);
    expect(z[1]).toBeCloseTo(1 + (m[1] - 1) * kept, 4);
    expect(z[2]).toBe(1);
  });

  it('counts the pulls in half-widths of each range (pullUnit range), or raw', () => {
    // h = [1, 1.25, 4], as in langevin.test.ts: the minimum of E + shrink |(z - z0) / h|_1.
    const range = { lo: [-1, -1, -4], hi: [1, 1.5, 4] };
    const h = [1, 1.25, 4];
    const z0 = Float32Array.of(1, 1, 1);
    const chain = { steps: 600, stepSize: 0.5, noise: 0, gradClamp: 50, shrink: 0.5 };
    for (const unit of ['range', 'raw'] as const) {
      const { z } = fastLangevin(quadratic, z0, { ...chain, pullUnit: unit }, { range, last: 3 });
      for (let d = 0; d < 3; d++) {
        const hd = unit === 'range' ? h[d] : 1;
        const free = Math.max(Math.abs(target[d] - 1) - 0.5 / (hd * curvature[d]), 0);
        expect(z[d]).toBeCloseTo(1 + Math.sign(target[d] - 1) * free, 4);
      }
    }
  });
});

function randomScene(rng: Rng, n: number, agent: number): Scene {
  return {
    entities: Array.from({ length: n }, (_, i) => ({
      pos: [rng.range(-0.8, 0.8), rng.range(-0.8, 0.8)] as [number, number],
      color: (i === agent ? [0.5, 0.5, 0.5] : [rng.uniform(), rng.uniform(), rng.uniform()]) as [
        number,
        number,
        number,
      ],
    })),
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Energies: relative, with a floor (the engine sums in float32). */
function energyDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-2)));
}

const SETTINGS: Record<string, InferenceSettings> = {
  default: withChains(DEFAULT_INFERENCE, { w: { steps: 6 }, x: { steps: 6 }, a: { steps: 6 } }),
  // Tight clamps and a norm clip, so every branch of the update runs.
  clipped: withChains(DEFAULT_INFERENCE, {
    w: { steps: 6, gradClamp: 0.05, gradClipNorm: 0.1 },
    x: { steps: 6, stepSize: 2, gradClamp: 0.2, gradClipNorm: 0.3 },
    a: { steps: 6, gradClamp: 0.1, gradClipNorm: 0.15 },
  }),
  // The x-chain's pull toward the start, strong enough to matter in 6 steps.
  anchored: withChains(DEFAULT_INFERENCE, {
    w: { steps: 6 },
    x: { steps: 6, stepSize: 0.5, anchor: 3 },
    a: { steps: 6 },
  }),
  // Its L1 twin: a shrink that holds some elements and not others.
  shrunk: withChains(DEFAULT_INFERENCE, {
    w: { steps: 6 },
    x: { steps: 6, stepSize: 0.5, shrink: 0.01, refit: 3 },
    a: { steps: 6 },
  }),
};

// Every variant, and the relational ones with the pair distance input (g0.wd).
const CASES = [
  ...ENERGY_VARIANTS.map((variant) => ({ name: variant, variant, pairDistance: false })),
  ...ENERGY_VARIANTS.filter((v) => v !== 'non-relational').map((variant) => ({
    name: `${variant} + pairDistance`,
    variant,
    pairDistance: true,
  })),
];

describe.each(CASES)('fast inference matches the engine path ($name)', (c) => {
  const config: ModelConfig = {
    variant: c.variant,
    attributes: 5,
    codeSize: 4,
    hidden: 12,
    gLayers: 2,
    fLayers: 2,
    pairDistance: c.pairDistance,
  };
  const model = EnergyModel.init(config, new Rng(21), 1.5);
  const fe = fastEnergyOf(model);
  const rng = new Rng(77);
  const n = 5;
  const demos: Event[] = Array.from({ length: 3 }, () => {
    const s = randomScene(rng, n, 0);
    return { before: s, after: s, attention: [1, 0, 1, 0, 0] };
  });
  const scene = randomScene(rng, n, 2);
  const code = Float32Array.from({ length: 4 }, () => rng.range(-1, 1));

  describe.each(Object.keys(SETTINGS))('settings: %s', (name) => {
    const settings = SETTINGS[name];

    it('inferConcept', () => {
      const slow = inferConcept(model, demos, settings, new Rng(1), { record: true });
      const fast = fastInferConcept(fe, demos, settings, new Rng(1), { record: true });
      expect(maxDiff(fast.code, slow.code)).toBeLessThan(1e-4);
      expect(maxDiff(fast.code, new Float32Array(4))).toBeGreaterThan(1e-3);
      expect(fast.trajectory).toHaveLength(settings.w.steps + 1);
      fast.trajectory!.forEach((t, k) =>
        expect(maxDiff(t.values, slow.trajectory![k].values)).toBeLessThan(1e-4),
      );
      const e = (r: typeof fast) => r.trajectory!.map((t) => t.energy[0]);
      expect(energyDiff(e(fast), e(slow))).toBeLessThan(1e-4);
    });

    // Agent attended (only the agent moves), agent not attended (the attended move), explicit movable.
    it.each([
      { attention: [0, 1, 1, 0, 0] },
      { attention: [1, 0, 0, 1, 0] },
      { attention: [1, 1, 0, 0, 1], movable: [0, 1, 1, 1, 0] },
    ])('generate %o', ({ attention, movable }) => {
      const options = { movable, record: true };
      const slow = generate(model, scene, attention, code, settings, new Rng(2), options);
      const fast = fastGenerate(fe, scene, attention, code, settings, new Rng(2), options);
      const after = sceneToArray(fast.after);
      expect(maxDiff(after, sceneToArray(slow.after))).toBeLessThan(1e-4);
      expect(maxDiff(after, sceneToArray(scene))).toBeGreaterThan(1e-3);
      fast.trajectory!.scenes.forEach((s, k) =>
        expect(maxDiff(sceneToArray(s), sceneToArray(slow.trajectory!.scenes[k]))).toBeLessThan(
          1e-4,
        ),
      );
      expect(energyDiff(fast.trajectory!.energies, slow.trajectory!.energies)).toBeLessThan(1e-4);
    });

    it('identify', () => {
      const slow = identify(model, scene, code, settings, new Rng(3), { record: true });
      const fast = fastIdentify(fe, scene, code, settings, new Rng(3), { record: true });
      expect(maxDiff(fast.probabilities, slow.probabilities)).toBeLessThan(1e-4);
      expect(fast.mask).toEqual(slow.mask);
      expect(Math.max(...fast.probabilities.map((p) => Math.abs(p - 0.5)))).toBeGreaterThan(1e-3);
      fast.trajectory!.probabilities.forEach((p, k) =>
        expect(maxDiff(p, slow.trajectory!.probabilities[k])).toBeLessThan(1e-4),
      );
      expect(energyDiff(fast.trajectory!.energies, slow.trajectory!.energies)).toBeLessThan(1e-4);
    });

    it('identify with restarts: the same chains, the same lowest-energy pick', () => {
      const noisy = withChains(settings, { a: { restarts: 6, noise: 1.5 } });
      const answers = new Set<string>();
      for (const seed of [3, 4, 5, 6]) {
        const slow = identify(model, scene, code, noisy, new Rng(seed));
        const fast = fastIdentify(fe, scene, code, noisy, new Rng(seed));
        expect(maxDiff(fast.probabilities, slow.probabilities)).toBeLessThan(1e-4);
        expect(fast.mask).toEqual(slow.mask);
        // The pick is not simply the first chain: one chain alone answers differently somewhere.
        const one = fastIdentify(
          fe,
          scene,
          code,
          withChains(noisy, { a: { restarts: 1 } }),
          new Rng(seed),
        );
        answers.add(maxDiff(one.probabilities, fast.probabilities) > 1e-3 ? 'differs' : 'same');
      }
      expect(answers.has('differs')).toBe(true);
    });

    it('identify with the polish: the same discrete finish', () => {
      // A short chain leaves the polish work to do.
      const short = withChains(settings, { a: { steps: 1, restarts: 2, noise: 0.5 } });
      const polished = withChains(short, { a: { polish: 5 } });
      const moved = new Set<string>();
      for (const seed of [3, 4, 5, 6]) {
        const slow = identify(model, scene, code, polished, new Rng(seed));
        const fast = fastIdentify(fe, scene, code, polished, new Rng(seed));
        expect(fast.mask).toEqual(slow.mask);
        const before = fastIdentify(fe, scene, code, short, new Rng(seed));
        moved.add(before.mask.join('') === fast.mask.join('') ? 'same' : 'moved');
      }
      expect(moved.has('moved')).toBe(true);
    });

    it('identify with enumeration: the lowest of all 2^N masks by the full energy, on both backends', () => {
      // A chain of one noisy step answers at random; the enumeration must not depend on it.
      const short = withChains(settings, { a: { steps: 1, restarts: 1, noise: 0.5 } });
      const enumerated = withChains(short, { a: { enumerate: n } });
      const L = settings.attentionLogit;
      const x = sceneToArray(scene);
      // Brute force on the full forward pass (fe.energy recomputes g; enumeration pools kept features).
      let best = Infinity;
      let bestMask: number[] = [];
      for (let m = 0; m < 2 ** n; m++) {
        const mask = Array.from({ length: n }, (_, i) => (m >> i) & 1);
        const e = fe.energy(
          x,
          n,
          Float32Array.from(mask, (v) => (v ? L : -L)),
          code,
        );
        if (e < best) [best, bestMask] = [e, mask];
      }
      const chainAnswers = new Set<string>();
      for (const seed of [3, 4, 5, 6]) {
        const fast = fastIdentify(fe, scene, code, enumerated, new Rng(seed));
        expect(fast.mask).toEqual(bestMask);
        expect(identify(model, scene, code, enumerated, new Rng(seed)).mask).toEqual(bestMask);
        chainAnswers.add(fastIdentify(fe, scene, code, short, new Rng(seed)).mask.join(''));
      }
      // The chains alone do not always find it, so the test could fail.
      expect([...chainAnswers].some((a) => a !== bestMask.join(''))).toBe(true);
      // One entity more than the bound: the chains answer again.
      const below = withChains(short, { a: { enumerate: n - 1 } });
      expect(fastIdentify(fe, scene, code, below, new Rng(3)).mask).toEqual(
        fastIdentify(fe, scene, code, short, new Rng(3)).mask,
      );
      // A trace asked for is chain 0's, while the answer stays the enumeration's.
      const traced = fastIdentify(fe, scene, code, enumerated, new Rng(3), { record: true });
      expect(traced.trajectory!.energies).toHaveLength(2);
      expect(traced.mask).toEqual(bestMask);
    });
  });
});

describe('composed objectives on the fast kernel match the engine (compose.ts)', () => {
  const config: ModelConfig = {
    variant: 'relational',
    attributes: 5,
    codeSize: 4,
    hidden: 12,
    gLayers: 2,
    fLayers: 1,
  };
  const model = EnergyModel.init(config, new Rng(5), 1.5);
  const fe = fastEnergyOf(model);
  const rng = new Rng(8);
  const scene = randomScene(rng, 5, 1);
  const attention = [1, 1, 0, 0, 1];
  const movable = [0, 1, 1, 0, 0];
  const codes = [0, 1].map(() => Float32Array.from({ length: 4 }, () => rng.range(-1, 1))) as [
    Float32Array,
    Float32Array,
  ];
  const chain = { steps: 6, stepSize: 0.3, noise: 0.01, gradClamp: 5 };

  it.each(['and', 'or', 'not'] as const)('%s: the same chain, step by step', (op) => {
    const options = { temperature: 0.7, notWeight: 0.2 };
    const slow = generateComposed(model, scene, attention, codes, op, chain, 4, new Rng(4), {
      movable,
      record: true,
      ...options,
    });
    const objective = composeObjectives(
      op,
      fastStateObjective(fe, scene, attention, codes[0], movable, 4, chain),
      fastStateObjective(fe, scene, attention, codes[1], movable, 4, chain),
      25,
      options,
    );
    const fast = fastLangevin(objective, sceneToArray(scene), chain, {
      rng: new Rng(4),
      mask: stateMask(movable),
      range: STATE_RANGE,
      last: 5,
      record: true,
    });
    expect(maxDiff(fast.z, sceneToArray(slow.after))).toBeLessThan(1e-4);
    expect(maxDiff(fast.z, sceneToArray(scene))).toBeGreaterThan(1e-3);
    expect(
      energyDiff(
        fast.trajectory!.map((t) => t.energy[0]),
        slow.trajectory!.energies,
      ),
    ).toBeLessThan(1e-4);
  });
});
