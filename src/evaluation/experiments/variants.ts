/**
 * Extra models for the experiments that compare training recipes
 * (relational, kl, joint): one reduced-budget base config, a patch per
 * variant, trained into ctx.trainDir/KEY and reused while their config is
 * unchanged (the config and a done-marker are compared, never the age).
 */
import { validateRun } from '../validation.js';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FamilyName } from '../../concepts/family.js';
import { withChains, type InferenceSettings } from '../../inference/settings.js';
import { EnergyModel } from '../../model/model.js';
import { loadModelDir } from '../../model/store.js';
import { resolveTrainingConfig, type TrainingConfig } from '../../training/config.js';
import { runTraining } from '../../training/run.js';
import type { ExperimentContext } from './types.js';

/** Four identification and four generation families: colour, a shape, comparisons, moves. */
export const VARIANT_FAMILIES: readonly FamilyName[] = [
  'red',
  'square',
  'closest',
  'between',
  'make-red',
  'move-close',
  'move-between',
  'move-to-square-center',
];
export const QUICK_VARIANT_FAMILIES: readonly FamilyName[] = ['red', 'make-red'];

/** The reduced budget: the shipped recipe (configs/default.json) on 8 families for 600 steps. */
const FULL_BASE = {
  seed: 7,
  model: { variant: 'relational', codeSize: 16, hidden: 64, gLayers: 3, fLayers: 1 },
  inference: {
    w: { steps: 5, stepSize: 0.1, noise: 0.01, gradClamp: 5 },
    x: { steps: 5, stepSize: 0.2, noise: 0.005, gradClamp: 5 },
    a: { steps: 5, stepSize: 2.0, noise: 0.1, gradClamp: 5 },
  },
  demos: 3,
  batchSize: 32,
  steps: 600,
  learningRate: 1e-3,
  evalEvery: 0,
  checkpointEvery: 100,
};

/** Quick: a small model on two easy families, a minute or less. */
const QUICK_BASE = {
  seed: 11,
  model: { variant: 'relational', codeSize: 8, hidden: 32, gLayers: 2, fLayers: 1 },
  inference: {
    w: { steps: 3, stepSize: 0.1 },
    x: { steps: 3 },
    a: { steps: 3 },
  },
  demos: 3,
  batchSize: 16,
  steps: 80,
  learningRate: 3e-3,
  evalEvery: 0,
  checkpointEvery: 80,
};

export function variantFamilies(ctx: ExperimentContext): readonly FamilyName[] {
  return ctx.quick ? QUICK_VARIANT_FAMILIES : VARIANT_FAMILIES;
}

export function variantConfig(ctx: ExperimentContext, patch: object): TrainingConfig {
  const families = Object.fromEntries(variantFamilies(ctx).map((f) => [f, 1]));
  const base = resolveTrainingConfig(
    { ...(ctx.quick ? QUICK_BASE : FULL_BASE), families },
    'experiment base',
  );
  return resolveTrainingConfig(patch, 'experiment variant', base);
}

export interface Variant {
  key: string;
  label: string;
  config: TrainingConfig;
  model: EnergyModel;
  /** Test-time settings: the trained chains, identification with 20 steps (as the shipped model). */
  settings: InferenceSettings;
  seconds: number;
  reused: boolean;
}

const DONE = 'done.json';

/** Train (or reuse) the model of a variant. */
export async function trainVariant(
  ctx: ExperimentContext,
  key: string,
  label: string,
  patch: object,
): Promise<Variant> {
  const config = variantConfig(ctx, patch);
  const dir = join(ctx.trainDir, ctx.quick ? `quick-${key}` : key);
  const settings = withChains(config.inference, { a: { steps: 20 } });
  const wanted = JSON.stringify(config);
  if (existsSync(join(dir, DONE)) && existsSync(join(dir, 'config.json'))) {
    // Re-resolved, so that settings added since (with their defaults) do not force a retrain.
    const saved = JSON.stringify(
      resolveTrainingConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))),
    );
    if (saved === wanted) {
      const done = JSON.parse(await readFile(join(dir, DONE), 'utf8')) as { seconds: number };
      const data = await loadModelDir(join(dir, 'checkpoint'));
      ctx.log(`${label}: reusing ${dir}`);
      return {
        key,
        label,
        config,
        model: new EnergyModel(data.config, data.values),
        settings,
        seconds: done.seconds,
        reused: true,
      };
    }
  }
  await rm(dir, { recursive: true, force: true });
  ctx.log(`${label}: training ${config.steps} steps into ${dir}`);
  const t0 = performance.now();
  const r = await runTraining({
    config,
    outDir: dir,
    validate: validateRun,
    onStep: (s) => {
      if (s.step % 100 === 0)
        ctx.log(`  ${label} step ${s.step}/${config.steps} loss ${s.total.toFixed(3)}`);
    },
  });
  if (r.stoppedBy !== 'done')
    throw new Error(`${label}: training stopped (${r.stoppedBy}${r.error ? `: ${r.error}` : ''})`);
  const seconds = (performance.now() - t0) / 1000;
  await writeFile(join(dir, DONE), JSON.stringify({ steps: config.steps, seconds }) + '\n');
  return {
    key,
    label,
    config,
    model: new EnergyModel(config.model, r.state.values),
    settings,
    seconds,
    reused: false,
  };
}

export function budgetLine(ctx: ExperimentContext, v: Variant): string {
  const c = v.config;
  return (
    `${v.label}: ${c.steps} steps, batch ${c.batchSize}, ${c.demos} demos, hidden ${c.model.hidden}, code ${c.model.codeSize}, ` +
    `K = ${c.inference.w.steps}/${c.inference.x.steps}/${c.inference.a.steps} (w/x/a), seed ${c.seed}, ${Object.keys(c.families).length} families; ` +
    `${v.reused ? 'trained earlier in' : 'trained in'} ${Math.round(v.seconds)} s (reduced budget${ctx.quick ? ', quick' : ''})`
  );
}
