/**
 * Running experiments and writing what they found: OUT/NAME/README.md (the
 * claim, the command, setup, tables, plots, reading, checks), the SVGs and
 * result.json; and the results page that gathers them (docs/RESULTS.md).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';
import { reportMarkdown, type EvalReport } from '../report.js';
import { fmt } from './common.js';
import { EXPERIMENT_NAMES, EXPERIMENTS } from './index.js';
import type { ExperimentContext, ExperimentName, ExperimentResult } from './types.js';

export interface Timed {
  result: ExperimentResult;
  seconds: number;
}

export async function runExperiment(name: ExperimentName, ctx: ExperimentContext): Promise<Timed> {
  const t0 = performance.now();
  const result = await EXPERIMENTS[name].run(ctx);
  return { result, seconds: (performance.now() - t0) / 1000 };
}

/** What a results page needs of an experiment; result.json holds exactly this. */
export interface SavedResult {
  result: Omit<ExperimentResult, 'plots'> & { plots: { file: string; caption: string }[] };
  seconds: number;
  command: string;
  /** The model it was measured on, as the page names it. */
  model?: string;
}

function section(
  r: SavedResult['result'],
  command: string,
  seconds: number,
  imageDir: string,
  level: string,
  model?: string,
): string {
  const lines = [
    `${level} ${r.title}`,
    '',
    `**Claim.** ${r.claim}`,
    '',
    ...(model ? [`**Model:** ${model}.`, ''] : []),
    `**Command** (${Math.round(seconds)} s on the machine of bench/RESULTS.md): \`${command}\``,
    '',
    '**Setup.**',
    '',
    ...r.setup.map((s) => `- ${s}`),
    '',
    ...r.tables.flatMap((t) => [t, '']),
    ...r.plots.flatMap((p) => [`![${p.caption}](${imageDir}${p.file})`, '', `*${p.caption}*`, '']),
    '**Reading.**',
    '',
    ...r.reading.map((s) => `- ${s}`),
    '',
    '**Checks** (properties a working implementation must show):',
    '',
    ...r.checks.map(
      (c) =>
        `- ${c.holds ? 'holds' : '**does not hold**'}${c.claim ? ' (a check of the claim, not of the implementation)' : ''}: ${c.property} (${c.detail})`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Write one experiment's folder; returns its README text. */
export async function writeExperiment(
  outDir: string,
  t: Timed,
  command: string,
  model?: string,
): Promise<string> {
  const dir = join(outDir, t.result.name);
  await mkdir(dir, { recursive: true });
  for (const p of t.result.plots) await writeFileAtomic(join(dir, p.file), p.svg);
  const text = section(t.result, command, t.seconds, '', '#');
  await writeFileAtomic(join(dir, 'README.md'), text);
  const { plots, ...rest } = t.result;
  await writeFileAtomic(
    join(dir, 'result.json'),
    JSON.stringify(
      {
        ...rest,
        plots: plots.map((p) => ({ file: p.file, caption: p.caption })),
        seconds: t.seconds,
        command,
        ...(model ? { model } : {}),
      },
      null,
      2,
    ) + '\n',
  );
  return text;
}

/** The saved experiments of `outDir` (OUT/NAME/result.json), in the order of EXPERIMENT_NAMES. */
export async function loadSavedResults(outDir: string): Promise<SavedResult[]> {
  const out: SavedResult[] = [];
  for (const name of EXPERIMENT_NAMES) {
    const path = join(outDir, name, 'result.json');
    if (!existsSync(path)) continue;
    const { seconds, command, model, ...result } = JSON.parse(
      await readFile(path, 'utf8'),
    ) as SavedResult['result'] & {
      seconds: number;
      command: string;
      model?: string;
    };
    out.push({ result, seconds, command, ...(model ? { model } : {}) });
  }
  return out;
}

export interface SavedEvaluation {
  report: EvalReport;
  command: string;
  seconds: number;
  /** The model it was measured on, as the page names it. */
  model?: string;
}

export const EVALUATION_FILE = 'evaluation.json';

export async function loadSavedEvaluation(outDir: string): Promise<SavedEvaluation | undefined> {
  const path = join(outDir, EVALUATION_FILE);
  return existsSync(path)
    ? (JSON.parse(await readFile(path, 'utf8')) as SavedEvaluation)
    : undefined;
}

export interface PageInput {
  pagePath: string;
  outDir: string;
  modelLabel: string;
  /** The model's energy in one line (`describeEnergy`), departures from the paper named. */
  modelEnergy?: string;
  seed: number;
  episodes: number;
  evaluation?: SavedEvaluation;
  results: SavedResult[];
  generatedBy: string;
}

/** The results page: the evaluation, then every experiment, each with its own command. */
export function resultsPage(p: PageInput): string {
  const imageDir = relative(dirname(p.pagePath), p.outDir).split('\\').join('/');
  const checks = p.results.flatMap((t) => t.result.checks.map((c) => ({ name: t.result.name, c })));
  const held = checks.filter((x) => x.c.holds).length;
  // Sections saved from runs on other models (a partial rerun) name their own.
  const models = [
    ...new Set([
      p.evaluation?.model ?? p.modelLabel,
      ...p.results.map((t) => t.model ?? p.modelLabel),
    ]),
  ];
  const modelLine =
    models.length === 1
      ? `Model under study: ${p.modelLabel}${p.modelEnergy ? ` (${p.modelEnergy})` : ''}.`
      : `Models under study: ${models.join(', ')}; each section names its own (${p.modelLabel}: ${p.modelEnergy ?? 'this run'}).`;
  const out = [
    "# Results: the paper's claims as numbers",
    '',
    `Generated by \`${p.generatedBy}\`. Every section names the command that reproduces it alone. ` +
      `${modelLine} ` +
      (models.length === 1
        ? `Evaluation episodes are fresh (seed ${p.seed}), ${p.episodes} per family and condition unless a section says otherwise; `
        : "Evaluation episodes are fresh; each section's setup gives their number and seed; ") +
      "every score is judged by the family's checker against ground truth, never by the model's own energy. " +
      'Experiments that compare training recipes train their own models with a reduced budget, stated in their setup.',
    '',
    `Checks: ${held} of ${checks.length} hold.`,
    '',
    '| experiment | claim | verdict | checks |',
    '| --- | --- | --- | --- |',
    ...p.results.map(
      (t) =>
        `| [${t.result.name}](#${anchor(t.result.title)}) | ${t.result.claim} | ${verdictOf(t.result.reading)} | ${t.result.checks.filter((c) => c.holds).length}/${t.result.checks.length} |`,
    ),
    '',
  ];
  if (p.evaluation) {
    const e = p.evaluation.report;
    out.push(
      '## Concepts learned from 5 demonstrations',
      '',
      ...(models.length > 1 ? [`**Model:** ${p.evaluation.model ?? p.modelLabel}.`, ''] : []),
      `**Command** (${Math.round(p.evaluation.seconds)} s): \`${p.evaluation.command}\``,
      '',
      reportMarkdown(e),
      ...(Object.values(e.families).some((f) => f.lenientScore === undefined)
        ? [
            "These scores are the lenient judge's (what each concept names; minimal change not judged): this evaluation was saved before the strict judge. " +
              '`npx concept-ebm eval` gives the strict ones.',
            '',
          ]
        : []),
      `Mean over families ${fmt(e.mean.all)} (identification ${fmt(e.mean.identify)}, generation ${fmt(e.mean.generate)}); ` +
        `${Object.values(e.families).filter((f) => f.score >= 0.8).length} of ${Object.keys(e.families).length} families reach 0.8; ` +
        `${Object.values(e.families).filter((f) => f.score > f.chance && f.score > f.untrained).length} beat both chance and the untrained model.`,
      '',
    );
  }
  for (const t of p.results) {
    out.push(
      section(
        t.result,
        t.command,
        t.seconds,
        `${imageDir}/${t.result.name}/`,
        '##',
        models.length > 1 ? (t.model ?? p.modelLabel) : undefined,
      ),
    );
  }
  return out.join('\n');
}

/** The verdict a reading opens with (see `verdict` in common.ts). */
function verdictOf(reading: readonly string[]): string {
  const first = reading[0] ?? '';
  if (first.startsWith('**Supports the claim**')) return 'supports';
  if (first.startsWith('**Does not support the claim**')) return '**does not support**';
  return '-';
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');
}
