/** What the training tests share: temporary run folders, removed after the file, and a tiny config. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { resolveTrainingConfig, type TrainingConfig } from '../config.js';

/** A `tempDir()` for this test file; every folder it made is removed after the file's tests. */
export function tempDirs(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), `cebm-${prefix}-`));
    dirs.push(d);
    return d;
  };
}

/** A config that trains in a fraction of a second: red and make-red, hidden 8, 4 steps. */
export const tinyConfig = (patch: object = {}): TrainingConfig =>
  resolveTrainingConfig({
    seed: 3,
    families: { red: 1, 'make-red': 1 },
    model: { hidden: 8, codeSize: 4, gLayers: 2 },
    inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
    batchSize: 4,
    demos: 2,
    steps: 4,
    checkpointEvery: 2,
    evalEvery: 0,
    ...patch,
  });
