import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { identifyBatch } from './infer.js';
import { DEFAULT_INFERENCE, validateInferenceSettings, withChains } from './settings.js';

await useEngine();

const config = {
  variant: 'relational' as const,
  attributes: 5,
  codeSize: 4,
  hidden: 16,
  gLayers: 2,
  fLayers: 1,
};
const B = 12;
const N = 6;

function inputs(seed: number) {
  const rng = new Rng(seed);
  const x = T.tensor(
    Float32Array.from({ length: B * N * 5 }, () => rng.range(-1, 1)),
    [B, N, 5],
  );
  const w = T.tensor(
    Float32Array.from({ length: B * 4 }, () => rng.range(-1, 1)),
    [B, 4],
  );
  return { x, w };
}

const chain = { ...DEFAULT_INFERENCE.a, steps: 6, noise: 0.8 };
function hardEnergies(model: EnergyModel, x: T.Tensor, w: T.Tensor, a: T.Tensor): number[] {
  const hard = T.tensor(
    Float32Array.from(T.read(a), (v) => (v > 0 ? 4 : -4)),
    a.shape,
  );
  const e = T.tidy(() => Array.from(T.read(model.energy(x, hard, w))));
  hard.dispose();
  return e;
}

describe('identification with restarts (a.restarts)', () => {
  const model = EnergyModel.init(config, new Rng(7), 1.5);

  it('keeps, per scene, the restart whose thresholded answer has the lowest energy', () => {
    const { x, w } = inputs(1);
    const R = 4;
    // The same noise stream, one chain at a time: the restarts' individual answers.
    const rng = new Rng(5);
    const singles = Array.from(
      { length: R },
      () => identifyBatch(model, x, w, chain, 15, { rng }).a,
    );
    const energies = singles.map((a) => hardEnergies(model, x, w, a));
    const { a } = identifyBatch(model, x, w, { ...chain, restarts: R }, 15, {
      rng: new Rng(5),
      answerLogit: 4,
    });
    const got = T.read(a);
    const chosen = hardEnergies(model, x, w, a);
    let differs = 0;
    for (let b = 0; b < B; b++) {
      const min = Math.min(...energies.map((e) => e[b]));
      expect(chosen[b]).toBeCloseTo(min, 5);
      const r = energies.findIndex((e) => e[b] === min);
      expect(Array.from(got.subarray(b * N, (b + 1) * N))).toEqual(
        Array.from(T.read(singles[r]).subarray(b * N, (b + 1) * N)),
      );
      if (r !== 0) differs++;
    }
    // The check above would hold trivially if every scene kept its first chain.
    expect(differs).toBeGreaterThan(0);
    T.dispose([x, w, a, ...singles]);
  });

  it('with one restart is the plain chain', () => {
    const { x, w } = inputs(2);
    const plain = identifyBatch(model, x, w, chain, 15, { rng: new Rng(9) }).a;
    const one = identifyBatch(model, x, w, { ...chain, restarts: 1 }, 15, { rng: new Rng(9) }).a;
    expect(Array.from(T.read(one))).toEqual(Array.from(T.read(plain)));
    T.dispose([x, w, plain, one]);
  });

  it('is a test-time knob of the a-chain only, named in every error', () => {
    expect(() =>
      identifyBatch(model, inputs(3).x, inputs(3).w, { ...chain, restarts: 2 }, 15, {
        rng: new Rng(1),
        differentiable: true,
      }),
    ).toThrow(/restarts > 1 are not differentiable/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { x: { restarts: 2 } })),
    ).toThrow(/x-chain: restarts apply to identification/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { a: { restarts: 0 } })),
    ).toThrow(/a-chain: restarts must be an integer >= 1/);
    expect(() =>
      validateInferenceSettings(withChains(DEFAULT_INFERENCE, { a: { restarts: 1.5 } })),
    ).toThrow(/restarts must be an integer/);
  });
});
