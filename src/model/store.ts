/**
 * Models on disk (Node): a folder holding model.json and the weights file it
 * names. Saving writes the weights under a fresh name, then the manifest
 * atomically (temp file + rename), then removes weights files no manifest
 * points to: a crash at any moment leaves the last good model loadable.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { modelChecksum } from './checksum.js';
import {
  decodeModel,
  encodeModel,
  ModelFileError,
  parseManifest,
  type ModelData,
  type ModelManifest,
} from './serialize.js';

export const MANIFEST_FILE = 'model.json';

export async function saveModelDir(dir: string, data: ModelData): Promise<string> {
  const { manifest, bytes } = encodeModel(data);
  manifest.checksum = { sha256: modelChecksum(manifest, bytes) };
  await writeFileAtomic(join(dir, manifest.weights.file), bytes);
  await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  for (const name of await readdir(dir)) {
    if (/^weights-[0-9a-f]{8}\.bin$/.test(name) && name !== manifest.weights.file) {
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }
  return join(dir, MANIFEST_FILE);
}

export interface LoadOptions {
  /** Where a one-line warning goes (a folder saved before checksums existed); default: stderr. */
  onWarning?: (line: string) => void;
}

const warnOnStderr = (line: string) => process.stderr.write(`concept-ebm: warning: ${line}\n`);

export async function loadModelDir(dir: string, options: LoadOptions = {}): Promise<ModelData> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === 'ENOENT'
        ? `${manifestPath}: no such file (is ${dir} a model folder?)`
        : `${manifestPath}: ${(e as Error).message}`,
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
  // The weights' size and CRC first (their own clear errors), then the whole folder's checksum.
  const data = decodeModel(manifest, bytes, dir);
  // Verified on the manifest as written (parseManifest canonicalises the config).
  const raw = JSON.parse(text) as ModelManifest;
  const checksum = raw.checksum;
  if (checksum === undefined) {
    (options.onWarning ?? warnOnStderr)(
      `${manifestPath}: no checksum; the manifest cannot be verified (save it again to add one)`,
    );
  } else if (
    typeof checksum !== 'object' ||
    checksum === null ||
    checksum.sha256 !== modelChecksum(raw, bytes)
  ) {
    throw new ModelFileError(
      `${manifestPath}: checksum does not match: the manifest or the weights were changed after saving`,
    );
  }
  return data;
}
