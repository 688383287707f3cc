/**
 * The two backends answer the same episode alike: with the same keys, the
 * engine's and the kernel's chains end in the same place up to float
 * rounding, so a figure does not depend on the backend.
 */
import { describe, expect, it } from 'vitest';
import { answerEvalEpisode, episodeChainRng, evalEpisodes } from './evaluate.js';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { sceneToArray } from '../world/scene.js';
import {
  INFERENCE_BACKENDS,
  backendOf,
  engineBackend,
  kernelBackend,
} from '../inference/backend.js';
import { DEFAULT_INFERENCE, withChains } from '../inference/settings.js';

await useEngine();

const model = EnergyModel.init(
  { ...DEFAULT_MODEL_CONFIG, codeSize: 8, hidden: 16, gLayers: 2, fLayers: 1, pairDistance: true },
  new Rng(4),
);
const settings = withChains(DEFAULT_INFERENCE, {
  w: { steps: 6 },
  x: { steps: 8, shrink: 0.3, refit: 4 },
  a: { steps: 8, restarts: 3, polish: 1 },
});
const o = { episodes: 4, demos: 3, seed: 21 };

describe('inference backends', () => {
  it('are named and built by name', () => {
    expect(INFERENCE_BACKENDS).toEqual(['engine', 'kernel']);
    for (const name of INFERENCE_BACKENDS) expect(backendOf(model, name).name).toBe(name);
  });

  it('generate the same scenes from the same keys', () => {
    const engine = engineBackend(model);
    const kernel = kernelBackend(model);
    for (const family of ['make-square', 'move-between', 'make-red'] as const) {
      evalEpisodes(family, o).forEach((ep, i) => {
        const a = answerEvalEpisode(engine, ep, settings, episodeChainRng(o, family, i));
        const b = answerEvalEpisode(kernel, ep, settings, episodeChainRng(o, family, i));
        if (!('after' in a) || !('after' in b)) throw new Error('expected scenes');
        const x = sceneToArray(a.after);
        const y = sceneToArray(b.after);
        const worst = Math.max(...x.map((v, q) => Math.abs(v - y[q])));
        expect(worst).toBeLessThan(2e-3);
      });
    }
  });

  it('identify the same sets from the same keys', () => {
    const engine = engineBackend(model);
    const kernel = kernelBackend(model);
    let same = 0;
    let total = 0;
    for (const family of ['red', 'between', 'count-2'] as const) {
      evalEpisodes(family, o).forEach((ep, i) => {
        const a = answerEvalEpisode(engine, ep, settings, episodeChainRng(o, family, i));
        const b = answerEvalEpisode(kernel, ep, settings, episodeChainRng(o, family, i));
        if (!('mask' in a) || !('mask' in b)) throw new Error('expected masks');
        same += a.mask.join() === b.mask.join() ? 1 : 0;
        total++;
      });
    }
    // a restart's win can turn on a rounding-level energy difference; nearly all agree
    expect(same).toBeGreaterThanOrEqual(total - 1);
  });

  it('generate the same composed scenes (and, or, not) from the same keys', () => {
    const engine = engineBackend(model);
    const kernel = kernelBackend(model);
    const [ep] = evalEpisodes('move-close', o);
    const codes = [0, 1].map((k) =>
      Float32Array.from({ length: 8 }, (_, i) => Math.sin(3 * i + k + 1)),
    ) as [Float32Array, Float32Array];
    for (const op of ['and', 'or', 'not'] as const) {
      const run = (b: typeof engine) =>
        sceneToArray(
          b.generateComposed(
            ep.test.before,
            ep.test.attention,
            codes,
            op,
            settings,
            new Rng(9).split(op),
            // without the shrink, which holds an untrained model's small moves at the start
            { temperature: 0.5, chain: { ...settings.x, shrink: 0, refit: 0 } },
          ).after,
        );
      const x = run(engine);
      const y = run(kernel);
      expect(Math.max(...x.map((v, q) => Math.abs(v - y[q])))).toBeLessThan(2e-3);
      const start = sceneToArray(ep.test.before);
      expect(Math.max(...x.map((v, q) => Math.abs(v - start[q])))).toBeGreaterThan(1e-3);
    }
  });

  it('the engine refuses scenes beyond the format limit before wasm sees them, and keeps working', () => {
    const engine = engineBackend(model);
    const big = {
      entities: Array.from({ length: 40 }, (_, i) => ({
        pos: [i / 40 - 0.5, 0] as [number, number],
        color: [0.2, 0.4, 0.6] as [number, number, number],
      })),
    };
    expect(() => engine.identify(big, new Float32Array(8), settings, new Rng(1))).toThrow(
      /identify: 40 entities; the engine backend takes at most 32/,
    );
    const [ep] = evalEpisodes('red', o);
    expect('mask' in answerEvalEpisode(engine, ep, settings, episodeChainRng(o, 'red', 0))).toBe(
      true,
    );
  });
});
