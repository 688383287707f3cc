/**
 * The energy's parameters: a flat, ordered table of named float32 arrays.
 * Plain numbers live here (for init, save/load, the float64 reference);
 * tensors are made from them at the engine boundary (`toVariables`).
 */
import type { Rng } from '../random/rng.js';
import type { ModelConfig } from './config.js';

/**
 * What an axis of a parameter indexes: the first layer's inputs (entity
 * attributes, a pair feature), the concept code, hidden units, or the
 * energy's outputs. Why: widening (grow.ts) and summing (sum.ts) a model
 * resize or split exactly the hidden, code and output axes.
 */
export type ParamAxis = 'input' | 'code' | 'hidden' | 'outputs';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** What each entry of `shape` indexes. */
  axes: ParamAxis[];
  /** Fan-in for the initial scale; 0 marks a bias (initialised at zero). */
  fanIn: number;
}

export type ParamValues = Record<string, Float32Array>;

/** Every parameter of the energy, in a fixed order. */
export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const { attributes: D, codeSize: DW, hidden: H, variant } = config;
  const relational = variant !== 'non-relational';
  const distance = relational && Boolean(config.pairDistance);
  const direction = relational && Boolean(config.pairDirection);
  const firstFanIn = (relational ? 2 * D : D) + DW + (distance ? 1 : 0) + (direction ? 2 : 0);
  const specs: ParamSpec[] = [
    { name: 'g0.wi', shape: [D, H], axes: ['input', 'hidden'], fanIn: firstFanIn },
  ];
  if (relational)
    specs.push({ name: 'g0.wj', shape: [D, H], axes: ['input', 'hidden'], fanIn: firstFanIn });
  if (distance)
    specs.push({ name: 'g0.wd', shape: [1, H], axes: ['input', 'hidden'], fanIn: firstFanIn });
  if (direction)
    specs.push({ name: 'g0.wv', shape: [2, H], axes: ['input', 'hidden'], fanIn: firstFanIn });
  specs.push({ name: 'g0.ww', shape: [DW, H], axes: ['code', 'hidden'], fanIn: firstFanIn });
  specs.push({ name: 'g0.b', shape: [H], axes: ['hidden'], fanIn: 0 });
  for (let k = 1; k < config.gLayers; k++) {
    specs.push({ name: `g${k}.w`, shape: [H, H], axes: ['hidden', 'hidden'], fanIn: H });
    specs.push({ name: `g${k}.b`, shape: [H], axes: ['hidden'], fanIn: 0 });
  }
  specs.push({ name: 'f0.wp', shape: [H, H], axes: ['hidden', 'hidden'], fanIn: H + DW });
  specs.push({ name: 'f0.ww', shape: [DW, H], axes: ['code', 'hidden'], fanIn: H + DW });
  specs.push({ name: 'f0.b', shape: [H], axes: ['hidden'], fanIn: 0 });
  for (let k = 1; k < config.fLayers; k++) {
    specs.push({ name: `f${k}.w`, shape: [H, H], axes: ['hidden', 'hidden'], fanIn: H });
    specs.push({ name: `f${k}.b`, shape: [H], axes: ['hidden'], fanIn: 0 });
  }
  const K = config.energyOutputs ?? 1;
  specs.push({ name: 'out.w', shape: [H, K], axes: ['hidden', 'outputs'], fanIn: H });
  specs.push({ name: 'out.b', shape: [K], axes: ['outputs'], fanIn: 0 });
  return specs;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Seeded initialisation: weights ~ N(0, gain^2 / fanIn) (LeCun-normal scaled),
 * biases 0. The gain keeps the pooled sum over N^2 pairs in a moderate range.
 */
export function initParams(config: ModelConfig, rng: Rng, gain = 1): ParamValues {
  const out: ParamValues = {};
  for (const spec of paramSpecs(config)) {
    const values = new Float32Array(sizeOf(spec.shape));
    if (spec.fanIn > 0) {
      const std = gain / Math.sqrt(spec.fanIn);
      for (let i = 0; i < values.length; i++) values[i] = std * rng.normal();
    }
    out[spec.name] = values;
  }
  return out;
}

export function countParams(config: ModelConfig): number {
  return paramSpecs(config).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** Check that `values` holds exactly the parameters the config asks for. */
export function checkParamValues(config: ModelConfig, values: ParamValues): void {
  for (const spec of paramSpecs(config)) {
    const v = values[spec.name];
    if (!v) throw new Error(`parameters: missing "${spec.name}"`);
    if (v.length !== sizeOf(spec.shape)) {
      throw new Error(
        `parameters: "${spec.name}" has ${v.length} values, expected ${sizeOf(spec.shape)} (shape ${spec.shape.join('x')})`,
      );
    }
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) throw new Error(`parameters: "${spec.name}"[${i}] is not finite`);
    }
  }
  const known = new Set(paramSpecs(config).map((s) => s.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) throw new Error(`parameters: unexpected "${name}" for this config`);
  }
}
