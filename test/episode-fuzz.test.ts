/**
 * The episode fuzzer: 10,000 mutations of valid episodes, half on the JSON
 * text and half on the parsed object. Every one is either refused with an
 * InterchangeError (one line, naming a field) or accepted whole: no other
 * exception type, and no accepted episode with a hole, an `undefined`, a
 * non-finite number or a scene beyond the limits. Unknown keys stay ignored
 * by design.
 */
import { paths } from './test-utils/json-paths.js';
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES } from '../src/concepts/family.js';
import { getFamily } from '../src/concepts/index.js';
import { Rng } from '../src/random/rng.js';
import {
  EPISODE_LIMITS,
  InterchangeError,
  parseEpisode,
  serializeEpisode,
  validateEpisode,
  type EpisodeJson,
} from '../src/world/interchange.js';
import { sampleEpisode } from '../src/concepts/episode.js';

const MUTATIONS = 10_000;

function episodes(): EpisodeJson[] {
  return FAMILY_NAMES.slice(0, 22).map(
    (name, i) => sampleEpisode(getFamily(name), new Rng(i), { demos: 2, queries: 2 }).episode,
  );
}

const ODD: unknown[] = [
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  '',
  'x',
  '1',
  true,
  [],
  {},
  [1],
  { a: 1 },
  -1,
  0,
  1,
  2,
  1e308,
  -0,
  0.5,
  33,
  [[]],
];

function mutateObject(ep: EpisodeJson, rng: Rng): unknown {
  const copy = JSON.parse(JSON.stringify(ep)) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(rng.uniform() * all.length)];
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (o, k) => o[k] as Record<string | number, unknown>,
      copy,
    );
  const last = path[path.length - 1];
  const r = rng.uniform();
  if (r < 0.45) parent[last] = ODD[Math.floor(rng.uniform() * ODD.length)];
  else if (r < 0.6)
    delete parent[last]; // in an array: a hole
  else if (r < 0.75 && Array.isArray(parent)) parent.push(parent[0]);
  else if (r < 0.85 && Array.isArray(parent))
    parent.length = Math.floor(rng.uniform() * parent.length);
  else if (r < 0.95)
    parent[`${last}-extra`] = 1; // unknown keys are ignored by design
  else parent[last] = JSON.parse(JSON.stringify(parent));
  return copy;
}

function mutateText(text: string, rng: Rng): string {
  const at = Math.floor(rng.uniform() * text.length);
  const r = rng.uniform();
  const chars = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '-',
    '1',
    'e',
    '.',
    ' ',
    'n',
    '\u0000',
    '\uFEFF',
    'NaN',
  ];
  const c = chars[Math.floor(rng.uniform() * chars.length)];
  if (r < 0.4) return text.slice(0, at) + c + text.slice(at);
  if (r < 0.7) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rng.uniform() * 5));
  if (r < 0.85) return text.slice(0, at);
  return text.slice(0, at) + c + text.slice(at + 1);
}

/** Holes, undefined, non-finite numbers or oversize scenes anywhere in an accepted episode. */
function flaws(v: unknown, path = ''): string[] {
  if (v === undefined) return [`${path}: undefined`];
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [`${path}: ${v}`];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (let i = 0; i < v.length; i++)
      out.push(...(i in v ? flaws(v[i], `${path}[${i}]`) : [`${path}[${i}]: hole`]));
    if (path.endsWith('entities') && v.length > EPISODE_LIMITS.entities)
      out.push(`${path}: ${v.length} entities`);
    return out;
  }
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => flaws(x, `${path}.${k}`));
  return [];
}

describe('the episode fuzzer', () => {
  it(`${MUTATIONS} mutations: refused with one clear line or accepted whole`, () => {
    const base = episodes();
    const rng = new Rng(2026);
    const tally = {
      refused: 0,
      accepted: 0,
      unexpected: [] as string[],
      flawed: [] as string[],
      mixedSizes: 0,
    };
    for (let k = 0; k < MUTATIONS; k++) {
      const ep = base[k % base.length];
      let accepted: EpisodeJson | null = null;
      try {
        accepted =
          k % 2 === 0
            ? parseEpisode(mutateText(serializeEpisode(ep), rng), 'fuzz.json')
            : validateEpisode(mutateObject(ep, rng), 'fuzz');
      } catch (e) {
        if (!(e instanceof InterchangeError) || e.message.includes('\n'))
          tally.unexpected.push(`${(e as Error).name}: ${(e as Error).message}`);
        else tally.refused++;
        continue;
      }
      tally.accepted++;
      tally.flawed.push(...flaws(accepted));
      for (const d of accepted.demos)
        if (
          d.before.entities.length !== d.after.entities.length ||
          d.attention.length !== d.after.entities.length
        )
          tally.flawed.push('an event of two sizes');
    }
    // The figures the reliability section of the docs quotes.
    console.log(
      `episode fuzzer: ${MUTATIONS} mutations, ${tally.refused} refused, ${tally.accepted} accepted, ${tally.unexpected.length} unexpected errors, ${tally.flawed.length} flawed acceptances`,
    );
    expect(tally.unexpected.slice(0, 5)).toEqual([]);
    expect(tally.flawed.slice(0, 5)).toEqual([]);
    expect(tally.refused).toBeGreaterThan(MUTATIONS / 4);
    expect(tally.accepted).toBeGreaterThan(MUTATIONS / 20);
  });
});
