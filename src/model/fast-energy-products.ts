/**
 * The float64 products of the fast kernel's exact path (./fast-energy-float64.ts),
 * and the weight copies laid out for them.
 *
 * The [P, H] x [H, H] products (P = N^2 pairs) run as rows of dot products
 * against a weight matrix laid out so that both operands are read
 * contiguously: the forward pass uses W^T (row o = column o of W), the
 * backward pass W itself (dE/dh_prev[p, i] = dE/dpre[p, :] . W[i, :]), in
 * register blocks of 2 rows x 4 outputs (i-j-k order with both operands
 * streamed contiguously; the i-k-j "axpy" order, which stores into the output
 * row in its inner loop, measured about 2x slower on V8 here). One vector
 * against a matrix (f's layers, the code's weights) is `vecTimesT`, which the
 * SIMD path also uses for dE/dw.
 */

/** A float64 copy of v. */
export function copy64(v: Float32Array): Float64Array {
  return Float64Array.from(v);
}

/** W [rows, cols] row-major -> W^T [cols, rows], float64. */
export function transposed(W: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = W[r * cols + c];
  }
  return out;
}

/**
 * out[p*K + o] = (bias ? bias[o] : 0) + sum_{i<K} inp[p*K + i] * M[o*K + i], for p < rows, o < K.
 * (Forward: M = W^T gives inp W + b. Backward: M = W gives inp W^T.)
 *
 * Register-blocked 2 rows x 4 outputs: each step of the inner loop loads 6
 * numbers for 8 multiply-adds into 8 independent accumulators (measured on
 * V8: ~1.6x the throughput of one row against one weight row at a time).
 */
export function rowsTimesT(
  inp: Float64Array,
  M: Float64Array,
  bias: Float64Array | null,
  out: Float64Array,
  rows: number,
  K: number,
): void {
  const K4 = K - (K % 4);
  let p = 0;
  for (; p + 2 <= rows; p += 2) {
    const r0 = p * K;
    const r1 = r0 + K;
    let o = 0;
    for (; o < K4; o += 4) {
      const m0 = o * K;
      const m1 = m0 + K;
      const m2 = m1 + K;
      const m3 = m2 + K;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < K; i++) {
        const x0 = inp[r0 + i];
        const x1 = inp[r1 + i];
        const w0 = M[m0 + i];
        const w1 = M[m1 + i];
        const w2 = M[m2 + i];
        const w3 = M[m3 + i];
        a0 += x0 * w0;
        a1 += x0 * w1;
        a2 += x0 * w2;
        a3 += x0 * w3;
        b0 += x1 * w0;
        b1 += x1 * w1;
        b2 += x1 * w2;
        b3 += x1 * w3;
      }
      if (bias !== null) {
        const c0 = bias[o];
        const c1 = bias[o + 1];
        const c2 = bias[o + 2];
        const c3 = bias[o + 3];
        a0 += c0;
        a1 += c1;
        a2 += c2;
        a3 += c3;
        b0 += c0;
        b1 += c1;
        b2 += c2;
        b3 += c3;
      }
      out[r0 + o] = a0;
      out[r0 + o + 1] = a1;
      out[r0 + o + 2] = a2;
      out[r0 + o + 3] = a3;
      out[r1 + o] = b0;
      out[r1 + o + 1] = b1;
      out[r1 + o + 2] = b2;
      out[r1 + o + 3] = b3;
    }
    for (; o < K; o++) {
      const m0 = o * K;
      let a0 = 0;
      let b0 = 0;
      for (let i = 0; i < K; i++) {
        const w0 = M[m0 + i];
        a0 += inp[r0 + i] * w0;
        b0 += inp[r1 + i] * w0;
      }
      const c0 = bias === null ? 0 : bias[o];
      out[r0 + o] = a0 + c0;
      out[r1 + o] = b0 + c0;
    }
  }
  if (p < rows) {
    const r0 = p * K;
    let o = 0;
    for (; o < K4; o += 4) {
      const m0 = o * K;
      const m1 = m0 + K;
      const m2 = m1 + K;
      const m3 = m2 + K;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < K; i++) {
        const x0 = inp[r0 + i];
        a0 += x0 * M[m0 + i];
        a1 += x0 * M[m1 + i];
        a2 += x0 * M[m2 + i];
        a3 += x0 * M[m3 + i];
      }
      out[r0 + o] = a0 + (bias === null ? 0 : bias[o]);
      out[r0 + o + 1] = a1 + (bias === null ? 0 : bias[o + 1]);
      out[r0 + o + 2] = a2 + (bias === null ? 0 : bias[o + 2]);
      out[r0 + o + 3] = a3 + (bias === null ? 0 : bias[o + 3]);
    }
    for (; o < K; o++) {
      const m0 = o * K;
      let a0 = 0;
      for (let i = 0; i < K; i++) a0 += inp[r0 + i] * M[m0 + i];
      out[r0 + o] = a0 + (bias === null ? 0 : bias[o]);
    }
  }
}

/**
 * out[o] = (accumulate ? out[o] : 0) + sum_{i<len} v[i] * M[o*len + i], for o < outLen.
 * Four partial sums per dot product: one sum is a chain of dependent adds
 * and ran at a third of the speed (measured in the one-scene step at hidden 128).
 */
export function vecTimesT(
  v: ArrayLike<number>,
  M: Float64Array,
  len: number,
  outLen: number,
  out: Float64Array,
  accumulate: boolean,
): void {
  const len4 = len - (len % 4);
  for (let o = 0; o < outLen; o++) {
    const m = o * len;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i < len4; i += 4) {
      s0 += v[i] * M[m + i];
      s1 += v[i + 1] * M[m + i + 1];
      s2 += v[i + 2] * M[m + i + 2];
      s3 += v[i + 3] * M[m + i + 3];
    }
    for (; i < len; i++) s0 += v[i] * M[m + i];
    const s = s0 + s1 + (s2 + s3);
    out[o] = accumulate ? out[o] + s : s;
  }
}
