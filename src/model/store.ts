/**
 * Models on disk (Node): a folder holding model.json and the weights file it
 * names. Saving writes the weights under a fresh name, then the manifest
 * atomically (temp file + rename), then removes weights files no manifest
 * points to: a crash at any moment leaves the last good model loadable.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { decodeModel, encodeModel, ModelFileError, parseManifest, type ModelData } from './serialize.js';

export const MANIFEST_FILE = 'model.json';

export async function saveModelDir(dir: string, data: ModelData): Promise<string> {
  const { manifest, bytes } = encodeModel(data);
  await writeFileAtomic(join(dir, manifest.weights.file), bytes);
  await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  for (const name of await readdir(dir)) {
    if (/^weights-[0-9a-f]{8}\.bin$/.test(name) && name !== manifest.weights.file) {
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }
  return join(dir, MANIFEST_FILE);
}

export async function loadModelDir(dir: string): Promise<ModelData> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === 'ENOENT' ? `${manifestPath}: no such file (is ${dir} a model folder?)` : `${manifestPath}: ${(e as Error).message}`,
    );
  }
  const manifest = parseManifest(text, manifestPath);
  if (!/^[\w.-]+$/.test(manifest.weights.file)) {
    throw new ModelFileError(`${manifestPath}: bad weights file name "${manifest.weights.file}"`);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(join(dir, manifest.weights.file)));
  } catch {
    throw new ModelFileError(`${manifestPath}: weights file ${manifest.weights.file} is missing`);
  }
  return decodeModel(manifest, bytes, dir);
}
