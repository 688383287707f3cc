/**
 * The playground's state round-trips through the URL hash: one typed object,
 * normalised, encoded, decoded, equal.
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES } from '../../src/concepts/family.js';
import { Rng } from '../../src/random/rng.js';
import { buildEpisode } from '../../web/src/episode.js';
import {
  decodeState,
  defaultState,
  encodeState,
  normalizeState,
  type PlaygroundState,
} from '../../web/src/state.js';

function randomState(rng: Rng): PlaygroundState {
  const s = defaultState();
  s.family = rng.choice(FAMILY_NAMES);
  s.seed = rng.int(100000) - 50000;
  s.demos = 1 + rng.int(5);
  s.entities = rng.bernoulli(0.5) ? 0 : 6 + rng.int(4);
  s.query = rng.int(4);
  s.knobs = {
    w: { steps: rng.int(30), stepSize: rng.range(0, 2), noise: rng.range(0, 0.1) },
    a: { steps: rng.int(30), stepSize: rng.range(0, 3), noise: rng.range(0, 0.2) },
    x: { steps: rng.int(30), stepSize: rng.range(0, 1), noise: rng.range(0, 0.01) },
  };
  s.speed = rng.choice([0, 2, 5, 10, 30]);
  s.landscape = rng.int(7) - 1;
  s.compose = {
    op: rng.choice(['and', 'or', 'not'] as const),
    notWeight: rng.range(0, 1),
    temperature: rng.range(0.01, 3),
    a: rng.bernoulli(0.5)
      ? { label: 'move-close, seed 3 ~ (edited) & 100%!', code: Array.from(rng.normals(16)) }
      : null,
    b: rng.bernoulli(0.5) ? { label: 'make-red', code: Array.from(rng.normals(16)) } : null,
  };
  if (rng.bernoulli(0.5)) {
    const ep = buildEpisode(s);
    s.editedDemos = ep.demos.map((d) => ({
      ...d,
      after: {
        entities: d.after.entities.map((e) => ({ ...e, pos: [e.pos[0] + 0.01234567, e.pos[1]] })),
      },
    }));
    s.editedQuery = rng.bernoulli(0.5)
      ? { scene: ep.query.scene, attention: ep.query.attention.map((a) => 1 - a) }
      : null;
  }
  return s;
}

describe('playground state in the URL', () => {
  it('the default state round-trips', () => {
    const s = defaultState();
    const { state, problems } = decodeState(`#${encodeState(s)}`);
    expect(problems).toEqual([]);
    expect(state).toEqual(normalizeState(s));
  });

  it('random states round-trip exactly once normalised', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 40; i++) {
      const s = normalizeState(randomState(rng));
      const hash = encodeState(s);
      expect(hash).toMatch(/^[A-Za-z0-9=&.,_~!%+-]*$/);
      const { state, problems } = decodeState(hash);
      expect(problems).toEqual([]);
      expect(state).toEqual(s);
      expect(encodeState(state)).toBe(hash);
      expect(normalizeState(state)).toEqual(state);
    }
  });

  it('a link reproduces the episode, edits included', () => {
    const s = normalizeState(randomState(new Rng(5)));
    s.family = 'move-between';
    const a = buildEpisode(s);
    const b = buildEpisode(decodeState(encodeState(s)).state);
    expect(b.demos).toEqual(a.demos);
    expect(b.query).toEqual(a.query);
  });

  it('bad values keep their defaults and are reported, one line each', () => {
    const { state, problems } = decodeState('#f=nope&s=1.5&m=99&kx=5,-1,0&d=1,2~0&zz=1&q=3');
    expect(state.family).toBe(defaultState().family);
    expect(state.seed).toBe(defaultState().seed);
    expect(state.demos).toBe(defaultState().demos);
    expect(state.knobs.x).toEqual(defaultState().knobs.x);
    expect(state.editedDemos).toBeNull();
    expect(state.query).toBe(3);
    expect(problems).toHaveLength(5);
    for (const p of problems) expect(p).not.toContain('\n');
  });
});
