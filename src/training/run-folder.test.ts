/**
 * One run, one folder: the lock, stale temporary files, logs cut back to the
 * checkpoint on resume, a lost validation run again, and a dead model stopped.
 */
import { tempDirs, tinyConfig } from './test-utils/runs.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../test-utils/engine.js';
import {
  FolderLockedError,
  LOCK_FILE,
  lockRunFolder,
  removeStaleTemps,
  truncateLog,
} from './run-folder.js';
import { runTraining } from './run.js';
import { deadModel, DEAD_GRADIENT_STEPS, type EvalRecord, type StepRecord } from './trainer.js';

await useEngine();

const tempDir = tempDirs('folder');

const tiny = tinyConfig;

/** A validator that records when it ran (scores are the step, so best/ follows the last). */
const recording =
  (calls: number[]) =>
  (_m: unknown, _c: unknown, step: number): EvalRecord => {
    calls.push(step);
    return { step, mean: step / 100, families: {}, lenientMean: 0 };
  };

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number });

describe('the run folder lock', () => {
  it('refuses a second owner while the first lives, and takes over from a dead one', async () => {
    const dir = await tempDir();
    const release = await lockRunFolder(dir);
    await expect(lockRunFolder(dir)).rejects.toThrow(FolderLockedError);
    await expect(lockRunFolder(dir)).rejects.toThrow(
      new RegExp(`in use by another training run \\(pid ${process.pid} on ${hostname()}`),
    );
    await release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    // a lock whose process is gone: a child that has exited
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: child.pid, host: hostname(), started: 'then' }),
    );
    const notices: string[] = [];
    const again = await lockRunFolder(dir, (l) => notices.push(l));
    expect(notices[0]).toMatch(/taking over a lock left by a run that is gone/);
    await again();
  });

  it('makes a second trainer on the same folder fail at once, leaving the first to finish', async () => {
    const dir = await tempDir();
    const first = runTraining({ config: tiny({ steps: 6 }), outDir: dir });
    await new Promise((r) => setTimeout(r, 50));
    await expect(runTraining({ config: tiny({ seed: 9 }), outDir: dir })).rejects.toThrow(
      /in use by another training run/,
    );
    const r = await first;
    expect(r.state.step).toBe(6);
    expect((await lines(join(dir, 'log.jsonl'))).map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('stale files and resume', () => {
  it('removes the temporary files an interrupted save left, and nothing else', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'checkpoint'), { recursive: true });
    await writeFile(join(dir, 'checkpoint', '.model.json.123.abcdef.tmp'), 'x');
    await writeFile(join(dir, '.config.json.9.00ff.tmp'), 'x');
    await writeFile(join(dir, 'checkpoint', 'model.json'), '{}');
    expect(await removeStaleTemps(dir)).toBe(2);
    expect(existsSync(join(dir, 'checkpoint', 'model.json'))).toBe(true);
  });

  it('cuts a log back to a step, dropping torn lines', async () => {
    const dir = await tempDir();
    const path = join(dir, 'log.jsonl');
    await writeFile(path, '{"step":1}\n{"step":2}\n{"step":3}\n{"st');
    await truncateLog(path, 2);
    expect(await readFile(path, 'utf8')).toBe('{"step":1}\n{"step":2}\n');
  });

  it('logs each step once after a resume, and runs a validation a kill lost', async () => {
    const dir = await tempDir();
    const calls: number[] = [];
    const config = tiny({ steps: 4, checkpointEvery: 2, evalEvery: 2 });
    await runTraining({ config, outDir: dir, validate: recording(calls) });
    expect(calls).toEqual([2, 4]);
    // as a kill after step 3 (checkpoint at 2) would leave it, and with the validation at 2 lost
    const log = join(dir, 'log.jsonl');
    await writeFile(log, (await readFile(log, 'utf8')).split('\n').slice(0, 3).join('\n') + '\n');
    await writeFile(join(dir, 'eval.jsonl'), '');
    const ckpt = JSON.parse(await readFile(join(dir, 'checkpoint', 'model.json'), 'utf8'));
    expect(ckpt.meta.step).toBe(4);
    // resume from a checkpoint at step 4 with a longer run: the lost validation at 4 runs first
    calls.length = 0;
    await runTraining({ config, outDir: dir, resume: true, steps: 6, validate: recording(calls) });
    expect(calls).toEqual([4, 6]);
    const steps = (await lines(log)).map((l) => l.step);
    expect(steps).toEqual([1, 2, 3, 5, 6]);
    expect((await lines(join(dir, 'eval.jsonl'))).map((l) => l.step)).toEqual([4, 6]);
  });

  it('begins the logs anew on a fresh start in a folder a run killed before its first checkpoint left', async () => {
    const dir = await tempDir();
    // as a kill after step 2, before the first checkpoint, leaves the folder
    await writeFile(join(dir, 'log.jsonl'), '{"step":1}\n{"step":2}\n');
    await writeFile(join(dir, 'eval.jsonl'), '{"step":2,"mean":0}\n');
    const calls: number[] = [];
    const config = tiny({ steps: 4, checkpointEvery: 4, evalEvery: 2 });
    await runTraining({ config, outDir: dir, validate: recording(calls) });
    expect((await lines(join(dir, 'log.jsonl'))).map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect((await lines(join(dir, 'eval.jsonl'))).map((l) => l.step)).toEqual([2, 4]);
  });
});

describe('a dead model', () => {
  const record = (patch: Partial<StepRecord>): StepRecord =>
    ({ step: 7, gradNorm: 1, energyPositive: 0.1, energySample: 0.2, ...patch }) as StepRecord;

  it('is named by its energies or by a gradient that stays zero', () => {
    expect(deadModel(record({}), 0)).toBeNull();
    expect(deadModel(record({ energySample: 3e36 }), 0)).toMatch(
      /energy of the samples is 3.00e\+36, beyond 1e\+6/,
    );
    expect(deadModel(record({ gradNorm: 0 }), DEAD_GRADIENT_STEPS - 1)).toBeNull();
    expect(deadModel(record({ gradNorm: 0 }), DEAD_GRADIENT_STEPS)).toMatch(
      /gradient has been zero for 20 steps/,
    );
  });

  it('stops the run with its reason, keeping the checkpoint it had', async () => {
    const dir = await tempDir();
    const r = await runTraining({
      config: tiny({ steps: 60, learningRate: 1e3, checkpointEvery: 1 }),
      outDir: dir,
    });
    expect(r.stoppedBy).toBe('dead');
    expect(r.error).toMatch(/energy of the (positives|samples) is .*beyond 1e\+6/);
    expect(r.state.step).toBeLessThan(60);
  });
});
