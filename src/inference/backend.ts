/**
 * One inference API over two backends. The three scene-level questions
 * (which concept do these demos show, what does the concept do to this scene,
 * which entities does it speak of) are answered by the same chains, update
 * rule, masks, ranges and noise draws on either:
 *
 * - `engine`: the tensor engine (./infer.ts), differentiable to second order;
 *   training runs its chains batched on it, and it is the reference the
 *   kernel is tested against;
 * - `kernel`: the hand-written first-order kernel (./fast.ts over
 *   ../model/fast-energy.ts), several times faster per scene; every command
 *   that only answers (eval, answer, the shift suite, experiments, the
 *   playground) runs on it; the arm's chain over joint angles
 *   (../evaluation/arm.ts) is the one left on the engine.
 *
 * With the same seed the two agree up to float rounding (tested in
 * ./backend.test.ts), so a figure does not depend on the backend beyond
 * sampling noise.
 */
import type { EnergyModel } from '../model/model.js';
import type { Rng } from '../random/rng.js';
import { EPISODE_LIMITS, InterchangeError } from '../world/interchange.js';
import type { Event, Scene } from '../world/types.js';
import {
  fastEnergyOf,
  fastGenerate,
  fastGenerateComposed,
  fastIdentify,
  fastInferConcept,
} from './fast.js';
import { generateComposed, type ComposeOp, type ComposeOptions } from './compose.js';
import {
  generate,
  identify,
  inferConcept,
  type ConceptResult,
  type GenerateResult,
  type IdentifyResult,
} from './infer.js';
import type { ChainSettings } from './langevin.js';
import type { InferenceSettings } from './settings.js';

export type InferenceBackendName = 'engine' | 'kernel';
export const INFERENCE_BACKENDS: readonly InferenceBackendName[] = ['engine', 'kernel'];

export interface GenerateOptions {
  /** Who may change (default: the who-moves rule of the query). */
  movable?: readonly number[];
  record?: boolean;
  /** Replaces the settings' x-chain (e.g. without its pull, for the arm). */
  chain?: ChainSettings;
}

export interface IdentifyOptions {
  record?: boolean;
  /** Replaces the settings' a-chain. */
  chain?: ChainSettings;
}

/** Inference on one model through one backend. */
export interface InferenceBackend {
  readonly name: InferenceBackendName;
  /** The concept code from M demonstrations (scored on their final states). */
  inferConcept(
    demos: readonly Event[],
    settings: InferenceSettings,
    rng: Rng,
    options?: { record?: boolean },
  ): ConceptResult;
  /** The final scene from `before` under `code` and `attention`. */
  generate(
    before: Scene,
    attention: readonly number[],
    code: Float32Array,
    settings: InferenceSettings,
    rng: Rng,
    options?: GenerateOptions,
  ): GenerateResult;
  /**
   * The final scene from `before` under two codes' energies combined by `op`
   * (./compose.ts): the settings' x-chain, or `options.chain`.
   */
  generateComposed(
    before: Scene,
    attention: readonly number[],
    codes: readonly [Float32Array, Float32Array],
    op: ComposeOp,
    settings: InferenceSettings,
    rng: Rng,
    options?: ComposeOptions & GenerateOptions,
  ): GenerateResult;
  /** The attention over `scene` under `code`. */
  identify(
    scene: Scene,
    code: Float32Array,
    settings: InferenceSettings,
    rng: Rng,
    options?: IdentifyOptions,
  ): IdentifyResult;
}

/**
 * Scenes the engine backend takes: the episode format's limit. Beyond it the
 * engine's 32-bit wasm memory can overflow ("table index is out of bounds"),
 * and a wasm abort leaves the engine unusable for the rest of the process, so
 * the call is refused before it starts. The kernel has no such limit.
 */
function checkEngineScene(scene: Scene, what: string): void {
  const n = scene.entities.length;
  if (n > EPISODE_LIMITS.entities) {
    throw new Error(
      `${what}: ${n} entities; the engine backend takes at most ${EPISODE_LIMITS.entities} (the kernel backend takes more)`,
    );
  }
}

/** The engine backend of `model` (reads the model's parameters at every call). */
export function engineBackend(model: EnergyModel): InferenceBackend {
  return {
    name: 'engine',
    inferConcept: (demos, settings, rng, options) => {
      demos.forEach((d, i) => checkEngineScene(d.after, `demos[${i}]`));
      // The engine batches the demos as one tensor; the kernel takes them one by one.
      const n = demos[0]?.after.entities.length;
      const other = demos.findIndex((d) => d.after.entities.length !== n);
      if (other >= 0) {
        throw new InterchangeError(
          `${demos[other].after.entities.length} entities, demos[0] has ${n}: the engine backend needs demonstrations of one size (the kernel backend takes any)`,
          `demos[${other}]`,
        );
      }
      return inferConcept(model, demos, settings, rng, options);
    },
    generate: (before, attention, code, settings, rng, options) => {
      checkEngineScene(before, 'generate');
      return generate(model, before, attention, code, settings, rng, options);
    },
    generateComposed: (before, attention, codes, op, settings, rng, options = {}) => {
      checkEngineScene(before, 'generate');
      const { chain = settings.x, ...rest } = options;
      return generateComposed(
        model,
        before,
        attention,
        codes,
        op,
        chain,
        settings.attentionLogit,
        rng,
        rest,
      );
    },
    identify: (scene, code, settings, rng, options) => {
      checkEngineScene(scene, 'identify');
      return identify(model, scene, code, settings, rng, options);
    },
  };
}

/**
 * The kernel backend of `model`: a copy of its parameters as they are now
 * (build it again after the parameters change, e.g. at each validation).
 */
export function kernelBackend(model: EnergyModel): InferenceBackend {
  const fe = fastEnergyOf(model);
  return {
    name: 'kernel',
    inferConcept: (demos, settings, rng, options) =>
      fastInferConcept(fe, demos, settings, rng, options),
    generate: (before, attention, code, settings, rng, options) =>
      fastGenerate(fe, before, attention, code, settings, rng, options),
    generateComposed: (before, attention, codes, op, settings, rng, options = {}) => {
      const { chain = settings.x, ...rest } = options;
      return fastGenerateComposed(
        fe,
        before,
        attention,
        codes,
        op,
        chain,
        settings.attentionLogit,
        rng,
        rest,
      );
    },
    identify: (scene, code, settings, rng, options) =>
      fastIdentify(fe, scene, code, settings, rng, options),
  };
}

export function backendOf(model: EnergyModel, name: InferenceBackendName): InferenceBackend {
  return name === 'engine' ? engineBackend(model) : kernelBackend(model);
}
