/** Writes docs/CONCEPTS.md from the family table (`npm run docs:concepts`). */
import { writeFileSync } from 'node:fs';
import { conceptsMarkdown } from '../src/concepts/doc.js';

writeFileSync(new URL('../docs/CONCEPTS.md', import.meta.url), conceptsMarkdown());
console.log('docs/CONCEPTS.md written');
