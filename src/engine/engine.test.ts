import { describe, expect, it } from 'vitest';
import { relativeError, useEngine } from '../test-utils/engine.js';
import * as T from './index.js';

await useEngine();

const xs = [-3, -1.2, -0.2, 0.4, 1.7, 4];
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Elementwise ops with their first and second derivatives in closed form (float64). */
const ops: {
  name: string;
  f: (t: T.Tensor) => T.Tensor;
  d1: (v: number) => number;
  d2: (v: number) => number;
}[] = [
  { name: 'sigmoid', f: T.sigmoid, d1: (v) => sig(v) * (1 - sig(v)), d2: (v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v)) },
  {
    name: 'silu',
    f: T.silu,
    d1: (v) => sig(v) + v * sig(v) * (1 - sig(v)),
    d2: (v) => 2 * sig(v) * (1 - sig(v)) + v * sig(v) * (1 - sig(v)) * (1 - 2 * sig(v)),
  },
  { name: 'softplus', f: T.softplus, d1: sig, d2: (v) => sig(v) * (1 - sig(v)) },
  { name: 'logSigmoid', f: T.logSigmoid, d1: (v) => 1 - sig(v), d2: (v) => -sig(v) * (1 - sig(v)) },
  { name: 'square', f: T.square, d1: (v) => 2 * v, d2: () => 2 },
  { name: 'bce(y=1)', f: (t) => T.bceWithLogits(t, T.onesLike(t)), d1: (v) => sig(v) - 1, d2: (v) => sig(v) * (1 - sig(v)) },
];

describe('engine ops: first and second derivatives', () => {
  it.each(ops)('$name', ({ f, d1, d2 }) => {
    const x = T.tensor(xs);
    const g1 = T.grad((t: T.Tensor) => T.sum(f(t)));
    const g2 = T.grad((t: T.Tensor) => T.sum(g1(t)));
    const first = T.read(g1(x));
    const second = T.read(g2(x));
    expect(relativeError(first, xs.map(d1))).toBeLessThan(1e-5);
    expect(relativeError(second, xs.map(d2))).toBeLessThan(1e-5);
    x.dispose();
  });

  it('mixed partial through our sigmoid is exact (tfjs#3252 case)', () => {
    // d/dw sum_i d/dx_i sigmoid(w x_i) = sum_i s'(w x_i) + w x_i s''(w x_i)
    const w0 = 0.7;
    const x = T.tensor(xs);
    const h = (w: T.Tensor) => T.sum(T.grad((t: T.Tensor) => T.sum(T.sigmoid(T.mul(t, w))))(x));
    const got = T.readScalar(T.grad(h)(T.scalar(w0)));
    const s1 = (v: number) => sig(v) * (1 - sig(v));
    const s2 = (v: number) => s1(v) * (1 - 2 * sig(v));
    const expected = xs.reduce((acc, v) => acc + s1(w0 * v) + w0 * v * s2(w0 * v), 0);
    expect(Math.abs(got - expected) / Math.abs(expected)).toBeLessThan(1e-5);
  });

  it('stopGradient passes the value and blocks the gradient', () => {
    const g = T.grad((t: T.Tensor) => T.sum(T.add(T.square(T.stopGradient(t)), t)));
    const x = T.tensor([1, 2, 3]);
    expect(Array.from(T.read(T.stopGradient(x)))).toEqual([1, 2, 3]);
    expect(Array.from(T.read(g(x)))).toEqual([1, 1, 1]);
  });
});
