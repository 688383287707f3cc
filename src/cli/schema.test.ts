/**
 * The schemas as the CLI holds files to them: read from docs/schema/, the
 * first break named by its field in the format's words.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleEpisode } from '../concepts/episode.js';
import { getFamily } from '../concepts/index.js';
import { Rng } from '../random/rng.js';
import { InterchangeError, serializeEpisode, truthToAnswer } from '../world/interchange.js';
import { checkSchema, fieldPath, schemaValidator } from './schema.js';

const { episode, truth } = sampleEpisode(getFamily('make-red'), new Rng(3), {
  demos: 2,
  queries: 2,
});
const episodeJson = JSON.parse(serializeEpisode(episode)) as {
  demos: { before: { entities: { pos: number[] }[] } }[];
};

describe('the CLI holds files to docs/schema/', () => {
  it('compiles the files in docs/schema/ themselves', () => {
    for (const name of ['episode', 'answer'] as const) {
      const file = JSON.parse(
        readFileSync(new URL(`../../docs/schema/${name}.schema.json`, import.meta.url), 'utf8'),
      );
      expect(schemaValidator(name).schema).toEqual(file);
    }
  });

  it('accepts a sampled episode and its truth as an answer', () => {
    expect(() => checkSchema('episode', episodeJson, 'e.json')).not.toThrow();
    const answer = JSON.parse(JSON.stringify(truthToAnswer(truth, [0.5])));
    expect(() => checkSchema('answer', answer, 'a.json')).not.toThrow();
  });

  it('names the first field that breaks it, as the format writes paths', () => {
    const bad = structuredClone(episodeJson);
    bad.demos[1]!.before.entities[2]!.pos[1] = 1.5;
    expect(() => checkSchema('episode', bad, 'e.json')).toThrow(InterchangeError);
    expect(() => checkSchema('episode', bad, 'e.json')).toThrow(
      'e.json: does not match docs/schema/episode.schema.json: demos[1].before.entities[2].pos[1]: must be <= 1',
    );
    expect(() => checkSchema('answer', { results: [] }, 'a.json')).toThrow(
      /a\.json: does not match docs\/schema\/answer\.schema\.json: the file: must have required property 'concept'/,
    );
  });

  it('turns JSON pointers into field paths', () => {
    expect(fieldPath('')).toBe('');
    expect(fieldPath('/demos/0/before/entities/2/pos')).toBe('demos[0].before.entities[2].pos');
    expect(fieldPath('/queries/10/task')).toBe('queries[10].task');
    expect(fieldPath('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});
