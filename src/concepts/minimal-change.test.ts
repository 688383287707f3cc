/**
 * Minimal change, hand-made: the entities a generation concept changes keep
 * what the concept does not name. make-red keeps positions, the make-shapes
 * keep colours, the moves keep the agent gray; the worst entity decides.
 */
import { describe, expect, it } from 'vitest';
import type { Rgb, Vec2 } from '../world/types.js';
import { rngFor } from '../random/rng.js';
import { GENERATE_FAMILIES } from './index.js';
import { MOVER_TOLERANCE, moverViolation } from './common.js';
import { BLUE, GRAY, GREEN, RED, YELLOW, gen, scene } from './test-utils/handmade.js';

describe('make-red keeps the target in place', () => {
  const f = gen('make-red');
  const pts: Vec2[] = [
    [0, 0],
    [0.5, 0.5],
    [-0.5, -0.5],
  ];
  const before = scene(pts, [BLUE, GREEN, YELLOW]);
  const recoloured = (p: Vec2) => scene([p, pts[1], pts[2]], [RED, GREEN, YELLOW]);

  it('accepts red in place, or moved less than 0.05', () => {
    expect(f.check(before, [1, 0, 0], recoloured([0, 0])).ok).toBe(true);
    expect(f.check(before, [1, 0, 0], recoloured([0.03, 0.03])).ok).toBe(true);
  });

  it('rejects red but moved 0.42, naming the entity and the attribute', () => {
    const r = f.check(before, [1, 0, 0], recoloured([0.42, 0]));
    expect(r.ok).toBe(false);
    expect(r.error).toBeCloseTo(0.42, 12);
    expect(r.reason).toBe('entity 0 moved 0.42 but make-red only recolours (needs < 0.05)');
    expect(f.check(before, [1, 0, 0], recoloured([0.06, 0])).ok).toBe(false);
  });

  it('the lenient judge looks only at the colour', () => {
    expect(f.check(before, [1, 0, 0], recoloured([0.42, 0]), { lenient: true }).ok).toBe(true);
  });

  it('a wrong colour and a move give both reasons; the error stays the colour error', () => {
    const r = f.check(before, [1, 0, 0], scene([[0.3, 0], pts[1], pts[2]], [BLUE, GREEN, YELLOW]));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/from red.*; entity 0 moved 0.30/);
  });
});

describe('the moves keep the agent an agent', () => {
  const before = scene(
    [
      [-0.6, 0],
      [0.4, 0],
      [0, 0.7],
    ],
    [GRAY, BLUE, GREEN],
  );
  const after = (agentColor: Rgb) =>
    scene(
      [
        [0.3, 0],
        [0.4, 0],
        [0, 0.7],
      ],
      [agentColor, BLUE, GREEN],
    );
  const f = gen('move-close');

  it('accepts a gray agent, or one tinted by less than 0.05 in every channel', () => {
    expect(f.check(before, [1, 1, 0], after(GRAY)).ok).toBe(true);
    expect(f.check(before, [1, 1, 0], after([0.54, 0.46, 0.53])).ok).toBe(true);
  });

  it('rejects an agent that is no longer gray (one channel 0.06 off), naming it', () => {
    const r = f.check(before, [1, 1, 0], after([0.5, 0.56, 0.5]));
    expect(r.ok).toBe(false);
    expect(r.error).toBeCloseTo(0.06, 12);
    expect(r.reason).toMatch(
      /^entity 0 \(the agent\) ended 0.06 from gray .* but move-close only moves the agent/,
    );
    expect(f.check(before, [1, 1, 0], after([0.5, 0.56, 0.5]), { lenient: true }).ok).toBe(true);
  });

  it('holds for every move family', () => {
    for (const name of ['move-close', 'move-far', 'move-between', 'move-to-square-center']) {
      expect(gen(name).moverRule).toBe('stays-agent');
    }
  });

  it('move-between: right place, reddened agent fails', () => {
    const mb = gen('move-between');
    const b = scene(
      [
        [0.5, 0.5],
        [-0.4, 0],
        [0.4, 0],
        [0, -0.7],
      ],
      [GRAY, BLUE, GREEN, YELLOW],
    );
    const a = (c: Rgb) =>
      scene(
        [
          [0, 0],
          [-0.4, 0],
          [0.4, 0],
          [0, -0.7],
        ],
        [c, BLUE, GREEN, YELLOW],
      );
    expect(mb.check(b, [1, 1, 1, 0], a(GRAY)).ok).toBe(true);
    const r = mb.check(b, [1, 1, 1, 0], a([0.7, 0.45, 0.45]));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/entity 0 \(the agent\) ended 0.20 from gray/);
  });
});

describe('the make-shapes keep colours', () => {
  const f = gen('make-square');
  const before = scene(
    [
      [0, 0],
      [0.5, 0.08],
      [0.58, 0.5],
      [0, 0.42],
      [-0.7, -0.7],
    ],
    [BLUE, GREEN, YELLOW, BLUE, GREEN],
  );
  const square: Vec2[] = [
    [0, 0],
    [0.5, 0],
    [0.5, 0.5],
    [0, 0.5],
    [-0.7, -0.7],
  ];
  it('accepts the square in the original colours, or off by less than 0.05', () => {
    expect(
      f.check(before, [1, 1, 1, 1, 0], scene(square, [BLUE, GREEN, YELLOW, BLUE, GREEN])).ok,
    ).toBe(true);
    expect(
      f.check(
        before,
        [1, 1, 1, 1, 0],
        scene(square, [BLUE, [0.03, 0.8, 0.03], YELLOW, BLUE, GREEN]),
      ).ok,
    ).toBe(true);
  });

  it('rejects the square when one corner changed colour by 0.12; the worst corner is named', () => {
    const r = f.check(
      before,
      [1, 1, 1, 1, 0],
      scene(square, [[0, 0.2, 0.97], [0.12, 0.8, 0], YELLOW, BLUE, GREEN]),
    );
    expect(r.ok).toBe(false);
    expect(r.error).toBeCloseTo(0.12, 12);
    expect(r.reason).toBe(
      'entity 1 changed colour by 0.12 but make-square only moves entities (needs < 0.05)',
    );
  });

  it('holds for every make-shape', () => {
    for (const name of ['make-square', 'make-line', 'make-triangle', 'make-circle']) {
      expect(gen(name).moverRule).toBe('keeps-colour');
    }
    expect(gen('make-red').moverRule).toBe('keeps-position');
  });
});

describe('moverViolation', () => {
  const before = scene(
    [
      [0, 0],
      [0.5, 0],
    ],
    [BLUE, GREEN],
  );
  it('ignores the entities that do not move, and treats NaN as a breach', () => {
    const after = scene(
      [
        [0.9, 0],
        [0.5, 0],
      ],
      [BLUE, GREEN],
    );
    expect(moverViolation('make-red', 'keeps-position', before, after, [0, 1])).toBeNull();
    expect(moverViolation('make-red', 'keeps-position', before, after, [1, 0])?.ok).toBe(false);
    const nan = scene(
      [
        [Number.NaN, 0],
        [0.5, 0],
      ],
      [BLUE, GREEN],
    );
    expect(moverViolation('make-red', 'keeps-position', before, nan, [1, 0])?.ok).toBe(false);
  });
  it('the tolerance is strict: exactly 0.05 fails', () => {
    const after = scene(
      [
        [MOVER_TOLERANCE, 0],
        [0.5, 0],
      ],
      [BLUE, GREEN],
    );
    expect(moverViolation('make-red', 'keeps-position', before, after, [1, 0])?.ok).toBe(false);
  });
});

describe('every generator target passes the strict judge', () => {
  it.each([...GENERATE_FAMILIES])(
    '%s: 300 seeds at sizes min..12, strict and lenient agree on the target',
    (name) => {
      const f = gen(name);
      const sizes = [...new Set([f.minEntities, 6, 12])];
      for (let k = 0; k < 300; k++) {
        const n = sizes[k % sizes.length];
        const e = f.sample(rngFor(77, name, k), { entities: n });
        const strict = f.check(e.before, e.attention, e.after);
        if (!strict.ok) throw new Error(`seed ${k}, N = ${n}: ${strict.reason}`);
        expect(f.check(e.before, e.attention, e.after, { lenient: true }).ok).toBe(true);
      }
    },
  );
});
