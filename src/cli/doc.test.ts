import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capture } from '../test-utils/cli.js';
import { cliMarkdown } from './doc.js';
import { runCli } from './program.js';

describe('docs/CLI.md', () => {
  it('is what the command definitions print (run `npm run docs:cli` after changing a command)', () => {
    expect(readFileSync(new URL('../../docs/CLI.md', import.meta.url), 'utf8')).toBe(cliMarkdown());
  });

  it('lists every flag that --help lists, for every command', async () => {
    const page = cliMarkdown();
    for (const command of [
      'sample',
      'render',
      'check',
      'concepts',
      'demo',
      'train',
      'export',
      'eval',
      'experiment',
      'answer',
      'serve',
    ]) {
      const io = capture();
      expect(await runCli([command, '--help'], io)).toBe(0);
      const start = page.indexOf(`## ${command}\n`);
      const end = page.indexOf('\n## ', start + 1);
      const section = page.slice(start, end < 0 ? undefined : end);
      const flags = [...io.out.matchAll(/^\s+(--[\w-]+)/gm)]
        .map((m) => m[1])
        .filter((f) => f !== '--help');
      expect(flags.length).toBeGreaterThan(0);
      for (const f of flags) expect(section, `${command} ${f}`).toContain(f);
    }
  });
});
