/**
 * Per-family evaluation of a model beside its baselines, and its renderings
 * (terminal table, JSON, markdown).
 */
import { getFamily } from '../concepts/index.js';
import { FAMILY_NAMES, type FamilyName } from '../concepts/family.js';
import type { InferenceSettings } from '../inference/settings.js';
import { EnergyModel } from '../model/model.js';
import { rngFor } from '../random/rng.js';
import { chanceScore } from './baselines.js';
import { evaluateFamily, type EvalOptions, type FamilyScore } from './evaluate.js';
import { wilson } from './stats.js';
import { evaluateArm, evaluateArmStartPose } from './arm.js';

export interface FamilyReport {
  family: FamilyName;
  kind: 'identify' | 'generate';
  episodes: number;
  /** The strict judge's score (the concept and minimal change). */
  score: number;
  ci: [number, number];
  /** The lenient judge's (what the concept names only); equal to `score` for identification. */
  lenientScore: number;
  meanError: number;
  entityAccuracy?: number;
  chance: number;
  untrained: number;
  /** Mean checker error of the baselines, on the same episodes. */
  chanceError: number;
  untrainedError: number;
  /** Identification: per-entity accuracy of chance and the untrained model. */
  chanceEntityAccuracy?: number;
  untrainedEntityAccuracy?: number;
}

export interface ArmReport {
  episodes: number;
  score: number;
  ci: [number, number];
  lenientScore: number;
  meanError: number;
  chance: number;
  untrained: number;
}

export interface EvalReport {
  options: EvalOptions;
  families: Record<string, FamilyReport>;
  /** The robot arm reaching between two points with codes from particle demos. */
  arm?: ArmReport;
  /** Mean score over families, by kind and overall. */
  mean: { identify: number | null; generate: number | null; all: number };
}

export interface EvalProgress {
  (done: number, total: number, family: FamilyName): void;
}

/** Score `model` on each family, with chance and an untrained model of the same shape measured on the same episodes. */
export function evaluateModel(
  model: EnergyModel,
  settings: InferenceSettings,
  families: readonly FamilyName[],
  options: EvalOptions,
  onProgress?: EvalProgress,
  withArm = false,
): EvalReport {
  const untrained = EnergyModel.init(model.config, rngFor(options.seed, 'untrained-init'));
  const out: Record<string, FamilyReport> = {};
  let arm: ArmReport | undefined;
  try {
    families.forEach((family, i) => {
      onProgress?.(i, families.length, family);
      const s: FamilyScore = evaluateFamily(model, family, settings, options);
      const u = evaluateFamily(untrained, family, settings, options);
      const c = chanceScore(family, options);
      out[family] = {
        family,
        kind: s.kind,
        episodes: s.episodes,
        score: s.score,
        ci: wilson(s.successes, s.episodes),
        lenientScore: s.lenientScore,
        meanError: s.meanError,
        entityAccuracy: s.entityAccuracy,
        chance: c.score,
        untrained: u.score,
        chanceError: c.meanError,
        untrainedError: u.meanError,
        chanceEntityAccuracy: c.entityAccuracy,
        untrainedEntityAccuracy: u.entityAccuracy,
      };
    });
    onProgress?.(families.length, families.length, families[families.length - 1]);
    if (withArm) arm = armReport(model, untrained, settings, options);
  } finally {
    untrained.dispose();
  }
  const mean = (kind?: 'identify' | 'generate') => {
    const rows = Object.values(out).filter((r) => !kind || r.kind === kind);
    return rows.length ? rows.reduce((a, r) => a + r.score, 0) / rows.length : null;
  };
  return {
    options,
    families: out,
    arm,
    mean: { identify: mean('identify'), generate: mean('generate'), all: mean() ?? 0 },
  };
}

function armReport(
  model: EnergyModel,
  untrained: EnergyModel,
  settings: InferenceSettings,
  o: EvalOptions,
): ArmReport {
  const s = evaluateArm(model, settings, o);
  const u = evaluateArm(untrained, settings, o);
  // Chance: the arm's random start pose is kept (a zero-step chain).
  const c = evaluateArmStartPose(untrained, settings, o);
  return {
    episodes: s.episodes,
    score: s.score,
    ci: wilson(s.successes, s.episodes),
    lenientScore: s.lenientScore,
    meanError: s.meanError,
    chance: c.score,
    untrained: u.score,
  };
}

/** Parse a comma-separated family list ("all", kinds "identify"/"generate", or names). */
export function parseFamilies(spec: string | undefined): FamilyName[] {
  if (spec === undefined || spec === 'all') return [...FAMILY_NAMES];
  const out: FamilyName[] = [];
  if (spec.split(',').every((s) => s.trim() === ''))
    throw new Error('--families is empty: name families, identify, generate or all');
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (part === 'identify' || part === 'generate') {
      out.push(...FAMILY_NAMES.filter((f) => getFamily(f).kind === part));
    } else {
      out.push(getFamily(part).name);
    }
  }
  return [...new Set(out)];
}

/** Two decimals; '-' where a saved report has no such figure (an evaluation judged before `lenientScore` existed). */
const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(2);

export function reportTable(r: EvalReport): string {
  const head = [
    'family',
    'kind',
    'score',
    '95% CI',
    'lenient',
    'chance',
    'untrained',
    'entity acc',
    'error',
    'error (chance)',
  ];
  const rows = Object.values(r.families).map((f) => [
    f.family,
    f.kind,
    pct(f.score),
    `[${pct(f.ci[0])}, ${pct(f.ci[1])}]`,
    pct(f.lenientScore),
    pct(f.chance),
    pct(f.untrained),
    f.entityAccuracy === undefined ? '-' : pct(f.entityAccuracy),
    f.meanError.toFixed(3),
    f.chanceError.toFixed(3),
  ]);
  if (r.arm) {
    rows.push([
      'arm: move-between',
      'generate',
      pct(r.arm.score),
      `[${pct(r.arm.ci[0])}, ${pct(r.arm.ci[1])}]`,
      pct(r.arm.lenientScore),
      pct(r.arm.chance),
      pct(r.arm.untrained),
      '-',
      r.arm.meanError.toFixed(3),
      '-',
    ]);
  }
  rows.push(overallRow(r));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const footer =
    `mean: all ${pct(r.mean.all)}` +
    (r.mean.identify !== null ? `, identify ${pct(r.mean.identify)}` : '') +
    (r.mean.generate !== null ? `, generate ${pct(r.mean.generate)}` : '') +
    ` (${r.options.episodes} episodes per family, ${r.options.demos} demos, seed ${r.options.seed}); ` +
    'score: the strict judge (the concept and minimal change); lenient: what the concept names only';
  return (
    [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), footer].join('\n') +
    '\n'
  );
}

export interface Overall {
  episodes: number;
  score: number;
  ci: [number, number];
  lenientScore: number;
  chance: number;
  untrained: number;
  entityAccuracy: number | null;
}

/** Every episode of every family pooled: the score with its interval; the baselines and entity accuracy as means over families. */
export function overall(r: EvalReport): Overall {
  const fams = Object.values(r.families);
  const n = fams.reduce((s, f) => s + f.episodes, 0);
  const k = fams.reduce((s, f) => s + Math.round(f.score * f.episodes), 0);
  const lenientK = fams.reduce((s, f) => s + Math.round(f.lenientScore * f.episodes), 0);
  const mean = (get: (f: FamilyReport) => number) =>
    fams.reduce((s, f) => s + get(f), 0) / Math.max(1, fams.length);
  const ids = fams.filter((f) => f.entityAccuracy !== undefined);
  return {
    episodes: n,
    score: k / Math.max(1, n),
    ci: wilson(k, n),
    lenientScore: lenientK / Math.max(1, n),
    chance: mean((f) => f.chance),
    untrained: mean((f) => f.untrained),
    entityAccuracy: ids.length
      ? ids.reduce((s, f) => s + (f.entityAccuracy ?? 0), 0) / ids.length
      : null,
  };
}

function overallRow(r: EvalReport): string[] {
  const o = overall(r);
  return [
    'overall (pooled)',
    '',
    pct(o.score),
    `[${pct(o.ci[0])}, ${pct(o.ci[1])}]`,
    pct(o.lenientScore),
    pct(o.chance),
    pct(o.untrained),
    o.entityAccuracy === null ? '-' : pct(o.entityAccuracy),
    '',
    '',
  ];
}

export function reportMarkdown(r: EvalReport): string {
  const lines = [
    '| family | kind | score | 95% CI | lenient | chance | untrained | entity accuracy | mean checker error | error (chance) |',
    '| --- | --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.values(r.families).map(
      (f) =>
        `| ${f.family} | ${f.kind} | ${pct(f.score)} | [${pct(f.ci[0])}, ${pct(f.ci[1])}] | ${pct(f.lenientScore)} | ${pct(f.chance)} | ${pct(f.untrained)} | ${f.entityAccuracy === undefined ? '-' : pct(f.entityAccuracy)} | ${f.meanError.toFixed(3)} | ${f.chanceError.toFixed(3)} |`,
    ),
    ...(r.arm
      ? [
          `| arm: move-between | generate | ${pct(r.arm.score)} | [${pct(r.arm.ci[0])}, ${pct(r.arm.ci[1])}] | ${pct(r.arm.lenientScore)} | ${pct(r.arm.chance)} | ${pct(r.arm.untrained)} | - | ${r.arm.meanError.toFixed(3)} | - |`,
        ]
      : []),
    `| ${overallRow(r)
      .map((c, i) => (i === 0 ? `**${c}**` : c))
      .join(' | ')} |`,
  ];
  return lines.join('\n') + '\n';
}

export function reportJson(r: EvalReport): string {
  return (
    JSON.stringify(
      {
        options: r.options,
        mean: r.mean,
        overall: overall(r),
        ...(r.arm ? { arm: r.arm } : {}),
        families: Object.fromEntries(
          Object.values(r.families).map((f) => [
            f.family,
            {
              kind: f.kind,
              score: f.score,
              ci: f.ci,
              lenientScore: f.lenientScore,
              chance: f.chance,
              untrained: f.untrained,
              episodes: f.episodes,
              meanError: f.meanError,
              chanceError: f.chanceError,
              untrainedError: f.untrainedError,
              ...(f.entityAccuracy !== undefined
                ? {
                    entityAccuracy: f.entityAccuracy,
                    chanceEntityAccuracy: f.chanceEntityAccuracy,
                    untrainedEntityAccuracy: f.untrainedEntityAccuracy,
                  }
                : {}),
            },
          ]),
        ),
      },
      null,
      2,
    ) + '\n'
  );
}
