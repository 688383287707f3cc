import { readFile } from 'node:fs/promises';
import { tempDirs, tinyConfig } from './test-utils/runs.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnergyModel } from '../model/model.js';
import { loadModelDir, saveModelDir } from '../model/store.js';
import { rngFor } from '../random/rng.js';
import { useEngine } from '../test-utils/engine.js';
import { learningRateAt, resolveTrainingConfig } from './config.js';
import { runTraining } from './run.js';
import {
  checkpointData,
  initialState,
  localGradients,
  lossGradients,
  shardGradients,
  stateFromCheckpoint,
  trainStep,
} from './trainer.js';
import { projectConflicting } from './surgery.js';

await useEngine();

const tempDir = tempDirs('train');

const tiny = tinyConfig;

describe('training config', () => {
  it('names unknown settings, unknown families and bad values', () => {
    expect(() => resolveTrainingConfig({ lerningRate: 1 })).toThrow(/lerningRate: unknown setting/);
    expect(() => resolveTrainingConfig({ families: { rde: 1 } })).toThrow(
      /families\.rde: unknown concept/,
    );
    expect(() => resolveTrainingConfig({ inference: { x: { steps: -1 } } })).toThrow(
      /x-chain: steps/,
    );
    expect(() => resolveTrainingConfig({ model: { hidden: 0 } })).toThrow(/hidden/);
    expect(() => resolveTrainingConfig({ batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() =>
      resolveTrainingConfig({ learningRateDecay: { start: 1, final: 0, shape: 'x' } }),
    ).toThrow(/learningRateDecay\.shape: unknown/);
    expect(() => resolveTrainingConfig({ learningRateDecay: { start: -1, final: 0 } })).toThrow(
      /learningRateDecay\.start/,
    );
    expect(() => resolveTrainingConfig({ learningRateDecay: { start: 1, final: -1 } })).toThrow(
      /learningRateDecay\.final/,
    );
  });

  it('decays the learning rate by a half cosine from decay start to the last step', () => {
    const c = resolveTrainingConfig({
      steps: 300,
      learningRate: 1e-3,
      learningRateDecay: { start: 100, final: 1e-4 },
    });
    expect(learningRateAt(c, 0)).toBe(1e-3);
    expect(learningRateAt(c, 100)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(c, 200)).toBeCloseTo(5.5e-4, 12);
    expect(learningRateAt(c, 300)).toBeCloseTo(1e-4, 12);
    for (let s = 101; s < 300; s++)
      expect(learningRateAt(c, s)).toBeLessThan(learningRateAt(c, s - 1));
    const constant = resolveTrainingConfig({ steps: 300, learningRate: 1e-3 });
    expect(learningRateAt(constant, 299)).toBe(1e-3);
  });
});

describe('training runs', () => {
  it('resuming from a checkpoint gives the same parameters as an uninterrupted run', async () => {
    const straight = await tempDir();
    await runTraining({ config: tiny(), outDir: straight });
    const split = await tempDir();
    await runTraining({ config: tiny({ steps: 2 }), outDir: split });
    await runTraining({ config: tiny({ steps: 4 }), outDir: split, resume: true, steps: 4 });
    const a = await loadModelDir(join(straight, 'checkpoint'));
    const b = await loadModelDir(join(split, 'checkpoint'));
    expect(a.meta.step).toBe(4);
    expect(b.meta.step).toBe(4);
    for (const k of Object.keys(a.values))
      expect(Array.from(b.values[k])).toEqual(Array.from(a.values[k]));
    const log = (await readFile(join(split, 'log.jsonl'), 'utf8')).trim().split('\n');
    expect(log.map((l) => JSON.parse(l).step)).toEqual([1, 2, 3, 4]);
  });

  it("a resume trains to the saved config's step count, not the caller's, unless steps is given", async () => {
    const dir = await tempDir();
    let calls = 0;
    const stopped = await runTraining({
      config: tiny({ steps: 4, checkpointEvery: 1 }),
      outDir: dir,
      shouldStop: () => calls++ >= 2,
    });
    expect(stopped.stoppedBy).toBe('signal');
    expect(stopped.state.step).toBe(2);
    const resumed = await runTraining({ config: tiny({ steps: 99 }), outDir: dir, resume: true });
    expect(resumed.state.step).toBe(4);
    const further = await runTraining({
      config: tiny({ steps: 99 }),
      outDir: dir,
      resume: true,
      steps: 5,
    });
    expect(further.state.step).toBe(5);
  });

  it('a branch from a checkpoint continues it exactly under the same recipe, and takes the new schedule', async () => {
    const straight = await tempDir();
    await runTraining({ config: tiny(), outDir: straight });
    const first = await tempDir();
    await runTraining({ config: tiny({ steps: 2 }), outDir: first });
    const branch = await tempDir();
    await runTraining({ config: tiny(), outDir: branch, from: join(first, 'checkpoint') });
    const a = await loadModelDir(join(straight, 'checkpoint'));
    const b = await loadModelDir(join(branch, 'checkpoint'));
    for (const k of Object.keys(a.values))
      expect(Array.from(b.values[k])).toEqual(Array.from(a.values[k]));

    const decayed = await tempDir();
    const decay = tiny({ learningRateDecay: { start: 2, final: 0 } });
    await runTraining({ config: decay, outDir: decayed, from: join(first, 'checkpoint') });
    const log = (await readFile(join(decayed, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((r) => r.step)).toEqual([3, 4]);
    expect(log[0].learningRate).toBeCloseTo(decay.learningRate, 12);
    expect(log[1].learningRate).toBeCloseTo(decay.learningRate / 2, 12);

    await expect(
      runTraining({
        config: tiny({ model: { hidden: 8, codeSize: 4, gLayers: 3 } }),
        outDir: await tempDir(),
        from: join(first, 'checkpoint'),
      }),
    ).rejects.toThrow(/differs from the config/);
    await expect(
      runTraining({
        config: tiny({ model: { hidden: 6, codeSize: 4, gLayers: 2 } }),
        outDir: await tempDir(),
        from: join(first, 'checkpoint'),
      }),
    ).rejects.toThrow(/widened, not narrowed/);

    // Branching under a wider config grows the model (src/model/grow.ts): the weights leaving the new
    // units start at zero, and training moves them.
    const wide = await tempDir();
    await runTraining({
      config: tiny({ model: { hidden: 16, codeSize: 4, gLayers: 2 } }),
      outDir: wide,
      from: join(first, 'checkpoint'),
    });
    const wv = await loadModelDir(join(wide, 'checkpoint'));
    expect(wv.config.hidden).toBe(16);
    const outW = wv.values['out.w'];
    const K = outW.length / 16;
    expect(Math.max(...Array.from(outW.subarray(8 * K)).map(Math.abs))).toBeGreaterThan(0);
    await expect(
      runTraining({
        config: tiny({ steps: 2 }),
        outDir: await tempDir(),
        from: join(first, 'checkpoint'),
      }),
    ).rejects.toThrow(/already at step 2/);

    // Branching under a config that turns on pairDistance grows the model (zero new weights), and
    // training then moves the new weights; the reverse is refused.
    const grown = await tempDir();
    const withDistance = tiny({
      model: { hidden: 8, codeSize: 4, gLayers: 2, pairDistance: true },
    });
    await runTraining({ config: withDistance, outDir: grown, from: join(first, 'checkpoint') });
    const g = await loadModelDir(join(grown, 'checkpoint'));
    expect(g.config.pairDistance).toBe(true);
    expect(Math.max(...Array.from(g.values['g0.wd']).map(Math.abs))).toBeGreaterThan(0);
    await expect(
      runTraining({
        config: tiny({ steps: 6 }),
        outDir: await tempDir(),
        from: join(grown, 'checkpoint'),
      }),
    ).rejects.toThrow(/cannot be dropped/);
  });

  it('a branch from an exported model (no optimiser state) starts Adam afresh at the exported step', async () => {
    const first = await tempDir();
    await runTraining({ config: tiny({ steps: 2 }), outDir: first });
    const ckpt = await loadModelDir(join(first, 'checkpoint'));
    // What `concept-ebm export` writes: parameters and meta, no adam.* arrays.
    const exported = await tempDir();
    await saveModelDir(exported, {
      config: ckpt.config,
      values: ckpt.values,
      inference: ckpt.inference,
      meta: ckpt.meta,
    });
    expect(Object.keys((await loadModelDir(exported)).extra ?? {})).toEqual([]);
    const branch = await tempDir();
    await runTraining({ config: tiny(), outDir: branch, from: exported });
    const log = (await readFile(join(branch, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((r) => r.step)).toEqual([3, 4]);
    const b = await loadModelDir(join(branch, 'checkpoint'));
    expect(b.meta.adamT).toBe(2);
    // The same branch from the checkpoint keeps Adam's moments, so the two differ.
    const kept = await tempDir();
    await runTraining({ config: tiny(), outDir: kept, from: join(first, 'checkpoint') });
    const k = await loadModelDir(join(kept, 'checkpoint'));
    expect(k.meta.adamT).toBe(4);
    const name = Object.keys(b.values)[0];
    expect(Array.from(b.values[name])).not.toEqual(Array.from(k.values[name]));
  });

  it('two worker threads compute the same steps as one thread (up to float rounding)', async () => {
    const one = await tempDir();
    const two = await tempDir();
    await runTraining({ config: tiny({ steps: 3 }), outDir: one });
    await runTraining({ config: tiny({ steps: 3 }), outDir: two, workers: 2 });
    const a = await loadModelDir(join(one, 'checkpoint'));
    const b = await loadModelDir(join(two, 'checkpoint'));
    for (const k of Object.keys(a.values)) {
      const x = a.values[k];
      const y = b.values[k];
      for (let i = 0; i < x.length; i++)
        expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(x[i]));
    }
    const logA = (await readFile(join(one, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const logB = (await readFile(join(two, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    logA.forEach((r, i) => expect(logB[i].total).toBeCloseTo(r.total, 4));
  });

  it('stops cleanly when a step would blow the weights up, and keeps the last good checkpoint', async () => {
    const dir = await tempDir();
    const r = await runTraining({ config: tiny({ steps: 40, learningRate: 1e25 }), outDir: dir });
    expect(r.stoppedBy).toBe('dead');
    expect(r.error).toMatch(/step 1: the parameters of .* left \+-1e\+6/);
    const saved = await loadModelDir(join(dir, 'checkpoint'));
    expect(saved.meta.step).toBe(r.state.step);
    for (const v of Object.values(saved.values)) expect(v.every(Number.isFinite)).toBe(true);
  });
});

describe('the best model across judges', () => {
  it('a checkpoint whose best was not judged strictly resumes with no best; a strict one keeps it', () => {
    const config = tiny();
    const state = initialState(config);
    const strict = { ...state, best: { score: 0.5, step: 2, judge: 'strict' as const } };
    expect(stateFromCheckpoint(config, checkpointData(config, strict, {})).best).toEqual(
      strict.best,
    );
    const old = checkpointData(config, strict, {});
    (old.meta as { best: unknown }).best = { score: 0.9, step: 2 };
    expect(stateFromCheckpoint(config, old).best).toBeNull();
  });
});

describe('gradient surgery (gradientSurgery)', () => {
  const config = tiny({
    families: { 'make-square': 1, 'move-close': 1, red: 1, closest: 1 },
    loss: { contrastive: 0.1, energyL2: 0.01 },
    gradientSurgery: true,
  });

  it('splits the whole loss into its x and a sides, and logs their cosine', () => {
    const model = EnergyModel.init(config.model, rngFor(4, 'init'));
    const all = [0, 1, 2, 3];
    const split = shardGradients(model, config, 2, all);
    const whole = lossGradients(model, config, 2, all);
    expect(split.sides).toBeDefined();
    expect(split.grads).toBeUndefined();
    const plain = shardGradients(model, { ...config, gradientSurgery: false }, 2, all);
    expect(plain.sides).toBeUndefined();
    expect(plain.grads).toEqual(whole.grads);
    expect(split.loss).toBeCloseTo(whole.loss, 5);
    expect(split.parts.identification).toBeCloseTo(whole.parts.identification, 5);
    expect(split.parts.contrastive).toBeCloseTo(whole.parts.contrastive, 5);
    for (const name of Object.keys(whole.grads)) {
      whole.grads[name].forEach((g, i) => {
        expect(split.sides!.x[name][i] + split.sides!.a[name][i]).toBeCloseTo(g, 4);
      });
    }
    model.dispose();
  });

  it('steps with the projected gradient, in one thread and on two workers alike', async () => {
    const state = initialState(config);
    const before = Object.fromEntries(
      Object.entries(state.values).map(([k, v]) => [k, Float32Array.from(v)]),
    );
    const source = localGradients(config, state.values);
    const { sides } = await source.compute(0, state.values);
    const record = await trainStep(source, config, state, () => 0);
    await source.dispose();
    const expected = projectConflicting(sides!.x, sides!.a);
    expect(record.sideCosine).toBeCloseTo(expected.cosine, 6);
    expect(expected.cosine).toBeLessThan(0); // the case surgery is for: the step differs from the plain sum
    let flipped = 0;
    for (const [name, g] of Object.entries(expected.grads)) {
      g.forEach((v, i) => {
        if (Math.sign(v) !== Math.sign(sides!.x[name][i] + sides!.a[name][i])) flipped++;
      });
    }
    expect(flipped).toBeGreaterThan(0);
    // Adam's first step moves each parameter by -lr * sign(g) (up to eps): the projected gradient's sign.
    let checked = 0;
    for (const [name, g] of Object.entries(expected.grads)) {
      g.forEach((v, i) => {
        if (Math.abs(v) < 1e-4) return;
        expect(Math.sign(state.values[name][i] - before[name][i])).toBe(-Math.sign(v));
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(20);

    const one = await tempDir();
    const two = await tempDir();
    await runTraining({ config: { ...config, steps: 2 }, outDir: one });
    await runTraining({ config: { ...config, steps: 2 }, outDir: two, workers: 2 });
    const a = await loadModelDir(join(one, 'checkpoint'));
    const b = await loadModelDir(join(two, 'checkpoint'));
    for (const k of Object.keys(a.values)) {
      a.values[k].forEach((x, i) =>
        expect(Math.abs(x - b.values[k][i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(x)),
      );
    }
    const log = (await readFile(join(two, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const r of log) expect(Math.abs(r.sideCosine)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('is refused unless true or false', () => {
    expect(() => tiny({ gradientSurgery: 'yes' })).toThrow(
      /gradientSurgery: expected true or false/,
    );
  });
});
