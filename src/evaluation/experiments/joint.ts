/**
 * Claim: training both operations beats training either alone, and a model
 * trained only to identify can still generate (one energy serves both). Three
 * models, the same budget: both loss terms, generation only, identification only.
 */
import { getFamily } from '../../concepts/index.js';
import { fmt, verdict } from './common.js';
import {
  compareVariants,
  comparisonData,
  comparisonPlot,
  comparisonTable,
  disposeVariants,
  meanOf,
} from './compare.js';
import type { Experiment } from './types.js';
import { budgetLine, trainVariant, variantFamilies } from './variants.js';

export const jointExperiment: Experiment = {
  name: 'joint',
  title: 'Joint training against one operation alone',
  claim:
    'Training on both generation and identification beats either alone at each operation; an identification-only model still generates.',
  async run(ctx) {
    const families = variantFamilies(ctx);
    const joint = await trainVariant(ctx, 'joint', 'joint', {});
    const genOnly = await trainVariant(ctx, 'generation-only', 'generation only', {
      loss: { identification: 0 },
    });
    const idOnly = await trainVariant(ctx, 'identification-only', 'identification only', {
      loss: { generation: 0 },
    });
    const variants = [joint, genOnly, idOnly];
    try {
      const c = compareVariants(ctx, variants, families);
      const m = (label: string, kind: 'identify' | 'generate') => meanOf(c, label, kind) ?? 0;
      const hasBoth =
        families.some((f) => getFamily(f).kind === 'identify') &&
        families.some((f) => getFamily(f).kind === 'generate');
      return {
        name: 'joint',
        title: this.title,
        claim: this.claim,
        setup: [
          'three models trained with the same reduced budget and seed, differing only in the loss weights:',
          budgetLine(ctx, joint),
          budgetLine(ctx, genOnly),
          budgetLine(ctx, idOnly),
          `${ctx.episodes} episodes per family, M = 5, seed ${ctx.seed}; identification families measure identification, generation families generation`,
        ],
        tables: [comparisonTable(c)],
        plots: [
          await comparisonPlot(
            c,
            'joint.svg',
            'Joint training against one operation alone',
            'Per family: the three training regimes, an untrained model and chance.',
          ),
        ],
        reading: [
          verdict(
            m('joint', 'identify') > m('identification only', 'identify') &&
              m('joint', 'generate') > m('generation only', 'generate'),
            'joint training is better at each operation than training for that operation alone',
            'joint training is not better at each operation than the single-operation models',
          ),
          `Identification: joint ${fmt(m('joint', 'identify'))}, generation-only ${fmt(m('generation only', 'identify'))}, identification-only ${fmt(m('identification only', 'identify'))}.`,
          `Generation: joint ${fmt(m('joint', 'generate'))}, generation-only ${fmt(m('generation only', 'generate'))}, identification-only ${fmt(m('identification only', 'generate'))} (untrained ${fmt(m('untrained', 'generate'))}).`,
        ],
        checks: hasBoth
          ? [
              {
                property:
                  'each single-operation model beats the untrained model at its own operation',
                holds:
                  m('generation only', 'generate') > m('untrained', 'generate') &&
                  m('identification only', 'identify') > m('untrained', 'identify'),
                detail: `generation ${fmt(m('generation only', 'generate'))} vs ${fmt(m('untrained', 'generate'))}; identification ${fmt(m('identification only', 'identify'))} vs ${fmt(m('untrained', 'identify'))}`,
              },
              {
                property: 'the joint model beats the untrained model at both operations',
                holds:
                  m('joint', 'generate') > m('untrained', 'generate') &&
                  m('joint', 'identify') > m('untrained', 'identify'),
                detail: `generation ${fmt(m('joint', 'generate'))}, identification ${fmt(m('joint', 'identify'))}`,
              },
            ]
          : [],
        data: comparisonData(c),
      };
    } finally {
      disposeVariants(variants);
    }
  },
};
