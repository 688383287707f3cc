import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import type { ModelConfig } from './config.js';
import { growModel, growthProblem } from './grow.js';
import { EnergyModel } from './model.js';
import { checkParamValues } from './params.js';

await useEngine();

const base: ModelConfig = { variant: 'relational', attributes: 5, codeSize: 3, hidden: 6, gLayers: 2, fLayers: 1 };
const grownConfig: ModelConfig = { ...base, pairDistance: true };

describe('growing a model', () => {
  it('turns on pairDistance without changing the energy', () => {
    const model = EnergyModel.init(base, new Rng(4), 1.5);
    const adam = { 'adam.m/g0.wi': { shape: [5, 6], values: new Float32Array(30) } };
    const grown = growModel({ config: base, values: model.values(), meta: {}, extra: adam }, grownConfig);
    checkParamValues(grown.config, grown.values);
    expect(grown.config.pairDistance).toBe(true);
    expect(grown.extra?.['adam.v/g0.wd']?.values.length).toBe(6);

    const rng = new Rng(9);
    const x = T.tensor(Float32Array.from({ length: 2 * 4 * 5 }, () => rng.range(-1, 1)), [2, 4, 5]);
    const a = T.tensor(Float32Array.from({ length: 8 }, () => rng.range(-2, 2)), [2, 4]);
    const w = T.tensor(Float32Array.from({ length: 6 }, () => rng.range(-1, 1)), [2, 3]);
    const after = new EnergyModel(grown.config, grown.values);
    const e0 = T.tidy(() => T.read(model.energy(x, a, w)));
    const e1 = T.tidy(() => T.read(after.energy(x, a, w)));
    expect(Array.from(e1)).toEqual(Array.from(e0));
    // The grown model does see distances once g0.wd moves: the check above is not vacuous.
    const nudged = new EnergyModel(grown.config, { ...grown.values, 'g0.wd': new Float32Array(6).fill(0.5) });
    const e2 = T.tidy(() => T.read(nudged.energy(x, a, w)));
    expect(Math.abs(e2[0] - e0[0])).toBeGreaterThan(1e-4);
    T.dispose([x, a, w]);
    for (const m of [model, after, nudged]) m.dispose();
  });

  it('refuses any other change, and dropping the distance', () => {
    expect(growthProblem(base, base)).toBeNull();
    expect(growthProblem(base, grownConfig)).toBeNull();
    expect(growthProblem(base, { ...grownConfig, hidden: 8 })).toMatch(/differs from the config/);
    expect(growthProblem(grownConfig, base)).toMatch(/cannot be dropped/);
    expect(growthProblem(base, { ...base, pairDistance: 'squared' })).toBeNull();
    expect(growthProblem(grownConfig, { ...base, pairDistance: 'squared' })).toMatch(/cannot be swapped/);
  });
});
