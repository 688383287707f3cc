/**
 * A trained model ready to answer: the energy, the inference settings it was
 * trained with (the test-time defaults), and its metadata.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_INFERENCE, validateInferenceSettings, type InferenceSettings } from '../inference/settings.js';
import { EnergyModel } from './model.js';
import type { ModelData } from './serialize.js';
import { loadModelDir } from './store.js';

export interface TrainedModel {
  model: EnergyModel;
  inference: InferenceSettings;
  meta: Record<string, unknown>;
  /** Where it was loaded from. */
  source: string;
}

/** The model shipped inside the package (models/default). */
export function shippedModelDir(): string {
  return fileURLToPath(new URL('../../models/default', import.meta.url));
}

export function trainedFromData(data: ModelData, source: string): TrainedModel {
  const inference = data.inference
    ? validateInferenceSettings(data.inference as InferenceSettings)
    : DEFAULT_INFERENCE;
  return { model: new EnergyModel(data.config, data.values), inference, meta: data.meta, source };
}

export async function loadTrainedModel(dir: string = shippedModelDir()): Promise<TrainedModel> {
  return trainedFromData(await loadModelDir(dir), dir);
}
