import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { DEFAULT_MODEL_CONFIG, canonicalModelConfig } from './config.js';
import { initParams } from './params.js';
import { ModelFileError } from './serialize.js';
import { loadModelDir, saveModelDir } from './store.js';

const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'cebm-store-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const config = { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 };
const values = initParams(config, new Rng(5));
const data = {
  config,
  values,
  meta: { seed: 5, step: 42, metrics: { loss: 0.5 } },
  extra: { 'adam.m/out.b': { shape: [1], values: Float32Array.from([0.25]) } },
};

describe('model files', () => {
  it('round-trip exactly (values, config, meta, extra arrays)', async () => {
    const dir = await tempDir();
    await saveModelDir(dir, data);
    const back = await loadModelDir(dir);
    expect(back.config).toEqual(canonicalModelConfig(config));
    expect(back.meta).toEqual(data.meta);
    for (const [k, v] of Object.entries(values))
      expect(Array.from(back.values[k])).toEqual(Array.from(v));
    expect(Array.from(back.extra!['adam.m/out.b'].values)).toEqual([0.25]);
  });

  it('a second save replaces the first and leaves one weights file', async () => {
    const dir = await tempDir();
    await saveModelDir(dir, data);
    const changed = { ...data, values: { ...values, 'out.b': Float32Array.from([9]) } };
    await saveModelDir(dir, changed);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
    expect(files).toHaveLength(1);
    expect((await loadModelDir(dir)).values['out.b'][0]).toBe(9);
  });

  it('refuses a truncated weights file with one clear line', async () => {
    const dir = await tempDir();
    await saveModelDir(dir, data);
    const bin = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
    const bytes = await readFile(join(dir, bin));
    await writeFile(join(dir, bin), bytes.subarray(0, bytes.length - 8));
    await expect(loadModelDir(dir)).rejects.toThrow(ModelFileError);
    await expect(loadModelDir(dir)).rejects.toThrow(/truncated/);
  });

  it('refuses a corrupted weights file (crc)', async () => {
    const dir = await tempDir();
    await saveModelDir(dir, data);
    const bin = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
    const bytes = await readFile(join(dir, bin));
    bytes[17] ^= 0xff;
    await writeFile(join(dir, bin), bytes);
    await expect(loadModelDir(dir)).rejects.toThrow(/corrupt/);
  });

  it('refuses foreign, malformed or future-version manifests and missing folders', async () => {
    const dir = await tempDir();
    await saveModelDir(dir, data);
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    await writeFile(join(dir, 'model.json'), JSON.stringify({ hello: 'world' }));
    await expect(loadModelDir(dir)).rejects.toThrow(/not a concept-ebm model/);
    await writeFile(join(dir, 'model.json'), '{"format": "concept-ebm-model", ');
    await expect(loadModelDir(dir)).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, version: 99 }));
    await expect(loadModelDir(dir)).rejects.toThrow(/version 99/);
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ ...manifest, config: { ...config, hidden: -1 } }),
    );
    await expect(loadModelDir(dir)).rejects.toThrow(/hidden/);
    await expect(loadModelDir(join(dir, 'nope'))).rejects.toThrow(/no such file/);
    for (const e of [ModelFileError]) expect(e.name).toBe('ModelFileError');
  });

  it('refuses parameters that do not fit the config', async () => {
    const dir = await tempDir();
    await expect(
      saveModelDir(dir, { ...data, values: { ...values, 'out.b': new Float32Array(3) } }),
    ).rejects.toThrow(/out\.b/);
    await expect(
      saveModelDir(dir, { ...data, values: { ...values, 'out.b': Float32Array.from([NaN]) } }),
    ).rejects.toThrow(/not finite/);
  });
});
