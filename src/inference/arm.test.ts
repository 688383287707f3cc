import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { armEffector, armJoints, DEFAULT_ARM, randomPose } from '../world/arm.js';
import { effectorTensor, reachBatch, reachBestOf, reachWithArm } from './arm.js';
import { attentionLogits } from './infer.js';
import { EnergyModel } from '../model/model.js';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { AGENT_COLOR, sceneToArray } from '../world/scene.js';
import type { Scene } from '../world/types.js';

await useEngine();

describe('robot arm', () => {
  it('forward kinematics: straight, folded and right-angle poses', () => {
    expect(armEffector(DEFAULT_ARM, [0, 0, 0])[0]).toBeCloseTo(1.2, 12);
    const folded = armEffector(DEFAULT_ARM, [0, Math.PI, 0]);
    expect(folded[0]).toBeCloseTo(0.5 - 0.4 - 0.3, 12);
    const bent = armJoints(DEFAULT_ARM, [Math.PI / 2, -Math.PI / 2, 0]);
    expect(bent[0][0]).toBeCloseTo(0, 12);
    expect(bent[0][1]).toBeCloseTo(0.5, 12);
    expect(bent[2][0]).toBeCloseTo(0.7, 12);
    expect(bent[2][1]).toBeCloseTo(0.5, 12);
  });

  it('the engine forward kinematics matches and has the analytic Jacobian', () => {
    const angles = [0.3, -0.7, 1.1];
    const t = T.tensor([angles]);
    const e = T.read(effectorTensor(DEFAULT_ARM, t));
    const ref = armEffector(DEFAULT_ARM, angles);
    expect(e[0]).toBeCloseTo(ref[0], 5);
    expect(e[1]).toBeCloseTo(ref[1], 5);
    // d(effector.x)/d(theta_k) = -sum_{j>=k} l_j sin(phi_j)
    const g = T.read(
      T.grad((v: T.Tensor) => T.sum(T.slice(effectorTensor(DEFAULT_ARM, v), [0, 0], [1, 1])))(t),
    );
    const phis = [0.3, -0.4, 0.7];
    for (let k = 0; k < 3; k++) {
      let d = 0;
      for (let j = k; j < 3; j++) d -= DEFAULT_ARM.links[j] * Math.sin(phis[j]);
      expect(g[k]).toBeCloseTo(d, 5);
    }
  });

  it('the batched reach equals the single-scene reach', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(3));
    const scene = (dx: number) => ({
      entities: [
        { pos: [0.5 + dx, 0.5] as [number, number], color: [1, 0, 0] as [number, number, number] },
        { pos: [1.2, 0] as [number, number], color: [...AGENT_COLOR] as [number, number, number] },
        { pos: [-0.5, 0.2] as [number, number], color: [0, 0, 1] as [number, number, number] },
      ],
    });
    const chain = { steps: 10, stepSize: 1, noise: 0, gradClamp: 5 };
    const code = new Float32Array([0.3, -0.2, 0.5, 0.1]);
    const starts = [
      [0.1, 0.2, -0.3],
      [1.0, -0.5, 0.4],
    ];
    const single = starts.map(
      (s, b) =>
        reachWithArm(model, DEFAULT_ARM, scene(b * 0.1), [1, 1, 1], code, s, chain, 4, new Rng(1))
          .angles,
    );
    const codes = T.tensor([Array.from(code), Array.from(code)]);
    const batched = reachBatch(
      model,
      DEFAULT_ARM,
      [scene(0), scene(0.1)],
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
      codes,
      starts,
      chain,
      4,
      new Rng(1),
    );
    codes.dispose();
    for (let b = 0; b < 2; b++)
      for (let k = 0; k < 3; k++) expect(batched.angles[b][k]).toBeCloseTo(single[b][k], 4);
    model.dispose();
  });

  it('reaching moves only the agent, to the effector, within joint limits', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(2));
    const scene = {
      entities: [
        { pos: [0.5, 0.5] as [number, number], color: [1, 0, 0] as [number, number, number] },
        { pos: [1.2, 0] as [number, number], color: [...AGENT_COLOR] as [number, number, number] },
        { pos: [-0.5, 0.2] as [number, number], color: [0, 0, 1] as [number, number, number] },
      ],
    };
    const r = reachWithArm(
      model,
      DEFAULT_ARM,
      scene,
      [1, 1, 1],
      new Float32Array(4).fill(0.5),
      [0, 0, 0],
      { steps: 20, stepSize: 1, noise: 0, gradClamp: 5 },
      4,
      new Rng(1),
      { record: true },
    );
    expect(r.trajectory!.angles).toHaveLength(21);
    r.angles.forEach((a, k) => {
      expect(a).toBeGreaterThanOrEqual(DEFAULT_ARM.limits[k][0]);
      expect(a).toBeLessThanOrEqual(DEFAULT_ARM.limits[k][1]);
    });
    const eff = armEffector(DEFAULT_ARM, r.angles);
    expect(r.after.entities[1].pos[0]).toBeCloseTo(eff[0], 6);
    expect(r.after.entities[0]).toEqual(scene.entities[0]);
    expect(r.after.entities[2]).toEqual(scene.entities[2]);
    // Descent with zero noise does not raise the energy overall.
    const es = r.trajectory!.energies;
    expect(es[es.length - 1]).toBeLessThanOrEqual(es[0] + 1e-6);
    model.dispose();
  });

  describe('restarts judged by energy', () => {
    const scene = (dx: number): Scene => ({
      entities: [
        { pos: [0.5 + dx, 0.5], color: [1, 0, 0] },
        { pos: [1.2, 0], color: [...AGENT_COLOR] as [number, number, number] },
        { pos: [-0.5, 0.2 - dx], color: [0, 0, 1] },
      ],
    });
    const scenes = [scene(0), scene(0.2), scene(-0.3)];
    const attention = scenes.map(() => [1, 1, 1]);
    const chain = { steps: 8, stepSize: 0.5, noise: 0.01, gradClamp: 5 };
    const startSets = [
      [
        [0.1, 0.2, -0.3],
        [1.0, -0.5, 0.4],
        [-0.8, 0.9, 0.2],
      ],
      [
        [1.2, -1.0, 0.5],
        [-0.4, 0.3, -0.9],
        [0.6, 0.6, 0.6],
      ],
      [
        [-1.1, 0.4, 1.0],
        [0.2, 1.1, -0.2],
        [1.4, -0.2, -1.0],
      ],
    ];
    const setup = () => {
      const model = EnergyModel.init(
        { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4, energyOutputs: 2 },
        new Rng(7),
      );
      const codes = T.tensor(scenes.map((_, b) => [0.3, -0.2 + 0.1 * b, 0.5, 0.1]));
      return { model, codes };
    };

    it('a batched reach reports the energy of the scene it leaves', () => {
      const { model, codes } = setup();
      const r = reachBatch(
        model,
        DEFAULT_ARM,
        scenes,
        attention,
        codes,
        startSets[0],
        chain,
        4,
        new Rng(1),
      );
      const after = scenes.map((sc, b) => {
        const v = sceneToArray(sc);
        const [x, y] = armEffector(DEFAULT_ARM, r.angles[b]);
        v[5] = x; // the agent is entity 1
        v[6] = y;
        return Array.from(v);
      });
      const e = T.read(
        model.energy(T.tensor(after.flat(), [3, 3, 5]), attentionLogits(attention, 4), codes),
      );
      for (let b = 0; b < 3; b++) expect(r.energies[b]).toBeCloseTo(e[b], 4);
      codes.dispose();
      model.dispose();
    });

    it('keeps, per scene, the answer of the restart of lowest energy', () => {
      const { model, codes } = setup();
      const each = startSets.map((s, r) =>
        reachBatch(model, DEFAULT_ARM, scenes, attention, codes, s, chain, 4, new Rng(10 + r)),
      );
      const best = reachBestOf(
        model,
        DEFAULT_ARM,
        scenes,
        attention,
        codes,
        startSets,
        chain,
        4,
        startSets.map((_, r) => new Rng(10 + r)),
      );
      expect(best.reaches).toEqual(each);
      for (let b = 0; b < 3; b++) {
        const energies = each.map((x) => x.energies[b]);
        const argmin = energies.indexOf(Math.min(...energies));
        expect(best.chosen[b]).toBe(argmin);
        expect(best.angles[b]).toEqual(each[argmin].angles[b]);
        expect(best.energies[b]).toBe(Math.min(...energies));
      }
      // Different restarts win for different scenes here, so the choice is per scene, not per batch.
      expect(new Set(best.chosen).size).toBeGreaterThan(1);
      codes.dispose();
      model.dispose();
    });

    it('one restart is the plain reach, and no restart or mismatched noise is refused', () => {
      const { model, codes } = setup();
      const one = reachBestOf(
        model,
        DEFAULT_ARM,
        scenes,
        attention,
        codes,
        [startSets[1]],
        chain,
        4,
        [new Rng(3)],
      );
      const plain = reachBatch(
        model,
        DEFAULT_ARM,
        scenes,
        attention,
        codes,
        startSets[1],
        chain,
        4,
        new Rng(3),
      );
      expect(one.angles).toEqual(plain.angles);
      expect(one.chosen).toEqual([0, 0, 0]);
      expect(() =>
        reachBestOf(model, DEFAULT_ARM, scenes, attention, codes, [], chain, 4, []),
      ).toThrow(/at least one start set/);
      expect(() =>
        reachBestOf(model, DEFAULT_ARM, scenes, attention, codes, startSets, chain, 4, [
          new Rng(1),
        ]),
      ).toThrow(/3 start sets but 1 noise/);
      codes.dispose();
      model.dispose();
    });
  });

  it('random start poses stay in the inner 80% of every joint range', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 200; i++) {
      randomPose(DEFAULT_ARM, rng).forEach((a, k) => {
        const [lo, hi] = DEFAULT_ARM.limits[k];
        expect(a).toBeGreaterThanOrEqual(0.8 * lo - 1e-12);
        expect(a).toBeLessThanOrEqual(0.8 * hi + 1e-12);
      });
    }
  });
});
