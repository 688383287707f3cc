/**
 * The shift suite's scenes: the defaults are untouched, every geometry band
 * draws inside the band and inside what the checker accepts, and shifted
 * colours keep the families' own colour rules (the agent gray, red only where
 * the concept says red).
 */
import { describe, expect, it } from 'vitest';
import { rngFor } from '../random/rng.js';
import { PALETTE, agentIndex, colorDistance, distance, isAgent } from '../world/scene.js';
import type { Event } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import { SECOND_PALETTE, shiftColours } from './colour-shift.js';
import { drawEvent } from './scene-shift.js';
import {
  FAMILIES,
  FAMILY_NAMES,
  GEOMETRY_BANDS,
  getFamily,
  type ConceptFamily,
  type FamilyName,
} from './index.js';
import { RED, isRed } from './red.js';
import { SHAPES } from './shapes.js';

function passes(f: ConceptFamily, e: Event): { ok: boolean; reason?: string } {
  return f.kind === 'identify'
    ? f.check(e.after, e.attention)
    : f.check(e.before, e.attention, e.after);
}

/** The geometric quantity each family's band is about, measured on a drawn event. */
function measure(name: FamilyName, e: Event): number {
  const f = getFamily(name);
  const set = maskToSet(e.attention);
  const pos = (i: number) => (f.kind === 'identify' ? e.after : e.before).entities[i].pos;
  const agent = agentIndex(e.before);
  const others = set.filter((i) => i !== agent);
  const shape = name.replace('make-', '') as keyof typeof SHAPES;
  if (SHAPES[shape]) {
    const pts = set.map((i) => e.after.entities[i].pos);
    return SHAPES[shape].fit(pts).size;
  }
  switch (name) {
    case 'move-to-square-center':
      return SHAPES.square.fit(others.map(pos)).size;
    case 'between':
    case 'move-between':
    case 'near':
      return distance(pos(others[0]), pos(others[1]));
    case 'move-close':
    case 'move-far':
      return distance(pos(agent), pos(others[0]));
    case 'closest':
    case 'farthest': {
      const sign = name === 'closest' ? 1 : -1;
      const d = e.after.entities
        .map((x, i) => ({ i, d: sign * distance(x.pos, pos(agent)) }))
        .filter((x) => x.i !== agent)
        .sort((a, b) => a.d - b.d);
      return d[1].d - d[0].d;
    }
    default:
      throw new Error(`no measure for ${name}`);
  }
}

describe('drawEvent', () => {
  it.each([...FAMILY_NAMES])("%s: without a shift it is exactly the family's own draw", (name) => {
    const f = FAMILIES[name];
    for (let k = 0; k < 5; k++) {
      expect(drawEvent(f, rngFor(5, name, k), 7)).toEqual(
        f.sample(rngFor(5, name, k), { entities: 7 }),
      );
    }
  });
});

describe('geometry bands', () => {
  const banded = FAMILY_NAMES.filter((n) => getFamily(n).geometry !== undefined);

  it('every family with a geometry has a band, and bands lie outside the training range', () => {
    expect(banded.length).toBeGreaterThanOrEqual(16);
    expect(banded.filter((n) => getFamily(n).geometry!.note)).toEqual(['move-close']);
    for (const name of banded) {
      const g = getFamily(name).geometry!;
      expect(g.small ?? g.large).toBeDefined();
      if (g.small) expect(g.small[1]).toBeLessThanOrEqual(g.training[0] + 1e-12);
      // A band may overlap the training range only where the family says how (move-close's long trips).
      if (g.large && !g.note) expect(g.large[0]).toBeGreaterThanOrEqual(g.training[1] - 1e-12);
    }
    for (const name of ['red', 'count-1', 'count-4+', 'make-red'])
      expect(getFamily(name).geometry).toBeUndefined();
  });

  it('shape bands stay inside what the checker accepts', () => {
    for (const spec of Object.values(SHAPES)) {
      for (const band of [spec.bands.small, spec.bands.large]) {
        if (!band) continue;
        expect(band[0]).toBeGreaterThanOrEqual(spec.checkSize[0]);
        expect(band[1]).toBeLessThanOrEqual(spec.checkSize[1]);
      }
    }
  });

  const cases = banded.flatMap((name) =>
    GEOMETRY_BANDS.filter((b) => getFamily(name).geometry![b]).map((band) => [name, band] as const),
  );
  it.each(cases)(
    '%s, %s band: events pass the strict checker and measure inside the band',
    (name, band) => {
      const f = getFamily(name);
      const [lo, hi] = f.geometry![band]!;
      const seen: number[] = [];
      for (let k = 0; k < 40; k++) {
        const n = k % 2 === 0 ? f.minEntities : 12;
        const e = drawEvent(f, rngFor(9, name, band, k), n, { geometry: band });
        const verdict = passes(f, e);
        if (!verdict.ok) throw new Error(`event ${k}: ${verdict.reason}`);
        const v = measure(name, e);
        // Shapes are measured by their fit, which agrees with the drawn size to rounding.
        expect(v).toBeGreaterThanOrEqual(lo - 1e-6);
        expect(v).toBeLessThanOrEqual(hi + 1e-6);
        seen.push(v);
      }
      // The band is used, not just its edge.
      expect(Math.max(...seen) - Math.min(...seen)).toBeGreaterThan((hi - lo) / 4);
    },
  );

  it('a band a family does not have is an error naming it', () => {
    expect(() => getFamily('move-far').sample(rngFor(1), { geometry: 'small' })).toThrow(
      /move-far: has no small geometry band/,
    );
    expect(() => drawEvent(getFamily('red'), rngFor(1), 6, { geometry: 'large' })).toThrow(
      /red: has no large geometry band/,
    );
  });
});

describe('colour shift', () => {
  it('the second palette is unlike the first, far from red and from gray', () => {
    for (const c of Object.values(SECOND_PALETTE)) {
      expect(colorDistance(c, RED)).toBeGreaterThan(0.4);
      expect(isAgent({ pos: [0, 0], color: c }, 0.15)).toBe(false);
      for (const p of Object.values(PALETTE)) expect(colorDistance(c, p)).toBeGreaterThan(0.2);
    }
    expect(Object.keys(SECOND_PALETTE).sort()).toEqual(
      Object.keys(PALETTE)
        .filter((n) => n !== 'red')
        .sort(),
    );
  });

  const shifts = [{ kind: 'jitter', amount: 0.1 }, { kind: 'palette' }] as const;
  it.each([...FAMILY_NAMES])(
    '%s: shifted events pass the strict checker; agent and red untouched',
    (name) => {
      const f = FAMILIES[name];
      for (const shift of shifts) {
        let changed = 0;
        for (let k = 0; k < 30; k++) {
          const plain = f.sample(rngFor(3, name, k), { entities: 8 });
          const e = shiftColours(plain, rngFor(4, name, k), shift);
          const verdict = passes(f, e);
          if (!verdict.ok) throw new Error(`${shift.kind} ${k}: ${verdict.reason}`);
          e.before.entities.forEach((x, i) => {
            const was = plain.before.entities[i];
            expect(x.pos).toEqual(was.pos);
            expect(e.after.entities[i].pos).toEqual(plain.after.entities[i].pos);
            if (isAgent(was) || isRed(was.color)) {
              expect(x.color).toEqual(was.color);
            } else {
              expect(isRed(x.color)).toBe(false);
              expect(isAgent(x)).toBe(false);
              if (shift.kind === 'jitter')
                for (let c = 0; c < 3; c++)
                  expect(Math.abs(x.color[c] - was.color[c])).toBeLessThanOrEqual(0.1);
              if (colorDistance(x.color, was.color) > 1e-9) changed++;
            }
            // What the event changes it still changes; what it keeps it still keeps.
            const keeps = colorDistance(plain.after.entities[i].color, was.color) === 0;
            if (keeps) expect(e.after.entities[i].color).toEqual(x.color);
            else expect(e.after.entities[i].color).toEqual(plain.after.entities[i].color);
          });
        }
        expect(changed).toBeGreaterThan(30);
      }
    },
  );
});
