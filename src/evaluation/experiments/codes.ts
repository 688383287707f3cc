/**
 * Claim: "is red" and "make red" get the same code. Codes are inferred from
 * demos of every family (w-chain only), projected on their first two
 * principal components, and compared by family centroids in the full code
 * space. make-red's demos end with the attended entity red, which is what
 * red's demos show; the energy sees only the final state, so one code can
 * serve both.
 */
import type { FamilyName } from '../../concepts/family.js';
import { rngFor } from '../../random/rng.js';
import { evalEpisodes } from '../evaluate.js';
import { centroid, euclidean, pca } from '../pca.js';
import { scatter, type Row } from '../plot.js';
import { familyKind, fmt, inferEpisodeCodes, markdownTable, verdict } from './common.js';
import { FAMILY_NAMES } from '../../concepts/family.js';
import type { Experiment, ExperimentContext } from './types.js';

const QUICK_CODE_FAMILIES: readonly FamilyName[] = [
  'red',
  'make-red',
  'count-4+',
  'move-to-square-center',
  'closest',
];

export function inferFamilyCodes(
  ctx: ExperimentContext,
  family: FamilyName,
  episodes: number,
): number[][] {
  const eps = evalEpisodes(family, { episodes, demos: 5, seed: ctx.seed });
  return inferEpisodeCodes(ctx, eps, rngFor(ctx.seed, 'codes', family).split('w')).map((c) =>
    Array.from(c),
  );
}

/** Nearest-centroid accuracy: centroids from even-indexed codes, classify the odd-indexed ones. */
export function nearestCentroidAccuracy(codes: Map<FamilyName, number[][]>): number {
  const cents = [...codes].map(
    ([f, rows]) => [f, centroid(rows.filter((_, i) => i % 2 === 0))] as const,
  );
  let right = 0;
  let total = 0;
  for (const [f, rows] of codes) {
    rows.forEach((r, i) => {
      if (i % 2 === 0) return;
      const best = cents.reduce((b, c) => (euclidean(r, c[1]) < euclidean(r, b[1]) ? c : b));
      right += best[0] === f ? 1 : 0;
      total += 1;
    });
  }
  return right / Math.max(1, total);
}

export const codesExperiment: Experiment = {
  name: 'codes',
  title: 'Concept codes: one code for "is red" and "make red"',
  claim:
    'Codes inferred from demonstrations cluster by concept, and "red" and "make red" land together.',
  async run(ctx) {
    const families = ctx.quick ? QUICK_CODE_FAMILIES : FAMILY_NAMES;
    const perFamily = Math.max(8, Math.min(ctx.episodes, 100));
    const codes = new Map<FamilyName, number[][]>();
    for (const f of families) {
      ctx.log(`codes ${f}`);
      codes.set(f, inferFamilyCodes(ctx, f, perFamily));
    }
    const all = [...codes.values()].flat();
    const p = pca(all, 2);
    const rows: Row[] = [];
    let k = 0;
    for (const [f, list] of codes) {
      for (let i = 0; i < list.length; i++, k++) {
        rows.push({
          pc1: p.projected[k][0],
          pc2: p.projected[k][1],
          family: f,
          kind: familyKind(f),
        });
      }
    }
    const cents = new Map([...codes].map(([f, list]) => [f, centroid(list)]));
    const pairs: number[] = [];
    const names = [...cents.keys()];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++)
        pairs.push(euclidean(cents.get(names[i])!, cents.get(names[j])!));
    }
    pairs.sort((a, b) => a - b);
    const median = pairs[Math.floor(pairs.length / 2)];
    const redPair = euclidean(cents.get('red')!, cents.get('make-red')!);
    const rank = pairs.filter((d) => d < redPair).length + 1;
    const spread = (f: FamilyName) => {
      const c = cents.get(f)!;
      const list = codes.get(f)!;
      return list.reduce((s, r) => s + euclidean(r, c), 0) / list.length;
    };
    const nearestToRed = names
      .filter((f) => f !== 'red')
      .sort(
        (a, b) =>
          euclidean(cents.get(a)!, cents.get('red')!) - euclidean(cents.get(b)!, cents.get('red')!),
      )[0];
    const accuracy = nearestCentroidAccuracy(codes);
    const chance = 1 / families.length;
    const plot = await scatter(rows, {
      title: `Inferred codes, first two principal components (${fmt((100 * (p.variances[0] + p.variances[1])) / p.total, 0)}% of variance)`,
      x: { field: 'pc1', title: 'PC 1' },
      y: { field: 'pc2', title: 'PC 2' },
      color: { field: 'family', title: 'family' },
      shape: { field: 'kind', title: 'kind' },
      width: 520,
      height: 440,
    });
    const table = markdownTable(
      ['measure', 'value'],
      [
        ['distance between the red and make-red centroids', fmt(redPair, 3)],
        ['median distance between two family centroids', fmt(median, 3)],
        [
          `rank of the red / make-red pair among the ${pairs.length} centroid pairs (1 = closest)`,
          rank,
        ],
        ["family whose centroid is nearest to red's", nearestToRed],
        ['mean distance of a red code to its centroid', fmt(spread('red'), 3)],
        ['mean distance of a make-red code to its centroid', fmt(spread('make-red'), 3)],
        [
          `nearest-centroid accuracy of codes (${families.length} families; chance ${fmt(chance)})`,
          fmt(accuracy),
        ],
      ],
    );
    return {
      name: 'codes',
      title: this.title,
      claim: this.claim,
      setup: [
        `model: ${ctx.modelLabel}; codes from M = 5 demos by the model's w-chain (K_w = ${ctx.settings.w.steps})`,
        `${perFamily} episodes per family, ${families.length} families, seed ${ctx.seed}; centroids in the full ${ctx.model.config.codeSize}-dimensional code space; accuracy: centroids from the even-indexed codes, the odd-indexed ones classified`,
      ],
      tables: [table],
      plots: [
        {
          file: 'codes.svg',
          caption:
            'Inferred codes projected on their first two principal components, coloured by family.',
          svg: plot,
        },
      ],
      reading: [
        verdict(
          redPair < median && nearestToRed === 'make-red',
          'the codes inferred from "red" and from "make red" demos land together: make-red\'s centroid is the nearest to red\'s',
          'red and make-red do not land together here',
        ),
        `The red and make-red centroids are ${fmt(redPair, 3)} apart, against a median of ${fmt(median, 3)} between two families (rank ${rank} of ${pairs.length}); the nearest centroid to red's is ${nearestToRed}'s.`,
        `A code's nearest centroid names its family ${fmt(100 * accuracy, 0)}% of the time (chance ${fmt(100 * chance, 0)}%).`,
      ],
      checks: [
        {
          property: 'red and make-red centroids are closer than the median pair of families',
          holds: redPair < median,
          detail: `${fmt(redPair, 3)} vs ${fmt(median, 3)}`,
        },
        {
          property: 'codes identify their family by nearest centroid well above chance (> 2x)',
          holds: accuracy > 2 * chance,
          detail: `${fmt(accuracy)} vs chance ${fmt(chance)}`,
        },
      ],
      data: {
        redPair,
        median,
        rank,
        pairs: pairs.length,
        nearestToRed,
        accuracy,
        chance,
        explained: (p.variances[0] + p.variances[1]) / p.total,
        centroids: Object.fromEntries(cents),
      },
    };
  },
};
