/**
 * Loading a model folder over http: model.json, then the weights file it
 * names, checked by the same pure decoder as in Node (size and CRC-32).
 */
import { decodeModel, parseManifest } from '../../src/model/serialize.js';
import { trainedFromData, type TrainedModel } from '../../src/inference/trained-data.js';

export class NoModelError extends Error {
  override name = 'NoModelError';
}

export async function loadModelFrom(base: URL): Promise<TrainedModel> {
  const manifestUrl = new URL('model.json', base);
  let res: Response;
  try {
    res = await fetch(manifestUrl, { cache: 'no-cache' });
  } catch (e) {
    throw new NoModelError(`cannot fetch ${manifestUrl.pathname} (${(e as Error).message})`);
  }
  if (!res.ok) throw new NoModelError(`${manifestUrl.pathname} was not found (HTTP ${res.status})`);
  const text = await res.text();
  if (/^\s*</.test(text))
    throw new NoModelError(
      `${manifestUrl.pathname} was not found (the server answered with a page)`,
    );
  const manifest = parseManifest(text, manifestUrl.pathname);
  const weightsUrl = new URL(manifest.weights.file, base);
  const wres = await fetch(weightsUrl, { cache: 'no-cache' });
  if (!wres.ok)
    throw new NoModelError(`${weightsUrl.pathname} was not found (HTTP ${wres.status})`);
  const bytes = new Uint8Array(await wres.arrayBuffer());
  return trainedFromData(decodeModel(manifest, bytes, base.pathname), base.pathname);
}
