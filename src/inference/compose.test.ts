import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { AGENT_COLOR } from '../world/scene.js';
import type { Scene } from '../world/types.js';
import { combineEnergies, composedStateEnergy, generateComposed } from './compose.js';
import { attentionLogits, scenesTensor } from './infer.js';

await useEngine();

const scene: Scene = {
  entities: [
    { pos: [0.5, 0.5], color: [1, 0, 0] },
    { pos: [-0.3, 0.1], color: [...AGENT_COLOR] },
    { pos: [-0.5, -0.6], color: [0, 0, 1] },
  ],
};

describe('composition of concepts', () => {
  it('AND adds, OR is a softmin, NOT subtracts a small multiple', () => {
    const ea = T.tensor([0.5, 3, 10]);
    const eb = T.tensor([2, 1, 10]);
    const and = Array.from(T.read(combineEnergies('and', ea, eb)));
    const or = Array.from(T.read(combineEnergies('or', ea, eb, { temperature: 0.5 })));
    const not = Array.from(T.read(combineEnergies('not', ea, eb, { notWeight: 0.1 })));
    const A = [0.5, 3, 10];
    const B = [2, 1, 10];
    A.forEach((a, i) => {
      const b = B[i];
      expect(and[i]).toBeCloseTo(a + b, 5);
      expect(or[i]).toBeCloseTo(-0.5 * Math.log(Math.exp(-a / 0.5) + Math.exp(-b / 0.5)), 4);
      expect(or[i]).toBeLessThanOrEqual(Math.min(a, b) + 1e-6);
      expect(not[i]).toBeCloseTo(a - 0.1 * b, 5);
    });
    T.dispose([ea, eb]);
  });

  it('the composed energy is built from the model energies of both codes', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(3));
    const x = scenesTensor([scene]);
    const a = attentionLogits([[1, 1, 0]], 4);
    const wA = T.tensor([[0.3, -0.2, 0.5, 0.1]]);
    const wB = T.tensor([[-0.4, 0.2, 0.0, 0.7]]);
    const eA = T.readScalar(model.energy(x, a, wA));
    const eB = T.readScalar(model.energy(x, a, wB));
    expect(T.readScalar(composedStateEnergy(model, a, wA, wB, 'and')(x))).toBeCloseTo(eA + eB, 5);
    expect(
      T.readScalar(composedStateEnergy(model, a, wA, wB, 'not', { notWeight: 0.2 })(x)),
    ).toBeCloseTo(eA - 0.2 * eB, 5);
    T.dispose([x, a, wA, wB]);
    model.dispose();
  });

  it('composed generation moves only the movable entities and descends without noise', () => {
    const model = EnergyModel.init({ ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 }, new Rng(4));
    const before = T.liveTensors();
    const r = generateComposed(
      model,
      scene,
      [1, 1, 0],
      [new Float32Array([0.3, -0.2, 0.5, 0.1]), new Float32Array([-0.4, 0.2, 0.0, 0.7])],
      'and',
      { steps: 10, stepSize: 0.05, noise: 0, gradClamp: 5 },
      4,
      new Rng(1),
      { record: true },
    );
    expect(T.liveTensors()).toBe(before);
    // The agent is attended: it alone moves.
    for (const i of [0, 2]) {
      const e = r.after.entities[i];
      [...e.pos, ...e.color].forEach((v, k) =>
        expect(v).toBeCloseTo([...scene.entities[i].pos, ...scene.entities[i].color][k], 6),
      );
    }
    expect(r.after.entities[1].pos).not.toEqual(scene.entities[1].pos);
    const es = r.trajectory!.energies;
    expect(es).toHaveLength(11);
    expect(es[es.length - 1]).toBeLessThanOrEqual(es[0] + 1e-6);
    model.dispose();
  });
});
