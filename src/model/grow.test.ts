import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { canonicalModelConfig, type ModelConfig } from './config.js';
import { growModel, growthProblem, oldUnits } from './grow.js';
import { EnergyModel } from './model.js';
import { checkParamValues } from './params.js';

await useEngine();

const base: ModelConfig = {
  variant: 'relational',
  attributes: 5,
  codeSize: 3,
  hidden: 6,
  gLayers: 2,
  fLayers: 1,
};
const grownConfig: ModelConfig = { ...base, pairDistance: true };

/** Each model's energies on the same two random scenes of 4 entities (code size 3). */
function energiesOf(models: EnergyModel[]): Float32Array[] {
  const rng = new Rng(9);
  const x = T.tensor(
    Float32Array.from({ length: 2 * 4 * 5 }, () => rng.range(-1, 1)),
    [2, 4, 5],
  );
  const a = T.tensor(
    Float32Array.from({ length: 8 }, () => rng.range(-2, 2)),
    [2, 4],
  );
  const w = T.tensor(
    Float32Array.from({ length: 6 }, () => rng.range(-1, 1)),
    [2, 3],
  );
  const out = models.map((m) => T.tidy(() => T.read(m.energy(x, a, w))));
  T.dispose([x, a, w]);
  return out;
}

describe('growing a model', () => {
  it('turns on pairDistance without changing the energy', () => {
    const model = EnergyModel.init(base, new Rng(4), 1.5);
    const adam = { 'adam.m/g0.wi': { shape: [5, 6], values: new Float32Array(30) } };
    const grown = growModel(
      { config: base, values: model.values(), meta: {}, extra: adam },
      grownConfig,
    );
    checkParamValues(grown.config, grown.values);
    expect(grown.config.pairDistance).toBe(true);
    expect(grown.extra?.['adam.v/g0.wd']?.values.length).toBe(6);

    const after = new EnergyModel(grown.config, grown.values);
    // The grown model does see distances once g0.wd moves: the equality is not vacuous.
    const nudged = new EnergyModel(grown.config, {
      ...grown.values,
      'g0.wd': new Float32Array(6).fill(0.5),
    });
    const [e0, e1, e2] = energiesOf([model, after, nudged]);
    expect(Array.from(e1)).toEqual(Array.from(e0));
    expect(Math.abs(e2[0] - e0[0])).toBeGreaterThan(1e-4);
    for (const m of [model, after, nudged]) m.dispose();
  });

  it('widens every hidden layer without changing the energy, and the new units are live', () => {
    const from: ModelConfig = { ...grownConfig, gLayers: 3, fLayers: 2, energyOutputs: 2 };
    const to: ModelConfig = { ...from, hidden: 10 };
    const model = EnergyModel.init(from, new Rng(4), 1.5);
    const adam: Record<string, { shape: number[]; values: Float32Array }> = {};
    for (const [k, v] of Object.entries(model.values()))
      adam[`adam.v/${k}`] = { shape: [v.length], values: v.map(() => 0.5) };
    const grown = growModel(
      { config: from, values: model.values(), meta: {}, extra: adam },
      to,
      new Rng(5),
    );
    checkParamValues(grown.config, grown.values);
    // Old entries are kept where they were: g1.w's old block, row by row.
    const old = model.values()['g1.w'];
    expect(Array.from(grown.values['g1.w'].subarray(10, 16))).toEqual(
      Array.from(old.subarray(6, 12)),
    );
    // A new unit's outgoing weights to old units are zero; its incoming ones are not.
    expect(Array.from(grown.values['g1.w'].subarray(6 * 10, 6 * 10 + 6))).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(grown.values['g0.wi'][6]).not.toBe(0);
    expect(Array.from(grown.values['out.w'].subarray(6 * 2))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // Adam moments: old entries kept, new ones zero.
    expect(grown.extra?.['adam.v/g1.w'].values[0]).toBe(0.5);
    expect(grown.extra?.['adam.v/g1.w'].values[6]).toBe(0);

    const after = new EnergyModel(grown.config, grown.values);
    // Once a weight leaving a new unit moves, the energy changes: the new units compute something.
    const outW = grown.values['out.w'].slice();
    outW.fill(0.5, 6 * 2);
    const nudged = new EnergyModel(grown.config, { ...grown.values, 'out.w': outW });
    const [e0, e1, e2] = energiesOf([model, after, nudged]);
    for (let b = 0; b < 2; b++)
      expect(Math.abs(e1[b] - e0[b])).toBeLessThan(1e-5 * Math.max(1, Math.abs(e0[b])));
    expect(Math.abs(e2[0] - e0[0])).toBeGreaterThan(1e-3);
    expect(() => growModel({ config: from, values: model.values(), meta: {} }, to)).toThrow(
      /needs an rng/,
    );
    for (const m of [model, after, nudged]) m.dispose();
  });

  it('cuts a widened model back to its old units: the inverse of the widening, and an ablation once trained', () => {
    const from: ModelConfig = {
      ...grownConfig,
      gLayers: 3,
      fLayers: 2,
      energyOutputs: 2,
      pairDirection: true,
    };
    const model = EnergyModel.init(from, new Rng(4), 1.5);
    const grown = growModel(
      { config: from, values: model.values(), meta: {} },
      { ...from, hidden: 10 },
      new Rng(5),
    );
    const back = oldUnits(grown, 6);
    expect(back.config).toEqual(canonicalModelConfig(from));
    expect(oldUnits({ ...grown, inference: { x: { steps: 40 } } }, 6).inference).toEqual({
      x: { steps: 40 },
    });
    for (const [k, v] of Object.entries(model.values()))
      expect(Array.from(back.values[k])).toEqual(Array.from(v));
    // Once a weight from a new unit into an old one is live, the old units alone compute a different energy.
    const g1 = grown.values['g1.w'].slice();
    g1.fill(0.5, 6 * 10);
    const live = new EnergyModel(grown.config, { ...grown.values, 'g1.w': g1 });
    const cut = new EnergyModel(
      back.config,
      oldUnits({ ...grown, values: { ...grown.values, 'g1.w': g1 } }, 6).values,
    );
    const [e0, e1, e2] = energiesOf([model, live, cut]);
    expect(Array.from(e2)).toEqual(Array.from(e0));
    expect(Math.abs(e1[0] - e0[0])).toBeGreaterThan(1e-3);
    expect(() => oldUnits(grown, 11)).toThrow(/hidden must be an integer in 1..10/);
    for (const m of [model, live, cut]) m.dispose();
  });

  it('turns on pairDirection without changing the energy, on top of the distance', () => {
    const model = EnergyModel.init(grownConfig, new Rng(4), 1.5);
    const to = { ...grownConfig, pairDirection: true };
    const adam = { 'adam.m/g0.wi': { shape: [5, 6], values: new Float32Array(30) } };
    const grown = growModel(
      { config: grownConfig, values: model.values(), meta: {}, extra: adam },
      to,
    );
    checkParamValues(grown.config, grown.values);
    expect(Array.from(grown.values['g0.wv'])).toEqual(new Array(12).fill(0));
    expect(grown.extra?.['adam.v/g0.wv']?.shape).toEqual([2, 6]);

    const after = new EnergyModel(grown.config, grown.values);
    const nudged = new EnergyModel(grown.config, {
      ...grown.values,
      'g0.wv': new Float32Array(12).fill(0.5),
    });
    const [e0, e1, e2] = energiesOf([model, after, nudged]);
    expect(Array.from(e1)).toEqual(Array.from(e0));
    expect(Math.abs(e2[0] - e0[0])).toBeGreaterThan(1e-4);
    expect(growthProblem(to, grownConfig)).toMatch(/pairDirection .*cannot be dropped/);
    for (const m of [model, after, nudged]) m.dispose();
  });

  it('turns on pairDirection while widening: the new input feeds the new units only, and the energy is unchanged', () => {
    const to: ModelConfig = { ...grownConfig, hidden: 9, pairDirection: true };
    const model = EnergyModel.init(grownConfig, new Rng(4), 1.5);
    const grown = growModel(
      { config: grownConfig, values: model.values(), meta: {} },
      to,
      new Rng(5),
    );
    checkParamValues(grown.config, grown.values);
    const wv = grown.values['g0.wv']; // [2, 9]: columns 0-5 feed old units, 6-8 new ones
    for (let r = 0; r < 2; r++) {
      expect(Array.from(wv.subarray(r * 9, r * 9 + 6))).toEqual([0, 0, 0, 0, 0, 0]);
      for (let c = 6; c < 9; c++) expect(wv[r * 9 + c]).not.toBe(0);
    }
    const after = new EnergyModel(grown.config, grown.values);
    // Once the new units' outgoing weights move, the direction reaches the energy.
    const g1 = grown.values['g1.w'].slice();
    g1.fill(0.5, 6 * 9);
    const nudged = new EnergyModel(grown.config, { ...grown.values, 'g1.w': g1 });
    const noDirection = new EnergyModel(grown.config, {
      ...grown.values,
      'g1.w': g1,
      'g0.wv': new Float32Array(18),
    });
    const [e0, e1, e2, e3] = energiesOf([model, after, nudged, noDirection]);
    for (let b = 0; b < 2; b++)
      expect(Math.abs(e1[b] - e0[b])).toBeLessThan(1e-5 * Math.max(1, Math.abs(e0[b])));
    expect(Math.abs(e2[0] - e3[0])).toBeGreaterThan(1e-4);
    for (const m of [model, after, nudged, noDirection]) m.dispose();
  });

  it('refuses any other change, and dropping the distance', () => {
    expect(growthProblem(base, base)).toBeNull();
    expect(growthProblem(base, grownConfig)).toBeNull();
    expect(growthProblem(base, { ...grownConfig, gLayers: 3 })).toMatch(/differs from the config/);
    expect(growthProblem(base, { ...grownConfig, hidden: 8 })).toBeNull();
    expect(growthProblem(base, { ...base, hidden: 4 })).toMatch(/widened, not narrowed/);
    expect(growthProblem(grownConfig, base)).toMatch(/cannot be dropped/);
    expect(growthProblem(base, { ...base, pairDistance: 'squared' })).toBeNull();
    expect(growthProblem(grownConfig, { ...base, pairDistance: 'squared' })).toMatch(
      /cannot be swapped/,
    );
    expect(
      growthProblem(
        { ...grownConfig, pairDirection: true },
        { ...grownConfig, pairDirection: 0.2 },
      ),
    ).toMatch(/pair direction has eps true .* cannot be swapped/);
    expect(growthProblem(grownConfig, { ...grownConfig, pairDirection: 0.2 })).toBeNull();
  });
});
