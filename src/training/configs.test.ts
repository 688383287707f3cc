/**
 * Every committed training config must load: the product's (configs/, and
 * the shipped recipe's stages in configs/shipped/, each extending the one
 * before) and the records of past runs (docs/history/configs/, named by
 * docs/history/training-log.md). And `extends` resolves as documented.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from './run.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const json = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}/${f}`);
const files = [...json('configs'), ...json('configs/shipped'), ...json('docs/history/configs')];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('committed training configs', () => {
  it('are there', () => {
    expect(json('configs/shipped').length).toBe(31);
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files)('%s loads and validates', async (file) => {
    const config = await readConfigFile(join(root, file));
    expect(config.steps).toBeGreaterThan(0);
  });
});

describe('extends', () => {
  it('applies a config over its parent: objects merged, families and familyLoss replaced whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cebm-extends-'));
    dirs.push(dir);
    await writeFile(
      join(dir, 'base.json'),
      JSON.stringify({
        steps: 10,
        loss: { kl: 0.5 },
        families: { red: 1, 'make-red': 1 },
        model: { hidden: 16 },
      }),
    );
    await mkdir(join(dir, 'sub'));
    await writeFile(
      join(dir, 'sub', 'child.json'),
      JSON.stringify({ extends: '../base.json', loss: { contrastive: 0.1 }, families: { red: 2 } }),
    );
    const c = await readConfigFile(join(dir, 'sub', 'child.json'));
    expect(c.steps).toBe(10);
    expect(c.loss).toMatchObject({ kl: 0.5, contrastive: 0.1 });
    expect(c.families).toEqual({ red: 2 });
    expect(c.model.hidden).toBe(16);
  });

  it('names a circle, a missing parent and a bad value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cebm-extends-'));
    dirs.push(dir);
    await writeFile(join(dir, 'a.json'), JSON.stringify({ extends: 'b.json' }));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ extends: 'a.json' }));
    await expect(readConfigFile(join(dir, 'a.json'))).rejects.toThrow(/"extends" runs in a circle/);
    await writeFile(join(dir, 'c.json'), JSON.stringify({ extends: 'nope.json' }));
    await expect(readConfigFile(join(dir, 'c.json'))).rejects.toThrow(
      /nope\.json: cannot read the config file/,
    );
    await writeFile(join(dir, 'd.json'), JSON.stringify({ extends: 3 }));
    await expect(readConfigFile(join(dir, 'd.json'))).rejects.toThrow(
      /"extends" names a config file, got 3/,
    );
  });
});
