import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conceptExamples, conceptsMarkdown, EXAMPLES_DIR } from './doc.js';
import { FAMILY_NAMES } from './index.js';

describe('docs/CONCEPTS.md', () => {
  it('is what the family table prints (run `npm run docs:concepts` after changing a family)', () => {
    const page = readFileSync(new URL('../../docs/CONCEPTS.md', import.meta.url), 'utf8');
    expect(page).toBe(conceptsMarkdown());
  });
  it('shows an example of every family, as the generator draws it', () => {
    for (const [name, svg] of Object.entries(conceptExamples())) {
      const file = readFileSync(
        new URL(`../../docs/${EXAMPLES_DIR}/${name}.svg`, import.meta.url),
        'utf8',
      );
      expect(file, name).toBe(svg);
      expect(conceptsMarkdown()).toContain(`](${EXAMPLES_DIR}/${name}.svg)`);
    }
  });

  it('has a section per family, with its judge', () => {
    const page = conceptsMarkdown();
    for (const name of FAMILY_NAMES) expect(page).toContain(`### ${name}\n`);
    expect(page).toMatch(
      /### make-red[\s\S]*Minimal change: each entity that changes keeps its position \(displacement < 0.05\)/,
    );
  });
});
