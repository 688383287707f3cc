/** Writes docs/CLI.md from the command definitions (`npm run docs:cli`). */
import { writeFileSync } from 'node:fs';
import { cliMarkdown } from '../src/cli/doc.js';

writeFileSync(new URL('../docs/CLI.md', import.meta.url), cliMarkdown());
console.log('docs/CLI.md written');
