/**
 * Model folders damaged after saving: every corruption is refused with one
 * line naming the file and the field, or (a folder from before checksums)
 * loads with one warning, never silently.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { DEFAULT_MODEL_CONFIG } from './config.js';
import { initParams } from './params.js';
import { ModelFileError, type ModelManifest } from './serialize.js';
import { loadModelDir, saveModelDir } from './store.js';
import { modelChecksum } from './checksum.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const config = { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4 };
const data = {
  config,
  values: initParams(config, new Rng(5)),
  inference: { w: { steps: 5, stepSize: 0.1, noise: 0, gradClamp: 5 } },
  meta: { step: 1 },
};

/** A saved folder whose manifest `edit` changes; `reseal` recomputes the checksum (a forger's edit, caught by the other checks). */
async function damaged(edit: (m: ModelManifest & Record<string, unknown>) => void, reseal = false) {
  const dir = await mkdtemp(join(tmpdir(), 'cebm-corrupt-'));
  dirs.push(dir);
  await saveModelDir(dir, data);
  const path = join(dir, 'model.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  edit(m);
  if (reseal)
    m.checksum = {
      sha256: modelChecksum(m, new Uint8Array(await readFile(join(dir, m.weights.file)))),
    };
  await writeFile(path, JSON.stringify(m, null, 2));
  return dir;
}

const refused = async (dir: string, message: RegExp) => {
  const err = await loadModelDir(dir).catch((e) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  expect(err.message).toMatch(message);
  expect(err.message).toContain(dir);
  expect(err.message.split('\n')).toHaveLength(1);
};

describe('a damaged model folder', () => {
  it('is caught by the checksum when the manifest was edited', async () => {
    await refused(await damaged((m) => (m.tensors[0].offset += 1)), /checksum does not match/);
    await refused(
      await damaged(
        (m) =>
          ([m.tensors[0].offset, m.tensors[1].offset] = [m.tensors[1].offset, m.tensors[0].offset]),
      ),
      /checksum does not match|lies outside the weights file/,
    );
    await refused(await damaged((m) => delete m.inference), /checksum does not match/);
    await refused(await damaged((m) => (m.meta = { step: 2 })), /checksum does not match/);
  });

  it('is caught by the shape, bound and structure checks even with a matching checksum', async () => {
    const g0 = (m: ModelManifest) =>
      m.tensors.find((t) => t.shape.length === 2 && t.shape[0] !== t.shape[1])!;
    await refused(
      await damaged((m) => g0(m).shape.reverse(), true),
      /has shape \[.*\], the config needs \[/,
    );
    await refused(
      await damaged((m) => (m.tensors[0].name = 'nope'), true),
      /"nope" is not a parameter/,
    );
    await refused(
      await damaged((m) => ((m as Record<string, unknown>).extra = 5), true),
      /extra: expected a list/,
    );
    await refused(
      await damaged((m) => (m.tensors[1].shape = [-5]), true),
      /shape must be a list of sizes/,
    );
    await refused(
      await damaged((m) => (m.tensors[1].offset = 1.5), true),
      /offset must be an integer/,
    );
    await refused(
      await damaged((m) => ((m as Record<string, unknown>).weights = { file: 3 })),
      /weights: expected/,
    );
    await refused(
      await damaged((m) => ((m as Record<string, unknown>).meta = []), true),
      /meta: expected an object/,
    );
  });

  it('refuses a weight far beyond any trained value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cebm-corrupt-'));
    dirs.push(dir);
    const values = initParams(config, new Rng(5));
    Object.values(values)[0][3] = 3e38;
    await saveModelDir(dir, { ...data, values });
    await refused(dir, /holds 3.*e\+38 at 3, beyond 1000000/);
  });

  it('loads a folder without a checksum with one warning', async () => {
    const dir = await damaged((m) => delete m.checksum);
    const warnings: string[] = [];
    await loadModelDir(dir, { onWarning: (l) => warnings.push(l) });
    expect(warnings).toEqual([
      expect.stringMatching(/model\.json: no checksum; the manifest cannot be verified/),
    ]);
  });
});
