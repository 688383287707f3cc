/**
 * The library entry: what `import { ... } from "concept-ebm"` gives a user.
 * The package's exports map must point at what the build writes, the built
 * entry must resolve by the package's name, and the README's example must
 * run and answer right.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as lib from './index.js';
import { initEngine } from './engine/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const readme = readFileSync(`${root}README.md`, 'utf8');

/** The README's library example: the js block of section "The library". */
function readmeExample(): string {
  const section = readme.split('\n## The library\n')[1]?.split('\n## ')[0];
  const block = section && /```js\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```js block in section "The library"');
  return block[1];
}

describe('the package entry', () => {
  it('points main, types and exports at the build output of src/index.ts', () => {
    expect(existsSync(`${root}src/index.ts`)).toBe(true);
    expect(pkg.main).toBe('./dist/index.js');
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  });

  it('resolves by name from the build, with the same exports as src/index.ts', () => {
    if (!existsSync(`${root}dist/index.js`)) {
      throw new Error('dist/index.js is missing: run `npm run build` (npm ci does it)');
    }
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "console.log(JSON.stringify(Object.keys(await import('concept-ebm')).sort()))",
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(Object.keys(lib).sort());
  });

  it('exports every name the README example imports', () => {
    const imported = /import \{([^}]*)\} from 'concept-ebm'/.exec(readmeExample());
    expect(imported).not.toBeNull();
    const names = imported![1].split(',').map((s) => s.trim());
    expect(names.length).toBeGreaterThan(3);
    for (const name of names)
      expect(typeof (lib as Record<string, unknown>)[name], name).toBe('function');
  });
});

describe("the README's library example", () => {
  beforeAll(async () => {
    await initEngine('wasm');
  });

  it('answers fresh red episodes from the shipped model', async () => {
    const body = readmeExample().replace(
      /import (\{[^}]*\}) from 'concept-ebm';/,
      'const $1 = lib;',
    );
    const printed: string[] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('lib', 'console', body)(lib, { log: (s: string) => printed.push(s) });
    expect(printed).toHaveLength(1);
    const m = /^(\d) of 3 right$/.exec(printed[0]);
    expect(m, printed[0]).not.toBeNull();
    // red scores 0.99 on 500 episodes; chance is 0.10 per query.
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
