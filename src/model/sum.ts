/**
 * The sum of two trained energies as one model: E(x, a, [w_A, w_B]) =
 * E_A(x, a, w_A) + E_B(x, a, w_B).
 *
 * Why: concepts compose by adding energies (the paper's own composition), and
 * two lineages each learned what the other could not: the first lineage
 * the moves and the comparisons, the pair direction's first stages the lines
 * (docs/history/training-log.md, "Two energies summed"). The shipped model is such a sum
 * (`concept-ebm export A --add B --add-weight c`). The sum is exactly a model of the same
 * architecture, wider: every hidden layer holds A's units then B's, the code
 * is w_A then w_B, and the outputs are A's then B's, so E = sum_k out_k^2
 * splits into the two energies. Every weight between the halves is zero
 * (block-diagonal), so each half reads its own code and its own units; the
 * attention a and the scene x are shared, which is what makes it one concept
 * energy rather than two models side by side. Trained further, the zero
 * blocks get gradients and the halves may come to share.
 *
 * B may be weighted (E_A + weightB E_B), see sumModels.
 *
 * An input one half lacks (the pair distance or direction) enters it with
 * zero weights, so that half computes what it did.
 */
import { canonicalModelConfig, type ModelConfig } from './config.js';
import { paramSpecs, type ParamAxis, type ParamSpec, type ParamValues } from './params.js';
import type { ModelData } from './serialize.js';

/** Why A and B cannot be summed into one model, or null when they can. */
export function sumProblem(a: ModelConfig, b: ModelConfig): string | null {
  const ca = canonicalModelConfig(a);
  const cb = canonicalModelConfig(b);
  for (const key of ['variant', 'attributes', 'gLayers', 'fLayers'] as const) {
    if (ca[key] !== cb[key]) return `the two models differ in ${key} (${ca[key]} and ${cb[key]})`;
  }
  if (ca.variant === 'non-relational') return 'only relational energies can be summed this way';
  if (ca.pairDistance && cb.pairDistance && ca.pairDistance !== cb.pairDistance) {
    return `the two models' pair distances differ (${ca.pairDistance} and ${cb.pairDistance})`;
  }
  if (ca.pairDirection && cb.pairDirection && ca.pairDirection !== cb.pairDirection) {
    return `the two models' pair directions differ in eps (${ca.pairDirection} and ${cb.pairDirection})`;
  }
  return null;
}

/** The config of A + B. */
export function summedConfig(a: ModelConfig, b: ModelConfig): ModelConfig {
  const problem = sumProblem(a, b);
  if (problem) throw new Error(`sum: ${problem}`);
  const ca = canonicalModelConfig(a);
  const cb = canonicalModelConfig(b);
  return canonicalModelConfig({
    ...ca,
    codeSize: ca.codeSize + cb.codeSize,
    hidden: ca.hidden + cb.hidden,
    pairDistance: ca.pairDistance || cb.pairDistance,
    pairDirection: ca.pairDirection || cb.pairDirection,
    energyOutputs: (ca.energyOutputs ?? 1) + (cb.energyOutputs ?? 1),
  });
}

/** A parameter's axes as rows and columns; a bias is one row of inputs (shared by the halves). */
function axesOf(spec: ParamSpec): [ParamAxis, ParamAxis] {
  return spec.axes.length === 1 ? ['input', spec.axes[0]] : [spec.axes[0], spec.axes[1]];
}

/** A half's size along an axis; the inputs are shared, so they keep the parameter's own size. */
function sizes(c: ModelConfig, axis: ParamAxis, shared: number): number {
  if (axis === 'hidden') return c.hidden;
  if (axis === 'code') return c.codeSize;
  if (axis === 'outputs') return c.energyOutputs ?? 1;
  return shared;
}

/**
 * One parameter of A + B: A's block at the top left, B's at the bottom right
 * (a shared axis, such as the scene attributes, holds both side by side),
 * zero elsewhere. A parameter a half lacks is zero in its block.
 */
function blockDiagonal(
  spec: ParamSpec,
  ca: ModelConfig,
  cb: ModelConfig,
  va: Float32Array | undefined,
  vb: Float32Array | undefined,
): Float32Array {
  const [rowAxis, colAxis] = axesOf(spec);
  const R = spec.shape.length === 1 ? 1 : spec.shape[0];
  const C = spec.shape.length === 1 ? spec.shape[0] : spec.shape[1];
  const ra = sizes(ca, rowAxis, R);
  const caCols = sizes(ca, colAxis, C);
  const cbCols = sizes(cb, colAxis, C);
  const out = new Float32Array(R * C);
  // Rows of B's block start after A's on a split axis, at 0 on a shared one.
  const rowOffset = rowAxis === 'input' ? 0 : ra;
  const rb = rowAxis === 'input' ? R : R - ra;
  for (let i = 0; i < ra; i++)
    for (let j = 0; j < caCols; j++) out[i * C + j] = va ? va[i * caCols + j] : 0;
  for (let i = 0; i < rb; i++) {
    for (let j = 0; j < cbCols; j++)
      out[(rowOffset + i) * C + caCols + j] = vb ? vb[i * cbCols + j] : 0;
  }
  return out;
}

/**
 * The model whose energy is A's plus weightB times B's (A's code first).
 * Inference settings are A's; Adam moments are dropped (a run from it starts
 * fresh ones, as after an export).
 *
 * The weight scales B's outputs by sqrt(weightB) and B's code inputs by
 * 1/sqrt(weightB): B's half then reads its code u as w_B = u / sqrt(weightB),
 * and a w-chain step on u moves w_B exactly as a step on B alone would (the
 * gradient on u is sqrt(weightB) dE_B/dw_B, divided once more on the way
 * back). So the weight changes how much B counts in the scene's energy
 * without changing how B infers its concept from the demos. Since the chains
 * start at w = 0, only the noise (and the clamp) see the rescaling.
 */
export function sumModels(a: ModelData, b: ModelData, weightB = 1): ModelData {
  if (!(weightB > 0) || !Number.isFinite(weightB))
    throw new Error(`sum: the weight of B must be a positive number, got ${weightB}`);
  const config = summedConfig(a.config, b.config);
  const ca = canonicalModelConfig(a.config);
  const cb = canonicalModelConfig(b.config);
  const values: ParamValues = {};
  for (const spec of paramSpecs(config)) {
    const [rowAxis, colAxis] = axesOf(spec);
    const scale =
      colAxis === 'outputs' ? Math.sqrt(weightB) : rowAxis === 'code' ? 1 / Math.sqrt(weightB) : 1;
    const vb = b.values[spec.name];
    const scaled = vb && scale !== 1 ? vb.map((v) => v * scale) : vb;
    values[spec.name] = blockDiagonal(spec, ca, cb, a.values[spec.name], scaled);
  }
  return {
    config,
    values,
    inference: a.inference,
    // `training` is A's record (its last stage): the chains both halves were trained with, which
    // the experiments read as "the trained K". B's record is kept under `sum`.
    meta: {
      training: a.meta.training,
      sum: { a: { config: ca, meta: a.meta }, b: { config: cb, meta: b.meta }, weightB },
    },
  };
}

/** A summed model's make-up in words (empty for a model that is not a sum), for reports. */
export function describeSum(meta: Record<string, unknown>): string[] {
  const c = meta.sum as
    { a?: { config?: ModelConfig }; b?: { config?: ModelConfig }; weightB?: number } | undefined;
  if (!c?.a?.config || !c.b?.config) return [];
  const half = (h: ModelConfig) =>
    `hidden ${h.hidden}${h.pairDirection ? ' with the pair direction' : ''}`;
  return [
    `the sum of two trained energies, E = E_1 + ${c.weightB ?? 1} E_2 (${half(c.a.config)}; ${half(c.b.config)}; ` +
      'each reads its own half of the code; not in the paper, which adds the energies of concepts, not of models); ' +
      "the loss terms below are the first energy's",
  ];
}
