/**
 * Helpers the experiments share: scoring a model on a set of families under
 * given settings, family subsets for full and quick runs, markdown tables.
 */
import { getFamily } from '../../concepts/index.js';
import { kernelBackend } from '../../inference/backend.js';
import type { Rng } from '../../random/rng.js';
import type { Episode } from '../../training/batch.js';
import { FAMILY_NAMES, type FamilyName } from '../../concepts/family.js';
import type { InferenceSettings } from '../../inference/settings.js';
import type { EnergyModel } from '../../model/model.js';
import { chanceScore } from '../baselines.js';
import { evaluateFamily, type EvalOptions, type FamilyScore } from '../evaluate.js';
import { wilson } from '../stats.js';
import type { ExperimentContext } from './types.js';

/** Families a quick run looks at: ones the shipped model has learned, one of each kind at least. */
export const QUICK_FAMILIES: readonly FamilyName[] = [
  'red',
  'count-1',
  'make-red',
  'move-to-square-center',
];

export function studyFamilies(ctx: ExperimentContext): readonly FamilyName[] {
  return ctx.quick ? QUICK_FAMILIES : FAMILY_NAMES;
}

export interface Scored extends FamilyScore {
  ci: [number, number];
}

export function scoreFamilies(
  model: EnergyModel,
  settings: InferenceSettings,
  families: readonly FamilyName[],
  options: EvalOptions,
  log?: (line: string) => void,
): Scored[] {
  return families.map((family) => {
    log?.(`  ${family}`);
    const s = evaluateFamily(model, family, settings, options);
    return { ...s, ci: wilson(s.successes, s.episodes) };
  });
}

export function chanceScores(families: readonly FamilyName[], options: EvalOptions): Scored[] {
  return families.map((family) => {
    const s = chanceScore(family, options);
    return { ...s, ci: wilson(s.successes, s.episodes) };
  });
}

/** Mean score over families of a kind (null when there are none). */
export function meanScore(
  scores: readonly FamilyScore[],
  kind?: 'identify' | 'generate',
): number | null {
  const rows = scores.filter((s) => !kind || s.kind === kind);
  return rows.length ? rows.reduce((a, s) => a + s.score, 0) / rows.length : null;
}

export const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);

export function markdownTable(
  head: string[],
  rows: (string | number)[][],
  align?: ('l' | 'r' | 'c')[],
): string {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const sep = a.map((x) => (x === 'l' ? '---' : x === 'r' ? '---:' : ':---:'));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

export function familyKind(f: FamilyName): 'identify' | 'generate' {
  return getFamily(f).kind;
}

export function evalOptions(ctx: ExperimentContext, patch: Partial<EvalOptions> = {}): EvalOptions {
  return { episodes: ctx.episodes, demos: 5, seed: ctx.seed, ...patch };
}

/**
 * The code each episode's demos show, from the model's w-chain on the kernel
 * (episode b's chain draws its noise from `rng.split(b)`).
 */
export function inferEpisodeCodes(
  ctx: ExperimentContext,
  episodes: Episode[],
  rng: Rng,
): Float32Array[] {
  const backend = kernelBackend(ctx.model);
  return episodes.map(
    (e, b) => backend.inferConcept(e.demos, ctx.settings, rng.split(`episode-${b}`)).code,
  );
}

export function inferEpisodeCode(ctx: ExperimentContext, episode: Episode, rng: Rng): Float32Array {
  return inferEpisodeCodes(ctx, [episode], rng)[0];
}

/**
 * A macrotask: long synchronous phases of an experiment end with it, so that
 * whoever runs the experiment (a test runner waiting on its messages, a
 * progress bar) gets the event loop in between.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 0));

/** The first line of a reading: whether the numbers support the claim, said from them. */
export function verdict(supported: boolean, ifSupported: string, ifNot: string): string {
  return supported
    ? `**Supports the claim**: ${ifSupported}.`
    : `**Does not support the claim**: ${ifNot}.`;
}
