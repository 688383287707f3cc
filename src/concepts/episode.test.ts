import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import {
  parseEpisode,
  parseTruth,
  serializeEpisode,
  serializeTruth,
  truthToAnswer,
} from '../world/interchange.js';
import type { Event, Scene } from '../world/types.js';
import { checkAnswer, sampleEpisode, thresholdAttention } from './episode.js';
import type { GenerateFamily, IdentifyFamily } from './family.js';
import { FAMILIES } from './index.js';

// Tiny stand-in families, so these tests do not depend on the real generators.
function randomScene(rng: Rng, n: number, redCount: number): Scene {
  return {
    entities: Array.from({ length: n }, (_, i) => ({
      pos: [rng.range(-0.9, 0.9), rng.range(-0.9, 0.9)],
      color: i < redCount ? [1, 0, 0] : [0, 0.2, 1],
    })),
  };
}

const fakeRed: IdentifyFamily = {
  name: 'red',
  kind: 'identify',
  description: 'the red entities',
  checkerDescription: 'exact set',
  defaultEntities: 5,
  minEntities: 3,
  usesAgent: false,
  sample(rng, options): Event {
    const n = options?.entities ?? 5;
    const s = randomScene(rng, n, 1 + rng.int(2));
    return { before: s, after: s, attention: s.entities.map((e) => (e.color[0] === 1 ? 1 : 0)) };
  },
  check(scene, answer) {
    const wrong = scene.entities.filter((e, i) => (e.color[0] === 1 ? 1 : 0) !== answer[i]).length;
    return wrong === 0
      ? { ok: true, error: 0 }
      : { ok: false, error: wrong, reason: `${wrong} entities wrong` };
  },
};

const fakeMakeRed: GenerateFamily = {
  name: 'make-red',
  kind: 'generate',
  description: 'the attended entity turns red',
  checkerDescription: 'colour within 0.2 of red',
  defaultEntities: 4,
  minEntities: 2,
  usesAgent: false,
  moverRule: 'keeps-position',
  sample(rng, options): Event {
    const n = options?.entities ?? 4;
    const before = randomScene(rng, n, 0);
    const k = rng.int(n);
    const after = {
      entities: before.entities.map((e, i) =>
        i === k ? { ...e, color: [1, 0, 0] as [number, number, number] } : e,
      ),
    };
    return { before, after, attention: before.entities.map((_, i) => (i === k ? 1 : 0)) };
  },
  check(before, attention, after) {
    const k = attention.indexOf(1);
    const c = after.entities[k].color;
    const err = Math.hypot(c[0] - 1, c[1], c[2]);
    return { ok: err < 0.2, error: err };
  },
};

describe('sampleEpisode', () => {
  it('is deterministic in the seed and differs across seeds', () => {
    const a = sampleEpisode(fakeRed, new Rng(7), { demos: 3, queries: 4 });
    const b = sampleEpisode(fakeRed, new Rng(7), { demos: 3, queries: 4 });
    const c = sampleEpisode(fakeRed, new Rng(8), { demos: 3, queries: 4 });
    expect(serializeEpisode(a.episode)).toBe(serializeEpisode(b.episode));
    expect(serializeTruth(a.truth)).toBe(serializeTruth(b.truth));
    expect(serializeEpisode(a.episode)).not.toBe(serializeEpisode(c.episode));
  });

  it('keeps demos and earlier queries when more queries or demos are asked for', () => {
    const small = sampleEpisode(fakeRed, new Rng(3), { demos: 2, queries: 2 });
    const big = sampleEpisode(fakeRed, new Rng(3), { demos: 4, queries: 5 });
    expect(big.episode.demos.slice(0, 2)).toEqual(small.episode.demos);
    expect(big.episode.queries.slice(0, 2)).toEqual(small.episode.queries);
    expect(big.truth.queries.slice(0, 2)).toEqual(small.truth.queries);
  });

  it('builds identify queries from scenes with the attention as truth', () => {
    const { episode, truth } = sampleEpisode(fakeRed, new Rng(1), {
      demos: 2,
      queries: 3,
      entities: 6,
    });
    expect(episode.demos).toHaveLength(2);
    expect(episode.queries).toHaveLength(3);
    expect(truth.family).toBe('red');
    for (const [i, q] of episode.queries.entries()) {
      expect(q.task).toBe('identify');
      if (q.task !== 'identify') continue;
      expect(q.scene.entities).toHaveLength(6);
      const t = truth.queries[i];
      expect(t).toMatchObject({ family: 'red', task: 'identify' });
      if (t.task === 'identify')
        expect(t.attention).toEqual(q.scene.entities.map((e) => (e.color[0] === 1 ? 1 : 0)));
    }
    // valid interchange
    const round = parseEpisode(serializeEpisode(episode));
    expect(round).toEqual(episode);
    expect(parseTruth(serializeTruth(truth), undefined, round)).toEqual(truth);
    // the episode does not leak the concept
    expect(serializeEpisode(episode)).not.toContain('red');
  });

  it('builds generate queries with the final scene as truth', () => {
    const { episode, truth } = sampleEpisode(fakeMakeRed, new Rng(2), { demos: 1, queries: 2 });
    const q = episode.queries[0];
    expect(q.task).toBe('generate');
    if (q.task === 'generate') {
      expect(q.attention.reduce((s, x) => s + x, 0)).toBe(1);
      expect('movable' in q).toBe(false);
    }
    expect(truth.queries[0].task).toBe('generate');
  });

  it('rejects bad counts', () => {
    expect(() => sampleEpisode(fakeRed, new Rng(1), { demos: 0, queries: 1 })).toThrow(/demos/);
    expect(() => sampleEpisode(fakeRed, new Rng(1), { demos: 1, queries: -1 })).toThrow(/queries/);
    expect(() => sampleEpisode(fakeRed, new Rng(1), { demos: 1, queries: 1, entities: 2 })).toThrow(
      'concept "red" needs at least 3 entities, got 2',
    );
  });
});

describe('checkAnswer', () => {
  it('scores the truth itself 1 and a wrong answer below 1', () => {
    for (const family of [fakeRed, fakeMakeRed]) {
      const { episode, truth } = sampleEpisode(family, new Rng(5), { demos: 2, queries: 4 });
      const perfect = checkAnswer(family, episode, truthToAnswer(truth));
      expect(perfect.score).toBe(1);
      expect(perfect.passed).toBe(4);
      expect(perfect.results.every((r) => r.ok)).toBe(true);
      const wrong = truthToAnswer(truth);
      const r0 = wrong.results[0];
      if ('attention' in r0) r0.attention = r0.attention.map((a) => 1 - a);
      else r0.after = episode.queries[0].task === 'generate' ? episode.queries[0].before : r0.after;
      const judged = checkAnswer(family, episode, wrong);
      expect(judged.score).toBe(0.75);
      expect(judged.results[0].ok).toBe(false);
      expect(judged.results[0]).toMatchObject({ query: 0, family: family.name });
    }
  });

  it('thresholds attention probabilities at 0.5', () => {
    expect(thresholdAttention([0.2, 0.5, 0.51, 1])).toEqual([0, 0, 1, 1]);
    const { episode, truth } = sampleEpisode(fakeRed, new Rng(9), { demos: 1, queries: 2 });
    const soft = truthToAnswer(truth);
    for (const r of soft.results)
      if ('attention' in r) r.attention = r.attention.map((a) => (a ? 0.8 : 0.3));
    expect(checkAnswer(fakeRed, episode, soft).score).toBe(1);
  });

  it('refuses answers or families that do not fit the episode', () => {
    const { episode, truth } = sampleEpisode(fakeRed, new Rng(9), { demos: 1, queries: 2 });
    const answer = truthToAnswer(truth);
    expect(() => checkAnswer(fakeMakeRed, episode, answer)).toThrow(
      'queries[0].task: task "identify" does not fit the generate concept "make-red"',
    );
    expect(() =>
      checkAnswer(fakeRed, episode, { concept: [], results: answer.results.slice(1) }),
    ).toThrow('results: expected 2 results');
    expect(checkAnswer([fakeRed, fakeRed], episode, answer).score).toBe(1);
    expect(
      checkAnswer(fakeRed, { demos: episode.demos, queries: [] }, { concept: [], results: [] })
        .score,
    ).toBe(0);
  });
});

describe('with the real families', () => {
  for (const family of Object.values(FAMILIES)) {
    it(`${family.name}: the truth as answer scores 1, and the episode is valid interchange`, () => {
      const { episode, truth } = sampleEpisode(family, new Rng(21), { demos: 2, queries: 3 });
      const text = serializeEpisode(episode);
      expect(parseEpisode(text)).toEqual(episode);
      expect(parseTruth(serializeTruth(truth), undefined, episode)).toEqual(truth);
      expect(text).not.toContain(family.name);
      const judged = checkAnswer(family, episode, truthToAnswer(truth));
      expect(judged.results.map((r) => r.reason ?? 'ok')).toEqual(['ok', 'ok', 'ok']);
      expect(judged.score).toBe(1);
    });
  }
});
