/* eslint-disable @typescript-eslint/no-explicit-any -- tests build malformed input on purpose */
import { describe, expect, it } from 'vitest';
import {
  InterchangeError,
  eventFromJson,
  eventToJson,
  parseAnswer,
  parseEpisode,
  parseTruth,
  sceneFromJson,
  sceneToJson,
  serializeAnswer,
  serializeEpisode,
  serializeTruth,
  truthToAnswer,
  validateEpisode,
  validateScene,
  EPISODE_LIMITS,
  type EpisodeJson,
  type SceneJson,
  type TruthJson,
} from './interchange.js';
import type { Scene } from './types.js';

const scene = (n = 3): SceneJson => ({
  entities: Array.from({ length: n }, (_, i) => ({
    pos: [-0.5 + 0.3 * i, 0.25 * i - 0.1] as [number, number],
    color: (i === 0 ? [0.5, 0.5, 0.5] : [1, 0, 0]) as [number, number, number],
  })),
});

function goodEpisode(): EpisodeJson {
  return {
    demos: [
      { before: scene(), after: scene(), attention: [1, 0, 1] },
      { before: scene(), after: scene(), attention: [0, 1, 1] },
      { before: scene(4), after: scene(4), attention: [0, 1, 1, 0] },
    ],
    queries: [
      { task: 'identify', scene: scene() },
      { task: 'generate', before: scene(), attention: [1, 1, 0] },
      { task: 'generate', before: scene(), attention: [1, 1, 0], movable: [1, 0, 0] },
    ],
  };
}

const text = (v: unknown) => JSON.stringify(v);

/** Parse a mutated copy of the good episode; return the error message. */
function episodeError(mutate: (e: any) => void, source = 'episode.json'): string {
  const e: any = goodEpisode();
  mutate(e);
  try {
    parseEpisode(text(e), source);
  } catch (err) {
    expect(err).toBeInstanceOf(InterchangeError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('parseEpisode', () => {
  it('accepts a good episode and returns canonical copies', () => {
    const e: any = goodEpisode();
    e.comment = 'ignored';
    e.demos[0].before.entities[0].extra = 1;
    const parsed = parseEpisode(text(e), 'episode.json');
    expect(parsed).toEqual(goodEpisode());
    expect((parsed as any).comment).toBeUndefined();
    expect(parsed.queries[2]).toMatchObject({ movable: [1, 0, 0] });
    expect('movable' in parsed.queries[1]).toBe(false);
  });

  it('names a colour of the wrong length by its full path', () => {
    expect(episodeError((e) => (e.demos[2].after.entities[3].color = [1, 0.4]))).toBe(
      'episode.json: demos[2].after.entities[3].color: expected 3 numbers in [0, 1], got [1, 0.4]',
    );
  });

  it('rejects a colour out of [0, 1]', () => {
    expect(episodeError((e) => (e.demos[0].before.entities[1].color[2] = 1.2))).toBe(
      'episode.json: demos[0].before.entities[1].color[2]: 1.2 is outside [0, 1]',
    );
    expect(episodeError((e) => (e.demos[0].before.entities[1].color[0] = -0.01))).toContain(
      'demos[0].before.entities[1].color[0]: -0.01 is outside [0, 1]',
    );
  });

  it('rejects a position out of [-1, 1]', () => {
    expect(episodeError((e) => (e.queries[0].scene.entities[2].pos[0] = 1.5))).toBe(
      'episode.json: queries[0].scene.entities[2].pos[0]: 1.5 is outside [-1, 1]',
    );
  });

  it('rejects non-finite and non-numeric coordinates', () => {
    // JSON has no NaN, but 1e999 parses to Infinity.
    const e = goodEpisode();
    const raw = text(e).replace('"pos":[-0.5,-0.1]', '"pos":[-0.5,1e999]');
    expect(() => parseEpisode(raw, 'ep.json')).toThrow(
      'ep.json: demos[0].before.entities[0].pos[1]: not a finite number, got Infinity',
    );
    expect(episodeError((e) => (e.demos[1].after.entities[0].pos[1] = 'NaN'))).toBe(
      'episode.json: demos[1].after.entities[0].pos[1]: expected a number, got "NaN"',
    );
    // In-memory objects can hold NaN.
    const bad: any = goodEpisode();
    bad.demos[0].after.entities[1].pos[1] = NaN;
    expect(() => validateEpisode(bad, 'mem')).toThrow(
      'mem: demos[0].after.entities[1].pos[1]: not a finite number, got NaN',
    );
    expect(episodeError((e) => (e.demos[0].after.entities[0].pos = [0.1]))).toBe(
      'episode.json: demos[0].after.entities[0].pos: expected 2 numbers in [-1, 1], got [0.1]',
    );
  });

  it('rejects an unknown or missing task', () => {
    expect(episodeError((e) => (e.queries[0].task = 'draw'), '')).toBe(
      'queries[0].task: unknown task "draw" (expected "identify" or "generate")',
    );
    expect(episodeError((e) => delete e.queries[1].task)).toBe(
      'episode.json: queries[1].task: missing (expected "identify" or "generate")',
    );
  });

  it('rejects attention that is not 0/1 or has the wrong length', () => {
    expect(episodeError((e) => (e.demos[1].attention = [0, 0.5, 1]))).toBe(
      'episode.json: demos[1].attention[1]: expected 0 or 1, got 0.5',
    );
    expect(episodeError((e) => (e.demos[1].attention = [0, 1]))).toBe(
      'episode.json: demos[1].attention: expected 3 values (one per entity), got 2',
    );
    expect(episodeError((e) => (e.queries[1].attention = [1, 0, 0, 1]))).toBe(
      'episode.json: queries[1].attention: expected 3 values (one per entity), got 4',
    );
    expect(episodeError((e) => (e.queries[2].movable = [true, 0, 0]))).toBe(
      'episode.json: queries[2].movable[0]: expected 0 or 1, got true',
    );
    expect(episodeError((e) => delete e.demos[0].attention)).toContain(
      'demos[0].attention: missing',
    );
  });

  it('rejects before/after entity counts that differ', () => {
    expect(episodeError((e) => e.demos[1].after.entities.pop())).toBe(
      'episode.json: demos[1].after.entities: expected 3 entities (as in before), got 2',
    );
  });

  it('rejects empty demos, empty scenes and wrong shapes', () => {
    expect(episodeError((e) => (e.demos = []))).toBe(
      'episode.json: demos: expected at least one demonstration, got []',
    );
    expect(episodeError((e) => delete e.demos)).toContain('episode.json: demos: missing');
    expect(episodeError((e) => (e.queries = {}))).toBe(
      'episode.json: queries: expected a list of queries, got an object',
    );
    expect(episodeError((e) => (e.queries[0].scene.entities = []))).toBe(
      'episode.json: queries[0].scene.entities: expected at least one entity, got []',
    );
    expect(episodeError((e) => (e.demos[0].before.entities[1] = 7))).toContain(
      'demos[0].before.entities[1]: expected an entity',
    );
    expect(() => parseEpisode('[1, 2]', 'x.json')).toThrow('x.json: expected an episode');
    expect(episodeError((e) => (e.demos[0].before.entities[0].color = undefined))).toBe(
      'episode.json: demos[0].before.entities[0].color: missing (expected 3 numbers in [0, 1])',
    );
  });

  it('reports malformed JSON in one line without a stack', () => {
    try {
      parseEpisode('{"demos": [', 'bad.json');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(InterchangeError);
      const msg = (err as Error).message;
      expect(msg.startsWith('bad.json: malformed JSON: ')).toBe(true);
      expect(msg).not.toContain('\n');
      expect(msg).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });
});

describe('validateScene', () => {
  it('uses the given path prefix', () => {
    expect(() => validateScene({ entities: [{ pos: [0, 0], color: [0, 2, 0] }] })).toThrow(
      'scene.entities[0].color[1]: 2 is outside [0, 1]',
    );
    expect(() =>
      validateScene({ entities: [{ pos: [0, 0], color: [0, 1, 0] }] }, 'x', 'f.json'),
    ).not.toThrow();
    expect(() => validateScene(null, 'x', 'f.json')).toThrow('f.json: x: expected a scene');
  });
});

describe('truth and answers', () => {
  const truth: TruthJson = {
    family: 'red',
    queries: [
      { family: 'red', task: 'identify', attention: [0, 1, 1] },
      { family: 'red', task: 'generate', after: scene() },
      { family: 'red', task: 'generate', after: scene() },
    ],
  };

  it('parses a truth that fits the episode', () => {
    expect(parseTruth(text(truth), 't.json', goodEpisode())).toEqual(truth);
  });

  it('rejects a truth that does not fit', () => {
    const ep = goodEpisode();
    expect(() => parseTruth(text({ ...truth, family: 'blue' }), 't.json')).toThrow(
      't.json: family: unknown concept family "blue"',
    );
    expect(() =>
      parseTruth(text({ ...truth, queries: truth.queries.slice(1) }), 't.json', ep),
    ).toThrow('t.json: queries: expected 3 entries (one per query of the episode), got 2');
    const wrongTask = structuredClone(truth) as any;
    wrongTask.queries[0] = { family: 'red', task: 'generate', after: scene() };
    expect(() => parseTruth(text(wrongTask), 't.json', ep)).toThrow(
      't.json: queries[0].task: "generate" does not match the episode\'s query task "identify"',
    );
    const wrongCount = structuredClone(truth) as any;
    wrongCount.queries[1].after = scene(4);
    expect(() => parseTruth(text(wrongCount), 't.json', ep)).toThrow(
      't.json: queries[1].after.entities: expected 3 entities (as in the query), got 4',
    );
  });

  it('parses answers with probabilities and trajectories', () => {
    const answer = {
      concept: [0.1, -2, 3],
      results: [
        { attention: [0.1, 0.9, 0.55] },
        { after: scene(), trajectory: [scene(), scene()] },
        { after: scene() },
      ],
    };
    const parsed = parseAnswer(text(answer), 'a.json', goodEpisode());
    expect(parsed).toEqual(answer);
  });

  it('rejects answers that do not fit the episode', () => {
    const ep = goodEpisode();
    const base = {
      concept: [],
      results: [{ attention: [0, 1, 1] }, { after: scene() }, { after: scene() }],
    };
    const mutate = (f: (a: any) => void) => {
      const a: any = structuredClone(base);
      f(a);
      return () => parseAnswer(text(a), 'a.json', ep);
    };
    expect(mutate(() => undefined)).not.toThrow();
    expect(mutate((a) => (a.results[0].attention = [0, 1.5, 1]))).toThrow(
      'a.json: results[0].attention[1]: 1.5 is outside [0, 1]',
    );
    expect(mutate((a) => (a.results[0].attention = [0, 1]))).toThrow(
      'a.json: results[0].attention: expected 3 values (one per entity), got 2',
    );
    expect(mutate((a) => (a.results[1] = { attention: [0, 1, 1] }))).toThrow(
      'a.json: results[1].after: missing (query 1 is "generate": expected the generated scene)',
    );
    expect(mutate((a) => a.results.pop())).toThrow(
      'a.json: results: expected 3 results (one per query), got 2',
    );
    expect(mutate((a) => (a.results[2].trajectory = [scene(2)]))).toThrow(
      'a.json: results[2].trajectory[0].entities: expected 3 entities (as in after), got 2',
    );
    expect(mutate((a) => delete a.concept)).toThrow('a.json: concept: missing');
    expect(mutate((a) => (a.concept = [1, 'x']))).toThrow(
      'a.json: concept[1]: expected a number, got "x"',
    );
  });

  it('turns a truth into an oracle answer', () => {
    const a = truthToAnswer(truth);
    expect(a.concept).toEqual([]);
    expect(a.results[0]).toEqual({ attention: [0, 1, 1] });
    expect(a.results[1]).toEqual({ after: scene() });
    expect(() => parseAnswer(serializeAnswer(a), 'a.json', goodEpisode())).not.toThrow();
  });
});

describe('conversion and serialization', () => {
  it('round-trips scenes and events between JSON and world types', () => {
    const s: Scene = {
      entities: [
        { pos: [0.123456789012345, -0.987654321], color: [1, 0, 0] },
        { pos: [-1, 1], color: [0.5, 0.5, 0.5] },
      ],
    };
    const j = sceneToJson(s);
    expect(sceneFromJson(j)).toEqual(s);
    expect(sceneFromJson(j)).not.toBe(s);
    const ev = { before: s, after: s, attention: [1, 0] };
    expect(eventFromJson(eventToJson(ev))).toEqual(ev);
    // through text, exactly
    expect(sceneFromJson(validateScene(JSON.parse(JSON.stringify(j))))).toEqual(s);
  });

  it('serializes stably, prettily, and exactly', () => {
    const e = goodEpisode();
    e.demos[0].before.entities[1].pos = [0.1 + 0.2, 1 / 3];
    const text1 = serializeEpisode(e);
    // key order does not depend on the input's
    const shuffled = JSON.parse(text1);
    shuffled.queries[0] = { scene: shuffled.queries[0].scene, task: 'identify' };
    shuffled.demos = shuffled.demos.map((d: any) => ({
      attention: d.attention,
      after: d.after,
      before: d.before,
    }));
    expect(serializeEpisode(shuffled)).toBe(text1);
    expect(parseEpisode(text1)).toEqual(e);
    expect(text1.endsWith('\n')).toBe(true);
    // one entity per line, arrays of numbers inline
    expect(text1).toContain(
      '{"pos": [0.30000000000000004, 0.3333333333333333], "color": [1, 0, 0]}',
    );
    expect(text1.split('\n').length).toBeGreaterThan(20);
    const t: TruthJson = {
      family: 'make-red',
      queries: [{ family: 'make-red', task: 'generate', after: scene() }],
    };
    expect(parseTruth(serializeTruth(t))).toEqual(t);
  });

  it('refuses to serialize invalid data', () => {
    const e = goodEpisode();
    e.demos[0].attention = [NaN, 0, 1];
    expect(() => serializeEpisode(e)).toThrow('demos[0].attention[0]: expected 0 or 1, got NaN');
  });
});

describe('episodes within bounds', () => {
  it('refuses arrays with holes, naming the slot', () => {
    const holed = goodEpisode();
    const attention = [1, 0, 1];
    delete (attention as (number | undefined)[])[1];
    holed.demos[0].attention = attention;
    expect(() => validateEpisode(holed)).toThrow(
      /demos\[0\]\.attention\[1\]: missing \(the list has a hole here\)/,
    );
    const sparse = goodEpisode();
    sparse.queries = new Array(2) as EpisodeJson['queries'];
    sparse.queries[1] = { task: 'identify', scene: scene() };
    expect(() => validateEpisode(sparse)).toThrow(/queries\[0\]: missing/);
  });

  it('refuses scenes, demonstrations, queries and files beyond the documented limits', () => {
    const scene = (n: number): SceneJson => ({
      entities: Array.from({ length: n }, (_, i) => ({
        pos: [i / n - 0.5, 0] as [number, number],
        color: [1, 0, 0] as [number, number, number],
      })),
    });
    const big = goodEpisode();
    big.queries = [{ task: 'identify', scene: scene(EPISODE_LIMITS.entities + 1) }];
    expect(() => validateEpisode(big)).toThrow(
      /queries\[0\]\.scene\.entities: 33 entities; at most 32 per scene/,
    );
    expect(() =>
      validateEpisode({
        ...goodEpisode(),
        queries: [{ task: 'identify', scene: scene(EPISODE_LIMITS.entities) }],
      }),
    ).not.toThrow();
    const many = goodEpisode();
    many.demos = Array.from({ length: EPISODE_LIMITS.demos + 1 }, () => goodEpisode().demos[0]);
    expect(() => validateEpisode(many)).toThrow(/demos: 101 demonstrations; at most 100/);
    const queries = goodEpisode();
    queries.queries = Array.from(
      { length: EPISODE_LIMITS.queries + 1 },
      () => goodEpisode().queries[0],
    );
    expect(() => validateEpisode(queries)).toThrow(/queries: 1001 queries; at most 1000/);
    expect(() => parseEpisode(' '.repeat(EPISODE_LIMITS.characters + 1), 'big.json')).toThrow(
      /big\.json: 16,000,001 characters; at most 16,000,000/,
    );
  });

  it('reads a leading byte-order mark as nothing', () => {
    expect(parseEpisode('\uFEFF' + serializeEpisode(goodEpisode()))).toEqual(goodEpisode());
  });
});
