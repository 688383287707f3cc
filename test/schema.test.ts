/**
 * The JSON Schemas of docs/schema/ against the hand-written validators of
 * src/world/interchange.ts: every sampled episode and answer passes both; the
 * invalid files of docs/FORMAT.md fail both; the schemas' limits are
 * EPISODE_LIMITS; and on thousands of mutated episodes and answers the two
 * agree, except where the schema cannot speak (one value per entity, equal
 * entity counts), which the validators alone check.
 */
import { paths } from './test-utils/json-paths.js';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleEpisode } from '../src/concepts/episode.js';
import { FAMILY_NAMES } from '../src/concepts/family.js';
import { getFamily } from '../src/concepts/index.js';
import { answerEpisode } from '../src/inference/answer.js';
import { DEFAULT_INFERENCE } from '../src/inference/settings.js';
import { DEFAULT_MODEL_CONFIG } from '../src/model/config.js';
import { EnergyModel } from '../src/model/model.js';
import { Rng } from '../src/random/rng.js';
import { useEngine } from '../src/test-utils/engine.js';
import {
  EPISODE_LIMITS,
  InterchangeError,
  serializeAnswer,
  serializeEpisode,
  truthToAnswer,
  validateAnswer,
  validateEpisode,
  type AnswerJson,
  type EpisodeJson,
} from '../src/world/interchange.js';

type Json = Record<string, unknown>;

const readSchema = (name: string): Json =>
  JSON.parse(
    readFileSync(new URL(`../docs/schema/${name}.schema.json`, import.meta.url), 'utf8'),
  ) as Json;

const episodeSchema = readSchema('episode');
const answerSchema = readSchema('answer');
// Default options: strict schema keywords and finite numbers only (as the validators).
const ajv = new Ajv2020({ allErrors: true });
const schemaAcceptsEpisode: ValidateFunction = ajv.compile(episodeSchema);
const schemaAcceptsAnswer: ValidateFunction = ajv.compile(answerSchema);

const SEEDS = [0, 1, 2];

/** One sampled episode and its truth-as-answer per family and seed (2 to 4 demos, 3 queries). */
const sampled = FAMILY_NAMES.flatMap((name) =>
  SEEDS.map((seed) => {
    const { episode, truth } = sampleEpisode(getFamily(name), new Rng(seed).split(name), {
      demos: 2 + seed,
      queries: 3,
    });
    return { name, seed, episode, answer: truthToAnswer(truth, [0.5, -1.25, 3]) };
  }),
);

function accepts(validate: (v: unknown) => unknown, value: unknown): boolean {
  try {
    validate(value);
    return true;
  } catch (err) {
    if (!(err instanceof InterchangeError)) throw err;
    return false;
  }
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function schemaErrors(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors);
}

describe('every sampled episode and answer validates against the schemas', () => {
  it.each(sampled.map((s) => [s.name, s.seed, s] as const))(
    '%s, seed %i',
    (_name, _seed, { episode, answer }) => {
      for (const value of [episode, JSON.parse(serializeEpisode(episode))]) {
        expect(schemaAcceptsEpisode(value), schemaErrors(schemaAcceptsEpisode)).toBe(true);
        expect(accepts(validateEpisode, value)).toBe(true);
      }
      for (const value of [answer, JSON.parse(serializeAnswer(answer))]) {
        expect(schemaAcceptsAnswer(value), schemaErrors(schemaAcceptsAnswer)).toBe(true);
        expect(accepts(validateAnswer, value)).toBe(true);
        expect(accepts((v) => validateAnswer(v, undefined, episode), value)).toBe(true);
      }
    },
  );

  describe('answers from answerEpisode, with and without --trajectory', () => {
    let model: EnergyModel;
    beforeAll(async () => {
      await useEngine();
      model = EnergyModel.init(
        { ...DEFAULT_MODEL_CONFIG, hidden: 8, codeSize: 4, gLayers: 2 },
        new Rng(1),
      );
    });

    it.each(['red', 'move-close'] as const)('%s', (name) => {
      const { episode } = sampleEpisode(getFamily(name), new Rng(7), { demos: 2, queries: 2 });
      for (const trajectory of [false, true]) {
        // As the CLI prints it: JSON.stringify of answerEpisode's result.
        const answer = json(
          answerEpisode(model, episode, DEFAULT_INFERENCE, new Rng(3), { trajectory }),
        ) as Json;
        expect(schemaAcceptsAnswer(answer), schemaErrors(schemaAcceptsAnswer)).toBe(true);
        expect(accepts((v) => validateAnswer(v, undefined, episode), answer)).toBe(true);
        const result = (answer.results as Json[])[0];
        expect('trajectory' in result && 'energies' in result && 'conceptEnergies' in answer).toBe(
          trajectory,
        );
      }
    });
  });
});

describe('invalid episodes are refused by the schema and by validateEpisode', () => {
  const base = sampled.find((s) => s.name === 'red')!.episode;
  const edit = (change: (e: Json & EpisodeJson) => void): unknown => {
    const copy = json(base) as Json & EpisodeJson;
    change(copy);
    return copy;
  };
  const entity = base.demos[0].before.entities[0];
  const cases: [string, unknown, RegExp][] = [
    ['no demos', edit((e) => delete (e as Partial<Json>).demos), /^demos: missing/],
    [
      'no demonstration',
      edit((e) => (e.demos = [])),
      /^demos: expected at least one demonstration/,
    ],
    [
      'a position of 1.5',
      edit((e) => (e.demos[0].after.entities[1].pos[0] = 1.5)),
      /^demos\[0\]\.after\.entities\[1\]\.pos\[0\]: 1\.5 is outside \[-1, 1\]/,
    ],
    [
      'a colour of -0.1',
      edit((e) => (e.demos[1].before.entities[0].color[2] = -0.1)),
      /^demos\[1\]\.before\.entities\[0\]\.color\[2\]: -0\.1 is outside \[0, 1\]/,
    ],
    [
      'two colour channels',
      edit((e) => (e.demos[0].before.entities[0].color = [1, 0.4] as never)),
      /color: expected 3 numbers in \[0, 1\]/,
    ],
    [
      '33 entities',
      edit((e) => {
        const q = e.queries[0];
        if (q.task === 'identify')
          q.scene.entities = Array.from({ length: EPISODE_LIMITS.entities + 1 }, () => entity);
      }),
      /^queries\[0\]\.scene\.entities: 33 entities; at most 32 per scene/,
    ],
    [
      'task "paint"',
      edit((e) => ((e.queries[1] as unknown as Json).task = 'paint')),
      /^queries\[1\]\.task: unknown task "paint"/,
    ],
    [
      'attention 0.5',
      edit((e) => (e.demos[0].attention[0] = 0.5)),
      /^demos\[0\]\.attention\[0\]: expected 0 or 1, got 0\.5/,
    ],
    [
      'an identify query without its scene',
      edit((e) => delete (e.queries[0] as unknown as Partial<Json>).scene),
      /^queries\[0\]\.scene: missing/,
    ],
    [
      '101 demonstrations',
      edit((e) => (e.demos = Array.from({ length: EPISODE_LIMITS.demos + 1 }, () => e.demos[0]))),
      /^demos: 101 demonstrations; at most 100/,
    ],
    [
      '1001 queries',
      edit(
        (e) => (e.queries = Array.from({ length: EPISODE_LIMITS.queries + 1 }, () => e.queries[0])),
      ),
      /^queries: 1001 queries; at most 1000/,
    ],
  ];

  it.each(cases)('%s', (_what, value, message) => {
    expect(schemaAcceptsEpisode(value)).toBe(false);
    expect(() => validateEpisode(value)).toThrow(InterchangeError);
    expect(() => validateEpisode(value)).toThrow(message);
  });

  it('counts per entity are left to validateEpisode: the schema accepts them', () => {
    const shortAttention = edit((e) => e.demos[0].attention.pop());
    const shortAfter = edit((e) => e.demos[0].after.entities.pop());
    expect(schemaAcceptsEpisode(shortAttention)).toBe(true);
    expect(schemaAcceptsEpisode(shortAfter)).toBe(true);
    expect(() => validateEpisode(shortAttention)).toThrow(
      /^demos\[0\]\.attention: expected 6 values \(one per entity\), got 5$/,
    );
    expect(() => validateEpisode(shortAfter)).toThrow(
      /^demos\[0\]\.after\.entities: expected 6 entities \(as in before\), got 5$/,
    );
  });

  it('unknown keys are allowed by both', () => {
    const extra = edit((e) => {
      (e as Json).comment = 'hand-made';
      (e.demos[0] as unknown as Json).note = 1;
      (e.demos[0].before.entities[0] as unknown as Json).size = 0.1;
    });
    expect(schemaAcceptsEpisode(extra)).toBe(true);
    expect(accepts(validateEpisode, extra)).toBe(true);
  });
});

/** Every `maxItems` anywhere in a schema, by its JSON pointer. */
function maxItems(
  schema: unknown,
  at = '#',
  out: Record<string, number> = {},
): Record<string, number> {
  if (Array.isArray(schema)) schema.forEach((v, i) => maxItems(v, `${at}/${i}`, out));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'maxItems') out[at] = v as number;
      else maxItems(v, `${at}/${k}`, out);
    }
  }
  return out;
}

describe('the schemas state the limits of EPISODE_LIMITS', () => {
  it('episode: demos, queries, entities a scene, values a mask', () => {
    expect(maxItems(episodeSchema)).toEqual({
      '#/properties/demos': EPISODE_LIMITS.demos,
      '#/properties/queries': EPISODE_LIMITS.queries,
      '#/$defs/entity/properties/pos': 2,
      '#/$defs/entity/properties/color': 3,
      '#/$defs/scene/properties/entities': EPISODE_LIMITS.entities,
      '#/$defs/mask': EPISODE_LIMITS.entities,
    });
  });

  it('answer: entities a scene (the answer to a valid episode has no other bound)', () => {
    expect(maxItems(answerSchema)).toEqual({
      '#/$defs/entity/properties/pos': 2,
      '#/$defs/entity/properties/color': 3,
      '#/$defs/scene/properties/entities': EPISODE_LIMITS.entities,
    });
  });

  it('the two schemas describe scenes alike', () => {
    const defs = (s: Json) => s.$defs as Record<string, unknown>;
    expect(defs(answerSchema).scene).toEqual(defs(episodeSchema).scene);
    expect(defs(answerSchema).entity).toEqual(defs(episodeSchema).entity);
  });

  it('the size limit, which a schema cannot state, is in its description', () => {
    expect(episodeSchema.description).toContain(
      `at most ${EPISODE_LIMITS.characters / 1e6} MB of text`,
    );
  });
});

// ---------------------------------------------------------------- agreement under mutation

const ODD: unknown[] = [
  null,
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
  0.5,
  1.5,
  -0.1,
  33,
  1e308,
  [0, 0],
  [0, 0, 0],
  'identify',
  'generate',
];

/** One to three random edits, then a JSON round trip (what a file can hold). */
function mutate(value: unknown, rng: Rng): unknown {
  const copy = json(value) as Record<string | number, unknown>;
  const edits = 1 + Math.floor(rng.uniform() * 3);
  for (let n = 0; n < edits; n++) {
    const all = paths(copy).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = all[Math.floor(rng.uniform() * all.length)];
    const parent = path
      .slice(0, -1)
      .reduce<Record<string | number, unknown>>(
        (o, k) => o[k] as Record<string | number, unknown>,
        copy,
      );
    const last = path[path.length - 1];
    const r = rng.uniform();
    if (r < 0.45) parent[last] = json(ODD[Math.floor(rng.uniform() * ODD.length)]);
    else if (r < 0.6 && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (r < 0.6) delete parent[last];
    else if (r < 0.75 && Array.isArray(parent)) parent.push(json(parent[0]));
    else if (r < 0.85 && Array.isArray(parent))
      parent.length = Math.floor(rng.uniform() * parent.length);
    else if (r < 0.95) parent[`${last}-extra`] = 1;
    else parent[last] = json(parent);
  }
  return json(copy);
}

/**
 * Agreement: the validator accepts => the schema accepts; the schema accepts
 * and the validator refuses => the refusal is a count the schema cannot state.
 */
function agree(
  schema: ValidateFunction,
  validate: (v: unknown) => unknown,
  value: unknown,
  countMessage: RegExp,
): { ok: boolean; note: string } {
  let refusal: InterchangeError | undefined;
  try {
    validate(value);
  } catch (err) {
    if (!(err instanceof InterchangeError)) throw err;
    refusal = err;
  }
  const byschema = schema(value) as boolean;
  if (!refusal)
    return {
      ok: byschema,
      note: `schema refuses what the validator accepts: ${schemaErrors(schema)}`,
    };
  if (byschema)
    return {
      ok: countMessage.test(refusal.detail),
      note: `schema accepts what the validator refuses: ${refusal.message}`,
    };
  return { ok: true, note: '' };
}

describe('the schemas and the validators agree on mutated files', () => {
  const MUTATIONS = 3000;

  it(`episodes (${MUTATIONS} mutations)`, () => {
    const rng = new Rng(11);
    const counts = /^expected \d+ (values \(one per entity\)|entities \(as in before\))/;
    let refused = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const value = mutate(sampled[i % sampled.length].episode, rng.split(`episode ${i}`));
      const { ok, note } = agree(schemaAcceptsEpisode, (v) => validateEpisode(v), value, counts);
      expect(ok, `${note}\n${JSON.stringify(value).slice(0, 400)}`).toBe(true);
      if (!accepts(validateEpisode, value)) refused++;
    }
    expect(refused).toBeGreaterThan(MUTATIONS / 3);
  });

  it(`answers (${MUTATIONS} mutations)`, () => {
    const rng = new Rng(12);
    const withTrajectories = sampled.map(({ answer }): AnswerJson => ({
      ...answer,
      results: answer.results.map((r) =>
        'after' in r ? { ...r, trajectory: [r.after, r.after] } : r,
      ),
    }));
    const counts = /^expected \d+ entities \(as in after\)/;
    for (let i = 0; i < MUTATIONS; i++) {
      const value = mutate(withTrajectories[i % withTrajectories.length], rng.split(`answer ${i}`));
      const { ok, note } = agree(schemaAcceptsAnswer, (v) => validateAnswer(v), value, counts);
      expect(ok, `${note}\n${JSON.stringify(value).slice(0, 400)}`).toBe(true);
    }
  });
});
