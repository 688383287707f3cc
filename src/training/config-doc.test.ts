import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from './config.js';
import {
  CONFIG_FIELDS,
  CONFIG_REFERENCE_END,
  CONFIG_REFERENCE_START,
  configFieldPaths,
  configReference,
  extractConfigReference,
  withConfigReference,
} from './config-doc.js';

/**
 * The dotted path of every field of `config`, walked here independently of
 * config-doc.ts: nested objects are descended, except the two maps keyed by
 * family name, which a config replaces whole and the table describes as one.
 */
function walk(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    return [prefix.slice(0, -1)];
  if (prefix === 'families.' || prefix === 'familyLoss.') return [prefix.slice(0, -1)];
  return Object.entries(node).flatMap(([k, v]) => walk(v, `${prefix}${k}.`));
}

/** Fields of `config` the table lacks, and table entries that name no field of it. */
function mismatch(
  config: unknown,
  table: Readonly<Record<string, string>> = CONFIG_FIELDS,
): { missing: string[]; extra: string[] } {
  const paths = walk(config);
  return {
    missing: paths.filter((p) => !(p in table)),
    extra: Object.keys(table).filter((p) => !paths.includes(p)),
  };
}

describe('the config reference (src/training/config-doc.ts)', () => {
  it('has a meaning for every field of DEFAULT_TRAINING, and names no field that does not exist', () => {
    const { missing, extra } = mismatch(DEFAULT_TRAINING);
    expect(missing, 'fields of DEFAULT_TRAINING with no entry in CONFIG_FIELDS').toEqual([]);
    expect(extra, 'CONFIG_FIELDS entries that are not fields of DEFAULT_TRAINING').toEqual([]);
  });

  it('would catch a field added to the config or removed from it', () => {
    const added = { ...DEFAULT_TRAINING, loss: { ...DEFAULT_TRAINING.loss, newTerm: 1 } };
    expect(mismatch(added).missing).toEqual(['loss.newTerm']);
    const { kl: _kl, ...loss } = DEFAULT_TRAINING.loss;
    expect(mismatch({ ...DEFAULT_TRAINING, loss }).extra).toEqual(['loss.kl']);
    expect(
      mismatch(DEFAULT_TRAINING, { ...CONFIG_FIELDS, 'model.depth': 'no such field' }).extra,
    ).toEqual(['model.depth']);
  });

  it('walks the fields as the test does, in the order of the defaults', () => {
    expect(configFieldPaths()).toEqual(walk(DEFAULT_TRAINING));
    expect(configFieldPaths().slice(0, 3)).toEqual(['seed', 'model.variant', 'model.attributes']);
    expect(configFieldPaths()).toContain('inference.x.stepSize');
    expect(configFieldPaths()).toContain('families');
    expect(configFieldPaths()).not.toContain('families.square');
  });

  it('gives each field one line of meaning', () => {
    for (const [path, meaning] of Object.entries(CONFIG_FIELDS)) {
      expect(meaning.trim().length, path).toBeGreaterThan(10);
      expect(meaning, path).not.toMatch(/\n/);
    }
  });

  it('prints a row per field with its default', () => {
    const page = configReference();
    const rows = page.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(configFieldPaths().length);
    expect(page).toContain('| `seed` | `0` |');
    expect(page).toContain('| `inference.w.stepSize` | `1` |');
    expect(page).toContain('| `learningRateDecay` | `null` |');
    expect(page).toContain('| `loss.maskRankTemperature` | `0.1` |');
    expect(page).toContain('| `familyLoss` | `{}` |');
    expect(page).toContain(
      `| \`families\` | \`1\` for each of the ${Object.keys(DEFAULT_TRAINING.families).length} families |`,
    );
  });

  it('fails loudly when a field has no meaning', () => {
    const table = CONFIG_FIELDS as Record<string, string>;
    const saved = table.seed;
    delete table.seed;
    try {
      expect(() => configReference()).toThrow(/seed has no meaning/);
    } finally {
      table.seed = saved;
    }
  });

  it('is spliced between the markers, and only there', () => {
    const page = `# T\n\nintro\n\n${CONFIG_REFERENCE_START}\nold text\n${CONFIG_REFERENCE_END}\n\nafter\n`;
    const updated = withConfigReference(page);
    expect(extractConfigReference(updated)).toBe(configReference());
    expect(updated.startsWith('# T\n\nintro\n\n')).toBe(true);
    expect(updated.endsWith(`${CONFIG_REFERENCE_END}\n\nafter\n`)).toBe(true);
    expect(() => extractConfigReference('no markers')).toThrow(/expected/);
    expect(() =>
      extractConfigReference(`${CONFIG_REFERENCE_END}\n${CONFIG_REFERENCE_START}\n`),
    ).toThrow(/expected/);
  });
});

describe('docs/TRAINING.md', () => {
  it('holds the current config reference between its markers (run `npm run docs:config` after changing a field)', () => {
    const page = readFileSync(new URL('../../docs/TRAINING.md', import.meta.url), 'utf8');
    expect(extractConfigReference(page)).toBe(configReference());
  });
});
