/** Test helpers for the concept families (excluded from the build). */
import { expect } from 'vitest';
import type { Entity, Event, Scene, Vec2 } from '../../world/types.js';
import { maskToSet } from '../../world/types.js';
import {
  AGENT_COLOR,
  PALETTE,
  cloneScene,
  colorDistance,
  distance,
  isAgent,
} from '../../world/scene.js';
import type { ConceptFamily, CheckResult } from '../family.js';
import { whoMoves } from '../family.js';
import { agentIndex } from '../../world/scene.js';

export function checkEvent(f: ConceptFamily, e: Event): CheckResult {
  return f.kind === 'identify'
    ? f.check(e.after, e.attention)
    : f.check(e.before, e.attention, e.after);
}

/** Judge an identification answer, or a generation `after`, against an event's scenes. */
export function judge(
  f: ConceptFamily,
  e: Event,
  answer: { mask?: number[]; after?: Scene },
): CheckResult {
  if (f.kind === 'identify') return f.check(e.before, answer.mask ?? e.attention);
  return f.check(e.before, answer.mask ?? e.attention, answer.after ?? e.after);
}

export function withPos(scene: Scene, i: number, pos: Vec2): Scene {
  const out = cloneScene(scene);
  out.entities[i].pos = [pos[0], pos[1]];
  return out;
}

export function movers(e: Event): number[] {
  return whoMoves(e.before, e.attention, agentIndex(e.before));
}

const paletteColors = Object.values(PALETTE);

function isPaletteColor(c: readonly number[]): boolean {
  return paletteColors.some((p) => colorDistance(p, c as [number, number, number]) < 1e-12);
}

function sameEntity(a: Entity, b: Entity): boolean {
  return a.pos.every((x, k) => x === b.pos[k]) && a.color.every((x, k) => x === b.color[k]);
}

/** Problems with a sampled event's structure (empty when well formed). Plain code: vitest's expect is slow. */
export function eventProblems(f: ConceptFamily, e: Event, n: number): string[] {
  const out: string[] = [];
  const need = (cond: boolean, what: string) => {
    if (!cond) out.push(what);
  };
  need(e.before.entities.length === n && e.after.entities.length === n, `scene size is not ${n}`);
  need(e.attention.length === n, 'attention length');
  if (out.length) return out;
  need(
    e.attention.every((a) => a === 0 || a === 1),
    'attention is not 0/1',
  );
  need(maskToSet(e.attention).length > 0, 'nothing attended');
  e.before.entities.forEach((ent, i) => {
    need(
      Math.abs(ent.pos[0]) <= 0.9 + 1e-12 && Math.abs(ent.pos[1]) <= 0.9 + 1e-12,
      `before ${i} outside [-0.9, 0.9]`,
    );
    need(isAgent(ent) || isPaletteColor(ent.color), `before ${i} colour not in the palette`);
  });
  e.after.entities.forEach((ent, i) => {
    need(
      Math.abs(ent.pos[0]) <= 0.95 + 1e-12 && Math.abs(ent.pos[1]) <= 0.95 + 1e-12,
      `after ${i} outside [-0.95, 0.95]`,
    );
  });
  const agents = e.before.entities.filter((ent) => isAgent(ent)).length;
  need(agents === (f.usesAgent ? 1 : 0), `${agents} agents`);
  if (f.usesAgent && agents === 1) {
    const ai = agentIndex(e.before);
    need(
      e.before.entities[ai].color.every((c, k) => c === AGENT_COLOR[k]),
      'agent colour',
    );
    need(e.attention[ai] === 1, 'agent not attended');
  }
  const ents = e.before.entities;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = distance(ents[i].pos, ents[j].pos);
      const pair = f.name === 'near' && e.attention[i] === 1 && e.attention[j] === 1;
      need(d >= (pair ? 0.1 : 0.15) - 1e-12, `entities ${i} and ${j} only ${d.toFixed(3)} apart`);
    }
  }
  if (f.kind === 'identify') {
    need(
      e.before.entities.every((ent, i) => sameEntity(ent, e.after.entities[i])),
      'identification event with after != before',
    );
  } else {
    const m = movers(e);
    e.before.entities.forEach((ent, i) => {
      if (m[i] === 0) need(sameEntity(ent, e.after.entities[i]), `non-mover ${i} changed`);
    });
    need(!f.check(e.before, e.attention, e.before).ok, 'x0 already satisfies the concept');
  }
  return out;
}

/** Structural invariants every sampled event keeps. */
export function expectWellFormed(f: ConceptFamily, e: Event, n: number): void {
  const problems = eventProblems(f, e, n);
  if (problems.length) expect(problems).toEqual([]);
}

/** All 0/1 masks over n entities. */
export function allMasks(n: number): number[][] {
  const out: number[][] = [];
  for (let bits = 0; bits < 1 << n; bits++)
    out.push(Array.from({ length: n }, (_, i) => (bits >> i) & 1));
  return out;
}

export function sameMask(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x >= 0.5 === b[i] >= 0.5);
}
