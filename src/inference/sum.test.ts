/** Inference on a summed model (../model/sum.ts): each half reads its own code. */
import { describe, expect, it } from 'vitest';
import * as T from '../engine/index.js';
import type { EnergyModel } from '../model/model.js';
import { summed, uniform } from '../model/test-utils/sum-fixtures.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { inferCodes } from './infer.js';

await useEngine();

describe('a summed model', () => {
  it("infers each half's code from demos as that model does alone (the w-chain, weighted or not)", () => {
    const c = 0.3;
    const { ma, mb, ms } = summed(c);
    const rng = new Rng(7);
    const xd = uniform(rng, [3, 4, 5], -1, 1);
    const ad = uniform(rng, [3, 4], -3, 3);
    const chain = { steps: 6, stepSize: 0.1, noise: 0, gradClamp: 1e6 };
    const code = (m: EnergyModel) => T.tidy(() => T.read(inferCodes(m, xd, ad, 3, chain).w));
    const [wa, wb, ws] = [code(ma), code(mb), code(ms)];
    expect(Math.hypot(...wb)).toBeGreaterThan(1e-3);
    for (let i = 0; i < 3; i++) expect(ws[i]).toBeCloseTo(wa[i], 4);
    for (let i = 0; i < 2; i++) expect(ws[3 + i] / Math.sqrt(c)).toBeCloseTo(wb[i], 4);
    T.dispose([xd, ad]);
    for (const m of [ma, mb, ms]) m.dispose();
  });
});
