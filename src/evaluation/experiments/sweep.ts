/**
 * One knob swept over values (test-time K, demos M, scene size N): every
 * family scored at every value, a family-by-value table, the per-kind means
 * beside chance, and a plot of the means.
 */
import type { FamilyName } from '../../concepts/family.js';
import type { InferenceSettings } from '../../inference/settings.js';
import type { EvalOptions } from '../evaluate.js';
import { lineChart, type Row } from '../plot.js';
import {
  chanceScores,
  fmt,
  markdownTable,
  meanScore,
  scoreFamilies,
  type Scored,
} from './common.js';
import type { ExperimentContext, Plot } from './types.js';

export interface SweepPoint {
  value: number;
  /** Families scored at this value (some cannot be drawn at every scene size). */
  scores: Scored[];
  chance: Scored[];
  identify: number | null;
  generate: number | null;
  chanceIdentify: number | null;
  chanceGenerate: number | null;
}

export interface SweepSpec {
  knob: string;
  values: readonly number[];
  families: (value: number) => readonly FamilyName[];
  settings: (value: number) => InferenceSettings;
  options: (value: number) => EvalOptions;
  /** Chance too (only when the knob changes the episodes themselves). */
  withChance?: boolean;
}

export function runSweep(ctx: ExperimentContext, spec: SweepSpec): SweepPoint[] {
  return spec.values.map((value) => {
    ctx.log(`${spec.knob} = ${value}`);
    const families = spec.families(value);
    const scores = scoreFamilies(ctx.model, spec.settings(value), families, spec.options(value));
    const chance = spec.withChance ? chanceScores(families, spec.options(value)) : [];
    return {
      value,
      scores,
      chance,
      identify: meanScore(scores, 'identify'),
      generate: meanScore(scores, 'generate'),
      chanceIdentify: spec.withChance ? meanScore(chance, 'identify') : null,
      chanceGenerate: spec.withChance ? meanScore(chance, 'generate') : null,
    };
  });
}

/** Family rows x knob columns, then the per-kind means. */
export function sweepTable(
  knob: string,
  points: readonly SweepPoint[],
  families: readonly FamilyName[],
): string {
  const head = ['family', ...points.map((p) => `${knob} = ${p.value}`)];
  const rows = families.map((f) => [
    f,
    ...points.map((p) => {
      const s = p.scores.find((x) => x.family === f);
      return s ? fmt(s.score) : 'n/a';
    }),
  ]);
  rows.push(['**mean, identification**', ...points.map((p) => `**${fmt(p.identify)}**`)]);
  rows.push(['**mean, generation**', ...points.map((p) => `**${fmt(p.generate)}**`)]);
  if (points.some((p) => p.chance.length > 0)) {
    rows.push(['chance, identification', ...points.map((p) => fmt(p.chanceIdentify))]);
    rows.push(['chance, generation', ...points.map((p) => fmt(p.chanceGenerate))]);
  }
  return markdownTable(head, rows);
}

export async function sweepPlot(
  points: readonly SweepPoint[],
  o: { file: string; title: string; xTitle: string; log?: boolean; caption: string },
): Promise<Plot> {
  const rows: Row[] = [];
  for (const p of points) {
    if (p.identify !== null)
      rows.push({ x: p.value, score: p.identify, series: 'identification (model)' });
    if (p.generate !== null)
      rows.push({ x: p.value, score: p.generate, series: 'generation (model)' });
    if (p.chanceIdentify !== null)
      rows.push({ x: p.value, score: p.chanceIdentify, series: 'identification (chance)' });
    if (p.chanceGenerate !== null)
      rows.push({ x: p.value, score: p.chanceGenerate, series: 'generation (chance)' });
  }
  const svg = await lineChart(rows, {
    title: o.title,
    x: { field: 'x', title: o.xTitle, log: o.log },
    y: { field: 'score', title: 'mean score over families', domain: [0, 1] },
    series: { field: 'series', title: '' },
  });
  return { file: o.file, caption: o.caption, svg };
}

export function pointAt(points: readonly SweepPoint[], value: number): SweepPoint {
  const p = points.find((x) => x.value === value);
  if (!p) throw new Error(`sweep: no point at ${value}`);
  return p;
}

/** The sweep as plain data for result.json: per value, the means (and chance) and every family's score. */
export function sweepData(knob: string, points: readonly SweepPoint[]): unknown {
  return {
    points: points.map(({ value, identify, generate, chanceIdentify, chanceGenerate, scores }) => ({
      [knob]: value,
      identify,
      generate,
      ...(chanceIdentify !== null || chanceGenerate !== null
        ? { chanceIdentify, chanceGenerate }
        : {}),
      families: Object.fromEntries(scores.map((s) => [s.family, s.score])),
    })),
  };
}
