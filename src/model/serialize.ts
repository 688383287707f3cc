/**
 * The model file format, version 1: a JSON manifest plus one binary file of
 * little-endian float32 values. Pure encode/decode (no file system), so the
 * same code loads a model in Node and in a browser.
 *
 * manifest (model.json):
 *   format    "concept-ebm-model"
 *   version   1
 *   config    the ModelConfig (variant, attributes, codeSize, hidden, gLayers, fLayers)
 *   inference the InferenceSettings the model was trained with (test-time defaults)
 *   meta      free-form: seed, training step, training config, metrics, created
 *   weights   { file, bytes, crc32 }: the binary file, its length and CRC-32
 *   tensors   [{ name, shape, offset }]: parameters, offset counted in float32 values
 *   extra     [{ name, shape, offset }]: other arrays in the same file (optimizer state)
 *   checksum  { sha256 }: over the manifest without this field and the
 *             weights' own SHA-256 (../model/checksum.ts); checked by the
 *             Node loader, so an edited offset, shape or block is caught
 *
 * The weights file is named after its CRC (weights-<crc>.bin), so a new save
 * never overwrites the file an existing manifest points to; the manifest is
 * written last, atomically, and is the commit point.
 */
import { crc32Hex } from '../util/crc32.js';
import { validateModelConfig, type ModelConfig } from './config.js';
import { checkParamValues, paramSpecs, sizeOf, type ParamValues } from './params.js';

export const MODEL_FORMAT = 'concept-ebm-model';
export const MODEL_VERSION = 1;

export interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  config: ModelConfig;
  inference?: unknown;
  meta: Record<string, unknown>;
  weights: { file: string; bytes: number; crc32: string };
  tensors: TensorEntry[];
  extra: TensorEntry[];
  checksum?: { sha256: string };
}

/** Larger weights than this are a corrupt file, not a trained model (trained weights stay within 1e2). */
export const MAX_WEIGHT = 1e6;

export interface ModelData {
  config: ModelConfig;
  values: ParamValues;
  inference?: unknown;
  meta: Record<string, unknown>;
  /** Other named arrays stored alongside (e.g. Adam moments). */
  extra?: Record<string, { shape: number[]; values: Float32Array }>;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

export function encodeModel(data: ModelData): { manifest: ModelManifest; bytes: Uint8Array } {
  validateModelConfig(data.config);
  checkParamValues(data.config, data.values);
  const tensors: TensorEntry[] = [];
  const extra: TensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const spec of paramSpecs(data.config)) {
    tensors.push({ name: spec.name, shape: spec.shape, offset });
    chunks.push(data.values[spec.name]);
    offset += sizeOf(spec.shape);
  }
  for (const [name, arr] of Object.entries(data.extra ?? {})) {
    if (arr.values.length !== sizeOf(arr.shape))
      throw new Error(`encodeModel: extra "${name}" has the wrong size`);
    extra.push({ name, shape: arr.shape, offset });
    chunks.push(arr.values);
    offset += arr.values.length;
  }
  const floats = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    floats.set(c, at);
    at += c.length;
  }
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  floats.forEach((v, i) => view.setFloat32(i * 4, v, true));
  const crc = crc32Hex(bytes);
  return {
    manifest: {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      config: data.config,
      inference: data.inference,
      meta: data.meta,
      weights: { file: `weights-${crc}.bin`, bytes: bytes.length, crc32: crc },
      tensors,
      extra,
    },
    bytes,
  };
}

/** Parse and check a manifest's text; `source` names the file in errors. */
export function parseManifest(text: string, source = 'model.json'): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const m = raw as Partial<ModelManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new ModelFileError(
      `${source}: not a concept-ebm model (missing "format": "${MODEL_FORMAT}")`,
    );
  }
  if (m.version !== MODEL_VERSION) {
    throw new ModelFileError(
      `${source}: model format version ${m.version} is not supported (this build reads ${MODEL_VERSION})`,
    );
  }
  if (!m.config || !m.weights || !Array.isArray(m.tensors)) {
    throw new ModelFileError(`${source}: incomplete manifest (needs config, weights and tensors)`);
  }
  const w = m.weights as Partial<ModelManifest['weights']>;
  if (
    typeof w !== 'object' ||
    typeof w.file !== 'string' ||
    !Number.isSafeInteger(w.bytes) ||
    (w.bytes as number) < 0 ||
    typeof w.crc32 !== 'string'
  ) {
    throw new ModelFileError(
      `${source}: weights: expected {"file": name, "bytes": count, "crc32": hex}`,
    );
  }
  if (m.extra !== undefined && !Array.isArray(m.extra))
    throw new ModelFileError(`${source}: extra: expected a list of tensors`);
  for (const [list, entries] of [
    ['tensors', m.tensors],
    ['extra', m.extra ?? []],
  ] as const) {
    entries.forEach((e: Partial<TensorEntry>, i: number) => {
      const where = `${source}: ${list}[${i}]${typeof e?.name === 'string' ? ` ("${e.name}")` : ''}`;
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string')
        throw new ModelFileError(`${where}: expected {"name", "shape", "offset"}`);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        throw new ModelFileError(
          `${where}: shape must be a list of sizes, got ${JSON.stringify(e.shape)}`,
        );
      if (!Number.isSafeInteger(e.offset) || (e.offset as number) < 0)
        throw new ModelFileError(
          `${where}: offset must be an integer >= 0, got ${JSON.stringify(e.offset)}`,
        );
    });
  }
  if (
    m.meta !== undefined &&
    (typeof m.meta !== 'object' || m.meta === null || Array.isArray(m.meta))
  )
    throw new ModelFileError(`${source}: meta: expected an object`);
  let config: ModelConfig;
  try {
    config = validateModelConfig(m.config);
  } catch (e) {
    throw new ModelFileError(`${source}: ${(e as Error).message}`);
  }
  return { ...m, config, meta: m.meta ?? {}, extra: m.extra ?? [] } as ModelManifest;
}

export function decodeModel(
  manifest: ModelManifest,
  bytes: Uint8Array,
  source = 'model',
): ModelData {
  const w = manifest.weights;
  if (bytes.length !== w.bytes) {
    throw new ModelFileError(
      `${source}: weights file ${w.file} has ${bytes.length} bytes, the manifest says ${w.bytes} (truncated?)`,
    );
  }
  const crc = crc32Hex(bytes);
  if (crc !== w.crc32) {
    throw new ModelFileError(
      `${source}: weights file ${w.file} is corrupt (crc32 ${crc}, expected ${w.crc32})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.length / 4;
  const read = (e: TensorEntry): Float32Array => {
    const n = sizeOf(e.shape);
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset + n > total) {
      throw new ModelFileError(`${source}: tensor "${e.name}" lies outside the weights file`);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32((e.offset + i) * 4, true);
    return out;
  };
  const specs = new Map(paramSpecs(manifest.config).map((p) => [p.name, p.shape]));
  const values: ParamValues = {};
  for (const e of manifest.tensors) {
    const want = specs.get(e.name);
    if (!want)
      throw new ModelFileError(
        `${source}: tensor "${e.name}" is not a parameter of this model's config`,
      );
    if (want.length !== e.shape.length || want.some((d, i) => d !== e.shape[i])) {
      throw new ModelFileError(
        `${source}: tensor "${e.name}" has shape [${e.shape}], the config needs [${want}]`,
      );
    }
    const v = read(e);
    const bad = v.findIndex((x) => !(Math.abs(x) <= MAX_WEIGHT));
    if (bad >= 0)
      throw new ModelFileError(
        `${source}: tensor "${e.name}" holds ${v[bad]} at ${bad}, beyond ${MAX_WEIGHT} (a corrupt file)`,
      );
    values[e.name] = v;
  }
  try {
    checkParamValues(manifest.config, values);
  } catch (e) {
    throw new ModelFileError(`${source}: ${(e as Error).message}`);
  }
  const extra: Record<string, { shape: number[]; values: Float32Array }> = {};
  for (const e of manifest.extra) extra[e.name] = { shape: e.shape, values: read(e) };
  return {
    config: manifest.config,
    values,
    inference: manifest.inference,
    meta: manifest.meta,
    extra,
  };
}
