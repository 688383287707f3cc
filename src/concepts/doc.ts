/**
 * docs/CONCEPTS.md, written from the family table itself (`npm run
 * docs:concepts`), so the page cannot drift from the checkers: a test fails
 * when the committed page differs from what this prints.
 */
import { maxEntitiesOf } from './common.js';
import { rngFor } from '../random/rng.js';
import { eventSvg } from '../world/svg.js';
import { FAMILIES, FAMILY_NAMES } from './index.js';
import type { ConceptFamily, GeometrySpec } from './family.js';
import { MOVER_TOLERANCE, STAY_PUT_TOLERANCE } from './common.js';

const range = (r: readonly [number, number]) => `${r[0]}..${r[1]}`;

function geometryLine(g: GeometrySpec): string {
  const bands = [
    g.small ? `small ${range(g.small)}` : null,
    g.large ? `large ${range(g.large)}` : null,
  ].filter(Boolean);
  return `${g.parameter}: training ${range(g.training)}; shift suite ${bands.join(', ')}${g.note ? ` (${g.note})` : ''}`;
}

/** The folder of the examples, relative to docs/CONCEPTS.md. */
export const EXAMPLES_DIR = 'concepts';

/**
 * One event of each family drawn as SVG (seeded, so the committed files can
 * be compared): before faded, after solid, arrows for moves, halos for the
 * attended entities.
 */
export function conceptExamples(): Record<string, string> {
  return Object.fromEntries(
    FAMILY_NAMES.map((name) => {
      const f = FAMILIES[name];
      const event = f.sample(rngFor(2026, 'concepts-doc', name));
      const title =
        f.kind === 'identify' ? `${name}: the attended set` : `${name}: before -> after`;
      return [name, eventSvg(event, { title, size: 220 })];
    }),
  );
}

function familySection(f: ConceptFamily): string {
  const lines = [
    `### ${f.name}`,
    '',
    `*${f.kind === 'identify' ? 'Identification' : 'Generation'}*: ${f.description}.`,
    '',
    `![an example of ${f.name}](${EXAMPLES_DIR}/${f.name}.svg)`,
    '',
    `- **Judge**: ${f.checkerDescription}`,
  ];
  lines.push(
    `- **Scenes**: ${f.defaultEntities} entities by default, at least ${f.minEntities}, at most ${maxEntitiesOf(f)}${f.usesAgent ? '; the gray agent is one of them' : ''}.`,
  );
  lines.push(
    `- **Geometry**: ${f.geometry ? geometryLine(f.geometry) : 'none to shift (colour or count only)'}.`,
  );
  return lines.join('\n');
}

/** The whole page. */
export function conceptsMarkdown(): string {
  const identify = FAMILY_NAMES.filter((n) => FAMILIES[n].kind === 'identify');
  const generate = FAMILY_NAMES.filter((n) => FAMILIES[n].kind === 'generate');
  return [
    '# The concept families',
    '',
    '<!-- Written by `npm run docs:concepts` from src/concepts; edit the families, not this page. -->',
    '',
    `${FAMILY_NAMES.length} families: ${identify.length} to identify (which entities does the concept speak of?) and ` +
      `${generate.length} to generate (change the scene so the concept holds). Each has a seeded generator and a judge ` +
      "(its checker) that decides against the world's ground truth, never against a model's energy.",
    '',
    '## How an answer is judged',
    '',
    '- **Identification**: the attended set, `{i : p_i > 0.5}`, must be the set the concept names (for the count ' +
      'families, any set of the right size).',
    '- **Generation**: the final scene must satisfy the concept, and change nothing else:',
    `  - the entities the query does not move (the format's who-moves rule: the agent if it is attended, otherwise the ` +
      `attended entities) stay put: their mean change of position plus colour is below ${STAY_PUT_TOLERANCE};`,
    `  - each entity that moves keeps what the concept does not name, within ${MOVER_TOLERANCE}, the worst entity deciding: ` +
      'make-red keeps positions (a recolour is not a move), the make-shapes keep colours (a move is not a recolour), ' +
      'and the moves keep the agent an agent (each colour channel within 0.05 of gray).',
    '  A failed verdict names the entity and what changed, e.g. "entity 3 moved 0.42 but make-red only recolours".',
    '- `eval` reports this strict score; beside it, `lenientScore` is what the concept names alone (the minimal-change ' +
      'rule for movers off). Composition (`experiment compose`) judges each concept leniently, since each changes what ' +
      'the other leaves alone.',
    '',
    '## The shift suite',
    '',
    '`concept-ebm eval --suite shift` scores every family on scenes unlike the training defaults, one axis at a time: ' +
      "entities per scene from the family's minimum to 12; demonstrations from 1 to 10; the family's geometry from a " +
      'band below (`small`) or above (`large`) its training range, inside what its judge accepts (listed per family ' +
      'below); and colours: every colour the concept does not name jittered by up to 0.1 per channel, or taken from a ' +
      'second palette (the agent stays gray, and no colour comes near red).',
    '',
    '## Identification',
    '',
    ...identify.flatMap((n) => [familySection(FAMILIES[n]), '']),
    '## Generation',
    '',
    ...generate.flatMap((n) => [familySection(FAMILIES[n]), '']),
  ].join('\n');
}
