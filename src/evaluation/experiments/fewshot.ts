/**
 * Claim: concepts are learned from a handful of demonstrations. The same
 * model, with the code inferred from M = 1..10 demos (trained with a fixed M).
 */
import { evalOptions, fmt, studyFamilies, verdict } from './common.js';
import { pointAt, runSweep, sweepPlot, sweepTable, sweepData } from './sweep.js';
import { SHIFT_DEMOS } from '../shift-suite.js';
import type { Experiment } from './types.js';

/** The shift suite's demonstration counts (src/evaluation/shift-suite.ts). */
export const DEMO_COUNTS = SHIFT_DEMOS;

export const fewshotExperiment: Experiment = {
  name: 'fewshot',
  title: 'Few-shot: demonstrations per episode M',
  claim: 'Concepts are inferred from a few demonstrations; more demos pin the concept down better.',
  async run(ctx) {
    const families = studyFamilies(ctx);
    const points = runSweep(ctx, {
      knob: 'M',
      values: DEMO_COUNTS,
      families: () => families,
      settings: () => ctx.settings,
      options: (m) => evalOptions(ctx, { demos: m }),
      withChance: true,
    });
    const m1 = pointAt(points, 1);
    const m5 = pointAt(points, 5);
    const mean = (p: typeof m1) => ((p.identify ?? 0) + (p.generate ?? 0)) / 2;
    // Standard error of the difference of two mean scores, each a mean over families of binomial proportions.
    const standardError = (a: typeof m1, b: typeof m1) => {
      const v = (p: typeof m1) =>
        p.scores.reduce((s, x) => s + (x.score * (1 - x.score)) / Math.max(1, x.episodes), 0) /
        Math.max(1, p.scores.length) ** 2;
      return Math.sqrt(v(a) + v(b) + 1e-12);
    };
    const chance = (p: typeof m1) => ((p.chanceIdentify ?? 0) + (p.chanceGenerate ?? 0)) / 2;
    const plot = await sweepPlot(points, {
      file: 'fewshot.svg',
      title: 'Mean score against demonstrations per episode',
      xTitle: 'M (demonstrations the code is inferred from)',
      caption: 'Mean score over families per M, beside chance on the same episodes.',
    });
    return {
      name: 'fewshot',
      title: this.title,
      claim: this.claim,
      setup: [
        `model: ${ctx.modelLabel}`,
        `M in {${DEMO_COUNTS.join(', ')}}; ${ctx.episodes} episodes per family and M, seed ${ctx.seed}; test-time chains as the model's`,
      ],
      tables: [sweepTable('M', points, families)],
      plots: [plot],
      reading: [
        verdict(
          mean(m5) > mean(m1) + 2 * standardError(m1, m5),
          'more demonstrations give better answers (M = 5 beats M = 1 beyond noise)',
          'from M = 1 on the score barely moves: one demonstration already pins down what this model has learned, and more do not add what it has not',
        ),
        `Identification ${points.map((p) => `${fmt(p.identify)} (M = ${p.value})`).join(', ')}.`,
        `Generation ${points.map((p) => `${fmt(p.generate)} (M = ${p.value})`).join(', ')}.`,
      ],
      checks: [
        {
          property: 'every M beats chance (mean of identification and generation)',
          holds: points.every((p) => mean(p) > chance(p)),
          detail: points
            .map((p) => `M=${p.value}: ${fmt(mean(p))} vs ${fmt(chance(p))}`)
            .join('; '),
        },
        {
          property: 'M = 5 is not worse than M = 1 beyond sampling noise (2 standard errors)',
          holds: mean(m5) - mean(m1) > -2 * standardError(m1, m5),
          detail: `${fmt(mean(m5))} vs ${fmt(mean(m1))} (2 s.e. = ${fmt(2 * standardError(m1, m5))})`,
        },
      ],
      data: sweepData('M', points),
    };
  },
};
