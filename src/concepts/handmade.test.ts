/** Hand-made scenes with literal coordinates: positive and negative cases for the checkers. */
import { describe, expect, it } from 'vitest';
import type { Vec2 } from '../world/types.js';
import { BLUE, GRAY, GREEN, ORANGE, RED, YELLOW, gen, id, scene } from './test-utils/handmade.js';

describe('square', () => {
  const f = id('square');
  const s = scene([
    [0, 0],
    [0.5, 0],
    [0.5, 0.5],
    [0, 0.5],
    [-0.7, -0.6],
    [0.8, -0.7],
  ]);
  it('accepts the four corners (error ~0) and rejects a swapped corner or a wrong size', () => {
    const r = f.check(s, [1, 1, 1, 1, 0, 0]);
    expect(r.ok).toBe(true);
    expect(r.error).toBeLessThan(1e-9);
    expect(f.check(s, [1, 1, 1, 0, 1, 0]).ok).toBe(false);
    expect(f.check(s, [1, 1, 1, 0, 0, 0]).ok).toBe(false);
    expect(f.check(s, [1, 1, 1, 1, 1, 0]).ok).toBe(false);
  });
  it('accepts a rotated square and a slightly imperfect one', () => {
    const rotated = scene([
      [0.4, 0],
      [0, 0.4],
      [-0.4, 0],
      [0, -0.4],
      [0.8, 0.8],
    ]);
    expect(f.check(rotated, [1, 1, 1, 1, 0]).ok).toBe(true);
    const wobbly = scene([
      [0, 0],
      [0.52, 0.02],
      [0.5, 0.5],
      [0, 0.5],
      [0.8, 0.8],
    ]);
    expect(f.check(wobbly, [1, 1, 1, 1, 0]).ok).toBe(true);
  });
  it('rejects a rectangle, a too small and a too large square', () => {
    const rect = scene([
      [0, 0],
      [0.6, 0],
      [0.6, 0.35],
      [0, 0.35],
    ]);
    const r = f.check(rect, [1, 1, 1, 1]);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/not a square/);
    const tiny = scene([
      [0, 0],
      [0.2, 0],
      [0.2, 0.2],
      [0, 0.2],
    ]);
    expect(f.check(tiny, [1, 1, 1, 1]).reason).toMatch(/side .* outside/);
    const big = scene([
      [-0.5, -0.5],
      [0.5, -0.5],
      [0.5, 0.5],
      [-0.5, 0.5],
    ]);
    expect(f.check(big, [1, 1, 1, 1]).ok).toBe(false);
  });
});

describe('line', () => {
  const f = id('line');
  it('accepts three collinear entities and rejects a bent or a too long line', () => {
    const s = scene([
      [-0.5, 0],
      [0, 0],
      [0.5, 0],
      [0.3, 0.6],
      [-0.4, -0.7],
      [0.7, -0.2],
    ]);
    expect(f.check(s, [1, 1, 1, 0, 0, 0]).ok).toBe(true);
    expect(f.check(s, [1, 1, 0, 1, 0, 0]).ok).toBe(false);
    const diagonal = scene([
      [-0.3, -0.3],
      [0.1, 0.1],
      [0.3, 0.3],
      [0.5, -0.5],
    ]);
    expect(f.check(diagonal, [1, 1, 1, 0]).ok).toBe(true);
    const almost = scene([
      [-0.5, 0],
      [0, 0.02],
      [0.5, 0],
    ]);
    expect(f.check(almost, [1, 1, 1]).ok).toBe(true);
    const bent = scene([
      [-0.5, 0],
      [0, 0.1],
      [0.5, 0],
    ]);
    const r = f.check(bent, [1, 1, 1]);
    expect(r.ok).toBe(false);
    expect(r.error).toBeCloseTo(Math.sqrt(2 / 3) * 0.1, 3);
    const long = scene([
      [-0.7, 0],
      [0, 0],
      [0.7, 0],
    ]);
    expect(f.check(long, [1, 1, 1]).reason).toMatch(/extent/);
  });
});

describe('triangle and circle', () => {
  it('triangle: equilateral passes, a tall isosceles fails', () => {
    const f = id('triangle');
    const s = scene([
      [0, 0],
      [0.5, 0],
      [0.25, Math.sqrt(3) / 4],
      [0.25, 0.6],
    ]);
    expect(f.check(s, [1, 1, 1, 0]).ok).toBe(true);
    expect(f.check(s, [1, 1, 0, 1]).ok).toBe(false);
  });
  it('circle: five points around a circle pass; one off the circle, or all on one side, fail', () => {
    const f = id('circle');
    const on = (deg: number, r = 0.4): Vec2 => [
      r * Math.cos((deg * Math.PI) / 180),
      r * Math.sin((deg * Math.PI) / 180),
    ];
    const s = scene([on(0), on(72), on(144), on(216), on(288), on(40, 0.6)]);
    expect(f.check(s, [1, 1, 1, 1, 1, 0]).ok).toBe(true);
    expect(f.check(s, [1, 1, 1, 1, 0, 1]).ok).toBe(false);
    const arc = scene([on(0), on(30), on(60), on(90), on(120)]);
    expect(f.check(arc, [1, 1, 1, 1, 1]).reason).toMatch(/surround/);
  });
});

describe('red', () => {
  const f = id('red');
  const s = scene(
    [
      [0, 0],
      [0.5, 0],
      [0, 0.5],
      [-0.5, 0],
      [0, -0.5],
    ],
    [RED, BLUE, [0.9, 0.1, 0.05], ORANGE, YELLOW],
  );
  it('accepts exactly the red entities (a near-red counts, orange does not)', () => {
    expect(f.check(s, [1, 0, 1, 0, 0]).ok).toBe(true);
    expect(f.check(s, [1, 0, 0, 0, 0]).ok).toBe(false);
    expect(f.check(s, [1, 0, 1, 1, 0]).ok).toBe(false);
    expect(f.check(s, [1, 0, 1, 1, 0]).error).toBe(1);
  });
  it('rejects every answer when the scene has no red or more than 3', () => {
    const none = scene(
      [
        [0, 0],
        [0.5, 0],
      ],
      [BLUE, ORANGE],
    );
    expect(f.check(none, [0, 0]).ok).toBe(false);
    const four = scene(
      [
        [0, 0],
        [0.5, 0],
        [0, 0.5],
        [0.5, 0.5],
      ],
      [RED, RED, RED, RED],
    );
    expect(f.check(four, [1, 1, 1, 1]).ok).toBe(false);
  });
});

describe('closest and farthest', () => {
  const s = scene(
    [
      [0, 0],
      [0.3, 0],
      [0, 0.5],
      [-0.7, 0.7],
    ],
    [GRAY],
  );
  it('closest: agent + nearest passes; the second nearest fails by 0.2', () => {
    const f = id('closest');
    expect(f.check(s, [1, 1, 0, 0]).ok).toBe(true);
    const r = f.check(s, [1, 0, 1, 0]);
    expect(r.ok).toBe(false);
    expect(r.error).toBeCloseTo(0.2, 12);
    expect(f.check(s, [0, 1, 0, 0]).reason).toMatch(/expected the agent and 1/);
    expect(f.check(s, [1, 1, 1, 0]).ok).toBe(false);
    expect(f.check(s, [0, 1, 1, 0]).reason).toMatch(/agent/);
    const noAgent = scene([
      [0, 0],
      [0.3, 0],
    ]);
    expect(f.check(noAgent, [1, 1]).reason).toMatch(/no agent/);
  });
  it('farthest: agent + farthest passes; any other fails', () => {
    const f = id('farthest');
    expect(f.check(s, [1, 0, 0, 1]).ok).toBe(true);
    expect(f.check(s, [1, 0, 1, 0]).ok).toBe(false);
    expect(f.check(s, [1, 1, 0, 0]).ok).toBe(false);
  });
});

describe('between', () => {
  const f = id('between');
  const pts: Vec2[] = [
    [0, 0],
    [-0.4, 0.1],
    [0.4, -0.1],
    [0.6, 0.6],
    [-0.7, 0.5],
  ];
  it('accepts the agent and the two entities around it; rejects another pair or no agent', () => {
    const s = scene(pts, [GRAY]);
    const r = f.check(s, [1, 1, 1, 0, 0]);
    expect(r.ok).toBe(true);
    expect(r.error).toBeLessThan(1e-12);
    expect(f.check(s, [1, 1, 0, 1, 0]).ok).toBe(false);
    expect(f.check(s, [0, 1, 1, 1, 0]).ok).toBe(false);
    expect(f.check(s, [1, 1, 0, 0, 0]).ok).toBe(false);
  });
  it('tolerates the agent 0.07 off the midpoint, not 0.12', () => {
    expect(f.check(scene([[0.05, 0.05], ...pts.slice(1)], [GRAY]), [1, 1, 1, 0, 0]).ok).toBe(true);
    expect(f.check(scene([[0.12, 0], ...pts.slice(1)], [GRAY]), [1, 1, 1, 0, 0]).ok).toBe(false);
  });
});

describe('near', () => {
  const f = id('near');
  const s = scene([
    [0, 0],
    [0.15, 0],
    [0.6, 0],
    [-0.5, 0.5],
  ]);
  it('accepts the close pair and rejects a far pair or three entities', () => {
    const r = f.check(s, [1, 1, 0, 0]);
    expect(r.ok).toBe(true);
    expect(r.error).toBeCloseTo(0.15, 12);
    expect(f.check(s, [1, 0, 1, 0]).ok).toBe(false);
    expect(f.check(s, [1, 1, 1, 0]).ok).toBe(false);
    const apart = scene([
      [0, 0],
      [0.25, 0],
    ]);
    expect(f.check(apart, [1, 1]).ok).toBe(false);
  });
});

describe('move-close', () => {
  const f = gen('move-close');
  const before = scene(
    [
      [-0.6, 0],
      [0.4, 0],
      [0, 0.7],
    ],
    [GRAY],
  );
  const after = (
    agent: Vec2,
    others: Vec2[] = [
      [0.4, 0],
      [0, 0.7],
    ],
  ) => scene([agent, ...others], [GRAY]);
  it('accepts the agent stopping 0.1 from the target', () => {
    const r = f.check(before, [1, 1, 0], after([0.3, 0]));
    expect(r.ok).toBe(true);
    expect(r.error).toBeCloseTo(0.1, 12);
  });
  it('rejects stopping short, dragging the target, moving a bystander, or no agent in the attention', () => {
    const short = f.check(before, [1, 1, 0], after([0.1, 0]));
    expect(short.ok).toBe(false);
    expect(short.error).toBeCloseTo(0.3, 12);
    expect(
      f.check(
        before,
        [1, 1, 0],
        after(
          [-0.6, 0],
          [
            [-0.5, 0],
            [0, 0.7],
          ],
        ),
      ).ok,
    ).toBe(false);
    const bystander = f.check(
      before,
      [1, 1, 0],
      after(
        [0.3, 0],
        [
          [0.4, 0],
          [0.3, 0.7],
        ],
      ),
    );
    expect(bystander.ok).toBe(false);
    expect(bystander.reason).toMatch(/stay put/);
    expect(f.check(before, [0, 1, 0], after([0.3, 0])).reason).toMatch(/agent is not attended/);
    expect(f.check(before, [1, 1, 0], before).ok).toBe(false);
  });
});

describe('move-far, move-between, move-to-square-center', () => {
  it('move-far: doubled distance or beyond 1.2 passes, less fails', () => {
    const f = gen('move-far');
    const before = scene(
      [
        [0, 0],
        [0.3, 0],
        [0, 0.7],
      ],
      [GRAY],
    );
    const moved = (x: number) =>
      scene(
        [
          [x, 0],
          [0.3, 0],
          [0, 0.7],
        ],
        [GRAY],
      );
    expect(f.check(before, [1, 1, 0], moved(-0.4)).ok).toBe(true);
    expect(f.check(before, [1, 1, 0], moved(-0.2)).ok).toBe(false);
    const far = scene(
      [
        [-0.2, 0],
        [0.5, 0],
      ],
      [GRAY],
    );
    expect(
      f.check(
        far,
        [1, 1],
        scene(
          [
            [-0.75, 0],
            [0.5, 0],
          ],
          [GRAY],
        ),
      ).ok,
    ).toBe(true);
    expect(
      f.check(
        far,
        [1, 1],
        scene(
          [
            [-0.65, 0],
            [0.5, 0],
          ],
          [GRAY],
        ),
      ).ok,
    ).toBe(false);
  });
  it('move-between: at the midpoint passes, 0.2 away fails', () => {
    const f = gen('move-between');
    const before = scene(
      [
        [0, -0.6],
        [-0.4, 0.2],
        [0.4, 0.2],
      ],
      [GRAY],
    );
    const at = (p: Vec2) => scene([p, [-0.4, 0.2], [0.4, 0.2]], [GRAY]);
    expect(f.check(before, [1, 1, 1], at([0, 0.2])).ok).toBe(true);
    expect(f.check(before, [1, 1, 1], at([0, 0])).ok).toBe(false);
  });
  it('move-to-square-center: at the centre passes, at a corner fails', () => {
    const f = gen('move-to-square-center');
    const corners: Vec2[] = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ];
    const before = scene([[-0.6, -0.6], ...corners], [GRAY]);
    expect(f.check(before, [1, 1, 1, 1, 1], scene([[0.25, 0.25], ...corners], [GRAY])).ok).toBe(
      true,
    );
    expect(f.check(before, [1, 1, 1, 1, 1], scene([[0.1, 0.1], ...corners], [GRAY])).ok).toBe(
      false,
    );
  });
});

describe('make-red', () => {
  const f = gen('make-red');
  const pts: Vec2[] = [
    [0, 0],
    [0.5, 0.5],
    [-0.5, -0.5],
  ];
  const before = scene(pts, [BLUE, GREEN, YELLOW]);
  it('accepts red and near-red, rejects orange, unchanged, or a bystander turning red', () => {
    expect(f.check(before, [1, 0, 0], scene(pts, [RED, GREEN, YELLOW])).ok).toBe(true);
    expect(f.check(before, [1, 0, 0], scene(pts, [[0.9, 0.1, 0.1], GREEN, YELLOW])).ok).toBe(true);
    const orange = f.check(before, [1, 0, 0], scene(pts, [ORANGE, GREEN, YELLOW]));
    expect(orange.ok).toBe(false);
    expect(orange.error).toBeCloseTo(0.5, 12);
    expect(f.check(before, [1, 0, 0], before).ok).toBe(false);
    const bystander = f.check(before, [1, 0, 0], scene(pts, [RED, RED, YELLOW]));
    expect(bystander.ok).toBe(false);
    expect(bystander.reason).toMatch(/stay put/);
  });
});

describe('make-square and make-line', () => {
  it('make-square: the exact square passes, the untouched scene fails', () => {
    const f = gen('make-square');
    const before = scene([
      [0, 0],
      [0.5, 0.08],
      [0.58, 0.5],
      [0, 0.42],
      [-0.7, -0.7],
    ]);
    const after = scene([
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
      [-0.7, -0.7],
    ]);
    expect(f.check(before, [1, 1, 1, 1, 0], after).ok).toBe(true);
    expect(f.check(before, [1, 1, 1, 1, 0], before).ok).toBe(false);
  });
  it('make-line: projecting onto a line passes, a bend fails', () => {
    const f = gen('make-line');
    const before = scene([
      [-0.4, 0.1],
      [0, -0.1],
      [0.4, 0.1],
    ]);
    const flat = scene([
      [-0.4, 0],
      [0, 0],
      [0.4, 0],
    ]);
    expect(f.check(before, [1, 1, 1], flat).ok).toBe(true);
    expect(f.check(before, [1, 1, 1], before).ok).toBe(false);
  });
});
