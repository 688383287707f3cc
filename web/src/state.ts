/**
 * The playground's whole state as one typed object, and its round trip
 * through the URL's hash, so that a copied link reproduces the view.
 *
 * Pure (no DOM): `encodeState` and `decodeState` are tested in Node
 * (test/web/state.test.ts). `normalizeState` rounds every number to what the
 * hash can carry (scene values to 1e-3, concept codes to 1e-4), and the page
 * keeps its state normalised, so decode(encode(s)) equals s exactly.
 *
 * Hash format: `#key=value&key=value...`, values made of URL-fragment-safe
 * characters only (digits . , - _ ~ ! and percent-encoded labels):
 *
 *   f   family                     s   seed             m   demos (M)
 *   n   entities (0: the family's) q   query index      sp  chain steps per second (0: as fast as possible)
 *   kw, ka, kx   steps,stepSize,noise of the w-, a- and x-chain
 *   le  landscape entity (-1: the agent, or the first movable entity)
 *   op  composition (and | or | not), nw  NOT weight, t  OR temperature
 *   ca, cb       kept concepts: label~c0,c1,... (label percent-encoded)
 *   d   edited demos: events joined by "!", an event "after~mask" or "before~after~mask"
 *   qs  edited query: "scene~mask"
 *
 * A scene is its entities joined by "_", an entity "px,py,r,g,b"; a mask is a
 * string of 0 and 1.
 */
import { DEFAULT_COMPOSE, COMPOSE_OPS, type ComposeOp } from '../../src/inference/compose.js';
import { DEFAULT_INFERENCE, type InferenceSettings } from '../../src/inference/settings.js';
import { FAMILY_NAMES, isFamilyName, type FamilyName } from '../../src/concepts/family.js';
import type { Entity, Event, Scene } from '../../src/world/types.js';

export type ChainName = 'w' | 'a' | 'x';
export const CHAIN_NAMES: readonly ChainName[] = ['w', 'a', 'x'];

export interface ChainKnobs {
  steps: number;
  stepSize: number;
  noise: number;
}

export interface KeptConcept {
  label: string;
  code: number[];
}

export interface ComposeState {
  op: ComposeOp;
  notWeight: number;
  temperature: number;
  a: KeptConcept | null;
  b: KeptConcept | null;
}

export interface QueryEdit {
  scene: Scene;
  attention: number[];
}

export interface PlaygroundState {
  family: FamilyName;
  seed: number;
  /** Demonstrations M. */
  demos: number;
  /** Entities per scene; 0 means the family's default. */
  entities: number;
  /** Which fresh query scene of the episode (0, 1, 2, ...). */
  query: number;
  knobs: Record<ChainName, ChainKnobs>;
  /** Chain steps per second in the animations; 0 runs as fast as frames allow. */
  speed: number;
  /** Entity whose position the landscape varies; -1: the agent (or the first movable entity). */
  landscape: number;
  compose: ComposeState;
  /** Edited demonstrations; null: as drawn from the seed. */
  editedDemos: Event[] | null;
  /** Edited query scene and attention; null: as drawn from the seed. */
  editedQuery: QueryEdit | null;
}

export const LIMITS = {
  demos: [1, 8],
  entities: [0, 12],
  query: [0, 999],
  steps: [0, 500],
  speed: [0, 240],
} as const;

export function knobsFrom(settings: InferenceSettings): Record<ChainName, ChainKnobs> {
  const pick = (c: InferenceSettings['w']): ChainKnobs => ({
    steps: c.steps,
    stepSize: c.stepSize,
    noise: c.noise,
  });
  return { w: pick(settings.w), a: pick(settings.a), x: pick(settings.x) };
}

export function defaultState(): PlaygroundState {
  return {
    family: 'square',
    seed: 1,
    demos: 5,
    entities: 0,
    query: 0,
    knobs: knobsFrom(DEFAULT_INFERENCE),
    speed: 10,
    landscape: -1,
    compose: {
      op: 'and',
      notWeight: DEFAULT_COMPOSE.notWeight,
      temperature: DEFAULT_COMPOSE.temperature,
      a: null,
      b: null,
    },
    editedDemos: null,
    editedQuery: null,
  };
}

// ---------------------------------------------------------------- normalisation

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

const clampInt = (v: number, [lo, hi]: readonly [number, number]): number =>
  Math.min(hi, Math.max(lo, Math.round(v)));

function normalizeEntity(e: Entity): Entity {
  const c = (v: number, lo: number) => round(Math.min(1, Math.max(lo, v)), 3);
  return {
    pos: [c(e.pos[0], -1), c(e.pos[1], -1)],
    color: [c(e.color[0], 0), c(e.color[1], 0), c(e.color[2], 0)],
  };
}

export function normalizeScene(s: Scene): Scene {
  return { entities: s.entities.map(normalizeEntity) };
}

const normalizeMask = (m: readonly number[]): number[] => m.map((v) => (v >= 0.5 ? 1 : 0));

function normalizeKnobs(k: ChainKnobs): ChainKnobs {
  return {
    steps: clampInt(k.steps, LIMITS.steps),
    stepSize: Math.max(0, round(k.stepSize, 6)),
    noise: Math.max(0, round(k.noise, 6)),
  };
}

function normalizeKept(c: KeptConcept | null): KeptConcept | null {
  return c && { label: c.label.slice(0, 60), code: c.code.map((v) => round(v, 4)) };
}

/** The state as the hash can carry it (rounded, clamped); idempotent. */
export function normalizeState(s: PlaygroundState): PlaygroundState {
  return {
    family: s.family,
    seed: Number.isSafeInteger(s.seed) ? s.seed : 0,
    demos: clampInt(s.demos, LIMITS.demos),
    entities: clampInt(s.entities, LIMITS.entities),
    query: clampInt(s.query, LIMITS.query),
    knobs: {
      w: normalizeKnobs(s.knobs.w),
      a: normalizeKnobs(s.knobs.a),
      x: normalizeKnobs(s.knobs.x),
    },
    speed: clampInt(s.speed, LIMITS.speed),
    landscape: Math.max(-1, Math.round(s.landscape)),
    compose: {
      op: s.compose.op,
      notWeight: Math.max(0, round(s.compose.notWeight, 4)),
      temperature: Math.max(1e-3, round(s.compose.temperature, 4)),
      a: normalizeKept(s.compose.a),
      b: normalizeKept(s.compose.b),
    },
    editedDemos:
      s.editedDemos &&
      s.editedDemos.map((e) => ({
        before: normalizeScene(e.before),
        after: normalizeScene(e.after),
        attention: normalizeMask(e.attention),
      })),
    editedQuery: s.editedQuery && {
      scene: normalizeScene(s.editedQuery.scene),
      attention: normalizeMask(s.editedQuery.attention),
    },
  };
}

// ---------------------------------------------------------------- encoding

const num = (v: number): string => String(v);

function encodeScene(s: Scene): string {
  return s.entities.map((e) => [...e.pos, ...e.color].map(num).join(',')).join('_');
}

const encodeMask = (m: readonly number[]): string => m.map((v) => (v >= 0.5 ? '1' : '0')).join('');

function sameScene(a: Scene, b: Scene): boolean {
  return encodeScene(a) === encodeScene(b);
}

function encodeEvent(e: Event): string {
  return sameScene(e.before, e.after)
    ? `${encodeScene(e.after)}~${encodeMask(e.attention)}`
    : `${encodeScene(e.before)}~${encodeScene(e.after)}~${encodeMask(e.attention)}`;
}

const encodeKnobs = (k: ChainKnobs): string => `${k.steps},${num(k.stepSize)},${num(k.noise)}`;

function encodeKept(c: KeptConcept): string {
  return `${encodeURIComponent(c.label).replace(/[!~'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}~${c.code.map(num).join(',')}`;
}

/** The hash (without "#") of a state; the state is normalised first. */
export function encodeState(state: PlaygroundState): string {
  const s = normalizeState(state);
  const parts: [string, string][] = [
    ['f', s.family],
    ['s', String(s.seed)],
    ['m', String(s.demos)],
    ['n', String(s.entities)],
    ['q', String(s.query)],
    ['kw', encodeKnobs(s.knobs.w)],
    ['ka', encodeKnobs(s.knobs.a)],
    ['kx', encodeKnobs(s.knobs.x)],
    ['sp', String(s.speed)],
    ['le', String(s.landscape)],
    ['op', s.compose.op],
    ['nw', num(s.compose.notWeight)],
    ['t', num(s.compose.temperature)],
  ];
  if (s.compose.a) parts.push(['ca', encodeKept(s.compose.a)]);
  if (s.compose.b) parts.push(['cb', encodeKept(s.compose.b)]);
  if (s.editedDemos) parts.push(['d', s.editedDemos.map(encodeEvent).join('!')]);
  if (s.editedQuery)
    parts.push([
      'qs',
      `${encodeScene(s.editedQuery.scene)}~${encodeMask(s.editedQuery.attention)}`,
    ]);
  return parts.map(([k, v]) => `${k}=${v}`).join('&');
}

// ---------------------------------------------------------------- decoding

class Bad extends Error {}

function finite(text: string, what: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new Bad(`${what}: "${text}" is not a number`);
  return v;
}

function integerIn(text: string, what: string, [lo, hi]: readonly [number, number]): number {
  const v = finite(text, what);
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new Bad(`${what}: expected an integer in ${lo}..${hi}, got ${text}`);
  return v;
}

function decodeScene(text: string, what: string): Scene {
  if (text === '') throw new Bad(`${what}: empty scene`);
  const entities = text.split('_').map((t, i): Entity => {
    const v = t.split(',').map((x) => finite(x, `${what} entity ${i}`));
    if (v.length !== 5) throw new Bad(`${what} entity ${i}: expected 5 numbers, got ${v.length}`);
    if (v.slice(0, 2).some((x) => x < -1 || x > 1))
      throw new Bad(`${what} entity ${i}: position outside [-1, 1]`);
    if (v.slice(2).some((x) => x < 0 || x > 1))
      throw new Bad(`${what} entity ${i}: colour outside [0, 1]`);
    return { pos: [v[0], v[1]], color: [v[2], v[3], v[4]] };
  });
  if (entities.length > 16) throw new Bad(`${what}: at most 16 entities`);
  return { entities };
}

function decodeMask(text: string, n: number, what: string): number[] {
  if (!/^[01]*$/.test(text) || text.length !== n)
    throw new Bad(`${what}: expected ${n} digits 0/1, got "${text}"`);
  return [...text].map((c) => (c === '1' ? 1 : 0));
}

function decodeEvent(text: string, what: string): Event {
  const p = text.split('~');
  if (p.length !== 2 && p.length !== 3)
    throw new Bad(`${what}: expected "after~mask" or "before~after~mask"`);
  const after = decodeScene(p[p.length - 2], `${what} after`);
  const before = p.length === 3 ? decodeScene(p[0], `${what} before`) : normalizeScene(after);
  if (before.entities.length !== after.entities.length)
    throw new Bad(`${what}: before and after differ in size`);
  return {
    before,
    after,
    attention: decodeMask(p[p.length - 1], after.entities.length, `${what} mask`),
  };
}

function decodeKnobs(text: string, what: string): ChainKnobs {
  const p = text.split(',');
  if (p.length !== 3) throw new Bad(`${what}: expected steps,stepSize,noise`);
  const stepSize = finite(p[1], `${what} step size`);
  const noise = finite(p[2], `${what} noise`);
  if (stepSize < 0 || noise < 0) throw new Bad(`${what}: step size and noise must be >= 0`);
  return { steps: integerIn(p[0], `${what} steps`, LIMITS.steps), stepSize, noise };
}

function decodeKept(text: string, what: string): KeptConcept {
  const i = text.indexOf('~');
  if (i < 0) throw new Bad(`${what}: expected label~code`);
  let label: string;
  try {
    label = decodeURIComponent(text.slice(0, i));
  } catch {
    throw new Bad(`${what}: bad label`);
  }
  const code = text
    .slice(i + 1)
    .split(',')
    .map((x) => finite(x, `${what} code`));
  if (code.length < 1 || code.length > 256)
    throw new Bad(`${what}: code of ${code.length} numbers`);
  return { label, code };
}

export interface DecodedState {
  state: PlaygroundState;
  /** What was ignored (each such key keeps its default), one line each. */
  problems: string[];
  /** Keys present in the hash (e.g. to know whether the knobs were given). */
  present: Set<string>;
}

/** Parse a hash (with or without "#"); unknown keys are ignored, bad ones keep their defaults. */
export function decodeState(hash: string, base: PlaygroundState = defaultState()): DecodedState {
  const state: PlaygroundState = structuredClone(base);
  const problems: string[] = [];
  const present = new Set<string>();
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const fields = new Map<string, string>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    fields.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  const take = (key: string, apply: (v: string) => void) => {
    const v = fields.get(key);
    if (v === undefined) return;
    try {
      apply(v);
      present.add(key);
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      problems.push(e.message);
    }
  };
  take('f', (v) => {
    if (!isFamilyName(v))
      throw new Bad(`family: unknown "${v}" (known: ${FAMILY_NAMES.join(', ')})`);
    state.family = v;
  });
  take(
    's',
    (v) => (state.seed = integerIn(v, 'seed', [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])),
  );
  take('m', (v) => (state.demos = integerIn(v, 'demos', LIMITS.demos)));
  take('n', (v) => (state.entities = integerIn(v, 'entities', LIMITS.entities)));
  take('q', (v) => (state.query = integerIn(v, 'query', LIMITS.query)));
  for (const c of CHAIN_NAMES)
    take(`k${c}`, (v) => (state.knobs[c] = decodeKnobs(v, `${c}-chain`)));
  take('sp', (v) => (state.speed = integerIn(v, 'speed', LIMITS.speed)));
  take('le', (v) => (state.landscape = integerIn(v, 'landscape entity', [-1, 15])));
  take('op', (v) => {
    if (!(COMPOSE_OPS as readonly string[]).includes(v))
      throw new Bad(`composition: unknown operator "${v}"`);
    state.compose.op = v as ComposeOp;
  });
  take('nw', (v) => (state.compose.notWeight = Math.max(0, finite(v, 'NOT weight'))));
  take('t', (v) => {
    const t = finite(v, 'OR temperature');
    if (!(t > 0)) throw new Bad('OR temperature must be > 0');
    state.compose.temperature = t;
  });
  take('ca', (v) => (state.compose.a = decodeKept(v, 'concept A')));
  take('cb', (v) => (state.compose.b = decodeKept(v, 'concept B')));
  take('d', (v) => {
    const demos = v.split('!').map((e, i) => decodeEvent(e, `demo ${i}`));
    if (demos.length < LIMITS.demos[0] || demos.length > LIMITS.demos[1])
      throw new Bad(`demos: ${demos.length} events`);
    const n = demos[0].after.entities.length;
    if (demos.some((d) => d.after.entities.length !== n))
      throw new Bad('demos: every demonstration needs the same number of entities');
    state.editedDemos = demos;
    state.demos = demos.length;
  });
  take('qs', (v) => {
    const i = v.lastIndexOf('~');
    if (i < 0) throw new Bad('query: expected scene~mask');
    const scene = decodeScene(v.slice(0, i), 'query');
    state.editedQuery = {
      scene,
      attention: decodeMask(v.slice(i + 1), scene.entities.length, 'query mask'),
    };
  });
  return { state: normalizeState(state), problems, present };
}

/** Deep equality of two states as the hash sees them. */
export function sameState(a: PlaygroundState, b: PlaygroundState): boolean {
  return encodeState(a) === encodeState(b);
}
