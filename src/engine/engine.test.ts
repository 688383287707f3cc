import { describe, expect, it } from 'vitest';
import { relativeError, useEngine } from '../test-utils/engine.js';
import * as T from './index.js';
import { fusedSiluAvailable } from './silu.js';

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
  {
    name: 'sigmoid',
    f: T.sigmoid,
    d1: (v) => sig(v) * (1 - sig(v)),
    d2: (v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v)),
  },
  {
    name: 'silu',
    f: T.silu,
    d1: (v) => sig(v) + v * sig(v) * (1 - sig(v)),
    d2: (v) => 2 * sig(v) * (1 - sig(v)) + v * sig(v) * (1 - sig(v)) * (1 - 2 * sig(v)),
  },
  { name: 'softplus', f: T.softplus, d1: sig, d2: (v) => sig(v) * (1 - sig(v)) },
  { name: 'logSigmoid', f: T.logSigmoid, d1: (v) => 1 - sig(v), d2: (v) => -sig(v) * (1 - sig(v)) },
  { name: 'square', f: T.square, d1: (v) => 2 * v, d2: () => 2 },
  {
    name: 'bce(y=1)',
    f: (t) => T.bceWithLogits(t, T.onesLike(t)),
    d1: (v) => sig(v) - 1,
    d2: (v) => sig(v) * (1 - sig(v)),
  },
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

  it('logSumExp: value, gradient (softmax) and Hessian against float64, with a large shift', () => {
    // Rows with a large offset test the max shift; H = diag(p) - p p^T.
    const rows = [
      [0.3, -1.2, 2.0, 0.7],
      [500.5, 499, 501.25, 480],
    ];
    const z = T.tensor(rows);
    const v = T.tensor([
      [0.5, -1, 0.25, 2],
      [-0.3, 0.8, 1.5, -2],
    ]);
    const value = T.read(T.logSumExp(z));
    const g1 = (t: T.Tensor) => T.grad((u: T.Tensor) => T.sum(T.logSumExp(u)))(t);
    const hv = T.read(T.grad((t: T.Tensor) => T.sum(T.mul(g1(t), v)))(z));
    const grad = T.read(g1(z));
    const vs = [
      [0.5, -1, 0.25, 2],
      [-0.3, 0.8, 1.5, -2],
    ];
    rows.forEach((r, b) => {
      const m = Math.max(...r);
      const s = r.reduce((acc, x) => acc + Math.exp(x - m), 0);
      expect(Math.abs(value[b] - (m + Math.log(s)))).toBeLessThan(1e-4);
      const p = r.map((x) => Math.exp(x - m) / s);
      const pv = p.reduce((acc, pi, i) => acc + pi * vs[b][i], 0);
      expect(relativeError(grad.subarray(b * 4, b * 4 + 4), p)).toBeLessThan(1e-5);
      expect(
        relativeError(
          hv.subarray(b * 4, b * 4 + 4),
          p.map((pi, i) => pi * vs[b][i] - pi * pv),
        ),
      ).toBeLessThan(1e-4);
    });
    T.dispose([z, v]);
  });

  it('stopGradient passes the value and blocks the gradient', () => {
    const g = T.grad((t: T.Tensor) => T.sum(T.add(T.square(T.stopGradient(t)), t)));
    const x = T.tensor([1, 2, 3]);
    expect(Array.from(T.read(T.stopGradient(x)))).toEqual([1, 2, 3]);
    expect(Array.from(T.read(g(x)))).toEqual([1, 1, 1]);
  });
});

describe('fused SiLU kernels on wasm (./silu.ts)', () => {
  const s = sig;
  const d1 = (v: number) => s(v) * (1 + v * (1 - s(v)));
  const d2 = (v: number) => s(v) * (1 - s(v)) * (2 + v * (1 - 2 * s(v)));
  const q = (v: number) => s(v) * (1 - s(v));
  const d3 = (v: number) => q(v) * ((1 - 2 * s(v)) * (3 + v * (1 - 2 * s(v))) - 2 * v * q(v));
  // Sizes 1-15 take the plain-loop path, 16, 17 and 37 the kernels (17, 37: an overlapping last block).
  const values = (n: number) =>
    Array.from({ length: n }, (_, i) => -9 + (18 * i) / Math.max(1, n - 1) + 0.013);

  it('are the ones in use here', () => {
    expect(fusedSiluAvailable()).toBe(true);
  });

  it.each([1, 3, 15, 16, 17, 37])(
    'n = %i: silu and its derivatives to the third order match closed forms',
    (n) => {
      const v = values(n);
      const x = T.tensor(v);
      const f = (t: T.Tensor) => T.sum(T.silu(t));
      const g1 = T.grad(f);
      const g2 = T.grad((t: T.Tensor) => T.sum(g1(t)));
      const g3 = T.grad((t: T.Tensor) => T.sum(g2(t)));
      const v32 = v.map(Math.fround);
      expect(
        relativeError(
          T.read(T.silu(x)),
          v32.map((u) => u * s(u)),
        ),
      ).toBeLessThan(1e-6);
      expect(relativeError(T.read(g1(x)), v32.map(d1))).toBeLessThan(1e-6);
      expect(relativeError(T.read(g2(x)), v32.map(d2))).toBeLessThan(1e-6);
      // The third order is composite float32 ops with cancellation near x = 0.
      expect(relativeError(T.read(g3(x)), v32.map(d3))).toBeLessThan(1e-4);
      x.dispose();
    },
  );

  it('mixed second-order partials through the upstream gradient: d/dc sum_i d/dx_i [c_i silu(x_i)]^2', () => {
    // h(c) = sum_i 2 c_i^2 silu(x_i) silu'(x_i); dh/dc_i = 4 c_i silu silu'
    const v = values(9);
    const c0 = v.map((u, i) => 0.3 + 0.1 * i);
    const x = T.tensor(v);
    const h = (c: T.Tensor) =>
      T.sum(T.grad((t: T.Tensor) => T.sum(T.square(T.mul(c, T.silu(t)))))(x));
    const got = T.read(T.grad(h)(T.tensor(c0)));
    const want = v.map((u) => Math.fround(u)).map((u, i) => 4 * c0[i] * u * s(u) * d1(u));
    expect(relativeError(got, want)).toBeLessThan(1e-5);
    x.dispose();
  });

  it('refuses mismatched inputs by name', () => {
    expect(() =>
      T.tidy(() =>
        T.grad((t: T.Tensor) => T.sum(T.silu(t)))(T.tensor([1, 2, 3, 4, 5], [5], 'int32')),
      ),
    ).toThrow();
  });
});

describe('isEngineAbort', () => {
  it("names the wasm module's own failures, and nothing else", () => {
    for (const m of [
      'Aborted(). Build with -sASSERTIONS for more info.',
      'table index is out of bounds',
      'memory access out of bounds',
    ])
      expect(T.isEngineAbort(new Error(m))).toBe(true);
    for (const m of ['loss is NaN', 'a batch needs scenes of one size', 'out of range'])
      expect(T.isEngineAbort(new Error(m))).toBe(false);
  });
});
