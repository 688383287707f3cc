/**
 * Claim: optimising at inference beats one forward step; about 20 steps are
 * needed (docs/RESULTS.md). The same model, test-time K of the x- and
 * a-chains swept over 1..40 (the w-chain keeps its trained K).
 */
import { withChains } from '../../inference/settings.js';
import { evalOptions, fmt, studyFamilies, verdict } from './common.js';
import { pointAt, runSweep, sweepPlot, sweepTable, sweepData } from './sweep.js';
import type { Experiment } from './types.js';

export const STEP_COUNTS = [1, 2, 5, 10, 20, 40] as const;

export const stepsExperiment: Experiment = {
  name: 'steps',
  title: 'Test-time optimisation: Langevin steps K',
  claim: 'Optimising at inference beats one forward step: one step is not enough, about 20 are.',
  async run(ctx) {
    const families = studyFamilies(ctx);
    const points = runSweep(ctx, {
      knob: 'K',
      values: STEP_COUNTS,
      families: () => families,
      // The polish and the enumeration are discrete searches instead of steps of the chain: off,
      // so K alone varies.
      settings: (k) =>
        withChains(ctx.settings, { x: { steps: k }, a: { steps: k, polish: 0, enumerate: 0 } }),
      options: () => evalOptions(ctx),
    });
    const k1 = pointAt(points, 1);
    const k20 = pointAt(points, 20);
    const best = (key: 'identify' | 'generate') =>
      points.reduce((b, p) => ((p[key] ?? -1) > (b[key] ?? -1) ? p : b), points[0]);
    const plot = await sweepPlot(points, {
      file: 'steps.svg',
      title: 'Mean score against test-time Langevin steps',
      xTitle: 'K (steps of the x- and a-chains, log scale)',
      log: true,
      caption:
        'Mean exact-set accuracy (identification) and checker success (generation) over families, per test-time K.',
    });
    return {
      name: 'steps',
      title: this.title,
      claim: this.claim,
      setup: [
        `model: ${ctx.modelLabel}` +
          (ctx.trainedSettings
            ? ` (trained with K_x = ${ctx.trainedSettings.x.steps}, K_a = ${ctx.trainedSettings.a.steps})`
            : '') +
          `; the w-chain keeps K_w = ${ctx.settings.w.steps}`,
        `K in {${STEP_COUNTS.join(', ')}} for both the x- and a-chains; step sizes and noise unchanged` +
          ((ctx.settings.a.restarts ?? 1) > 1
            ? `; identification keeps the best of ${ctx.settings.a.restarts} a-chains by energy (the model's default)`
            : '') +
          searchOff(ctx.settings.a),
        `${ctx.episodes} episodes per family and K, M = 5 demos, seed ${ctx.seed}; the same episodes at every K`,
      ],
      tables: [sweepTable('K', points, families)],
      plots: [plot],
      reading: [
        verdict(
          (k20.identify ?? 0) > (k1.identify ?? 0) && (k20.generate ?? 0) > (k1.generate ?? 0),
          'one step is far from enough for both operations, and scores keep rising to K = 20',
          'K = 20 does not beat K = 1 on both operations',
        ),
        `Identification: ${fmt(k1.identify)} at K = 1, ${fmt(k20.identify)} at K = 20 (best ${fmt(best('identify').identify)} at K = ${best('identify').value}).`,
        `Generation: ${fmt(k1.generate)} at K = 1, ${fmt(k20.generate)} at K = 20 (best ${fmt(best('generate').generate)} at K = ${best('generate').value}).`,
      ],
      checks: [
        {
          property: 'identification at K = 20 beats K = 1',
          holds: (k20.identify ?? 0) > (k1.identify ?? 0),
          detail: `${fmt(k20.identify)} vs ${fmt(k1.identify)}`,
        },
        {
          property: 'generation at K = 20 beats K = 1',
          holds: (k20.generate ?? 0) > (k1.generate ?? 0),
          detail: `${fmt(k20.generate)} vs ${fmt(k1.generate)}`,
        },
      ],
      data: sweepData('K', points),
    };
  },
};

/** The setup's words for the discrete searches the sweep turns off, so that only the chain varies. */
function searchOff(a: { polish?: number; enumerate?: number }): string {
  const off = [
    ...((a.polish ?? 0) > 0 ? [`its polish of the answer (a.polish = ${a.polish})`] : []),
    ...((a.enumerate ?? 0) > 0
      ? [`its enumeration of every set up to ${a.enumerate} entities (a.enumerate)`]
      : []),
  ];
  return off.length > 0
    ? `; without the model's ${off.join(' or ')}, so that only the chain varies`
    : '';
}
