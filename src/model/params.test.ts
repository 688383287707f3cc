import { describe, expect, it } from 'vitest';
import type { ModelConfig } from './config.js';
import { paramSpecs } from './params.js';

describe('parameter axes', () => {
  it('name one axis per dimension, each the size the config gives it', () => {
    const config: ModelConfig = {
      variant: 'relational',
      attributes: 5,
      codeSize: 3,
      hidden: 7,
      gLayers: 3,
      fLayers: 2,
      pairDistance: true,
      pairDirection: 0.2,
      energyOutputs: 2,
    };
    const size = { code: 3, hidden: 7, outputs: 2 } as const;
    for (const spec of paramSpecs(config)) {
      expect(spec.axes).toHaveLength(spec.shape.length);
      spec.axes.forEach((axis, i) => {
        if (axis !== 'input') expect(spec.shape[i], `${spec.name} axis ${i}`).toBe(size[axis]);
      });
    }
    const find = (name: string) => paramSpecs(config).find((s) => s.name === name)?.axes;
    expect(find('g0.wv')).toEqual(['input', 'hidden']);
    expect(find('f0.ww')).toEqual(['code', 'hidden']);
    expect(find('out.w')).toEqual(['hidden', 'outputs']);
    expect(find('out.b')).toEqual(['outputs']);
  });
});
