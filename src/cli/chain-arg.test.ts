import { describe, expect, it } from 'vitest';
import { DEFAULT_INFERENCE } from '../inference/settings.js';
import { resolveTrainingConfig } from '../training/config.js';
import { applyChainOverrides } from './chain-arg.js';

describe('--chain overrides', () => {
  it('sets one knob of one chain and leaves the rest', () => {
    const s = applyChainOverrides(DEFAULT_INFERENCE, [
      'a.steps=20',
      'x.noise=0',
      'attentionLogit=5',
    ]);
    expect(s.a.steps).toBe(20);
    expect(s.x.noise).toBe(0);
    expect(s.attentionLogit).toBe(5);
    expect(s.w).toEqual(DEFAULT_INFERENCE.w);
    expect(s.x.steps).toBe(DEFAULT_INFERENCE.x.steps);
  });

  it('names what is wrong', () => {
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['q.steps=1'])).toThrow(
      /CHAIN\.KNOB=VALUE/,
    );
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.speed=1'])).toThrow(
      /unknown knob "speed"/,
    );
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.steps=abc'])).toThrow(/not a number/);
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.steps=-2'])).toThrow(/x-chain: steps/);
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['a.anchor=1'])).toThrow(
      /a-chain: anchor applies to generation/,
    );
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.anchor=-1'])).toThrow(
      /x-chain: anchor must be/,
    );
  });

  it('x.anchor: the pull of the generation chain toward its start', () => {
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['x.anchor=0.5']).x.anchor).toBe(0.5);
  });

  it('x.pullBy: a word, attribute or coordinate', () => {
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['x.pullBy=coordinate']).x.pullBy).toBe(
      'coordinate',
    );
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.pullBy=entity'])).toThrow(
      /x-chain: pullBy must be one of attribute, coordinate, got "entity"/,
    );
  });

  it('x.pullUnit: a word, range or raw', () => {
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['x.pullUnit=raw']).x.pullUnit).toBe('raw');
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['x.pullUnit=range']).x.pullUnit).toBe('range');
    expect(() => applyChainOverrides(DEFAULT_INFERENCE, ['x.pullUnit=2'])).toThrow(
      /x-chain: pullUnit must be one of range, raw, got "2"/,
    );
  });

  it('sets the test-time search knobs (a.restarts, a.polish, a.enumerate), which training refuses', () => {
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['a.polish=2']).a.polish).toBe(2);
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['a.enumerate=12']).a.enumerate).toBe(12);
    expect(() => resolveTrainingConfig({ inference: { a: { enumerate: 12 } } })).toThrow(
      /inference\.a\.enumerate/,
    );
    expect(applyChainOverrides(DEFAULT_INFERENCE, ['a.restarts=4']).a.restarts).toBe(4);
    expect(() => resolveTrainingConfig({ inference: { a: { polish: 2 } } })).toThrow(
      /inference\.a\.polish/,
    );
    expect(() => resolveTrainingConfig({ inference: { a: { restarts: 4 } } })).toThrow(
      /inference\.a\.restarts/,
    );
    expect(() => resolveTrainingConfig({ inference: { x: { refit: 10 } } })).toThrow(
      /inference\.x\.refit/,
    );
  });
});
