/**
 * The concept energy E(x, a, w) of ./energy.ts for ONE event, with its
 * first-order gradients dE/dx, dE/da and dE/dw, without the engine.
 *
 * Why: a Langevin step at test time is one forward and one backward pass on
 * a handful of entities; through the engine each step costs ~5 ms, almost all
 * of it per-op overhead (dozens of ops, each dispatching, allocating and
 * freeing a tensor). Here one step is a few straight loops over preallocated
 * buffers: no allocation after the first call at a given entity count.
 *
 * Same formula as ./energy.ts (and ./reference64.ts), with g's first layer
 * computed per entity and broadcast over pairs:
 *
 *   c        = g0.b + w g0.ww                                  [H]
 *   pre0_ij  = x_i g0.wi + x_j g0.wj + c   (relational)        [N*N, H]
 *              (+ the pair features d_ij g0.wd and v_ij g0.wv: ./fast-energy-pair-features.ts)
 *   pre0_i   = x_i g0.wi + c               (non-relational)    [N, H]
 *   h_k      = silu(pre_k),  pre_k = h_{k-1} g_k.w + g_k.b
 *   pool     = sum_p gate_p h_last[p]      gate_ij = s(a_i) s(a_j) | s(a_i); gate_i = s(a_i)
 *   u        = silu(pool f0.wp + w f0.ww + f0.b), then the f layers
 *   E        = |u out.w + out.b|^2       (out.w [H, K]: K = energyOutputs, 1 in the method)
 *
 * The backward pass is hand-written reverse mode over the kept
 * pre-activations and sigmoids (SiLU'(v) = s(v) (1 + v (1 - s(v)))).
 * Only what a request needs is computed: dE/da needs no backward pass
 * through g (only dE/dgate = h_last . dE/dpool), dE/dx and dE/dw do.
 *
 * Two views for chains that hold part of the input fixed (`xChain`,
 * `aChain`) cache what does not change between steps: g's features of the
 * pairs among held entities (x-chain: only pairs touching a movable entity
 * are recomputed, about a third of them for one mover in six), or all of g
 * (a-chain: a step is then only the gates, the pooling and f). With
 * pairDistance or pairDirection both stay exact as they are: d_ij and v_ij
 * change only when i or j moves.
 *
 * This class is the front: the checks, the order of the steps and the chain
 * views. The steps run on one of two paths, each an EnergyPath
 * (./fast-energy-path.ts): float32 WebAssembly SIMD (./fast-energy-simd.ts,
 * the default where available) or the exact float64 loops
 * (./fast-energy-float64.ts). What both share (the sizes, the gates, the
 * output layer, dE/da, the pair features) is ./fast-energy-layout.ts.
 * Results are written into the caller's Float32Arrays either way.
 *
 * No engine, no tensors: this file is safe to load in a worker or a page
 * without TensorFlow.js.
 */
import type { ModelConfig } from './config.js';
import { Float64Path } from './fast-energy-float64.js';
import { EnergyLayout } from './fast-energy-layout.js';
import type { EnergyPath } from './fast-energy-path.js';
import { SimdPath } from './fast-energy-simd.js';
import { checkParamValues, type ParamValues } from './params.js';
import { SIMD_BLOCK, SimdKernels } from './simd/kernels.js';

export interface FastEnergyOptions {
  /**
   * Run g and f in float32 WebAssembly SIMD (./simd/kernels.ts; float32
   * rounding, like the engine). Default: where the JavaScript engine has SIMD,
   * hidden is a multiple of 16 and gLayers > 1. false: the float64 loops
   * throughout (exact to 1e-9 against ./reference64.ts).
   */
  simd?: boolean;
}

/** E and dE/dz for a chain over one variable z (see `xChain`, `aChain`). */
export interface FastChainEnergy {
  /** E at z. */
  energy(z: Float32Array): number;
  /** E at z, with dE/dz written into `grad`. */
  gradient(z: Float32Array, grad: Float32Array): number;
}

/** Where `gradients` writes dE/dx [N*D], dE/da [N] and dE/dw [DW]; absent ones are not computed. */
export interface FastGradientTargets {
  dx?: Float32Array;
  da?: Float32Array;
  dw?: Float32Array;
}

export class FastEnergy {
  readonly config: ModelConfig;
  /** 'float32-simd' when g and f run in WebAssembly SIMD, else 'float64'. */
  readonly precision: 'float32-simd' | 'float64';
  private readonly layout: EnergyLayout;
  private readonly path: EnergyPath;
  /** The entity count the buffers hold. */
  private cap = -1;

  constructor(config: ModelConfig, values: ParamValues, options: FastEnergyOptions = {}) {
    checkParamValues(config, values);
    this.config = { ...config };
    const layout = (this.layout = new EnergyLayout(config, values));
    const simd = options.simd ?? (layout.H % SIMD_BLOCK === 0 && SimdKernels.available());
    this.path =
      simd && layout.Lg > 1 ? new SimdPath(layout, values) : new Float64Path(layout, values);
    this.precision = this.path.precision;
    this.reserve(8);
  }

  /** Make room for scenes of up to n entities (done on demand, doubling, by every method). */
  reserve(n: number): void {
    if (n <= this.cap) return;
    this.layout.reserve(n);
    this.path.reserve(n);
    this.cap = n;
  }

  /** E(x, a, w) for one event: x [n*D] row-major, a [n] attention logits, w [DW]. */
  energy(x: Float32Array, n: number, a: Float32Array, w: Float32Array): number {
    this.check(x, n, a, w);
    return this.forwardAll(x, n, a, w);
  }

  /**
   * E(x, a, w) and the requested first-order gradients, written into
   * `out.dx` [n*D], `out.da` [n] and `out.dw` [DW] (overwritten, not accumulated).
   */
  gradients(
    x: Float32Array,
    n: number,
    a: Float32Array,
    w: Float32Array,
    out: FastGradientTargets,
  ): number {
    this.check(x, n, a, w);
    const { layout, path } = this;
    const { dx, da, dw } = out;
    this.checkOut(dx, n * layout.D, 'dx');
    this.checkOut(da, n, 'da');
    this.checkOut(dw, layout.DW, 'dw');
    const e = this.forwardAll(x, n, a, w);
    if (!dx && !da && !dw) return e;
    const R = layout.pairs ? n * n : n;
    path.fBackward(dw !== undefined);
    if (da) layout.daRows(layout.rowI, layout.rowJ, R, path.features(R), n, da);
    if (dx || dw) {
      path.gBackward(layout.rowI, layout.rowJ, R, n);
      if (dx) path.dxRows(n, dx, null);
      if (dw) {
        path.dwFromG(n);
        for (let k = 0; k < layout.DW; k++) dw[k] = layout.dwAcc[k];
      }
    }
    return e;
  }

  /**
   * The energy as a function of x alone, for a chain in which a, w and the
   * entities with movable[i] < 0.5 stay fixed. g's features of the pairs among
   * held entities are computed once and pooled into a constant; each call
   * recomputes only the pairs that touch a movable entity.
   *
   * `gradient` reports dE/dx for movable entities and 0 for held ones. If a
   * held entity's values ever differ from the last ones seen (e.g. a range
   * clamp moved it), the constant is recomputed, so results stay exact.
   * a, w and the initial x are copied; the view shares this kernel's scratch.
   */
  xChain(
    x0: Float32Array,
    n: number,
    a: Float32Array,
    w: Float32Array,
    movable: ArrayLike<number>,
  ): FastChainEnergy {
    this.check(x0, n, a, w);
    if (movable.length !== n)
      throw new Error(`FastEnergy: movable has ${movable.length} entries for ${n} entities`);
    const { layout, path } = this;
    const { D, H, pairs } = layout;
    // Plain loops and one buffer (a few microseconds less than `from` and four
    // arrays): generation builds a view per call, often for a single step.
    const held = new Uint8Array(n);
    for (let i = 0; i < n; i++) held[i] = movable[i] >= 0.5 ? 0 : 1;
    const R = pairs ? n * n : n;
    const lists = new Int32Array(4 * R);
    const actI = lists.subarray(0, R);
    const actJ = lists.subarray(R, 2 * R);
    const heldI = lists.subarray(2 * R, 3 * R);
    const heldJ = lists.subarray(3 * R);
    let nAct = 0;
    let nHeld = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < (pairs ? n : 1); j++) {
        const fixed = held[i] === 1 && (!pairs || held[j] === 1);
        if (fixed) {
          heldI[nHeld] = i;
          heldJ[nHeld++] = j;
        } else {
          actI[nAct] = i;
          actJ[nAct++] = j;
        }
      }
    }
    const aa = a.slice(0, n);
    const ww = w.slice(0, layout.DW);
    const seen = x0.slice(0, n * D);
    const constant = new Float64Array(H);

    const freeze = (x: Float32Array) => {
      seen.set(x.subarray(0, n * D));
      if (nHeld === 0) return; // the constant stays 0
      this.project(x, n, ww);
      path.gForward(heldI, heldJ, nHeld);
      layout.sigmoids(aa, n);
      path.pool(heldI, heldJ, nHeld, null);
      constant.set(layout.pool);
    };
    const forward = (x: Float32Array): number => {
      if (x.length < n * D)
        throw new Error(`FastEnergy: x has ${x.length} values, needs ${n} x ${D}`);
      for (let i = 0; i < n; i++) {
        if (held[i] === 0) continue;
        let same = true;
        for (let d = i * D; d < (i + 1) * D; d++) same &&= x[d] === seen[d];
        if (!same) {
          freeze(x);
          break;
        }
      }
      this.project(x, n, ww);
      path.gForward(actI, actJ, nAct);
      layout.sigmoids(aa, n);
      path.pool(actI, actJ, nAct, constant);
      return path.fForward(ww);
    };
    freeze(x0);
    return {
      energy: forward,
      gradient: (x, grad) => {
        this.checkOut(grad, n * D, 'dx');
        const e = forward(x);
        path.fBackward(false);
        path.gBackward(actI, actJ, nAct, n);
        path.dxRows(n, grad, held);
        return e;
      },
    };
  }

  /**
   * The energy as a function of the attention logits alone, for a chain in
   * which x and w stay fixed: g's features are computed once, each call is
   * only the gates, the pooling and f. x and w are copied.
   */
  aChain(x: Float32Array, n: number, w: Float32Array): FastChainEnergy {
    this.check(x, n, new Float32Array(n), w);
    const { layout, path } = this;
    const R = layout.allRows(n);
    const rI = layout.rowI.slice(0, R);
    const rJ = layout.rowJ.slice(0, R);
    const ww = Float32Array.from(w.subarray(0, layout.DW));
    this.project(x, n, ww);
    path.gForward(rI, rJ, R);
    const features = path.features(R).slice();
    const forward = (a: Float32Array): number => {
      if (a.length < n) throw new Error(`FastEnergy: a has ${a.length} values, needs ${n}`);
      layout.sigmoids(a, n);
      path.poolKept(rI, rJ, R, features);
      return path.fForward(ww);
    };
    return {
      energy: forward,
      gradient: (a, grad) => {
        this.checkOut(grad, n, 'da');
        const e = forward(a);
        path.fBackward(false);
        layout.daRows(rI, rJ, R, features, n, grad);
        return e;
      },
    };
  }

  // -------------------------------------------------------------------------

  private check(x: Float32Array, n: number, a: Float32Array, w: Float32Array): void {
    const { D, DW } = this.layout;
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`FastEnergy: n must be an integer >= 0, got ${n}`);
    if (x.length < n * D)
      throw new Error(`FastEnergy: x has ${x.length} values, needs ${n} x ${D}`);
    if (a.length < n) throw new Error(`FastEnergy: a has ${a.length} values, needs ${n}`);
    if (w.length < DW) throw new Error(`FastEnergy: w has ${w.length} values, needs ${DW}`);
    if (n > this.cap) this.reserve(Math.max(n, 2 * this.cap));
  }

  private checkOut(v: Float32Array | undefined, size: number, name: string): void {
    if (v && v.length < size)
      throw new Error(`FastEnergy: ${name} has ${v.length} entries, needs ${size}`);
  }

  private forwardAll(x: Float32Array, n: number, a: Float32Array, w: Float32Array): number {
    const { layout, path } = this;
    const R = layout.allRows(n);
    this.project(x, n, w);
    path.gForward(layout.rowI, layout.rowJ, R);
    layout.sigmoids(a, n);
    path.pool(layout.rowI, layout.rowJ, R, null);
    return path.fForward(w);
  }

  /** c = g0.b + w g0.ww; per entity the first layer's projections (and the positions, for the pair features). */
  private project(x: Float32Array, n: number, w: Float32Array): void {
    this.layout.pairFeatures?.setPositions(x, n, this.layout.D);
    this.path.project(x, n, w);
  }
}
