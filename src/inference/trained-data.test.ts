/** A model file's test-time chains are read whole: missing or out-of-bounds knobs are refused, never defaulted. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG } from '../model/config.js';
import { initParams } from '../model/params.js';
import { Rng } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { DEFAULT_INFERENCE } from './settings.js';
import { trainedFromData } from './trained-data.js';

await useEngine();

const config = { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 };
const data = (inference: unknown) => ({
  config,
  values: initParams(config, new Rng(1)),
  inference,
  meta: {},
});

describe('trainedFromData', () => {
  it('reads a model with its chains', () => {
    const t = trainedFromData(data(DEFAULT_INFERENCE), 'm');
    expect(t.inference).toEqual(DEFAULT_INFERENCE);
    t.model.dispose();
  });

  it('refuses a model without its chains, or with knobs beyond their bounds, naming them', () => {
    expect(() => trainedFromData(data(undefined), 'm')).toThrow(
      /^m: the model file has no "inference" block/,
    );
    const { w: _w, ...noW } = DEFAULT_INFERENCE;
    expect(() => trainedFromData(data(noW), 'm')).toThrow(/m: inference: inference\.w: missing/);
    expect(() =>
      trainedFromData(
        data({ ...DEFAULT_INFERENCE, w: { ...DEFAULT_INFERENCE.w, steps: 1e9 } }),
        'm',
      ),
    ).toThrow(/w-chain: steps must be at most 10000, got 1000000000/);
    expect(() =>
      trainedFromData(
        data({ ...DEFAULT_INFERENCE, a: { ...DEFAULT_INFERENCE.a, restarts: 5000 } }),
        'm',
      ),
    ).toThrow(/restarts must be at most 1000/);
  });
});
