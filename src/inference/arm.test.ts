import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { armEffector, armJoints, DEFAULT_ARM } from '../world/arm.js';
import { effectorTensor, reachBatch, reachWithArm } from './arm.js';
import { EnergyModel } from '../model/model.js';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { AGENT_COLOR } from '../world/scene.js';

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
    const g = T.read(T.grad((v: T.Tensor) => T.sum(T.slice(effectorTensor(DEFAULT_ARM, v), [0, 0], [1, 1])))(t));
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
    const single = starts.map((s, b) =>
      reachWithArm(model, DEFAULT_ARM, scene(b * 0.1), [1, 1, 1], code, s, chain, 4, new Rng(1)).angles,
    );
    const codes = T.tensor([Array.from(code), Array.from(code)]);
    const batched = reachBatch(model, DEFAULT_ARM, [scene(0), scene(0.1)], [[1, 1, 1], [1, 1, 1]], codes, starts, chain, 4, new Rng(1));
    codes.dispose();
    for (let b = 0; b < 2; b++) for (let k = 0; k < 3; k++) expect(batched[b][k]).toBeCloseTo(single[b][k], 4);
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
    const r = reachWithArm(model, DEFAULT_ARM, scene, [1, 1, 1], new Float32Array(4).fill(0.5), [0, 0, 0],
      { steps: 20, stepSize: 1, noise: 0, gradClamp: 5 }, 4, new Rng(1), { record: true });
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
});
