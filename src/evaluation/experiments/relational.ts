/**
 * Claim: relations need a relational energy. The same recipe and budget with
 * the pairwise energy f(sum_ij s(a_i)s(a_j) g(x_i, x_j, w)) and with the
 * non-relational ablation f(sum_i s(a_i) g(x_i, w)).
 */
import { fmt, verdict } from './common.js';
import {
  compareVariants,
  comparisonData,
  comparisonPlot,
  comparisonTable,
  disposeVariants,
  meanOf,
  scoreOf,
} from './compare.js';
import type { Experiment } from './types.js';
import { budgetLine, trainVariant, variantFamilies } from './variants.js';

export const relationalExperiment: Experiment = {
  name: 'relational',
  title: 'Relational against non-relational energy',
  claim:
    'Concepts that relate entities (shapes, comparisons, moves relative to others) need the relational energy; single-entity properties do not.',
  async run(ctx) {
    const families = variantFamilies(ctx);
    const rel = await trainVariant(ctx, 'joint', 'relational', {});
    const non = await trainVariant(ctx, 'non-relational', 'non-relational', {
      model: { variant: 'non-relational' },
    });
    const variants = [rel, non];
    try {
      const c = compareVariants(ctx, variants, families);
      const relational = families.filter((f) => f !== 'red' && f !== 'make-red');
      const gap = (fs: readonly string[]) =>
        fs.length
          ? fs.reduce(
              (s, f) =>
                s + scoreOf(c, 'relational', f as never) - scoreOf(c, 'non-relational', f as never),
              0,
            ) / fs.length
          : null;
      const relGap = gap(relational);
      const colourGap = gap(families.filter((f) => f === 'red' || f === 'make-red'));
      return {
        name: 'relational',
        title: this.title,
        claim: this.claim,
        setup: [
          `two models trained with the same reduced budget and seed, differing only in the energy:`,
          budgetLine(ctx, rel),
          budgetLine(ctx, non),
          `${ctx.episodes} episodes per family, M = 5 demos, seed ${ctx.seed}; identification with 20 a-steps for both`,
        ],
        tables: [comparisonTable(c)],
        plots: [
          await comparisonPlot(
            c,
            'relational.svg',
            'Relational against non-relational energy, same budget',
            'Per family: both energies, an untrained model and chance.',
          ),
        ],
        reading: [
          verdict(
            (relGap ?? 0) > 0,
            'the relational energy is better on the families that relate entities, and no worse on colour',
            'the non-relational energy does as well on the relational families',
          ),
          `Mean identification: relational ${fmt(meanOf(c, 'relational', 'identify'))}, non-relational ${fmt(meanOf(c, 'non-relational', 'identify'))}; generation: ${fmt(meanOf(c, 'relational', 'generate'))} against ${fmt(meanOf(c, 'non-relational', 'generate'))}.`,
          ...(relGap !== null
            ? [
                `On the relational families (${relational.join(', ')}) the relational energy leads by ${fmt(relGap)} on average; on colour (red, make-red) by ${fmt(colourGap)}.`,
              ]
            : []),
        ],
        checks: [
          {
            property: 'both energies learn: each beats the untrained model on average',
            holds: (['relational', 'non-relational'] as const).every(
              (l) => (meanOf(c, l) ?? 0) > (meanOf(c, 'untrained') ?? 0),
            ),
            detail: `relational ${fmt(meanOf(c, 'relational'))}, non-relational ${fmt(meanOf(c, 'non-relational'))}, untrained ${fmt(meanOf(c, 'untrained'))}`,
          },
          ...(relGap !== null
            ? [
                {
                  property:
                    'the relational energy beats the non-relational one on the relational families',
                  holds: relGap > 0,
                  detail: `mean lead ${fmt(relGap)}`,
                },
              ]
            : []),
        ],
        data: comparisonData(c),
      };
    } finally {
      disposeVariants(variants);
    }
  },
};
