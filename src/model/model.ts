/**
 * An energy model: its config and its parameters as engine variables.
 */
import * as T from '../engine/index.js';
import type { Tensor, Variable } from '../engine/index.js';
import type { Rng } from '../random/rng.js';
import { validateModelConfig, type ModelConfig } from './config.js';
import {
  energy,
  energyOfAttentions,
  energyOfAttentionsGiven,
  energyOfRelations,
  relations,
  type ParamTensors,
} from './energy.js';
import { checkParamValues, initParams, paramSpecs, type ParamValues } from './params.js';

export class EnergyModel {
  readonly config: ModelConfig;
  readonly params: Record<string, Variable>;

  constructor(config: ModelConfig, values: ParamValues) {
    this.config = validateModelConfig(config);
    checkParamValues(config, values);
    this.params = {};
    for (const spec of paramSpecs(config)) {
      this.params[spec.name] = T.variable(T.tensor(values[spec.name], spec.shape), true, undefined);
    }
  }

  static init(config: ModelConfig, rng: Rng, gain = 1): EnergyModel {
    return new EnergyModel(config, initParams(config, rng, gain));
  }

  /** E(x, a, w): [B]. */
  energy(x: Tensor, a: Tensor, w: Tensor, params: ParamTensors = this.params): Tensor {
    return energy(this.config, params, x, a, w);
  }

  /** E(x, a_k, w) of K attention patterns a [B, K, N] per scene, g run once a scene: [B, K]. */
  energyOfAttentions(x: Tensor, a: Tensor, w: Tensor, params: ParamTensors = this.params): Tensor {
    return energyOfAttentions(this.config, params, x, a, w);
  }

  /** g's features of scenes x under codes w, which do not depend on the attention. */
  relations(x: Tensor, w: Tensor, params: ParamTensors = this.params): Tensor {
    return relations(this.config, params, x, w);
  }

  /** E(x, a, w) from h = relations(x, w), with the same params: [B]. */
  energyOfRelations(h: Tensor, a: Tensor, w: Tensor, params: ParamTensors = this.params): Tensor {
    return energyOfRelations(this.config, params, h, a, w);
  }

  /** energyOfAttentions from h = relations(x, w), with the same params: [B, K]. */
  energyOfAttentionsGiven(
    h: Tensor,
    a: Tensor,
    w: Tensor,
    params: ParamTensors = this.params,
  ): Tensor {
    return energyOfAttentionsGiven(this.config, params, h, a, w);
  }

  /** The variables in a fixed order (the order of paramSpecs). */
  variables(): Variable[] {
    return paramSpecs(this.config).map((s) => this.params[s.name]);
  }

  /** A copy of the current values (float32). */
  values(): ParamValues {
    const out: ParamValues = {};
    for (const spec of paramSpecs(this.config)) {
      out[spec.name] = Float32Array.from(T.read(this.params[spec.name]));
    }
    return out;
  }

  /** Overwrite the values in place (shapes must match). */
  assign(values: ParamValues): void {
    checkParamValues(this.config, values);
    for (const spec of paramSpecs(this.config)) {
      const t = T.tensor(values[spec.name], spec.shape);
      this.params[spec.name].assign(t);
      t.dispose();
    }
  }

  /**
   * The loss and its gradient w.r.t. every parameter, keyed by parameter name.
   * (The engine keys gradients by its own unique variable names.)
   */
  valueAndGrads(loss: () => T.Scalar): { value: T.Scalar; grads: Record<string, Tensor> } {
    const { value, grads } = T.variableGrads(loss, this.variables());
    const out: Record<string, Tensor> = {};
    for (const spec of paramSpecs(this.config)) {
      const g = grads[this.params[spec.name].name];
      out[spec.name] = g ?? T.zerosLike(this.params[spec.name]);
    }
    return { value, grads: out };
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}
