/**
 * Several trained variants scored on the same episodes, beside an untrained
 * model and chance: a family-by-variant table and grouped bars.
 */
import type { FamilyName } from '../../concepts/family.js';
import { EnergyModel } from '../../model/model.js';
import { rngFor } from '../../random/rng.js';
import { groupedBars, type Row } from '../plot.js';
import {
  chanceScores,
  evalOptions,
  familyKind,
  fmt,
  markdownTable,
  meanScore,
  scoreFamilies,
  type Scored,
} from './common.js';
import type { ExperimentContext, Plot } from './types.js';
import type { Variant } from './variants.js';

export interface Comparison {
  families: readonly FamilyName[];
  /** Column label -> scores per family (variants, then "untrained" and "chance"). */
  columns: Map<string, Scored[]>;
}

export function compareVariants(
  ctx: ExperimentContext,
  variants: readonly Variant[],
  families: readonly FamilyName[],
): Comparison {
  const options = evalOptions(ctx);
  const columns = new Map<string, Scored[]>();
  for (const v of variants) {
    ctx.log(`scoring ${v.label}`);
    columns.set(v.label, scoreFamilies(v.model, v.settings, families, options));
  }
  const untrained = EnergyModel.init(variants[0].config.model, rngFor(ctx.seed, 'untrained-init'));
  columns.set('untrained', scoreFamilies(untrained, variants[0].settings, families, options));
  untrained.dispose();
  columns.set('chance', chanceScores(families, options));
  return { families, columns };
}

export function scoreOf(c: Comparison, column: string, family: FamilyName): number {
  return c.columns.get(column)!.find((s) => s.family === family)!.score;
}

export function meanOf(
  c: Comparison,
  column: string,
  kind?: 'identify' | 'generate',
): number | null {
  return meanScore(c.columns.get(column)!, kind);
}

export function comparisonTable(c: Comparison): string {
  const labels = [...c.columns.keys()];
  const rows: (string | number)[][] = c.families.map((f) => [
    f,
    familyKind(f),
    ...labels.map((l) => {
      const s = c.columns.get(l)!.find((x) => x.family === f)!;
      return l === 'chance' || l === 'untrained'
        ? fmt(s.score)
        : `${fmt(s.score)} [${fmt(s.ci[0])}, ${fmt(s.ci[1])}]`;
    }),
  ]);
  for (const kind of ['identify', 'generate'] as const) {
    if (c.families.some((f) => familyKind(f) === kind)) {
      rows.push([
        `**mean, ${kind === 'identify' ? 'identification' : 'generation'}**`,
        '',
        ...labels.map((l) => `**${fmt(meanOf(c, l, kind))}**`),
      ]);
    }
  }
  return markdownTable(['family', 'kind', ...labels], rows, [
    'l',
    'l',
    ...labels.map(() => 'c' as const),
  ]);
}

export async function comparisonPlot(
  c: Comparison,
  file: string,
  title: string,
  caption: string,
): Promise<Plot> {
  const rows: Row[] = [];
  for (const [label, scores] of c.columns)
    for (const s of scores) rows.push({ family: s.family, variant: label, score: s.score });
  const svg = await groupedBars(rows, {
    title,
    x: { field: 'family', title: 'family', sort: [...c.families] },
    y: { field: 'score', title: 'score', domain: [0, 1] },
    group: { field: 'variant', title: 'model', order: [...c.columns.keys()] },
  });
  return { file, caption, svg };
}

export function disposeVariants(variants: readonly Variant[]): void {
  for (const v of variants) v.model.dispose();
}

/** Column -> family -> score, for result.json. */
export function comparisonData(c: Comparison): Record<string, Record<string, number>> {
  return Object.fromEntries(
    [...c.columns].map(([k, v]) => [k, Object.fromEntries(v.map((s) => [s.family, s.score]))]),
  );
}
