/**
 * Every committed training config must load: docs/history/training-log.md names each one
 * as the record of a run, so a config that no longer resolves (a renamed
 * setting, an unknown family) would make that row unreproducible.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from './run.js';

const root = fileURLToPath(new URL('../../configs/', import.meta.url));
const files = [
  ...readdirSync(root).filter((f) => f.endsWith('.json')),
  ...readdirSync(`${root}sweep`)
    .filter((f) => f.endsWith('.json'))
    .map((f) => `sweep/${f}`),
];

describe('committed training configs', () => {
  it('are there', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it.each(files)('%s loads and validates', async (file) => {
    const config = await readConfigFile(`${root}${file}`);
    expect(config.steps).toBeGreaterThan(0);
  });
});
