/**
 * Growing a trained model without changing what it computes, so that a run
 * can branch from it under a config that gives the energy more to see or
 * more room.
 *
 * Three growths exist, and may be combined:
 * - turning on `pairDistance` or `pairDirection`: the new first-layer
 *   weights (g0.wd, g0.wv) start at zero into the old units, so the energy is
 *   exactly the old one until training moves them;
 * - widening (`hidden` larger): every hidden layer of g and f gets new units.
 *   A weight from a new unit to an old unit (or to the output) starts at zero,
 *   so no old unit sees a new one and the energy is unchanged; every other
 *   new weight is drawn at the scale of its matrix's trained weights, so the
 *   new units compute something from the start and the zero weights leaving
 *   them get a gradient at once (growth by zero outgoing weights, in the
 *   spirit of Net2Net's function-preserving widening).
 *
 * Combined, a new input feeds the new units from the start: its weights into
 * them are drawn at the scale of g0.wi's. Why: an input grown with zero
 * weights alone was not taken up at a fine-tuning rate (docs/history/training-log.md
 * in docs/history/training-log.md); through fresh units it is computed on from the first step.
 * Measured: not enough either (zeroed after 1,200 steps, the
 * scores do not change); the direction pays only when trained from scratch.
 *
 * New Adam moments start at zero. Randomness (the new weights) is passed in.
 */
import type { Rng } from '../random/rng.js';
import { canonicalModelConfig, type ModelConfig } from './config.js';
import { paramSpecs, type ParamSpec, type ParamValues } from './params.js';
import type { ModelData } from './serialize.js';

/** Why `from` cannot grow into `to`, or null when it can (or they are the same). */
export function growthProblem(from: ModelConfig, to: ModelConfig): string | null {
  const a = canonicalModelConfig(from);
  const b = canonicalModelConfig(to);
  const same =
    JSON.stringify({
      ...a,
      pairDistance: b.pairDistance,
      pairDirection: b.pairDirection,
      hidden: b.hidden,
    }) === JSON.stringify(b);
  if (!same)
    return `its model (${JSON.stringify(a)}) differs from the config's (${JSON.stringify(b)})`;
  if (b.hidden < a.hidden)
    return `its model has hidden ${a.hidden} and the config ${b.hidden} (a model can be widened, not narrowed)`;
  if (a.pairDistance && b.pairDistance && a.pairDistance !== b.pairDistance) {
    return `its model's pair feature is pairDistance ${JSON.stringify(a.pairDistance)} and the config's ${JSON.stringify(b.pairDistance)} (a trained input cannot be swapped)`;
  }
  if (a.pairDistance && !b.pairDistance)
    return 'its model uses pairDistance and the config does not (a trained input cannot be dropped)';
  if (a.pairDirection && b.pairDirection && a.pairDirection !== b.pairDirection) {
    return `its model's pair direction has eps ${JSON.stringify(a.pairDirection)} and the config's ${JSON.stringify(b.pairDirection)} (a trained input cannot be swapped)`;
  }
  if (a.pairDirection && !b.pairDirection)
    return 'its model uses pairDirection and the config does not (a trained input cannot be dropped)';
  return null;
}

/** Which axes of a parameter are hidden units: its rows are inputs, its columns outputs (a bias has one axis, an output). */
function hiddenAxes(spec: ParamSpec): { rows: boolean; cols: boolean } {
  const [rows, cols] = spec.axes.length === 1 ? [null, spec.axes[0]] : spec.axes;
  return { rows: rows === 'hidden', cols: cols === 'hidden' };
}

/** A parameter's shape as rows x columns (a bias is one row). */
function asMatrix(spec: ParamSpec): [number, number] {
  return spec.shape.length === 1 ? [1, spec.shape[0]] : [spec.shape[0], spec.shape[1]];
}

function rms(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return v.length ? Math.sqrt(s / v.length) : 0;
}

/**
 * One parameter widened from `from`'s hidden size to its spec's shape: old
 * entries copied; from a new unit to an old one (or to the output) zero;
 * other new entries ~ N(0, scale^2), or zero when `scale` is 0 (biases, Adam
 * moments).
 */
function widen(
  old: Float32Array,
  spec: ParamSpec,
  from: ModelConfig,
  scale: number,
  rng: Rng | null,
): Float32Array {
  const axes = hiddenAxes(spec);
  const [R, C] = asMatrix(spec);
  const r0 = axes.rows ? from.hidden : R;
  const c0 = axes.cols ? from.hidden : C;
  const out = new Float32Array(R * C);
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      if (i < r0 && j < c0) out[i * C + j] = old[i * c0 + j];
      else if (i >= r0 && j < c0)
        out[i * C + j] = 0; // a new unit feeding an old one (or the output)
      else out[i * C + j] = scale > 0 && rng ? scale * rng.normal() : 0;
    }
  }
  return out;
}

/**
 * `data` grown to the config `to`; the energy is unchanged. Throws the
 * growthProblem when there is one. `rng` draws the new units' incoming
 * weights; it is needed only when the model is widened.
 */
export function growModel(data: ModelData, to: ModelConfig, rng?: Rng): ModelData {
  const problem = growthProblem(data.config, to);
  if (problem) throw new Error(problem);
  const from = canonicalModelConfig(data.config);
  const config = canonicalModelConfig(to);
  if (JSON.stringify(from) === JSON.stringify(config)) return { ...data, config };
  if (config.hidden > from.hidden && !rng)
    throw new Error('growModel: widening draws new weights and needs an rng');

  const withAdam = Boolean(
    data.extra && Object.keys(data.extra).some((k) => k.startsWith('adam.')),
  );
  const values: ParamValues = {};
  const extra: NonNullable<ModelData['extra']> = { ...data.extra };
  const widening = config.hidden > from.hidden;
  for (const spec of paramSpecs(config)) {
    const trained = data.values[spec.name];
    // A new pair input ([inputs, hidden]) is zero at the old width, so the energy is unchanged;
    // widened, it feeds the new units at g0.wi's scale.
    const old = trained ?? new Float32Array(spec.shape[0] * from.hidden);
    const scale = trained ? (spec.fanIn > 0 ? rms(trained) : 0) : rms(data.values['g0.wi']);
    values[spec.name] = widening ? widen(old, spec, from, scale, rng ?? null) : old;
    if (withAdam) {
      for (const moment of ['adam.m', 'adam.v']) {
        const key = `${moment}/${spec.name}`;
        const prev = data.extra?.[key]?.values;
        const grown = prev && widening ? widen(prev, spec, from, 0, null) : prev;
        extra[key] = {
          shape: spec.shape,
          values: grown ?? new Float32Array(values[spec.name].length),
        };
      }
    }
  }
  return { ...data, config, values, extra: withAdam ? extra : data.extra };
}

/**
 * The model's first `hidden` units alone: every parameter cut to the old
 * width, the weights from the later units dropped. Of a model widened from
 * `hidden`, this is the energy its old units compute without the units
 * widening added: an ablation that tells what the new units carry (the
 * inverse of growModel on an untrained widening), with the same test-time
 * chains. Adam moments are dropped.
 */
export function oldUnits(data: ModelData, hidden: number): ModelData {
  const from = canonicalModelConfig(data.config);
  if (!Number.isInteger(hidden) || hidden < 1 || hidden > from.hidden) {
    throw new Error(`oldUnits: hidden must be an integer in 1..${from.hidden}, got ${hidden}`);
  }
  const config = { ...from, hidden };
  const values: ParamValues = {};
  for (const spec of paramSpecs(config)) {
    const axes = hiddenAxes(spec);
    const [R, C] = asMatrix(spec);
    const C0 = axes.cols ? from.hidden : C;
    const old = data.values[spec.name];
    const out = new Float32Array(R * C);
    for (let i = 0; i < R; i++) out.set(old.subarray(i * C0, i * C0 + C), i * C);
    values[spec.name] = out;
  }
  return { config, values, inference: data.inference, meta: data.meta };
}
