/**
 * A trained model ready to answer, loaded from a model folder (Node only: it
 * reads files). The browser-safe part, `trainedFromData`, lives in
 * trained-data.ts and is re-exported here.
 */
import { fileURLToPath } from 'node:url';
import { trainedFromData, type TrainedModel } from './trained-data.js';
import { loadModelDir } from '../model/store.js';

export { trainedFromData, type TrainedModel } from './trained-data.js';

/** The model shipped inside the package (models/default). */
export function shippedModelDir(): string {
  return fileURLToPath(new URL('../../models/default', import.meta.url));
}

export async function loadTrainedModel(dir: string = shippedModelDir()): Promise<TrainedModel> {
  return trainedFromData(await loadModelDir(dir), dir);
}
