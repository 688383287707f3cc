/**
 * Systematically perturbed answers must fail, and generation targets must be
 * the documented deterministic, minimal-movement function of (x0, attention).
 */
import { describe, expect, it } from 'vitest';
import { rngFor } from '../random/rng.js';
import type { Event, Rgb, Scene, Vec2 } from '../world/types.js';
import { maskToSet, setToMask } from '../world/types.js';
import { agentIndex, cloneScene, distance } from '../world/scene.js';
import { FAMILIES, type GenerateFamily, type IdentifyFamily } from './index.js';
import {
  add,
  centroid,
  combinations,
  fitCircle,
  fitLine,
  fromAngle,
  midpoint,
  norm,
  scale,
  sub,
} from './geometry.js';
import { SHAPES, shapeTarget } from './shapes.js';
import { movers, withPos } from './test-utils/events.js';

const EVENTS = 200;

function identify(name: string): IdentifyFamily {
  const f = FAMILIES[name as keyof typeof FAMILIES];
  if (f.kind !== 'identify') throw new Error(name);
  return f;
}

function generate(name: string): GenerateFamily {
  const f = FAMILIES[name as keyof typeof FAMILIES];
  if (f.kind !== 'generate') throw new Error(name);
  return f;
}

function events(name: string, count = EVENTS, entities?: number): Event[] {
  const f = FAMILIES[name as keyof typeof FAMILIES];
  const rng = rngFor(2024, name, 'perturb');
  return Array.from({ length: count }, () => f.sample(rng, entities ? { entities } : undefined));
}

function withColor(scene: Scene, i: number, color: Rgb): Scene {
  const out = cloneScene(scene);
  out.entities[i].color = [color[0], color[1], color[2]];
  return out;
}

/** Entities ranked by distance from the agent (nearest first), agent excluded. */
function rankedByDistance(scene: Scene): number[] {
  const a = agentIndex(scene);
  return scene.entities
    .map((e, i) => ({ i, d: distance(e.pos, scene.entities[a].pos) }))
    .filter((x) => x.i !== a)
    .sort((x, y) => x.d - y.d)
    .map((x) => x.i);
}

describe('identification: perturbed answers fail', () => {
  it.each([['square'], ['line'], ['triangle'], ['circle']])(
    '%s: one member swapped for a distractor, a member dropped or a distractor added',
    (name) => {
      const f = identify(name);
      let swaps = 0;
      for (const e of events(name)) {
        const truth = maskToSet(e.attention);
        const rest = e.attention.flatMap((a, i) => (a ? [] : [i]));
        expect(rest.length).toBeGreaterThan(0);
        for (const m of truth) {
          for (const d of rest) {
            const answer = truth.map((i) => (i === m ? d : i));
            const r = f.check(e.before, setToMask(answer, e.attention.length));
            if (r.ok) throw new Error(`swap ${m}->${d} accepted`);
            expect(r.error).toBeGreaterThan(0);
            swaps++;
          }
          expect(
            f.check(
              e.before,
              setToMask(
                truth.filter((i) => i !== m),
                e.attention.length,
              ),
            ).ok,
          ).toBe(false);
        }
        expect(f.check(e.before, setToMask([...truth, rest[0]], e.attention.length)).ok).toBe(
          false,
        );
      }
      expect(swaps).toBeGreaterThan(EVENTS);
    },
  );

  it('closest: the second-closest entity instead of the closest fails (by at least 0.1)', () => {
    const f = identify('closest');
    for (const e of events('closest')) {
      const a = agentIndex(e.before);
      const [first, second] = rankedByDistance(e.before);
      expect(f.check(e.before, setToMask([a, first], 6)).ok).toBe(true);
      const r = f.check(e.before, setToMask([a, second], 6));
      expect(r.ok).toBe(false);
      expect(r.error).toBeGreaterThanOrEqual(0.1 - 1e-12);
      expect(f.check(e.before, setToMask([first], 6)).ok).toBe(false);
      expect(f.check(e.before, setToMask([first, second], 6)).ok).toBe(false);
    }
  });

  it('farthest: the second-farthest entity instead of the farthest fails (by at least 0.1)', () => {
    const f = identify('farthest');
    for (const e of events('farthest')) {
      const a = agentIndex(e.before);
      const ranked = rankedByDistance(e.before).reverse();
      expect(f.check(e.before, setToMask([a, ranked[0]], 6)).ok).toBe(true);
      const r = f.check(e.before, setToMask([a, ranked[1]], 6));
      expect(r.ok).toBe(false);
      expect(r.error).toBeGreaterThanOrEqual(0.1 - 1e-12);
    }
  });

  it('between: an endpoint swapped for a distractor, or the agent left out, fails', () => {
    const f = identify('between');
    for (const e of events('between')) {
      const a = agentIndex(e.before);
      const ends = maskToSet(e.attention).filter((i) => i !== a);
      const rest = e.attention.flatMap((x, i) => (x ? [] : [i]));
      for (const end of ends) {
        for (const d of rest) {
          const r = f.check(e.before, setToMask([a, d, ...ends.filter((i) => i !== end)], 6));
          expect(r.ok).toBe(false);
          expect(r.error).toBeGreaterThanOrEqual(0.2 - 1e-12);
        }
      }
      expect(f.check(e.before, setToMask([...ends, rest[0]], 6)).ok).toBe(false);
    }
  });

  it('near: either member of the pair swapped for another entity fails', () => {
    const f = identify('near');
    for (const e of events('near')) {
      const pair = maskToSet(e.attention);
      const rest = e.attention.flatMap((x, i) => (x ? [] : [i]));
      for (const keep of pair) {
        for (const d of rest) {
          const r = f.check(e.before, setToMask([keep, d], 6));
          expect(r.ok).toBe(false);
          expect(r.error).toBeGreaterThanOrEqual(0.3 - 1e-12);
        }
      }
    }
  });

  it('red: a red entity missing, a non-red one added, or an orange entity, fails', () => {
    const f = identify('red');
    for (const e of events('red')) {
      const reds = maskToSet(e.attention);
      const rest = e.attention.flatMap((x, i) => (x ? [] : [i]));
      expect(f.check(e.before, setToMask(reds.slice(1), 6)).ok).toBe(false);
      expect(f.check(e.before, setToMask([...reds, rest[0]], 6)).ok).toBe(false);
      // Make a non-red entity orange: answering it as red is wrong, and the true set is still right.
      const scene = withColor(e.before, rest[0], [1, 0.5, 0]);
      expect(f.check(scene, setToMask([...reds, rest[0]], 6)).ok).toBe(false);
      expect(f.check(scene, e.attention).ok).toBe(true);
      // A red entity turned orange is no longer red.
      const faded = withColor(e.before, reds[0], [1, 0.5, 0]);
      expect(f.check(faded, e.attention).ok).toBe(false);
    }
  });

  it.each([
    ['count-1', 1],
    ['count-2', 2],
    ['count-3', 3],
    ['count-4+', 4],
  ] as const)(
    '%s: every set of the right size passes, answers of the wrong size fail',
    (name, k) => {
      const f = identify(name);
      for (const e of events(name, 20)) {
        for (let size = 0; size <= 6; size++) {
          for (const set of combinations(6, size)) {
            const r = f.check(e.before, setToMask(set, 6));
            const want = name === 'count-4+' ? size >= 4 : size === k;
            expect(r.ok).toBe(want);
            if (!want) expect(r.error).toBeGreaterThanOrEqual(1);
          }
        }
      }
    },
  );
});

/** Unit vectors in 16 directions. */
const DIRECTIONS: Vec2[] = Array.from({ length: 16 }, (_, j) => fromAngle((j * Math.PI) / 8));

describe('generation: perturbed answers fail', () => {
  it.each([['make-square'], ['make-triangle']])(
    '%s: any one corner moved by 0.2 (16 directions) fails',
    (name) => {
      const f = generate(name);
      for (const e of events(name)) {
        for (const i of maskToSet(e.attention)) {
          for (const dir of DIRECTIONS) {
            const after = withPos(e.after, i, add(e.after.entities[i].pos, scale(dir, 0.2)));
            const r = f.check(e.before, e.attention, after);
            if (r.ok) throw new Error(`corner ${i} moved along ${dir} accepted (error ${r.error})`);
          }
        }
      }
    },
  );

  it('make-line: any one point moved 0.2 off the line fails', () => {
    const f = generate('make-line');
    for (const e of events('make-line')) {
      const att = maskToSet(e.attention);
      const fit = fitLine(att.map((i) => e.after.entities[i].pos));
      const normal: Vec2 = [-fit.dir[1], fit.dir[0]];
      for (const i of att) {
        for (const s of [0.2, -0.2]) {
          const after = withPos(e.after, i, add(e.after.entities[i].pos, scale(normal, s)));
          expect(f.check(e.before, e.attention, after).ok).toBe(false);
        }
      }
    }
  });

  it('make-circle: any one point moved 0.2 radially (in or out) fails', () => {
    const f = generate('make-circle');
    for (const e of events('make-circle')) {
      const att = maskToSet(e.attention);
      const c = fitCircle(att.map((i) => e.after.entities[i].pos)).center;
      for (const i of att) {
        const u = sub(e.after.entities[i].pos, c);
        for (const s of [0.2, -0.2]) {
          const after = withPos(e.after, i, add(e.after.entities[i].pos, scale(u, s / norm(u))));
          expect(f.check(e.before, e.attention, after).ok).toBe(false);
        }
      }
    }
  });

  it('make-red: orange (1, 0.5, 0) fails, a near-red (0.9, 0.1, 0.1) passes', () => {
    const f = generate('make-red');
    for (const e of events('make-red')) {
      const [i] = maskToSet(e.attention);
      const orange = f.check(e.before, e.attention, withColor(e.after, i, [1, 0.5, 0]));
      expect(orange.ok).toBe(false);
      expect(orange.error).toBeCloseTo(0.5, 9);
      expect(f.check(e.before, e.attention, withColor(e.after, i, [0.9, 0.1, 0.1])).ok).toBe(true);
      expect(f.check(e.before, e.attention, e.before).ok).toBe(false);
    }
  });

  it.each(
    Object.values(FAMILIES)
      .filter((f) => f.kind === 'generate')
      .map((f) => [f.name]),
  )('%s: any unattended entity moved by 0.3 fails', (name) => {
    const f = generate(name);
    let cases = 0;
    for (const e of events(name, 60)) {
      const m = movers(e);
      m.forEach((moves, i) => {
        if (moves) return;
        for (const dir of DIRECTIONS.filter((_, j) => j % 4 === 0)) {
          const after = withPos(e.after, i, add(e.after.entities[i].pos, scale(dir, 0.3)));
          const r = f.check(e.before, e.attention, after);
          expect(r.ok).toBe(false);
          expect(r.reason).toMatch(/stay put/);
          cases++;
        }
      });
    }
    expect(cases).toBeGreaterThan(0);
  });

  it.each([['move-close'], ['move-far'], ['move-between'], ['move-to-square-center']])(
    '%s: the agent not moving fails, and so does moving the other attended entities instead',
    (name) => {
      const f = generate(name);
      for (const e of events(name, 100)) {
        const a = agentIndex(e.before);
        const still = withPos(e.after, a, e.before.entities[a].pos);
        expect(f.check(e.before, e.attention, still).ok).toBe(false);
        // Move the attended non-agent entities so that the relation holds without moving the agent.
        const others = maskToSet(e.attention).filter((i) => i !== a);
        const shift = sub(e.before.entities[a].pos, e.after.entities[a].pos);
        const swapped = cloneScene(e.before);
        for (const i of others) swapped.entities[i].pos = add(e.before.entities[i].pos, shift);
        // (The stay-put rule is a mean over the 5 non-movers: a shift under 0.25 of one target can pass it.)
        if (norm(shift) * others.length >= 0.3)
          expect(f.check(e.before, e.attention, swapped).ok).toBe(false);
      }
    },
  );

  it('move-close: stopping 0.25 from the target fails, 0.15 passes', () => {
    const f = generate('move-close');
    for (const e of events('move-close')) {
      const a = agentIndex(e.before);
      const [t] = maskToSet(e.attention).filter((i) => i !== a);
      const target = e.before.entities[t].pos;
      const u = sub(e.before.entities[a].pos, target);
      const at = (d: number) => withPos(e.after, a, add(target, scale(u, d / norm(u))));
      expect(f.check(e.before, e.attention, at(0.25)).ok).toBe(false);
      expect(f.check(e.before, e.attention, at(0.15)).ok).toBe(true);
    }
  });

  it('move-far: 1.5 x the distance (under 1.2) fails', () => {
    const f = generate('move-far');
    for (const e of events('move-far')) {
      const a = agentIndex(e.before);
      const [t] = maskToSet(e.attention).filter((i) => i !== a);
      const target = e.before.entities[t].pos;
      const u = sub(e.before.entities[a].pos, target);
      const after = withPos(e.after, a, add(target, scale(u, 1.5)));
      expect(norm(u) * 1.5).toBeLessThan(1.2);
      expect(f.check(e.before, e.attention, after).ok).toBe(false);
    }
  });

  it('move-between and move-to-square-center: 0.15 from the centre fails, 0.05 passes', () => {
    for (const name of ['move-between', 'move-to-square-center']) {
      const f = generate(name);
      for (const e of events(name, 100)) {
        const a = agentIndex(e.before);
        const c = e.after.entities[a].pos;
        for (const dir of DIRECTIONS.filter((_, j) => j % 2 === 0)) {
          expect(
            f.check(e.before, e.attention, withPos(e.after, a, add(c, scale(dir, 0.15)))).ok,
          ).toBe(false);
          expect(
            f.check(e.before, e.attention, withPos(e.after, a, add(c, scale(dir, 0.05)))).ok,
          ).toBe(true);
        }
      }
    }
  });
});

describe('generation targets are deterministic, minimal-movement functions of (x0, attention)', () => {
  it.each([['make-square'], ['make-line'], ['make-triangle'], ['make-circle']])(
    '%s: x1 is the nearest exact shape of the attended x0 points',
    (name) => {
      const spec = SHAPES[name.slice('make-'.length) as keyof typeof SHAPES];
      for (const e of events(name)) {
        const att = maskToSet(e.attention);
        const target = shapeTarget(
          spec,
          att.map((i) => e.before.entities[i].pos),
        );
        att.forEach((i, k) => {
          expect(distance(e.after.entities[i].pos, target[k])).toBeLessThan(1e-9);
          expect(e.after.entities[i].color).toEqual(e.before.entities[i].color);
        });
        // Minimal: no other exact shape reachable by a small change of the fit is closer to x0.
        const fit = spec.fit(att.map((i) => e.before.entities[i].pos));
        const moved = Math.sqrt(
          att.reduce(
            (s, i) => s + distance(e.before.entities[i].pos, e.after.entities[i].pos) ** 2,
            0,
          ),
        );
        expect(moved).toBeCloseTo(fit.residual, 9);
      }
    },
  );

  it('move-close / move-far / move-between / move-to-square-center / make-red follow their formulas', () => {
    const pos = (s: Scene, i: number) => s.entities[i].pos;
    for (const e of events('move-close', 100)) {
      const a = agentIndex(e.before);
      const [t] = maskToSet(e.attention).filter((i) => i !== a);
      const u = sub(pos(e.before, a), pos(e.before, t));
      const want = add(pos(e.before, t), scale(u, 0.1 / norm(u)));
      expect(distance(pos(e.after, a), want)).toBeLessThan(1e-12);
    }
    for (const e of events('move-far', 100)) {
      const a = agentIndex(e.before);
      const [t] = maskToSet(e.attention).filter((i) => i !== a);
      // Straight away from the target, as far as the scene's [-0.95, 0.95]^2 allows, and never short of 2.5 x.
      const away = sub(pos(e.before, a), pos(e.before, t));
      const moved = sub(pos(e.after, a), pos(e.before, t));
      expect(Math.abs(away[0] * moved[1] - away[1] * moved[0])).toBeLessThan(1e-9);
      expect(away[0] * moved[0] + away[1] * moved[1]).toBeGreaterThan(0);
      const end = pos(e.after, a);
      expect(Math.max(Math.abs(end[0]), Math.abs(end[1]))).toBeCloseTo(0.95, 9);
      expect(norm(moved)).toBeGreaterThanOrEqual(2.5 * norm(away) - 1e-9);
    }
    for (const e of events('move-between', 100)) {
      const a = agentIndex(e.before);
      const [i, j] = maskToSet(e.attention).filter((k) => k !== a);
      expect(distance(pos(e.after, a), midpoint(pos(e.before, i), pos(e.before, j)))).toBeLessThan(
        1e-12,
      );
    }
    for (const e of events('move-to-square-center', 100)) {
      const a = agentIndex(e.before);
      const corners = maskToSet(e.attention).filter((k) => k !== a);
      expect(
        distance(pos(e.after, a), centroid(corners.map((k) => pos(e.before, k)))),
      ).toBeLessThan(1e-12);
    }
    for (const e of events('make-red', 100)) {
      const [i] = maskToSet(e.attention);
      expect(e.after.entities[i].color).toEqual([1, 0, 0]);
      expect(e.after.entities[i].pos).toEqual(e.before.entities[i].pos);
    }
  });
});
