/**
 * Principal components of a small set of vectors (codes of size 8..64): the
 * covariance's leading eigenvectors by power iteration with deflation. Plain
 * float64 arithmetic; deterministic (the start vector is fixed).
 */
export interface Pca {
  mean: number[];
  /** Unit principal directions, strongest first. */
  components: number[][];
  /** Variance along each component. */
  variances: number[];
  /** Total variance (trace of the covariance). */
  total: number;
  /** Rows projected on the components. */
  projected: number[][];
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

export function pca(rows: readonly (readonly number[])[], k = 2, iterations = 500): Pca {
  if (rows.length < 2) throw new Error(`pca: needs at least 2 rows, got ${rows.length}`);
  const d = rows[0].length;
  const mean = Array.from(
    { length: d },
    (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length,
  );
  const centred = rows.map((r) => r.map((v, j) => v - mean[j]));
  const cov = Array.from({ length: d }, (_, i) =>
    Array.from(
      { length: d },
      (_, j) => centred.reduce((s, r) => s + r[i] * r[j], 0) / (rows.length - 1),
    ),
  );
  const total = cov.reduce((s, row, i) => s + row[i], 0);
  const components: number[][] = [];
  const variances: number[] = [];
  for (let c = 0; c < Math.min(k, d); c++) {
    let v = Array.from({ length: d }, (_, j) => 1 / Math.sqrt(d) + (j === c ? 0.5 : 0));
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const next = cov.map((row) => dot(row, v));
      const norm = Math.sqrt(dot(next, next));
      if (norm === 0) break;
      v = next.map((x) => x / norm);
      lambda = norm;
    }
    // Deflate so the next iteration finds the next component.
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i][j] -= lambda * v[i] * v[j];
    components.push(v);
    variances.push(lambda);
  }
  const projected = centred.map((r) => components.map((v) => dot(r, v)));
  return { mean, components, variances, total, projected };
}

export function euclidean(a: readonly number[], b: readonly number[]): number {
  return Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
}

export function centroid(rows: readonly (readonly number[])[]): number[] {
  const d = rows[0].length;
  return Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
}
