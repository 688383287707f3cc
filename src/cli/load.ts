import { access } from 'node:fs/promises';
import { checkAnswer, type EpisodeCheck } from '../concepts/episode.js';
import type { ConceptFamily } from '../concepts/family.js';
import {
  parseAnswer,
  parseJson,
  parseTruth,
  truthToAnswer,
  validateAnswer,
  validateEpisode,
  validateTruth,
  type AnswerJson,
  type EpisodeJson,
  type TruthJson,
} from '../world/interchange.js';
import { familyByName } from './families.js';
import { CliError, readInput, truthPathFor } from './io.js';
import { checkSchema } from './schema.js';

export interface Bundle {
  episode: EpisodeJson;
  episodePath: string;
  truth?: TruthJson;
  truthPath?: string;
  answer?: AnswerJson;
  answerPath?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** An episode file (or - for stdin), held to the validator and to docs/schema/episode.schema.json. */
export async function readEpisode(path: string): Promise<EpisodeJson> {
  const raw = parseJson(await readInput(path, 'episode'), path);
  const episode = validateEpisode(raw, path);
  checkSchema('episode', raw, path);
  return episode;
}

/**
 * Read an episode, its truth (the given path, else FILE.truth.json beside the
 * episode if it exists, or required with `requireTruth`) and an answer, each
 * validated against the episode.
 */
export async function loadBundle(opts: {
  episode: string;
  truth?: string;
  answer?: string;
  requireTruth?: boolean;
}): Promise<Bundle> {
  const episode = await readEpisode(opts.episode);
  const bundle: Bundle = { episode, episodePath: opts.episode };
  const truthPath = opts.truth ?? truthPathFor(opts.episode);
  if (opts.truth !== undefined || (await exists(truthPath))) {
    bundle.truth = parseTruth(await readInput(truthPath, 'truth'), truthPath, episode);
    bundle.truthPath = truthPath;
  } else if (opts.requireTruth) {
    throw new CliError(`truth file not found: ${truthPath} (give its path with --truth)`);
  }
  if (opts.answer !== undefined) {
    bundle.answer = readAnswer(await readInput(opts.answer, 'answer'), opts.answer, episode);
    bundle.answerPath = opts.answer;
  }
  return bundle;
}

/**
 * An answer file, or a truth file standing in as the oracle answer (so that
 * `check FILE.json FILE.truth.json` is a sanity check that scores 1).
 */
export function readAnswer(text: string, path: string, episode: EpisodeJson): AnswerJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseAnswer(text, path, episode); // reports the JSON error
  }
  const looksLikeTruth =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'family' in value &&
    'queries' in value &&
    !('results' in value);
  if (looksLikeTruth) return truthToAnswer(validateTruth(value, path, episode));
  const answer = validateAnswer(value, path, episode);
  checkSchema('answer', value, path);
  return answer;
}

/** The family of each query, from the truth. */
export function truthFamilies(truth: TruthJson): ConceptFamily[] {
  return truth.queries.map((q) => familyByName(q.family));
}

/** Judge the bundle's answer against its truth's families. */
export function judge(bundle: Bundle): EpisodeCheck | undefined {
  if (!bundle.truth || !bundle.answer) return undefined;
  return checkAnswer(truthFamilies(bundle.truth), bundle.episode, bundle.answer);
}
