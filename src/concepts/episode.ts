/**
 * Episodes in the interchange format (docs/METHOD.md and docs/FORMAT.md): a family
 * draws M demonstration events and some queries of the same concept, and the
 * ground truth of each query goes to a separate truth object (the learner is
 * never told the concept). `checkAnswer` judges an answer with the family's
 * checker, against the world's ground truth.
 */
import type { Rng } from '../random/rng.js';
import {
  InterchangeError,
  eventToJson,
  sceneFromJson,
  sceneToJson,
  validateAnswer,
  type AnswerJson,
  type EpisodeJson,
  type QueryJson,
  type QueryTruthJson,
  type TruthJson,
} from '../world/interchange.js';
import type { CheckResult, ConceptFamily } from './family.js';

export interface EpisodeOptions {
  /** Number of demonstration events (>= 1). */
  demos: number;
  /** Number of queries (>= 0). */
  queries: number;
  /** Entities per scene; defaults to the family's own default. */
  entities?: number;
}

export interface SampledEpisode {
  episode: EpisodeJson;
  truth: TruthJson;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`sampleEpisode: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * Draw an episode. Deterministic in `rng`: demos and queries come from the
 * independent streams `rng.split('demos')` and `rng.split('queries')`, and each
 * event from its own child stream, so asking for more queries leaves the demos
 * (and the earlier queries) unchanged.
 */
export function sampleEpisode(
  family: ConceptFamily,
  rng: Rng,
  opts: EpisodeOptions,
): SampledEpisode {
  checkCount('demos', opts.demos, 1);
  checkCount('queries', opts.queries, 0);
  if (opts.entities !== undefined) {
    checkCount('entities', opts.entities, 1);
    if (opts.entities < family.minEntities) {
      throw new RangeError(
        `concept "${family.name}" needs at least ${family.minEntities} entities, got ${opts.entities}`,
      );
    }
  }
  const sampleOptions = opts.entities === undefined ? {} : { entities: opts.entities };
  const demoRng = rng.split('demos');
  const queryRng = rng.split('queries');

  const demos = [];
  for (let i = 0; i < opts.demos; i++) {
    demos.push(eventToJson(family.sample(demoRng.split(`demo ${i}`), sampleOptions)));
  }

  const queries: QueryJson[] = [];
  const truths: QueryTruthJson[] = [];
  for (let i = 0; i < opts.queries; i++) {
    const event = family.sample(queryRng.split(`query ${i}`), sampleOptions);
    if (family.kind === 'identify') {
      queries.push({ task: 'identify', scene: sceneToJson(event.after) });
      truths.push({ family: family.name, task: 'identify', attention: event.attention.slice() });
    } else {
      queries.push({
        task: 'generate',
        before: sceneToJson(event.before),
        attention: event.attention.slice(),
      });
      truths.push({ family: family.name, task: 'generate', after: sceneToJson(event.after) });
    }
  }
  return { episode: { demos, queries }, truth: { family: family.name, queries: truths } };
}

export interface QueryCheck extends CheckResult {
  query: number;
  task: QueryJson['task'];
  family: string;
}

export interface EpisodeCheck {
  results: QueryCheck[];
  /** Number of queries judged ok. */
  passed: number;
  /** Fraction of queries judged ok (0 when the episode has no queries). */
  score: number;
}

/** Threshold attention probabilities: entity i is attended when p_i > 0.5. */
export function thresholdAttention(probabilities: readonly number[]): number[] {
  return probabilities.map((p) => (p > 0.5 ? 1 : 0));
}

/**
 * Judge each query's answer with the family's checker. `family` is one family
 * for all queries or one per query. Throws an `InterchangeError` when the
 * answer does not fit the episode or a query's task does not fit its family.
 */
export function checkAnswer(
  family: ConceptFamily | readonly ConceptFamily[],
  episode: EpisodeJson,
  answer: AnswerJson,
): EpisodeCheck {
  const fitted = validateAnswer(answer, undefined, episode);
  const familyFor = (i: number): ConceptFamily => {
    if (!Array.isArray(family)) return family as ConceptFamily;
    const f = (family as readonly ConceptFamily[])[i];
    if (!f) throw new InterchangeError(`no concept family given for query ${i}`, `queries[${i}]`);
    return f;
  };
  const results = episode.queries.map((q, i): QueryCheck => {
    const fam = familyFor(i);
    if (fam.kind !== q.task) {
      throw new InterchangeError(
        `task "${q.task}" does not fit the ${fam.kind} concept "${fam.name}"`,
        `queries[${i}].task`,
      );
    }
    const r = fitted.results[i];
    let verdict: CheckResult;
    if (fam.kind === 'identify' && q.task === 'identify' && 'attention' in r) {
      verdict = fam.check(sceneFromJson(q.scene), thresholdAttention(r.attention));
    } else if (fam.kind === 'generate' && q.task === 'generate' && 'after' in r) {
      verdict = fam.check(sceneFromJson(q.before), q.attention, sceneFromJson(r.after));
    } else {
      // validateAnswer already matched result kinds to tasks.
      throw new InterchangeError(`result does not fit a "${q.task}" query`, `results[${i}]`);
    }
    const out: QueryCheck = {
      query: i,
      task: q.task,
      family: fam.name,
      ok: verdict.ok,
      error: verdict.error,
    };
    if (verdict.reason !== undefined) out.reason = verdict.reason;
    return out;
  });
  const passed = results.filter((r) => r.ok).length;
  return { results, passed, score: results.length === 0 ? 0 : passed / results.length };
}
