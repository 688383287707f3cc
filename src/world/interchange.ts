/**
 * The JSON interchange format (docs/FORMAT.md): episodes, the ground
 * truth that goes with them, and answers travel as JSON so that any program
 * can pose a task or answer one.
 *
 *     scene   = {"entities": [{"pos": [px, py], "color": [r, g, b]}, ...]}
 *     event   = {"before": scene, "after": scene, "attention": [0 or 1, ...]}
 *     episode = {"demos": [event, ...],
 *                "queries": [{"task": "identify", "scene": scene}
 *                          | {"task": "generate", "before": scene, "attention": [...],
 *                             "movable": [0 or 1, ...]  (optional)}]}
 *     truth   = {"family": name, "queries": [{"family", "task": "identify", "attention"}
 *                                          | {"family", "task": "generate", "after"}]}
 *     answer  = {"concept": [w...], "results": [{"attention": [p...]}          (identify)
 *                                             | {"after": scene,
 *                                                "trajectory": [scene, ...]}]} (generate)
 *
 * Validators return fresh, canonical objects (known keys only, in a fixed
 * order; unknown keys are ignored) or throw an `InterchangeError` whose
 * message names the offending field by its path, e.g.
 * `episode.json: demos[2].after.entities[3].color: expected 3 numbers in [0, 1], got [1, 0.4]`.
 *
 * Rules: positions in [-1, 1], colours in [0, 1] (exact bounds, no slack);
 * ground-truth attention and `movable` are 0/1 with one value per entity;
 * answer attention is a probability in [0, 1] per entity; before and after
 * of an event hold the same number of entities; an episode has at least one
 * demonstration (zero queries is allowed); a scene has at least one entity.
 */
import { isFamilyName, type FamilyName } from './family-names.js';
import type { Entity, Event, Rgb, Scene, Vec2 } from './types.js';

/**
 * What an episode may hold. Inference costs O(N^2) per chain step, and the
 * identification polish tries N(N+1)/2 sets a round (O(N^4)): at 32 entities
 * an answer takes seconds; far beyond, minutes. Enumeration (a.enumerate, at
 * most 16 entities) scores 2^N sets: 0.1 s at 12. The other limits keep one
 * file's work and memory bounded.
 */
export const EPISODE_LIMITS = {
  entities: 32,
  demos: 100,
  queries: 1000,
  characters: 16e6,
} as const;

// ---------------------------------------------------------------- types

export interface EntityJson {
  pos: [number, number];
  color: [number, number, number];
}

export interface SceneJson {
  entities: EntityJson[];
}

export interface EventJson {
  before: SceneJson;
  after: SceneJson;
  attention: number[];
}

export interface IdentifyQueryJson {
  task: 'identify';
  scene: SceneJson;
}

export interface GenerateQueryJson {
  task: 'generate';
  before: SceneJson;
  attention: number[];
  /** Which entities may change (0/1); when absent, the "who moves" rule decides. */
  movable?: number[];
}

export type QueryJson = IdentifyQueryJson | GenerateQueryJson;
export type TaskName = QueryJson['task'];
export const TASKS: readonly TaskName[] = ['identify', 'generate'];

export interface EpisodeJson {
  demos: EventJson[];
  queries: QueryJson[];
}

export interface IdentifyTruthJson {
  family: FamilyName;
  task: 'identify';
  attention: number[];
}

export interface GenerateTruthJson {
  family: FamilyName;
  task: 'generate';
  after: SceneJson;
}

export type QueryTruthJson = IdentifyTruthJson | GenerateTruthJson;

export interface TruthJson {
  family: FamilyName;
  queries: QueryTruthJson[];
}

export interface IdentifyResultJson {
  /** Attention probabilities in [0, 1], one per entity (thresholded at 0.5 when judged). */
  attention: number[];
}

export interface GenerateResultJson {
  after: SceneJson;
  /** Optional: the chain's states from the start to the end. */
  trajectory?: SceneJson[];
}

export type ResultJson = IdentifyResultJson | GenerateResultJson;

export interface AnswerJson {
  /** The inferred concept code w (may be empty for answers that have none). */
  concept: number[];
  results: ResultJson[];
}

export function isIdentifyResult(r: ResultJson): r is IdentifyResultJson {
  return 'attention' in r;
}

export function isGenerateResult(r: ResultJson): r is GenerateResultJson {
  return 'after' in r;
}

// ---------------------------------------------------------------- errors

/** Bad interchange input. `message` is one line: `source: path: detail`. */
export class InterchangeError extends Error {
  readonly source?: string;
  readonly path: string;
  readonly detail: string;

  constructor(detail: string, path = '', source?: string) {
    super([source, path, detail].filter((s) => s !== undefined && s !== '').join(': '));
    this.name = 'InterchangeError';
    this.source = source;
    this.path = path;
    this.detail = detail;
  }
}

/** A short, one-line rendering of a value for error messages. */
export function describeValue(value: unknown, max = 60): string {
  const text = compact(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function compact(value: unknown, depth = 0): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (depth > 3) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => compact(v, depth + 1)).join(', ')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)}: ${compact(v, depth + 1)}`,
    );
    return `{${parts.join(', ')}}`;
  }
  return typeof value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : describeValue(value);
  return `${typeof value} ${describeValue(value)}`;
}

// ---------------------------------------------------------------- validation core

/** Carries the source name and builds field paths. */
class Ctx {
  constructor(readonly source?: string) {}

  fail(path: string, detail: string): never {
    throw new InterchangeError(detail, path, this.source);
  }
}

function key(path: string, k: string): string {
  return path ? `${path}.${k}` : k;
}

function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

function expectObject(ctx: Ctx, v: unknown, path: string, what: string): Record<string, unknown> {
  if (v === undefined) ctx.fail(path, `missing (expected ${what})`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    ctx.fail(path, `expected ${what}, got ${kindOf(v)}`);
  }
  return v as Record<string, unknown>;
}

function expectArray(ctx: Ctx, v: unknown, path: string, what: string): unknown[] {
  if (v === undefined) ctx.fail(path, `missing (expected ${what})`);
  if (!Array.isArray(v)) ctx.fail(path, `expected ${what}, got ${kindOf(v)}`);
  // A sparse array (from the library, never from JSON) would be skipped over by map.
  for (let i = 0; i < v.length; i++)
    if (!(i in v)) ctx.fail(index(path, i), 'missing (the list has a hole here)');
  return v;
}

function expectFinite(ctx: Ctx, v: unknown, path: string, lo: number, hi: number): number {
  if (typeof v !== 'number') ctx.fail(path, `expected a number, got ${describeValue(v)}`);
  if (!Number.isFinite(v)) ctx.fail(path, `not a finite number, got ${describeValue(v)}`);
  if (v < lo || v > hi) ctx.fail(path, `${v} is outside [${lo}, ${hi}]`);
  return v;
}

/** A fixed-length vector of numbers in [lo, hi]; `what` names it in messages. */
function expectTuple(
  ctx: Ctx,
  v: unknown,
  path: string,
  n: number,
  lo: number,
  hi: number,
): number[] {
  const what = `${n} numbers in [${lo}, ${hi}]`;
  if (v === undefined) ctx.fail(path, `missing (expected ${what})`);
  if (!Array.isArray(v) || v.length !== n)
    ctx.fail(path, `expected ${what}, got ${describeValue(v)}`);
  // a loop, not map: map skips the holes of a sparse array
  return Array.from({ length: n }, (_, i) =>
    expectFinite(ctx, (v as unknown[])[i], index(path, i), lo, hi),
  );
}

// ---------------------------------------------------------------- scenes and events

function checkEntity(ctx: Ctx, v: unknown, path: string): EntityJson {
  const o = expectObject(ctx, v, path, 'an entity {"pos": [x, y], "color": [r, g, b]}');
  const pos = expectTuple(ctx, o.pos, key(path, 'pos'), 2, -1, 1);
  const color = expectTuple(ctx, o.color, key(path, 'color'), 3, 0, 1);
  return { pos: [pos[0], pos[1]], color: [color[0], color[1], color[2]] };
}

function checkScene(
  ctx: Ctx,
  v: unknown,
  path: string,
  expectedCount?: number,
  like?: string,
): SceneJson {
  const o = expectObject(ctx, v, path, 'a scene {"entities": [...]}');
  const epath = key(path, 'entities');
  const list = expectArray(ctx, o.entities, epath, 'a list of entities');
  if (list.length === 0) ctx.fail(epath, 'expected at least one entity, got []');
  if (list.length > EPISODE_LIMITS.entities)
    ctx.fail(epath, `${list.length} entities; at most ${EPISODE_LIMITS.entities} per scene`);
  if (expectedCount !== undefined && list.length !== expectedCount) {
    ctx.fail(epath, `expected ${expectedCount} entities (as in ${like}), got ${list.length}`);
  }
  return { entities: list.map((e, i) => checkEntity(ctx, e, index(epath, i))) };
}

/** 0/1 per entity (`n` entities, when known). */
function checkMask(ctx: Ctx, v: unknown, path: string, n?: number): number[] {
  const list = expectArray(ctx, v, path, 'values of 0 or 1 (one per entity)');
  if (n !== undefined && list.length !== n) {
    ctx.fail(path, `expected ${n} values (one per entity), got ${list.length}`);
  }
  if (list.length === 0) ctx.fail(path, 'expected at least one value, got []');
  return list.map((x, i) => {
    if (x !== 0 && x !== 1) ctx.fail(index(path, i), `expected 0 or 1, got ${describeValue(x)}`);
    return x;
  });
}

/** A probability in [0, 1] per entity. */
function checkProbabilities(ctx: Ctx, v: unknown, path: string, n?: number): number[] {
  const list = expectArray(ctx, v, path, 'attention probabilities in [0, 1] (one per entity)');
  if (n !== undefined && list.length !== n) {
    ctx.fail(path, `expected ${n} values (one per entity), got ${list.length}`);
  }
  if (list.length === 0) ctx.fail(path, 'expected at least one value, got []');
  return list.map((x, i) => expectFinite(ctx, x, index(path, i), 0, 1));
}

function checkEvent(ctx: Ctx, v: unknown, path: string): EventJson {
  const o = expectObject(ctx, v, path, 'an event {"before", "after", "attention"}');
  const before = checkScene(ctx, o.before, key(path, 'before'));
  const n = before.entities.length;
  const after = checkScene(ctx, o.after, key(path, 'after'), n, 'before');
  const attention = checkMask(ctx, o.attention, key(path, 'attention'), n);
  return { before, after, attention };
}

function checkTask(ctx: Ctx, v: unknown, path: string): TaskName {
  if (v === undefined) ctx.fail(path, 'missing (expected "identify" or "generate")');
  if (v !== 'identify' && v !== 'generate') {
    const shown = typeof v === 'string' ? `"${v}"` : describeValue(v);
    ctx.fail(path, `unknown task ${shown} (expected "identify" or "generate")`);
  }
  return v;
}

function checkQuery(ctx: Ctx, v: unknown, path: string): QueryJson {
  const o = expectObject(ctx, v, path, 'a query {"task": ...}');
  const task = checkTask(ctx, o.task, key(path, 'task'));
  if (task === 'identify') {
    return { task, scene: checkScene(ctx, o.scene, key(path, 'scene')) };
  }
  const before = checkScene(ctx, o.before, key(path, 'before'));
  const n = before.entities.length;
  const attention = checkMask(ctx, o.attention, key(path, 'attention'), n);
  const q: GenerateQueryJson = { task, before, attention };
  if (o.movable !== undefined) q.movable = checkMask(ctx, o.movable, key(path, 'movable'), n);
  return q;
}

function checkEpisode(ctx: Ctx, v: unknown): EpisodeJson {
  const o = expectObject(ctx, v, '', 'an episode {"demos": [...], "queries": [...]}');
  const demos = expectArray(ctx, o.demos, 'demos', 'a list of demonstration events');
  if (demos.length === 0) ctx.fail('demos', 'expected at least one demonstration, got []');
  if (demos.length > EPISODE_LIMITS.demos)
    ctx.fail('demos', `${demos.length} demonstrations; at most ${EPISODE_LIMITS.demos}`);
  const queries = expectArray(ctx, o.queries, 'queries', 'a list of queries');
  if (queries.length > EPISODE_LIMITS.queries)
    ctx.fail(
      'queries',
      `${queries.length} queries; at most ${EPISODE_LIMITS.queries} (split the episode)`,
    );
  return {
    demos: demos.map((d, i) => checkEvent(ctx, d, index('demos', i))),
    queries: queries.map((q, i) => checkQuery(ctx, q, index('queries', i))),
  };
}

/** Entities of the scene a query is posed on. */
export function queryScene(q: QueryJson): SceneJson {
  return q.task === 'identify' ? q.scene : q.before;
}

// ---------------------------------------------------------------- truth

function checkFamilyName(ctx: Ctx, v: unknown, path: string): FamilyName {
  if (v === undefined) ctx.fail(path, 'missing (expected a concept family name)');
  if (typeof v !== 'string')
    ctx.fail(path, `expected a concept family name, got ${describeValue(v)}`);
  if (!isFamilyName(v)) ctx.fail(path, `unknown concept family "${v}"`);
  return v;
}

function checkTruth(ctx: Ctx, v: unknown, episode?: EpisodeJson): TruthJson {
  const o = expectObject(ctx, v, '', 'a truth {"family": ..., "queries": [...]}');
  const family = checkFamilyName(ctx, o.family, 'family');
  const list = expectArray(ctx, o.queries, 'queries', 'a list of query truths');
  if (episode && list.length !== episode.queries.length) {
    ctx.fail(
      'queries',
      `expected ${episode.queries.length} entries (one per query of the episode), got ${list.length}`,
    );
  }
  const queries = list.map((item, i): QueryTruthJson => {
    const path = index('queries', i);
    const q = expectObject(ctx, item, path, 'a query truth {"family", "task", ...}');
    const fam = checkFamilyName(ctx, q.family ?? family, key(path, 'family'));
    const task = checkTask(ctx, q.task, key(path, 'task'));
    const eq = episode?.queries[i];
    if (eq && eq.task !== task) {
      ctx.fail(key(path, 'task'), `"${task}" does not match the episode's query task "${eq.task}"`);
    }
    const n = eq ? queryScene(eq).entities.length : undefined;
    if (task === 'identify') {
      return {
        family: fam,
        task,
        attention: checkMask(ctx, q.attention, key(path, 'attention'), n),
      };
    }
    return {
      family: fam,
      task,
      after: checkScene(ctx, q.after, key(path, 'after'), n, 'the query'),
    };
  });
  return { family, queries };
}

// ---------------------------------------------------------------- answers

function checkAnswer(ctx: Ctx, v: unknown, episode?: EpisodeJson): AnswerJson {
  const o = expectObject(ctx, v, '', 'an answer {"concept": [...], "results": [...]}');
  const conceptList = expectArray(
    ctx,
    o.concept,
    'concept',
    'the concept code, a list of numbers (may be empty)',
  );
  const concept = conceptList.map((x, i) =>
    expectFinite(ctx, x, index('concept', i), -Infinity, Infinity),
  );
  const list = expectArray(ctx, o.results, 'results', 'a list of results (one per query)');
  if (episode && list.length !== episode.queries.length) {
    ctx.fail(
      'results',
      `expected ${episode.queries.length} results (one per query), got ${list.length}`,
    );
  }
  const results = list.map((item, i): ResultJson => {
    const path = index('results', i);
    const r = expectObject(ctx, item, path, 'a result {"attention": [...]} or {"after": scene}');
    const eq = episode?.queries[i];
    const task: TaskName | undefined =
      eq?.task ??
      (r.attention !== undefined ? 'identify' : r.after !== undefined ? 'generate' : undefined);
    if (task === undefined) {
      ctx.fail(
        path,
        'expected {"attention": [...]} (identify) or {"after": scene} (generate), got neither',
      );
    }
    const n = eq ? queryScene(eq).entities.length : undefined;
    if (task === 'identify') {
      if (r.attention === undefined) {
        ctx.fail(
          key(path, 'attention'),
          `missing (query ${i} is "identify": expected attention probabilities in [0, 1])`,
        );
      }
      return { attention: checkProbabilities(ctx, r.attention, key(path, 'attention'), n) };
    }
    if (r.after === undefined) {
      ctx.fail(
        key(path, 'after'),
        `missing (query ${i} is "generate": expected the generated scene)`,
      );
    }
    const after = checkScene(ctx, r.after, key(path, 'after'), n, 'the query');
    const out: GenerateResultJson = { after };
    if (r.trajectory !== undefined) {
      const tpath = key(path, 'trajectory');
      const steps = expectArray(ctx, r.trajectory, tpath, 'a list of scenes');
      out.trajectory = steps.map((s, k) =>
        checkScene(ctx, s, index(tpath, k), after.entities.length, 'after'),
      );
    }
    return out;
  });
  return { concept, results };
}

// ---------------------------------------------------------------- public validators

/** JSON text as a value: a leading byte-order mark tolerated, the size limit kept, errors as InterchangeError. */
export function parseJson(text: string, source?: string): unknown {
  if (text.length > EPISODE_LIMITS.characters) {
    throw new InterchangeError(
      `${text.length.toLocaleString('en-US')} characters; at most ${EPISODE_LIMITS.characters.toLocaleString('en-US')}`,
      '',
      source,
    );
  }
  try {
    // A leading byte-order mark is not JSON, but editors write one.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new InterchangeError(`malformed JSON: ${msg.split('\n')[0]}`, '', source);
  }
}

/** Validate a scene; `path` prefixes field names in errors. */
export function validateScene(value: unknown, path = 'scene', source?: string): SceneJson {
  return checkScene(new Ctx(source), value, path);
}

export function validateEvent(value: unknown, path = 'event', source?: string): EventJson {
  return checkEvent(new Ctx(source), value, path);
}

export function validateQuery(value: unknown, path = 'query', source?: string): QueryJson {
  return checkQuery(new Ctx(source), value, path);
}

export function validateEpisode(value: unknown, source?: string): EpisodeJson {
  return checkEpisode(new Ctx(source), value);
}

/** With `episode`, also checks the truth fits it (one entry per query, same tasks and entity counts). */
export function validateTruth(value: unknown, source?: string, episode?: EpisodeJson): TruthJson {
  return checkTruth(new Ctx(source), value, episode);
}

/** With `episode`, also checks the answer fits it (one result per query, of its task, right entity counts). */
export function validateAnswer(value: unknown, source?: string, episode?: EpisodeJson): AnswerJson {
  return checkAnswer(new Ctx(source), value, episode);
}

export function parseEpisode(text: string, source?: string): EpisodeJson {
  return validateEpisode(parseJson(text, source), source);
}

export function parseTruth(text: string, source?: string, episode?: EpisodeJson): TruthJson {
  return validateTruth(parseJson(text, source), source, episode);
}

export function parseAnswer(text: string, source?: string, episode?: EpisodeJson): AnswerJson {
  return validateAnswer(parseJson(text, source), source, episode);
}

// ---------------------------------------------------------------- converters

export function sceneFromJson(s: SceneJson): Scene {
  return {
    entities: s.entities.map((e): Entity => ({
      pos: [e.pos[0], e.pos[1]] as Vec2,
      color: [e.color[0], e.color[1], e.color[2]] as Rgb,
    })),
  };
}

export function sceneToJson(s: Scene): SceneJson {
  return {
    entities: s.entities.map((e) => ({
      pos: [e.pos[0], e.pos[1]],
      color: [e.color[0], e.color[1], e.color[2]],
    })),
  };
}

export function eventFromJson(e: EventJson): Event {
  return {
    before: sceneFromJson(e.before),
    after: sceneFromJson(e.after),
    attention: e.attention.slice(),
  };
}

export function eventToJson(e: Event): EventJson {
  return {
    before: sceneToJson(e.before),
    after: sceneToJson(e.after),
    attention: e.attention.slice(),
  };
}

/** The answer an oracle would give: the truth itself (attention 0/1, the true final scenes). */
export function truthToAnswer(truth: TruthJson, concept: number[] = []): AnswerJson {
  return {
    concept: concept.slice(),
    results: truth.queries.map((q) =>
      q.task === 'identify'
        ? { attention: q.attention.slice() }
        : { after: sceneToJson(sceneFromJson(q.after)) },
    ),
  };
}

// ---------------------------------------------------------------- serialization

/**
 * Stable, pretty JSON: two-space indentation, with short leaves (number
 * arrays, entity objects) kept on one line. Numbers keep full precision so a
 * round trip is exact. Ends with a newline.
 */
export function stringifyPretty(value: unknown, width = 100): string {
  return `${format(value, '', width)}\n`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`);
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function format(value: unknown, indent: string, width: number): string {
  const flat = oneLine(value);
  const simple =
    value === null ||
    typeof value !== 'object' ||
    (isLeafish(value) && indent.length + flat.length <= width);
  if (simple) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + format(v, inner, width)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner, width)}`)
    .join(',\n')}\n${indent}}`;
}

/** Arrays of primitives, and objects whose values are primitives or arrays of primitives. */
function isLeafish(value: object): boolean {
  const prim = (v: unknown) => v === null || typeof v !== 'object';
  const primArray = (v: unknown) => Array.isArray(v) && v.every(prim);
  if (Array.isArray(value)) return value.every(prim);
  return Object.values(value).every((v) => prim(v) || primArray(v));
}

export function serializeEpisode(episode: EpisodeJson): string {
  return stringifyPretty(validateEpisode(episode));
}

export function serializeTruth(truth: TruthJson): string {
  return stringifyPretty(validateTruth(truth));
}

export function serializeAnswer(answer: AnswerJson): string {
  return stringifyPretty(validateAnswer(answer));
}
