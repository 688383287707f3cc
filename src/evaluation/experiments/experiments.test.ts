/**
 * Every experiment of docs/RESULTS.md in its quick form, with the
 * properties a working implementation must show (each experiment's checks; checks of a claim are reported, not required):
 * e.g. K = 20 beats K = 1, trained beats untrained, red and make-red codes
 * land together, the arm gets closer to its goal. Shipped-model experiments
 * use models/default; the recipe experiments train small models for 80 steps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrainedModel, type TrainedModel } from '../../inference/trained.js';
import { useEngine } from '../../test-utils/engine.js';
import { EXPERIMENT_NAMES, EXPERIMENTS, type ExperimentContext } from './index.js';

describe('experiments (quick)', () => {
  let trained: TrainedModel;
  let trainDir: string;
  let ctx: ExperimentContext;

  beforeAll(async () => {
    await useEngine();
    trained = await loadTrainedModel();
    trainDir = await mkdtemp(join(tmpdir(), 'cebm-exp-'));
    ctx = {
      model: trained.model,
      settings: trained.inference,
      trainedSettings: (
        trained.meta.training as { inference?: ExperimentContext['settings'] } | undefined
      )?.inference,
      modelLabel: 'shipped',
      quick: true,
      seed: 2024,
      episodes: 12,
      trainDir,
      log: () => {},
    };
  });
  afterAll(async () => {
    trained?.model.dispose();
    await rm(trainDir, { recursive: true, force: true });
  });

  it('has one experiment per name, each naming itself', () => {
    for (const name of EXPERIMENT_NAMES) expect(EXPERIMENTS[name].name).toBe(name);
  });

  for (const name of EXPERIMENT_NAMES) {
    it(
      `${name}: runs quick, reports tables and plots, and every check of the implementation holds`,
      { timeout: 120_000 },
      async () => {
        const r = await EXPERIMENTS[name].run(ctx);
        expect(r.name).toBe(name);
        expect(r.tables.length).toBeGreaterThan(0);
        expect(r.plots.length).toBeGreaterThan(0);
        for (const p of r.plots) {
          expect(p.file).toMatch(/\.svg$/);
          expect(p.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        }
        expect(r.checks.length).toBeGreaterThan(0);
        expect(r.checks.some((c) => !c.claim)).toBe(true);
        const failing = r.checks
          .filter((c) => !c.holds && !c.claim)
          .map((c) => `${c.property}: ${c.detail}`);
        expect(failing).toEqual([]);
      },
    );
  }

  it(
    'entities judges the claim per operation, not on their pooled mean',
    { timeout: 120_000 },
    async () => {
      const r = await EXPERIMENTS.entities.run(ctx);
      const points = (
        r.data as {
          points: {
            identify: number;
            generate: number;
            chanceIdentify: number;
            chanceGenerate: number;
          }[];
        }
      ).points;
      const perOperation = r.checks.find((c) => c.claim);
      expect(perOperation?.property).toMatch(/identification and generation each beat chance/);
      expect(perOperation?.holds).toBe(
        points.every((p) => p.identify > p.chanceIdentify && p.generate > p.chanceGenerate),
      );
      expect(
        r.reading[0].startsWith(perOperation?.holds ? '**Supports' : '**Does not support'),
      ).toBe(true);
    },
  );
});
