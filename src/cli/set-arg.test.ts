import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, resolveTrainingConfig } from '../training/config.js';
import { applyConfigOverrides } from './set-arg.js';

describe('--set overrides', () => {
  it('sets fields by dotted path, read as JSON, and leaves the rest', () => {
    const c = applyConfigOverrides(DEFAULT_TRAINING, [
      'model.pairDirection=true',
      'loss.contrastive=0.5',
      'families.count-4+=3',
      'steps=10',
    ]) as typeof DEFAULT_TRAINING;
    expect(c.model.pairDirection).toBe(true);
    expect(c.loss.contrastive).toBe(0.5);
    expect((c.families as Record<string, number>)['count-4+']).toBe(3);
    expect(c.steps).toBe(10);
    expect(c.model.hidden).toBe(DEFAULT_TRAINING.model.hidden);
    expect(c.inference).toEqual(DEFAULT_TRAINING.inference);
    // The input is not modified.
    expect(DEFAULT_TRAINING.model.pairDirection ?? false).toBe(false);
    expect(resolveTrainingConfig(c).model.pairDirection).toBe(true);
  });

  it('names what is wrong; validation then catches a bad value', () => {
    expect(() => applyConfigOverrides(DEFAULT_TRAINING, ['model.hidden'])).toThrow(/PATH=VALUE/);
    expect(() => applyConfigOverrides(DEFAULT_TRAINING, ['steps.x=1'])).toThrow(
      /"x" is under a field that is not an object/,
    );
    const bad = applyConfigOverrides(DEFAULT_TRAINING, ['model.pairDirection=yes']);
    expect(() => resolveTrainingConfig(bad)).toThrow(
      /pairDirection: expected true, false or a smoothing radius/,
    );
  });
});
