/**
 * The code is formatted by prettier (.prettierrc): a file that is not fails
 * here, naming it (fix with `npm run format`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'node_modules' || name === 'dist' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('formatting', () => {
  it('every TypeScript file is as prettier writes it', async () => {
    const files = ['src', 'bench', 'web/src', 'test', 'scripts'].flatMap((d) =>
      tsFiles(join(root, d)),
    );
    expect(files.length).toBeGreaterThan(100);
    const unformatted: string[] = [];
    for (const file of files) {
      const options = (await prettier.resolveConfig(file)) ?? {};
      if (!(await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file })))
        unformatted.push(relative(root, file));
    }
    expect(unformatted).toEqual([]);
  }, 120_000);
});
