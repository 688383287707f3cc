import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, describeEnergy, type ModelConfig } from './config.js';

describe('describeEnergy', () => {
  it("calls the paper's energy the paper's, and names no departure", () => {
    const text = describeEnergy(DEFAULT_MODEL_CONFIG);
    expect(text).toContain(`${DEFAULT_MODEL_CONFIG.variant} energy`);
    expect(text).toContain(`hidden ${DEFAULT_MODEL_CONFIG.hidden}`);
    expect(text).toContain('as in the paper');
    expect(text).not.toContain('not in the paper');
    expect(text).not.toContain('the paper has one');
  });

  it('names every departure: more outputs and the pair distance', () => {
    const c: ModelConfig = { ...DEFAULT_MODEL_CONFIG, energyOutputs: 4, pairDistance: true };
    const text = describeEnergy(c);
    expect(text).toContain('4 squared outputs');
    expect(text).toContain('the paper has one');
    expect(text).not.toContain('as in the paper');
    expect(text).toMatch(/(^|, )pair distance as an input of g \(not in the paper\)/);
    expect(describeEnergy({ ...c, pairDistance: 'squared' })).toContain(
      'squared pair distance as an input of g',
    );
  });

  it('reads a config saved before the optional fields existed as one output, no distance', () => {
    const {
      energyOutputs: _k,
      pairDistance: _d,
      ...old
    } = { ...DEFAULT_MODEL_CONFIG, energyOutputs: 3, pairDistance: true };
    expect(describeEnergy(old as ModelConfig)).toBe(
      describeEnergy({ ...DEFAULT_MODEL_CONFIG, energyOutputs: 1, pairDistance: false }),
    );
  });
});
