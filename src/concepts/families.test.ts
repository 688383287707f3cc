import { describe, expect, it } from 'vitest';
import { maxEntitiesOf } from './common.js';
import { Rng, rngFor } from '../random/rng.js';
import { maskToSet } from '../world/types.js';
import {
  FAMILIES,
  FAMILY_NAMES,
  GENERATE_FAMILIES,
  IDENTIFY_FAMILIES,
  getFamily,
  type ConceptFamily,
} from './index.js';
import { allMasks, checkEvent, expectWellFormed, sameMask } from './test-utils/events.js';

const families = FAMILY_NAMES.map((name) => [name, FAMILIES[name]] as [string, ConceptFamily]);
const isCount = (f: ConceptFamily) => f.name.startsWith('count-');

describe('registry', () => {
  it('holds exactly the families of docs/CONCEPTS.md, each under its own name', () => {
    expect(Object.keys(FAMILIES).sort()).toEqual([...FAMILY_NAMES].sort());
    for (const name of IDENTIFY_FAMILIES) expect(FAMILIES[name].kind).toBe('identify');
    for (const name of GENERATE_FAMILIES) expect(FAMILIES[name].kind).toBe('generate');
    for (const [name, f] of families) {
      expect(f.name).toBe(name);
      expect(f.description.length).toBeGreaterThan(10);
      expect(f.description).not.toContain('\n');
      expect(f.checkerDescription.length).toBeGreaterThan(20);
      expect(f.defaultEntities).toBe(6);
      expect(f.minEntities).toBeLessThanOrEqual(f.defaultEntities);
      expect(typeof f.usesAgent).toBe('boolean');
    }
  });

  it('uses the agent exactly in the agent-relative and move-* families', () => {
    const withAgent = families.filter(([, f]) => f.usesAgent).map(([n]) => n);
    expect(withAgent.sort()).toEqual(
      [
        'between',
        'closest',
        'farthest',
        'move-between',
        'move-close',
        'move-far',
        'move-to-square-center',
      ].sort(),
    );
  });

  it('getFamily finds every family and names the known ones for an unknown name', () => {
    for (const [name, f] of families) expect(getFamily(name)).toBe(f);
    expect(() => getFamily('hexagon')).toThrow(
      /unknown concept "hexagon"; known: square, line, .*move-to-square-center/,
    );
    expect(() => getFamily('toString')).toThrow(/unknown concept/);
  });
});

describe.each(families)('%s', (name, f) => {
  it('1000 seeded events are well formed and pass their own checker', () => {
    const rng = rngFor(1234, name);
    for (let k = 0; k < 1000; k++) {
      const e = f.sample(rng);
      const verdict = checkEvent(f, e);
      if (!verdict.ok) throw new Error(`event ${k}: ${verdict.reason}`);
      expect(verdict.error).toBeGreaterThanOrEqual(0);
      expectWellFormed(f, e, f.defaultEntities);
    }
  });

  it('is deterministic in the rng', () => {
    for (const seed of [0, 1, 99, 2 ** 40 + 3]) {
      expect(f.sample(new Rng(seed))).toEqual(f.sample(new Rng(seed)));
      expect(f.sample(new Rng(seed), { entities: 9 })).toEqual(
        f.sample(new Rng(seed), { entities: 9 }),
      );
    }
    expect(f.sample(new Rng(1))).not.toEqual(f.sample(new Rng(2)));
  });

  it('works for scene sizes minEntities, 6, 9 and 12, and rejects smaller ones', () => {
    const sizes = [...new Set([f.minEntities, f.minEntities + 1, 6, 9, 12])];
    for (const n of sizes) {
      const rng = rngFor(77, name, n);
      for (let k = 0; k < (n >= 9 ? 15 : 40); k++) {
        const e = f.sample(rng, { entities: n });
        const verdict = checkEvent(f, e);
        if (!verdict.ok) throw new Error(`n=${n} event ${k}: ${verdict.reason}`);
        expectWellFormed(f, e, n);
      }
    }
    expect(() => f.sample(new Rng(1), { entities: f.minEntities - 1 })).toThrow(
      /entities must be an integer/,
    );
    expect(() => f.sample(new Rng(1), { entities: 6.5 })).toThrow(/entities must be an integer/);
  });

  it('fills its largest scene, and refuses a larger one', () => {
    const max = maxEntitiesOf(f);
    const e = f.sample(rngFor(78, name), { entities: max });
    expect(checkEvent(f, e).ok).toBe(true);
    expectWellFormed(f, e, max);
    expect(() => f.sample(new Rng(1), { entities: max + 1 })).toThrow(
      new RegExp(`at most ${max} entities`),
    );
  });

  if (f.kind === 'identify') {
    it('accepts exactly the right answers among all 2^N masks (6 and 9 entities)', () => {
      for (const [n, events] of [
        [6, 150],
        [9, 6],
      ] as const) {
        const rng = rngFor(5, name, n);
        const masks = allMasks(n);
        for (let k = 0; k < events; k++) {
          const e = f.sample(rng, { entities: n });
          const truth = e.attention;
          const size = maskToSet(truth).length;
          for (const m of masks) {
            const got = f.check(e.before, m).ok;
            const mSize = maskToSet(m).length;
            let want: boolean;
            if (name === 'count-4+') want = mSize >= 4;
            else if (isCount(f)) want = mSize === size;
            else want = sameMask(m, truth);
            if (got !== want)
              throw new Error(
                `n=${n} event ${k}: mask ${m.join('')} judged ${got}, expected ${want}`,
              );
          }
        }
      }
    });
  } else {
    it('rejects an answer of the wrong length or a non-finite attention', () => {
      const e = f.sample(new Rng(3));
      expect(f.check(e.before, e.attention.slice(1), e.after).ok).toBe(false);
      expect(f.check(e.before, e.attention, { entities: e.after.entities.slice(1) }).ok).toBe(
        false,
      );
      expect(
        f.check(
          e.before,
          e.attention.map(() => NaN),
          e.after,
        ).ok,
      ).toBe(false);
    });
  }
});

describe('identification answers of the wrong length', () => {
  it.each(IDENTIFY_FAMILIES.map((n) => [n]))('%s rejects them', (name) => {
    const f = FAMILIES[name];
    if (f.kind !== 'identify') throw new Error('kind');
    const e = f.sample(new Rng(4));
    const r = f.check(e.before, e.attention.slice(1));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/values for 6 entities/);
  });
});
