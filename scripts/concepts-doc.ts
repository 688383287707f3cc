/** Writes docs/CONCEPTS.md and its examples (docs/concepts/*.svg) from the family table (`npm run docs:concepts`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { conceptExamples, conceptsMarkdown, EXAMPLES_DIR } from '../src/concepts/doc.js';

writeFileSync(new URL('../docs/CONCEPTS.md', import.meta.url), conceptsMarkdown());
mkdirSync(new URL(`../docs/${EXAMPLES_DIR}/`, import.meta.url), { recursive: true });
for (const [name, svg] of Object.entries(conceptExamples())) {
  writeFileSync(new URL(`../docs/${EXAMPLES_DIR}/${name}.svg`, import.meta.url), svg);
}
console.log('docs/CONCEPTS.md and its examples written');
