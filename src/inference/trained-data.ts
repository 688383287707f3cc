/**
 * A trained model ready to answer, built from decoded model data: the energy,
 * the inference settings it was trained with (the test-time defaults), and its
 * metadata. Browser-safe (no file system): the playground loads a model with
 * fetch + parseManifest/decodeModel and then calls `trainedFromData`; Node
 * code loads folders through `loadTrainedModel` in trained.ts.
 */
import { validateInferenceSettings, type InferenceSettings } from './settings.js';
import { EnergyModel } from '../model/model.js';
import type { ModelData } from '../model/serialize.js';

export interface TrainedModel {
  model: EnergyModel;
  inference: InferenceSettings;
  meta: Record<string, unknown>;
  /** Where it was loaded from (a folder or a URL). */
  source: string;
}

export function trainedFromData(data: ModelData, source: string): TrainedModel {
  // A model file states its test-time chains: one that lost them must not answer with defaults.
  if (data.inference === undefined)
    throw new Error(`${source}: the model file has no "inference" block (its test-time chains)`);
  let inference: InferenceSettings;
  try {
    inference = validateInferenceSettings(data.inference as InferenceSettings);
  } catch (e) {
    throw new Error(`${source}: inference: ${(e as Error).message}`);
  }
  return { model: new EnergyModel(data.config, data.values), inference, meta: data.meta, source };
}
