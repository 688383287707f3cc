/**
 * A recipe: how a model is made, from random initialisation to the model
 * folder, kept as data (recipes/*.json) and run by one command
 * (`concept-ebm train --recipe NAME --out DIR`).
 *
 * A recipe is a list of stages, each in a sub-folder of the run folder:
 *   { "name", "config", "set"?, "from"? }   a training run under a config file
 *       (paths relative to the repository), optionally with dotted overrides,
 *       starting from scratch or from an earlier stage: a training stage's
 *       checkpoint (parameters, optimiser moments, step count) or an export
 *       stage's model (parameters only, fresh moments);
 *   { "name", "export", "chains"? }         a model folder made from a
 *       training stage's checkpoint, with test-time chain knobs stored;
 * and the model it ends in:
 *   { "from", "add"?, "addWeight"?, "chains"? }   a stage's model, or the sum
 *       E = E_from + addWeight E_add of two (src/model/sum.ts).
 *
 * Each stage is marked done when it ends, so an interrupted recipe carries on
 * where it stopped (a training stage mid-way resumes from its checkpoint).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  validateInferenceSettings,
  withChains,
  type InferenceSettings,
} from '../inference/settings.js';
import { loadModelDir, saveModelDir } from '../model/store.js';
import { sumModels } from '../model/sum.js';
import type { ModelData } from '../model/serialize.js';
import { resolveTrainingConfig } from './config.js';
import {
  mergeConfig,
  readConfigFile,
  runTraining,
  type RunOptions,
  type RunResult,
} from './run.js';

type ChainPatch = Parameters<typeof withChains>[1];

export interface TrainStage {
  name: string;
  config: string;
  set?: Record<string, unknown>;
  from?: string;
}

export interface ExportStage {
  name: string;
  export: string;
  chains?: ChainPatch;
}

export type Stage = TrainStage | ExportStage;

export interface Recipe {
  description?: string;
  stages: Stage[];
  model: { from: string; add?: string; addWeight?: number; chains?: ChainPatch };
}

const isExport = (s: Stage): s is ExportStage => 'export' in s;

/** Parse and check a recipe: names unique, every `from`/`export`/`model` reference an earlier stage of the right kind. */
export function parseRecipe(raw: unknown, source = 'recipe'): Recipe {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('expected a JSON object {"stages": [...], "model": {...}}');
  const r = raw as Partial<Recipe>;
  if (!Array.isArray(r.stages) || r.stages.length === 0) fail('stages: expected a non-empty list');
  const seen = new Map<string, Stage>();
  r.stages!.forEach((s, i) => {
    const at = `stages[${i}]`;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.name !== 'string' ||
      !/^[\w.-]+$/.test(s.name)
    )
      fail(`${at}.name: expected a folder name (letters, digits, . _ -)`);
    if (seen.has(s.name)) fail(`${at}.name: "${s.name}" names two stages`);
    if (isExport(s)) {
      const src = seen.get(s.export);
      if (!src || isExport(src))
        fail(`${at}.export: "${s.export}" is not an earlier training stage`);
      if (s.chains !== undefined && (typeof s.chains !== 'object' || s.chains === null))
        fail(`${at}.chains: expected {"x": {...}, "a": {...}}`);
    } else {
      const t = s as Partial<TrainStage>;
      if (typeof t.config !== 'string') fail(`${at}.config: expected a config file path`);
      if (t.from !== undefined && !seen.has(t.from))
        fail(`${at}.from: "${t.from}" is not an earlier stage`);
      if (
        t.set !== undefined &&
        (typeof t.set !== 'object' || t.set === null || Array.isArray(t.set))
      )
        fail(`${at}.set: expected {"dotted.path": value}`);
    }
    seen.set(s.name, s);
  });
  const m = r.model;
  if (typeof m !== 'object' || m === null)
    fail('model: expected {"from": stage, "add"?, "addWeight"?, "chains"?}');
  for (const k of ['from', 'add'] as const) {
    if (m![k] !== undefined && !seen.has(m![k]!)) fail(`model.${k}: "${m![k]}" is not a stage`);
  }
  if (m!.from === undefined) fail('model.from: missing');
  if (m!.addWeight !== undefined && (m!.add === undefined || !(m!.addWeight > 0)))
    fail('model.addWeight: a positive number, with model.add');
  return r as Recipe;
}

export async function readRecipe(path: string): Promise<Recipe> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path}: cannot read the recipe`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseRecipe(raw, path);
}

/** `set` as a nested patch: {"model.hidden": 64} -> {"model": {"hidden": 64}}. */
function nested(set: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(set)) {
    const keys = path.split('.');
    let node = out;
    keys.slice(0, -1).forEach((k) => (node = (node[k] ??= {}) as Record<string, unknown>));
    node[keys[keys.length - 1]] = value;
  }
  return out;
}

export interface RecipeOptions {
  /** The run folder: one sub-folder per stage. */
  out: string;
  /** Where the final model goes (default OUT/model). */
  modelOut?: string;
  /** Where config paths are relative to (the repository). */
  root: string;
  /** A config patch applied to every training stage, after its own `set` (e.g. another seed: {"seed": 8}). */
  set?: Record<string, unknown>;
  /** The recipe as `train --recipe` names it, recorded in the model (`meta.recipe.name`). */
  name?: string;
  /** Passed to each stage's runTraining. */
  run?: Omit<RunOptions, 'config' | 'outDir' | 'resume' | 'from'>;
  onStage?: (index: number, total: number, stage: Stage | null, note: string) => void;
}

export interface RecipeResult {
  stoppedBy: RunResult['stoppedBy'];
  error?: string;
  /** The stage that stopped the recipe, if it did not finish. */
  stage?: string;
  model?: string;
  seconds: number;
}

const DONE = 'stage.done';

async function exportModel(
  data: ModelData,
  out: string,
  chains: ChainPatch | undefined,
  meta: Record<string, unknown>,
): Promise<string> {
  const inference = chains
    ? validateInferenceSettings(withChains(data.inference as InferenceSettings, chains))
    : data.inference;
  return saveModelDir(out, {
    config: data.config,
    values: data.values,
    inference,
    meta: { ...data.meta, ...meta, ...(chains ? { testTimeChains: chains } : {}) },
  });
}

/** Run `recipe` into `o.out`, carrying on from whatever stages are done. */
export async function runRecipe(recipe: Recipe, o: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const total = recipe.stages.length + 1;
  const folder = (name: string) => join(o.out, name);
  const byName = new Map(recipe.stages.map((s) => [s.name, s]));
  /** A stage's model: an export's folder, or a training stage's checkpoint. */
  const modelOf = (name: string) =>
    isExport(byName.get(name)!) ? folder(name) : join(folder(name), 'checkpoint');
  for (const [i, stage] of recipe.stages.entries()) {
    const dir = folder(stage.name);
    if (existsSync(join(dir, DONE))) {
      o.onStage?.(i, total, stage, 'done already');
      continue;
    }
    if (isExport(stage)) {
      o.onStage?.(i, total, stage, `export of ${stage.export}`);
      await exportModel(await loadModelDir(modelOf(stage.export)), dir, stage.chains, {
        exportedFrom: stage.export,
      });
    } else {
      const resume = existsSync(join(dir, 'checkpoint', 'model.json'));
      o.onStage?.(
        i,
        total,
        stage,
        resume ? 'resuming' : stage.from ? `from ${stage.from}` : 'from scratch',
      );
      const file = await readConfigFile(resolve(o.root, stage.config));
      const config = resolveTrainingConfig(
        mergeConfig(mergeConfig({ ...file }, nested(stage.set ?? {})), o.set ?? {}),
        stage.config,
      );
      const r = await runTraining({
        ...o.run,
        config,
        outDir: dir,
        resume,
        ...(resume || !stage.from ? {} : { from: modelOf(stage.from) }),
      });
      if (r.stoppedBy !== 'done')
        return {
          stoppedBy: r.stoppedBy,
          error: r.error,
          stage: stage.name,
          seconds: (performance.now() - started) / 1000,
        };
    }
    await writeFile(join(dir, DONE), new Date().toISOString() + '\n');
  }
  const m = recipe.model;
  o.onStage?.(
    total - 1,
    total,
    null,
    m.add ? `the model: ${m.from} + ${m.addWeight ?? 1} ${m.add}` : `the model: ${m.from}`,
  );
  let data = await loadModelDir(modelOf(m.from));
  if (m.add) data = sumModels(data, await loadModelDir(modelOf(m.add)), m.addWeight ?? 1);
  const out = o.modelOut ?? folder('model');
  await exportModel(data, out, m.chains, {
    recipe: {
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.set && Object.keys(o.set).length > 0 ? { set: o.set } : {}),
      from: m.from,
      ...(m.add ? { add: m.add, addWeight: m.addWeight ?? 1 } : {}),
    },
  });
  return { stoppedBy: 'done', model: out, seconds: (performance.now() - started) / 1000 };
}

/**
 * Which recipe made a model, in words, from its `meta.recipe` (empty when no
 * recipe is recorded), for reports: the command that made it. A run of it
 * makes a model like it, not the same bits (docs/TRAINING.md).
 */
export function describeRecipe(meta: Record<string, unknown>): string[] {
  const r = meta.recipe as
    { name?: unknown; set?: Record<string, unknown>; note?: unknown } | undefined;
  if (typeof r?.name !== 'string') return [];
  const dotted = (o: Record<string, unknown>, at = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? dotted(v as Record<string, unknown>, `${at}${k}.`)
        : [` --set ${at}${k}=${JSON.stringify(v)}`],
    );
  const set = dotted(r.set ?? {}).join('');
  return [
    `made by \`npx concept-ebm train --recipe ${r.name} --out runs/${r.name}${set}\`` +
      (typeof r.note === 'string' ? ` (${r.note})` : ''),
  ];
}
