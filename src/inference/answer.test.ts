/** answerEpisode on either backend; the engine's one-size rule is named before the engine sees the demos. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { EnergyModel } from '../model/model.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import type { EpisodeJson, SceneJson } from '../world/interchange.js';
import { answerEpisode } from './answer.js';
import { engineBackend, kernelBackend } from './backend.js';
import { DEFAULT_INFERENCE } from './settings.js';

await useEngine();

const scene = (n: number): SceneJson => ({
  entities: Array.from({ length: n }, (_, i) => ({
    pos: [i / n - 0.5, 0.1] as [number, number],
    color: [0.1, 0.2 + 0.1 * i, 0.3] as [number, number, number],
  })),
});
const episode: EpisodeJson = {
  demos: [
    { before: scene(3), after: scene(3), attention: [1, 0, 0] },
    { before: scene(5), after: scene(5), attention: [0, 1, 0, 0, 1] },
  ],
  queries: [{ task: 'identify', scene: scene(4) }],
};
const model = EnergyModel.init(
  { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4, gLayers: 2 },
  new Rng(1),
);

describe('answerEpisode', () => {
  it('takes demonstrations of mixed sizes on the kernel', () => {
    const a = answerEpisode(model, episode, DEFAULT_INFERENCE, new Rng(2), {
      backend: kernelBackend(model),
    });
    expect(a.concept).toHaveLength(4);
    expect((a.results[0] as { attention: number[] }).attention).toHaveLength(4);
  });

  it('names the demo of another size for the engine, which batches them', () => {
    expect(() =>
      answerEpisode(model, episode, DEFAULT_INFERENCE, new Rng(2), {
        backend: engineBackend(model),
      }),
    ).toThrow(
      /demos\[1\]: 5 entities, demos\[0\] has 3: the engine backend needs demonstrations of one size/,
    );
  });
});
