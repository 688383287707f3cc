/**
 * Prints the training config reference (`configReference()` in
 * src/training/config-doc.ts); with --write, puts it into docs/TRAINING.md
 * between its config-reference markers instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference, withConfigReference } from '../src/training/config-doc.js';

if (process.argv.includes('--write')) {
  const page = new URL('../docs/TRAINING.md', import.meta.url);
  writeFileSync(page, withConfigReference(readFileSync(page, 'utf8')));
  console.log('docs/TRAINING.md: config reference written');
} else {
  process.stdout.write(configReference());
}
