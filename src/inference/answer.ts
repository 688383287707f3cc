/**
 * Answer an episode in the interchange format (docs/FORMAT.md): infer
 * the concept code from the demos, then answer every query. This is how any
 * program, in any language, uses a trained model.
 */
import type { EnergyModel } from '../model/model.js';
import type { Rng } from '../random/rng.js';
import {
  eventFromJson,
  sceneFromJson,
  sceneToJson,
  type AnswerJson,
  type EpisodeJson,
  type ResultJson,
} from '../world/interchange.js';
import { kernelBackend, type InferenceBackend } from './backend.js';
import type { InferenceSettings } from './settings.js';

export interface AnswerOptions {
  /** Include every chain's trajectory in the results. */
  trajectory?: boolean;
  /** Where the chains run (default: the kernel of `model`). */
  backend?: InferenceBackend;
}

export interface AnswerWithTrajectories extends AnswerJson {
  /** With `trajectory`: the w-chain's mean demo energy per step. */
  conceptEnergies?: number[];
}

export function answerEpisode(
  model: EnergyModel,
  episode: EpisodeJson,
  settings: InferenceSettings,
  rng: Rng,
  options: AnswerOptions = {},
): AnswerWithTrajectories {
  const record = options.trajectory ?? false;
  const demos = episode.demos.map(eventFromJson);
  const backend = options.backend ?? kernelBackend(model);
  const { inferConcept, identify, generate } = backend;
  const concept = inferConcept(demos, settings, rng.split('w'), { record });
  const results: ResultJson[] = episode.queries.map((q, i) => {
    const qrng = rng.split(`query-${i}`);
    if (q.task === 'identify') {
      const r = identify(sceneFromJson(q.scene), concept.code, settings, qrng, { record });
      return {
        attention: r.probabilities,
        ...(record && r.trajectory
          ? { trajectory: r.trajectory.probabilities, energies: r.trajectory.energies }
          : {}),
      } as ResultJson;
    }
    const r = generate(sceneFromJson(q.before), q.attention, concept.code, settings, qrng, {
      movable: q.movable,
      record,
    });
    return {
      after: sceneToJson(r.after),
      ...(record && r.trajectory
        ? { trajectory: r.trajectory.scenes.map(sceneToJson), energies: r.trajectory.energies }
        : {}),
    } as ResultJson;
  });
  return {
    concept: Array.from(concept.code),
    results,
    ...(record && concept.trajectory
      ? { conceptEnergies: concept.trajectory.map((t) => t.energy[0]) }
      : {}),
  };
}
