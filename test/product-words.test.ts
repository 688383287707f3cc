/**
 * The product speaks of the product: no "session", "issue #N" or "row N" in
 * code, scripts, model files, configs, recipes, file names, the playground or
 * the docs (history lives in docs/history/ and in git); and nothing points
 * outside the repository.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCAN = [
  'src',
  'scripts',
  'bench',
  'web/src',
  'web/index.html',
  'recipes',
  'configs',
  'models',
  'docs',
  'README.md',
  'test',
];
const SKIP = new Set(['docs/history', 'docs/api', 'test/product-words.test.ts']);
const WORDS = [
  /\bsessions?\b/i,
  /\bissue #\d+/i,
  /\brows? \d+/i,
  // pointers outside the repository: the specification it started from is not shipped
  /\.\.\/shared\//,
  /(^|[^A-Z/])method\.md/,
];

function files(path: string): string[] {
  const rel = relative(root, path);
  if (SKIP.has(rel)) return [];
  if (statSync(path).isDirectory())
    return readdirSync(path).flatMap((name) => files(join(path, name)));
  return /\.(ts|js|mjs|json|md|html|py|sh|wat|css)$/.test(path) ? [path] : [];
}

describe('history words', () => {
  it('appear nowhere in the product, neither in its text nor in its file names', () => {
    const found: string[] = [];
    for (const path of SCAN.flatMap((p) => files(join(root, p)))) {
      const rel = relative(root, path);
      if (WORDS.some((w) => w.test(rel))) found.push(`${rel} (file name)`);
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (WORDS.some((w) => w.test(line)))
            found.push(`${rel}:${i + 1}: ${line.trim().slice(0, 100)}`);
        });
    }
    expect(found).toEqual([]);
  });
});
