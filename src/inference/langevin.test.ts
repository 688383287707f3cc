import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { langevin } from './langevin.js';

await useEngine();

// E(z) = 0.5 * sum_d c_d (z_d - m_d)^2 per row: minimum at m.
const target = [0.3, -0.6, 0.9];
const curvature = [1, 2, 0.5];
const quadratic = (z: T.Tensor) =>
  T.mul(T.sum(T.mul(T.square(T.sub(z, T.tensor([target]))), T.tensor([curvature])), 1), 0.5);

describe('langevin', () => {
  it('with zero noise reaches the minimum of a quadratic', () => {
    const z0 = T.zeros([2, 3]);
    const { z } = langevin(quadratic, z0, { steps: 200, stepSize: 0.5, noise: 0, gradClamp: 5 });
    const v = T.read(z);
    for (let b = 0; b < 2; b++) {
      for (let d = 0; d < 3; d++) expect(v[b * 3 + d]).toBeCloseTo(target[d], 4);
    }
    T.dispose([z, z0]);
  });

  it('follows the documented update rule exactly for one step', () => {
    const z0 = T.tensor([[1, 1, 1]]);
    const rng = new Rng(3);
    const n = new Rng(3).normals(3);
    const { z } = langevin(
      quadratic,
      z0,
      { steps: 1, stepSize: 0.2, noise: 0.1, gradClamp: 0.5 },
      { rng },
    );
    const v = T.read(z);
    for (let d = 0; d < 3; d++) {
      const g = Math.max(-0.5, Math.min(0.5, curvature[d] * (1 - target[d])));
      expect(v[d]).toBeCloseTo(1 - 0.1 * g + 0.1 * n[d], 5);
    }
    T.dispose([z, z0]);
  });

  it('anchor: adds anchor * (z - z0) to the gradient, or toward anchorAt', () => {
    const z0 = T.tensor([[1, 1, 1]]);
    const settings = { steps: 1, stepSize: 0.2, noise: 0, gradClamp: 50, anchor: 2 };
    const { z: still } = langevin(quadratic, z0, settings);
    const home = T.tensor([[0, 0, 0]]);
    const { z: pulled } = langevin(quadratic, z0, settings, { anchorAt: home });
    const s = T.read(still);
    const p = T.read(pulled);
    for (let d = 0; d < 3; d++) {
      const g = curvature[d] * (1 - target[d]);
      // At z0 the pull toward z0 is zero; toward the origin it adds 2 * (1 - 0).
      expect(s[d]).toBeCloseTo(1 - 0.1 * g, 5);
      expect(p[d]).toBeCloseTo(1 - 0.1 * (g + 2), 5);
    }
    // Many steps: the minimum of E + (anchor / 2) |z - z0|^2, between the target and the start.
    const { z: far } = langevin(quadratic, z0, { ...settings, steps: 400 });
    const f = T.read(far);
    for (let d = 0; d < 3; d++)
      expect(f[d]).toBeCloseTo((curvature[d] * target[d] + 2 * 1) / (curvature[d] + 2), 4);
    T.dispose([z0, home, still, pulled, far]);
  });

  it('shrink: converges to the minimum of E + shrink |z - z0|_1, holding what is pulled less than shrink', () => {
    const z0 = T.tensor([[1, 1, 1]]);
    const { z } = langevin(quadratic, z0, {
      steps: 600,
      stepSize: 0.5,
      noise: 0,
      gradClamp: 50,
      shrink: 0.3,
    });
    const v = T.read(z);
    // Per coordinate: z0 + sign(m - z0) max(|m - z0| - shrink / c, 0).
    const expected = target.map(
      (m, d) => 1 + Math.sign(m - 1) * Math.max(Math.abs(m - 1) - 0.3 / curvature[d], 0),
    );
    expect(expected[2]).toBe(1);
    for (let d = 0; d < 3; d++) expect(v[d]).toBeCloseTo(expected[d], 4);
    T.dispose([z0, z]);
  });

  it('shrink and anchor measure a change in half-widths of its range, per attribute', () => {
    // h = (hi - lo) / 2 = [1, 1.25, 4]: the pull on coordinate d is shrink / h_d.
    const range = { lo: [-1, -1, -4], hi: [1, 1.5, 4] };
    const h = [1, 1.25, 4];
    const z0 = T.tensor([[1, 1, 1]]);
    const chain = { steps: 600, stepSize: 0.5, noise: 0, gradClamp: 50 };
    const { z } = langevin(quadratic, z0, { ...chain, shrink: 0.5 }, { range });
    const v = T.read(z);
    for (let d = 0; d < 3; d++) {
      const m = target[d];
      const free = Math.max(Math.abs(m - 1) - 0.5 / (h[d] * curvature[d]), 0);
      expect(v[d]).toBeCloseTo(1 + Math.sign(m - 1) * free, 4);
    }
    // The unit matters: in raw units coordinate 1 would stop at 1 - (1.6 - 0.25) = -0.35.
    expect(v[1]).toBeCloseTo(-0.4, 4);
    expect(v[2]).toBe(1);
    // The L2 anchor in the same unit: the minimum of E + (anchor / 2) ((z - z0) / h)^2.
    const { z: anchored } = langevin(quadratic, z0, { ...chain, anchor: 2 }, { range });
    const a = T.read(anchored);
    for (let d = 0; d < 3; d++) {
      const k = 2 / (h[d] * h[d]);
      expect(a[d]).toBeCloseTo((curvature[d] * target[d] + k) / (curvature[d] + k), 4);
    }
    // pullUnit 'raw': the attributes' own units, as with no range.
    const { z: raw } = langevin(
      quadratic,
      z0,
      { ...chain, shrink: 0.5, pullUnit: 'raw' },
      { range },
    );
    const { z: none } = langevin(quadratic, z0, { ...chain, shrink: 0.5 });
    expect(T.read(raw)).toEqual(T.read(none));
    expect(T.read(raw)[1]).toBeCloseTo(1 - (1.6 - 0.25), 4);
    T.dispose([z0, z, anchored, raw, none]);
  });

  it('shrink with groups: each attribute is pulled as one vector (the group lasso), pullBy coordinate alone', () => {
    // E = 0.5 c |z - m|^2 with c = 1 on the group {0, 1}: the minimum of E + shrink |z_G - z0_G|
    // is z0 + (m - z0) max(0, 1 - shrink / (c |m - z0|)) on the group; coordinate 2 alone.
    const m = [0.3, -0.6, 0.9];
    const c = [1, 1, 0.5];
    const energy = (z: T.Tensor) =>
      T.mul(T.sum(T.mul(T.square(T.sub(z, T.tensor([m]))), T.tensor([c])), 1), 0.5);
    const range = { lo: -4, hi: 4, groups: [[0, 1]] };
    const z0 = T.tensor([[1, 1, 1]]);
    const chain = { steps: 800, stepSize: 0.5, noise: 0, gradClamp: 50, shrink: 0.5 };
    const { z } = langevin(energy, z0, chain, { range });
    const v = T.read(z);
    const length = Math.hypot(m[0] - 1, m[1] - 1);
    const kept = Math.max(0, 1 - 0.5 / length);
    expect(v[0]).toBeCloseTo(1 + (m[0] - 1) * kept, 4);
    expect(v[1]).toBeCloseTo(1 + (m[1] - 1) * kept, 4);
    expect(v[2]).toBe(1); // 0.1 from its target, pulled by 0.5 / 0.5 = 1
    // By coordinate: the lasso's per-coordinate answer.
    const { z: each } = langevin(energy, z0, { ...chain, pullBy: 'coordinate' }, { range });
    const e = T.read(each);
    for (let d = 0; d < 2; d++)
      expect(e[d]).toBeCloseTo(1 + Math.sign(m[d] - 1) * Math.max(Math.abs(m[d] - 1) - 0.5, 0), 4);
    expect(Math.abs(e[0] - v[0])).toBeGreaterThan(0.05);
    // Groups must lie inside the last axis, once each, over entries of one width.
    expect(() => langevin(energy, z0, chain, { range: { ...range, groups: [[0, 3]] } })).toThrow(
      /groups: entry 3/,
    );
    expect(() =>
      langevin(energy, z0, chain, { range: { lo: [-1, 0, 0], hi: [1, 1, 1], groups: [[0, 1]] } }),
    ).toThrow(/differ in width/);
    T.dispose([z0, z, each]);
  });

  it('refit: after the shrink, the moved elements reach the minimum of E; the held ones stay', () => {
    const z0 = T.tensor([[1, 1, 1]]);
    const settings = {
      steps: 600,
      stepSize: 0.5,
      noise: 0,
      gradClamp: 50,
      shrink: 0.3,
      refit: 300,
    };
    const { z, trajectory } = langevin(quadratic, z0, settings, { record: true });
    const v = T.read(z);
    expect(v[0]).toBeCloseTo(target[0], 4);
    expect(v[1]).toBeCloseTo(target[1], 4);
    expect(v[2]).toBe(1);
    expect(trajectory).toHaveLength(901);
    expect(() => langevin(quadratic, z0, settings, { differentiable: true })).toThrow(
      /refit is not differentiable/,
    );
    T.dispose([z0, z]);
  });

  it('holds masked elements and clamps to the range', () => {
    const z0 = T.tensor([[0, 0, 0]]);
    const mask = T.tensor([[1, 0, 1]]);
    const { z } = langevin(
      quadratic,
      z0,
      { steps: 100, stepSize: 0.5, noise: 0, gradClamp: 5 },
      {
        mask,
        range: { lo: [-1, -1, -0.2], hi: [0.2, 1, 1] },
      },
    );
    const v = T.read(z);
    expect(v[0]).toBeCloseTo(0.2, 5); // clamped below its minimum 0.3
    expect(v[1]).toBe(0); // held
    expect(v[2]).toBeCloseTo(0.9, 3);
    T.dispose([z, z0, mask]);
  });

  it('is reproducible for a seed and records its trajectory', () => {
    const run = () => {
      const z0 = T.zeros([1, 3]);
      const r = langevin(
        quadratic,
        z0,
        { steps: 5, stepSize: 0.1, noise: 0.3, gradClamp: 5 },
        {
          rng: new Rng(42),
          record: true,
        },
      );
      const out = { z: Array.from(T.read(r.z)), traj: r.trajectory! };
      T.dispose([r.z, z0]);
      return out;
    };
    const a = run();
    const b = run();
    expect(a.z).toEqual(b.z);
    expect(a.traj).toHaveLength(6);
    expect(Array.from(a.traj[5].values)).toEqual(a.z);
    expect(a.traj[0].energy[0]).toBeCloseTo(0.5 * (0.09 + 2 * 0.36 + 0.5 * 0.81), 5);
  });

  it('refuses noise without an rng and bad settings', () => {
    const z0 = T.zeros([1, 3]);
    expect(() =>
      langevin(quadratic, z0, { steps: 1, stepSize: 0.1, noise: 0.1, gradClamp: 5 }),
    ).toThrow(/rng/);
    expect(() =>
      langevin(quadratic, z0, { steps: -1, stepSize: 0.1, noise: 0, gradClamp: 5 }),
    ).toThrow(/steps/);
    expect(() =>
      langevin(quadratic, z0, { steps: 1, stepSize: 0.1, noise: 0, gradClamp: 5, anchor: -1 }),
    ).toThrow(/anchor/);
    z0.dispose();
  });

  it('leaks no tensors over many calls', () => {
    const z0 = T.zeros([4, 3]);
    const mask = T.ones([4, 3]);
    const once = () => {
      const { z } = langevin(
        quadratic,
        z0,
        { steps: 10, stepSize: 0.1, noise: 0.1, gradClamp: 5 },
        {
          rng: new Rng(1),
          mask,
          range: { lo: [-1, -1, -1], hi: [1, 1, 1] },
        },
      );
      z.dispose();
    };
    once();
    const before = T.liveTensors();
    for (let i = 0; i < 50; i++) once();
    expect(T.liveTensors()).toBe(before);
    T.dispose([z0, mask]);
  });
});
