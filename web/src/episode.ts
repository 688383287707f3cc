/**
 * The episode the page shows, drawn from the state: the same stream as
 * `concept-ebm sample --concept F --seed S --demos M` (so seed 7 here is seed 7
 * there), with the state's edits laid over it. Pure (no DOM, no engine).
 */
import { sampleEpisode } from '../../src/concepts/episode.js';
import type { CheckResult, ConceptFamily } from '../../src/concepts/family.js';
import { getFamily } from '../../src/concepts/index.js';
import { rngFor } from '../../src/random/rng.js';
import {
  eventFromJson,
  sceneFromJson,
  type GenerateQueryJson,
} from '../../src/world/interchange.js';
import { cloneScene } from '../../src/world/scene.js';
import type { Event, Scene } from '../../src/world/types.js';
import type { PlaygroundState } from './state.js';

export interface PageQuery {
  /** For identification: the scene; for generation: the start state x0. */
  scene: Scene;
  /** The attention that goes with it: the truth of an identification, the given mask of a generation. */
  attention: number[];
  /** The generator's own final state (generation families, unedited query only). */
  truthAfter?: Scene;
}

export interface PageEpisode {
  family: ConceptFamily;
  demos: Event[];
  query: PageQuery;
  /** Entities per scene actually used. */
  entities: number;
  editedDemos: boolean;
  editedQuery: boolean;
}

/** The stream an episode of `family` with `seed` is drawn from (as the CLI's sample and demo). */
export function episodeRng(seed: number, family: string) {
  return rngFor(seed, 'episode', family);
}

export function entitiesFor(family: ConceptFamily, requested: number): number {
  return requested <= 0 ? family.defaultEntities : Math.max(family.minEntities, requested);
}

export function buildEpisode(
  state: PlaygroundState,
  familyName: string = state.family,
): PageEpisode {
  const family = getFamily(familyName);
  const entities = entitiesFor(family, state.entities);
  const sameFamily = familyName === state.family;
  const { episode, truth } = sampleEpisode(family, episodeRng(state.seed, family.name), {
    demos: state.demos,
    queries: state.query + 1,
    entities,
  });
  const q = episode.queries[state.query];
  const t = truth.queries[state.query];
  let query: PageQuery;
  if (q.task === 'identify' && t.task === 'identify') {
    query = { scene: sceneFromJson(q.scene), attention: t.attention.slice() };
  } else {
    const g = q as GenerateQueryJson;
    query = {
      scene: sceneFromJson(g.before),
      attention: g.attention.slice(),
      truthAfter: t.task === 'generate' ? sceneFromJson(t.after) : undefined,
    };
  }
  let demos = episode.demos.map(eventFromJson);
  const editedDemos = sameFamily && state.editedDemos !== null;
  if (editedDemos)
    demos = state.editedDemos!.map((e) => ({
      before: cloneScene(e.before),
      after: cloneScene(e.after),
      attention: e.attention.slice(),
    }));
  const editedQuery = sameFamily && state.editedQuery !== null;
  if (editedQuery)
    query = {
      scene: cloneScene(state.editedQuery!.scene),
      attention: state.editedQuery!.attention.slice(),
    };
  return { family, demos, query, entities, editedDemos, editedQuery };
}

function guard(run: () => CheckResult): CheckResult {
  try {
    return run();
  } catch (e) {
    return {
      ok: false,
      error: Number.NaN,
      reason: `the checker cannot judge this scene (${(e as Error).message})`,
    };
  }
}

/** The family's verdict on an attended set (0/1 mask), or null for a generation family. */
export function judgeIdentification(
  family: ConceptFamily,
  scene: Scene,
  mask: readonly number[],
): CheckResult | null {
  return family.kind === 'identify' ? guard(() => family.check(scene, mask)) : null;
}

/** The family's verdict on a generated final state, or null for an identification family. */
export function judgeGeneration(
  family: ConceptFamily,
  before: Scene,
  attention: readonly number[],
  after: Scene,
): CheckResult | null {
  return family.kind === 'generate' ? guard(() => family.check(before, attention, after)) : null;
}

export function describeSet(mask: readonly number[]): string {
  const set = mask.flatMap((v, i) => (v >= 0.5 ? [i] : []));
  return `{${set.join(', ')}}`;
}
