import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedSource, WASM_MODULES } from '../scripts/build-wasm.js';

const root = new URL('../', import.meta.url);

describe('the hand-written WebAssembly modules', () => {
  it.each(WASM_MODULES)(
    '%s: the committed %s is its compiled form (run `npm run build:wasm` after editing it)',
    async (...entry) => {
      expect(await readFile(new URL(entry[1], root), 'utf8')).toBe(await generatedSource(entry));
    },
  );
});
