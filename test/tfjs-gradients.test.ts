/**
 * The engine's bundled copy of tfjs-core's gradient registrations
 * (src/engine/tfjs-gradients.js) is what scripts/tfjs-gradients.ts writes for
 * the installed tfjs-core: regenerate it with `npm run build:gradients` after
 * tfjs-core changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRADIENTS_FILE, gradientsSource } from '../scripts/tfjs-gradients.js';

describe('the bundled tfjs gradients', () => {
  it('are up to date with the installed tfjs-core', async () => {
    const committed = readFileSync(new URL(`../${GRADIENTS_FILE}`, import.meta.url), 'utf8');
    const version = (
      JSON.parse(
        readFileSync(
          new URL('../node_modules/@tensorflow/tfjs-core/package.json', import.meta.url),
          'utf8',
        ),
      ) as { version: string }
    ).version;
    expect(committed.split('\n')[0]).toContain(`@tensorflow/tfjs-core ${version}`);
    expect(committed === (await gradientsSource())).toBe(true);
  }, 60_000);
});
