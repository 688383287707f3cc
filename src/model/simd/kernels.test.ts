import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { ENERGY_VARIANTS, type ModelConfig } from '../config.js';
import { FastEnergy } from '../fast-energy.js';
import { initParams, paramSpecs } from '../params.js';
import { SimdKernels } from './kernels.js';
import { relativeError } from '../../test-utils/engine.js';

describe('the WebAssembly kernels', () => {
  it('run here (Node 20 has WebAssembly SIMD)', () => {
    expect(SimdKernels.available()).toBe(true);
  });
});

describe('SimdKernels', () => {
  const rng = new Rng(4);
  const random = (len: number) => Float64Array.from({ length: len }, () => rng.range(-1, 1));
  /** Values already in float32, so that float64 references start from the kernels' inputs. */
  const random32 = (len: number) => Float32Array.from({ length: len }, () => rng.range(-1, 1));

  /** Allocate `values` in k's memory: its byte offset. */
  function put(k: SimdKernels, values: ArrayLike<number>, spare = 0): number {
    const at = k.alloc(values.length + spare);
    k.f32.set(values, at / 4);
    k.f32.fill(0, at / 4 + values.length, at / 4 + values.length + spare);
    return at;
  }
  const get = (k: SimdKernels, at: number, len: number) =>
    Array.from(k.f32.subarray(at / 4, at / 4 + len));

  // rows odd and even (the kernel pads to pairs), k not a multiple of 4, n one to four blocks.
  it.each([
    [1, 5, 16],
    [7, 3, 32],
    [36, 64, 64],
    [49, 128, 128],
    [2, 1, 48],
  ])(
    'mm: rows %i, k %i, n %i: inp x w + bias, and times mul, match float64 to float32 rounding',
    (rows, k, n) => {
      const kernels = new SimdKernels();
      const w = random(k * n);
      const bias = random(n);
      const wt = Float64Array.from({ length: k * n }, (_, q) => w[(q % k) * n + Math.floor(q / k)]); // [n, k]
      const plain = kernels.matrix(w, k, n, bias);
      const viaTranspose = kernels.matrix(wt, k, n, null, true);
      const inpValues = random32(rows * k);
      const mulValues = random32(rows * n);
      const inp = put(kernels, inpValues, k); // a spare row for odd `rows`
      const mul = put(kernels, mulValues, n);
      const out = kernels.alloc((rows + 1) * n);
      const outT = kernels.alloc((rows + 1) * n);
      const outMul = kernels.alloc((rows + 1) * n);
      kernels.mm(plain, inp, out, rows);
      kernels.mm(viaTranspose, inp, outT, rows);
      kernels.mm(plain, inp, outMul, rows, mul);
      const [got, gotT, gotMul] = [out, outT, outMul].map((at) => get(kernels, at, rows * n));
      let worst = 0;
      for (let p = 0; p < rows; p++) {
        for (let o = 0; o < n; o++) {
          let s = 0;
          let scale = Math.abs(Math.fround(bias[o]));
          for (let i = 0; i < k; i++) {
            const t = inpValues[p * k + i] * Math.fround(w[i * n + o]);
            s += t;
            scale += Math.abs(t);
          }
          const q = p * n + o;
          const m = mulValues[q];
          worst = Math.max(
            worst,
            Math.abs(got[q] - (s + Math.fround(bias[o]))) / scale,
            Math.abs(gotT[q] - s) / scale,
            Math.abs(gotMul[q] - (s + Math.fround(bias[o])) * m) / (scale * Math.abs(m) + 1e-30),
          );
        }
      }
      expect(worst).toBeLessThan(1e-6);
    },
  );

  it('silu: SiLU and its derivative (with their exp) match Math.exp to float32 rounding, from -100 to 100', () => {
    const kernels = new SimdKernels();
    // 37 values: two blocks of 16 and an overlapping last one; then 16, one block.
    for (const values of [
      [
        -100,
        -88,
        -20,
        -1,
        -1e-3,
        0,
        1e-3,
        0.5,
        1,
        3,
        10,
        20,
        88,
        100,
        ...random(23).map((v) => 12 * v),
      ],
      [-2, 0.25, 7, ...random(13).map((v) => 5 * v)],
    ]) {
      const count = values.length;
      const pre = put(kernels, values);
      const [h, der] = [kernels.alloc(count), kernels.alloc(count)];
      kernels.silu(pre, h, der, count);
      const [hs, ders] = [get(kernels, h, count), get(kernels, der, count)];
      values.forEach((v, q) => {
        const x = Math.fround(v); // the kernel's input is float32
        const s = 1 / (1 + Math.exp(-x));
        const d = s * (1 + x * (1 - s));
        expect(Math.abs(hs[q] - x * s), `silu(${v})`).toBeLessThanOrEqual(
          4e-7 * Math.abs(x * s) + 1e-30,
        );
        expect(Math.abs(ders[q] - d), `silu'(${v})`).toBeLessThanOrEqual(1e-6 * Math.abs(d) + 1e-7);
      });
    }
    expect(() => kernels.silu(0, 64, 128, 15)).toThrow(/at least 16/);
  });

  /** (i, j) for `count` rows of g over n entities, repeats and any order (as an x-chain lists them). */
  const rowList = (n: number, count: number) =>
    Int32Array.from({ length: 2 * count }, () => Math.floor(rng.uniform() * n));

  it.each([
    [3, 16, 9],
    [6, 64, 20],
    [12, 128, 144],
  ])(
    'pairsum and scatter (n %i, width %i, %i rows), both sides and one side',
    (n, width, count) => {
      const kernels = new SimdKernels();
      for (const pairs of [true, false]) {
        const stride = pairs ? 2 * width : width;
        const ppValues = random32(n * stride);
        const list = rowList(n, count);
        const pp = put(kernels, ppValues);
        const rows = kernels.alloc(list.length);
        kernels.i32.set(list, rows / 4);
        const out = kernels.alloc(count * width);
        kernels.pairsum(pp, stride, rows, count, width, pairs, out);
        const sums = get(kernels, out, count * width);
        const d = random32(count * width);
        const dp = put(kernels, new Float32Array(n * stride));
        kernels.scatter(put(kernels, d), rows, count, width, pairs, dp, stride);
        const want = new Float64Array(n * stride);
        let wrongSums = 0;
        for (let r = 0; r < count; r++) {
          const [i, j] = [list[2 * r], list[2 * r + 1]];
          for (let o = 0; o < width; o++) {
            const right = pairs ? ppValues[j * stride + width + o] : 0;
            if (sums[r * width + o] !== Math.fround(ppValues[i * stride + o] + right)) wrongSums++;
            want[i * stride + o] += d[r * width + o];
            if (pairs) want[j * stride + width + o] += d[r * width + o];
          }
        }
        expect(wrongSums).toBe(0);
        expect(relativeError(get(kernels, dp, n * stride), want)).toBeLessThan(1e-6);
      }
    },
  );

  it.each([
    [1, 16],
    [7, 64],
    [144, 128],
  ])('pool and seed (%i rows, width %i)', (count, width) => {
    const kernels = new SimdKernels();
    const [hValues, gateValues, dpoolValues, derValues] = [
      count * width,
      count,
      width,
      count * width,
    ].map(random32);
    const [h, gate, dpool, der] = [hValues, gateValues, dpoolValues, derValues].map((v) =>
      put(kernels, v),
    );
    const pool = kernels.alloc(width);
    kernels.pool(h, gate, count, width, pool);
    const want = new Float64Array(width);
    for (let r = 0; r < count; r++)
      for (let o = 0; o < width; o++) want[o] += gateValues[r] * hValues[r * width + o];
    expect(relativeError(get(kernels, pool, width), want)).toBeLessThan(1e-6);
    kernels.pool(h, gate, 0, width, pool);
    expect(get(kernels, pool, width)).toEqual(new Array(width).fill(0));

    const out = kernels.alloc(count * width);
    kernels.seed(gate, dpool, der, count, width, out);
    const seeded = get(kernels, out, count * width);
    const want2 = seeded.map((_, q) => {
      const [r, o] = [Math.floor(q / width), q % width];
      return Math.fround(Math.fround(gateValues[r] * dpoolValues[o]) * derValues[q]);
    });
    expect(seeded).toEqual(want2);
  });

  it('alloc grows the memory and replaces the views, keeping what is there', () => {
    const kernels = new SimdKernels();
    const first = put(kernels, [1, 2, 3]);
    const before = kernels.f32;
    const big = kernels.alloc(1 << 20);
    expect(before.length).toBe(0); // detached by the growth

    expect(kernels.f32.length).toBeGreaterThanOrEqual(big / 4 + (1 << 20));
    expect(get(kernels, first, 3)).toEqual([1, 2, 3]);
    expect(big % 64).toBe(0);
  });

  it('refuses widths that are not whole register blocks, and mismatched sizes', () => {
    const kernels = new SimdKernels();
    expect(() => kernels.matrix(new Float64Array(8 * 12), 8, 12, null)).toThrow(
      /output width 12 is not a multiple of 16/,
    );
    expect(() => kernels.matrix(new Float64Array(5), 8, 16, null)).toThrow(
      /5 values, expected 8 x 16/,
    );
    expect(() => kernels.matrix(new Float64Array(8 * 16), 8, 16, new Float64Array(3))).toThrow(
      /bias has 3 values/,
    );
    expect(() => kernels.pool(0, 0, 1, 8, 0)).toThrow(/width 8/);
  });
});

describe('FastEnergy on the kernels against its float64 loops', () => {
  const D = 5;

  /** Random weights and biases (initParams leaves biases at 0, which would hide bias bugs). */
  function params(config: ModelConfig, seed: number) {
    const rng = new Rng(seed);
    const values = initParams(config, rng, 1.5);
    for (const spec of paramSpecs(config)) {
      if (spec.fanIn === 0)
        values[spec.name] = Float32Array.from(values[spec.name], () => rng.range(-0.3, 0.3));
    }
    return values;
  }

  const SHAPES: [number, number, number, number][] = [
    // hidden, code, gLayers, fLayers
    [64, 16, 3, 1],
    [128, 32, 3, 1],
    [64, 16, 2, 2],
    [128, 32, 3, 2],
  ];

  describe.each(ENERGY_VARIANTS)('%s', (variant) => {
    it.each(SHAPES)(
      'hidden %i, code %i, gLayers %i, fLayers %i: E, gradients and chain views to float32 rounding',
      (hidden, codeSize, gLayers, fLayers) => {
        const config: ModelConfig = { variant, attributes: D, codeSize, hidden, gLayers, fLayers };
        const values = params(config, hidden + codeSize + gLayers + 7 * fLayers);
        const simd = new FastEnergy(config, values);
        const exact = new FastEnergy(config, values, { simd: false });
        expect(simd.precision).toBe('float32-simd');
        const rng = new Rng(hidden + gLayers);
        for (const n of [3, 6, 12]) {
          const x = Float32Array.from({ length: n * D }, () => rng.range(-0.9, 0.9));
          const a = Float32Array.from({ length: n }, () => rng.range(-3, 3));
          const w = Float32Array.from({ length: codeSize }, () => rng.range(-1, 1));
          const targets = () => ({
            dx: new Float32Array(n * D),
            da: new Float32Array(n),
            dw: new Float32Array(codeSize),
          });
          const [got, want] = [targets(), targets()];
          const e = simd.gradients(x, n, a, w, got);
          const ref = exact.gradients(x, n, a, w, want);
          const closeE = (v: number, to: number, tol: number) =>
            expect(Math.abs(v - to) / Math.max(Math.abs(to), 1e-2)).toBeLessThan(tol);
          // f runs in float32 too: at hidden 128, fLayers 2, N 12 the engine's own E is off by 8e-6 (this path: 1.2e-5).
          const TOL = 3e-5;
          closeE(e, ref, TOL);
          closeE(simd.energy(x, n, a, w), e, 1e-12);
          expect(relativeError(got.dx, want.dx), `dx, n ${n}`).toBeLessThan(1e-4);
          expect(relativeError(got.da, want.da), `da, n ${n}`).toBeLessThan(1e-4);
          expect(relativeError(got.dw, want.dw), `dw, n ${n}`).toBeLessThan(1e-4);

          // x-chains: every entity movable (no cached part), and some held.
          for (const movable of [
            Array.from({ length: n }, () => 1),
            Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
          ]) {
            const view = simd.xChain(x, n, a, w, movable);
            const dx = new Float32Array(n * D);
            closeE(view.gradient(x, dx), ref, TOL);
            expect(
              relativeError(
                dx,
                want.dx.map((v, q) => v * movable[Math.floor(q / D)]),
              ),
            ).toBeLessThan(1e-4);
            // Another state, after a call with other inputs: the view's cached inputs are its own.
            const x2 = x.map((v, q) => v + (movable[Math.floor(q / D)] ? 0.1 * Math.cos(q) : 0));
            simd.energy(
              x,
              n,
              a.map((v) => -v),
              w,
            );
            const want2 = new Float32Array(n * D);
            closeE(view.gradient(x2, dx), exact.gradients(x2, n, a, w, { dx: want2 }), TOL);
            expect(
              relativeError(
                dx,
                want2.map((v, q) => v * movable[Math.floor(q / D)]),
              ),
            ).toBeLessThan(1e-4);
          }
          const aView = simd.aChain(x, n, w);
          const da = new Float32Array(n);
          closeE(aView.gradient(a, da), e, 1e-12);
          expect(relativeError(da, got.da)).toBeLessThan(1e-6);
        }
      },
    );
  });

  it('gLayers 1 stays on the float64 loops (g has no product to run)', () => {
    const config: ModelConfig = {
      variant: 'relational',
      attributes: D,
      codeSize: 16,
      hidden: 64,
      gLayers: 1,
      fLayers: 1,
    };
    expect(new FastEnergy(config, params(config, 1)).precision).toBe('float64');
  });
});
