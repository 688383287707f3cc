/**
 * The contract between the fast kernel's front (./fast-energy.ts) and its two
 * paths: g and f forward and back over the rows of g that the front lists,
 * on the path's own weights and buffers. ./fast-energy-simd.ts runs them in
 * float32 WebAssembly SIMD, ./fast-energy-float64.ts in float64 loops; both
 * read and write the numbers they share through an EnergyLayout
 * (./fast-energy-layout.ts): the sigmoids of a, the pooled features, dE/dpool,
 * the output layer, dE/dw and the pair features.
 *
 * The front calls them in this order: project, gForward, then (after the
 * layout's sigmoids) pool or poolKept, fForward; for gradients fBackward,
 * then gBackward, dxRows and dwFromG, each reading what the one before kept.
 */

export interface EnergyPath {
  /** 'float32-simd' for the SIMD path, 'float64' for the loops. */
  readonly precision: 'float32-simd' | 'float64';
  /** Make room for scenes of n entities (the layout's own buffers are sized by the front). */
  reserve(n: number): void;
  /** c = g0.b + w g0.ww, and per entity the first layer's projections x_i g0.wi + c and x_i g0.wj. */
  project(x: Float32Array, n: number, w: Float32Array): void;
  /**
   * g over the listed rows (row r: pair (rowI[r], rowJ[r]), or entity rowI[r]),
   * keeping what the backward pass needs, with the pair features added to the first layer.
   */
  gForward(rowI: Int32Array, rowJ: Int32Array, R: number): void;
  /** g's last layer [R, H] over the rows of the last gForward (a view on the SIMD path). */
  features(R: number): Float64Array | Float32Array;
  /** The layout's pool = base + sum_r gate_r h_last[r] over the rows of the last gForward. */
  pool(rowI: Int32Array, rowJ: Int32Array, R: number, base: Float64Array | null): void;
  /** The layout's pool = sum_r gate_r features[r], from a copy of `features` kept by the caller. */
  poolKept(
    rowI: Int32Array,
    rowJ: Int32Array,
    R: number,
    features: Float64Array | Float32Array,
  ): void;
  /** f from the layout's pool and w: E = |out|^2 (the outputs kept in the layout). */
  fForward(w: Float32Array): number;
  /** Back through f: the layout's dpool, and f's part of dE/dw into its dwAcc when asked. */
  fBackward(wantDw: boolean): void;
  /** Back through g over the listed rows, down to dE/d(first layer's projections) per entity. */
  gBackward(rowI: Int32Array, rowJ: Int32Array, R: number, n: number): void;
  /** dE/dx_i = g0.wi dE/dpi_i + g0.wj dE/dpj_i (+ the pair features' part) (0 for entities marked held). */
  dxRows(n: number, dx: Float32Array, held: Uint8Array | null): void;
  /** g's part of dE/dw into the layout's dwAcc (added to f's part). */
  dwFromG(n: number): void;
}
