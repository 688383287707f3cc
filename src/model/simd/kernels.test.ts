import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { SimdKernels } from './kernels.js';

describe('the WebAssembly kernels', () => {
  it('run here (Node 20 has WebAssembly SIMD)', () => {
    expect(SimdKernels.available()).toBe(true);
  });
});

describe('SimdKernels products', () => {
  const rng = new Rng(4);
  const random = (len: number) => Float64Array.from({ length: len }, () => rng.range(-1, 1));

  // rows odd and even (the kernel pads to pairs), k not a multiple of 4, n one to four blocks.
  it.each([
    [1, 5, 16],
    [7, 3, 32],
    [36, 64, 64],
    [49, 128, 128],
    [2, 1, 48],
  ])('rows %i, k %i, n %i: inp x w + bias matches float64 to float32 rounding', (rows, k, n) => {
    const kernels = new SimdKernels();
    const w = random(k * n);
    const bias = random(n);
    const wt = Float64Array.from({ length: k * n }, (_, q) => w[(q % k) * n + Math.floor(q / k)]); // [n, k]
    const plain = kernels.add(w, k, n, bias);
    const viaTranspose = kernels.add(wt, k, n, null, true);
    const inp = random(rows * k);
    const out = new Float64Array(rows * n).fill(NaN);
    const outT = new Float64Array(rows * n).fill(NaN);
    kernels.product(plain, inp, out, rows);
    kernels.product(viaTranspose, inp, outT, rows);
    let worst = 0;
    let worstT = 0;
    for (let p = 0; p < rows; p++) {
      for (let o = 0; o < n; o++) {
        let s = 0;
        let scale = Math.abs(bias[o]);
        for (let i = 0; i < k; i++) {
          s += inp[p * k + i] * w[i * n + o];
          scale += Math.abs(inp[p * k + i] * w[i * n + o]);
        }
        worst = Math.max(worst, Math.abs(out[p * n + o] - (s + bias[o])) / scale);
        worstT = Math.max(worstT, Math.abs(outT[p * n + o] - s) / scale);
      }
    }
    expect(worst).toBeLessThan(1e-6);
    expect(worstT).toBeLessThan(1e-6);
  });

  it('SiLU and its derivative (with their exp) match Math.exp to float32 rounding, from -100 to 100', () => {
    const kernels = new SimdKernels();
    kernels.add(new Float64Array(16 * 16), 16, 16, null);
    // 37 values: two blocks of 16 and an overlapping last one; then 3, padded to a block.
    for (const pre of [
      Float64Array.from([-100, -88, -20, -1, -1e-3, 0, 1e-3, 0.5, 1, 3, 10, 20, 88, 100, ...random(23).map((v) => 12 * v)]),
      Float64Array.from([-2, 0.25, 7]),
    ]) {
      const der = new Float64Array(pre.length);
      const h = new Float64Array(pre.length);
      kernels.silu(pre, der, h, pre.length);
      pre.forEach((v, q) => {
        const x = Math.fround(v); // the kernel's input is float32
        const s = 1 / (1 + Math.exp(-x));
        const d = s * (1 + x * (1 - s));
        expect(Math.abs(h[q] - x * s), `silu(${v})`).toBeLessThanOrEqual(4e-7 * Math.abs(x * s) + 1e-30);
        expect(Math.abs(der[q] - d), `silu'(${v})`).toBeLessThanOrEqual(1e-6 * Math.abs(d) + 1e-7);
      });
    }
  });

  it('productSilu is the product followed by SiLU', () => {
    const kernels = new SimdKernels();
    const k = 10;
    const n = 32;
    const rows = 9;
    const m = kernels.add(random(k * n), k, n, random(n));
    const inp = random(rows * k);
    const pre = new Float64Array(rows * n);
    kernels.product(m, inp, pre, rows);
    const [der, h] = [0, 1].map(() => new Float64Array(rows * n));
    kernels.productSilu(m, inp, der, h, rows);
    const [der1, h1] = [0, 1].map(() => new Float64Array(rows * n));
    kernels.silu(pre, der1, h1, rows * n);
    expect(Array.from(der)).toEqual(Array.from(der1));
    expect(Array.from(h)).toEqual(Array.from(h1));
  });

  it('refuses widths that are not whole register blocks, and mismatched sizes', () => {
    const kernels = new SimdKernels();
    expect(() => kernels.add(new Float64Array(8 * 12), 8, 12, null)).toThrow(/output width 12 is not a multiple of 16/);
    expect(() => kernels.add(new Float64Array(5), 8, 16, null)).toThrow(/5 values, expected 8 x 16/);
    expect(() => kernels.add(new Float64Array(8 * 16), 8, 16, new Float64Array(3))).toThrow(/bias has 3 values/);
    expect(() => kernels.product(7, new Float64Array(8), new Float64Array(16), 1)).toThrow(/no matrix 7/);
  });
});
