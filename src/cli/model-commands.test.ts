/** train -> eval -> answer -> check, through the command functions, plus their bad-input paths. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnswer } from './commands/answer.js';
import { existsSync } from 'node:fs';
import { runCheck } from './commands/check.js';
import { runDemo } from './commands/demo.js';
import { runExport } from './commands/export.js';
import { loadModelDir } from '../model/store.js';
import { runEval } from './commands/eval.js';
import { runSample } from './commands/sample.js';
import { runTrain } from './commands/train.js';
import { capture } from '../test-utils/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concept-ebm-model-cli-'));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      families: { red: 1, 'make-red': 1 },
      model: { hidden: 8, codeSize: 4, gLayers: 2 },
      inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
      batchSize: 4,
      demos: 2,
      steps: 3,
      checkpointEvery: 3,
      evalEvery: 3,
      evalEpisodes: 2,
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model commands', () => {
  it('train writes a checkpoint and a best model; eval, answer and check use it', async () => {
    const run = join(dir, 'run');
    const t = capture();
    expect(
      await runTrain({ config: join(dir, 'config.json'), out: run, quiet: true, logEvery: 1 }, t),
    ).toBe(0);
    expect(t.out).toMatch(/trained to step 3/);
    expect(t.err).toMatch(/step 3\/3/);

    const e = capture();
    expect(
      await runEval({ model: run, families: 'red,make-red', episodes: 4, demos: 2, json: true }, e),
    ).toBe(0);
    const report = JSON.parse(e.out);
    for (const f of ['red', 'make-red']) {
      expect(report.families[f].score).toBeGreaterThanOrEqual(0);
      expect(report.families[f].score).toBeLessThanOrEqual(1);
      expect(typeof report.families[f].chance).toBe('number');
      expect(typeof report.families[f].untrained).toBe('number');
      expect(report.families[f].chanceError).toBeGreaterThanOrEqual(0);
    }
    // Identification also reports per-entity accuracy, for the model and its baselines.
    for (const k of ['entityAccuracy', 'chanceEntityAccuracy', 'untrainedEntityAccuracy']) {
      expect(report.families.red[k]).toBeGreaterThanOrEqual(0);
      expect(report.families.red[k]).toBeLessThanOrEqual(1);
    }
    expect(report.families['make-red'].entityAccuracy).toBeUndefined();
    // Pooled: 8 episodes; its score is the mean of the two families' (equal episode counts).
    expect(report.overall.episodes).toBe(8);
    expect(report.overall.score).toBeCloseTo(
      (report.families.red.score + report.families['make-red'].score) / 2,
      10,
    );
    expect(report.overall.ci[0]).toBeLessThanOrEqual(report.overall.score);
    // The strict judge is the score; the lenient one stands beside it and never below it.
    for (const f of ['red', 'make-red']) {
      expect(report.families[f].lenientScore).toBeGreaterThanOrEqual(report.families[f].score);
    }
    expect(report.families.red.lenientScore).toBe(report.families.red.score);

    // The shift suite, quick: one flat list of cells, each family on every axis it has; reproducible.
    const shiftRun = async () => {
      const io = capture();
      expect(
        await runEval(
          {
            model: run,
            families: 'red,make-red',
            suite: 'shift',
            quick: true,
            episodes: 2,
            json: true,
          },
          io,
        ),
      ).toBe(0);
      return JSON.parse(io.out);
    };
    const shift = await shiftRun();
    expect(shift.model).toBe(run);
    expect(shift.episodes).toBe(2);
    const cellsOf = (family: string, axis: string) =>
      shift.cells
        .filter((c: { family: string; axis: string }) => c.family === family && c.axis === axis)
        .map((c: { value: unknown }) => c.value);
    expect(cellsOf('red', 'entities')).toEqual([3, 12]);
    expect(cellsOf('make-red', 'entities')).toEqual([2, 12]);
    expect(cellsOf('red', 'demos')).toEqual([1, 10]);
    expect(cellsOf('red', 'geometry')).toEqual([]);
    expect(cellsOf('make-red', 'colours')).toEqual(['jitter', 'palette']);
    for (const c of shift.cells) {
      expect(Object.keys(c).sort()).toEqual([
        'axis',
        'episodes',
        'family',
        'high',
        'lenientScore',
        'low',
        'score',
        'value',
      ]);
      expect(c.episodes).toBe(2);
      expect(c.low).toBeLessThanOrEqual(c.score);
      expect(c.high).toBeGreaterThanOrEqual(c.score);
    }
    expect(await shiftRun()).toEqual(shift);
    const table = capture();
    const svg = join(dir, 'shift.svg');
    expect(
      await runEval(
        { model: run, families: 'square', suite: 'shift', quick: true, episodes: 1, heatmap: svg },
        table,
      ),
    ).toBe(0);
    expect(table.out).toMatch(
      /^family\s+N=5\s+N=12\s+M=1\s+M=10\s+small\s+large\s+jitter\s+palette/,
    );
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg/);
    for (const [args, message] of [
      [{ suite: 'drift' }, /unknown suite "drift"/],
      [{ quick: true }, /--quick goes with --suite shift/],
      [{ suite: 'shift', entities: 8 }, /drop --entities/],
    ] as const) {
      const bad = capture();
      expect(await runEval({ model: run, families: 'red', ...args }, bad)).toBe(2);
      expect(bad.err).toMatch(message);
    }

    for (const concept of ['red', 'make-red']) {
      const ep = join(dir, `${concept}.json`);
      expect(await runSample({ concept, out: ep, demos: 2, queries: 3, seed: 4 }, capture())).toBe(
        0,
      );
      const a = capture();
      const answerPath = join(dir, `${concept}.answer.json`);
      expect(await runAnswer({ episode: ep, model: run, out: answerPath }, a)).toBe(0);
      const c = capture();
      expect(await runCheck({ episode: ep, answer: answerPath }, c)).toBe(0);
      expect(c.out).toMatch(/score/);
    }
    const a = capture();
    expect(
      await runAnswer({ episode: join(dir, 'make-red.json'), model: run, trajectory: true }, a),
    ).toBe(0);
    const answer = JSON.parse(a.out);
    expect(answer.concept).toHaveLength(4);
    expect(answer.results).toHaveLength(3);
    expect(answer.results[0].after.entities.length).toBeGreaterThan(0);
    expect(answer.results[0].trajectory).toHaveLength(3);
  });

  it('export writes a model without the optimiser state that loads and answers the same', async () => {
    const out = join(dir, 'exported');
    const io = capture();
    expect(await runExport({ from: join(dir, 'run'), out }, io)).toBe(0);
    const exported = await loadModelDir(out);
    const best = await loadModelDir(join(dir, 'run', 'best'));
    expect(Object.keys(exported.extra ?? {})).toHaveLength(0);
    expect(Object.keys(best.extra ?? {}).length).toBeGreaterThan(0);
    for (const k of Object.keys(best.values))
      expect(Array.from(exported.values[k])).toEqual(Array.from(best.values[k]));
    expect(exported.inference).toEqual(best.inference);
    const tuned = join(dir, 'tuned');
    expect(
      await runExport({ from: join(dir, 'run'), out: tuned, chain: ['a.steps=7'] }, capture()),
    ).toBe(0);
    const t = await loadModelDir(tuned);
    expect((t.inference as { a: { steps: number } }).a.steps).toBe(7);
    expect((t.inference as { x: unknown }).x).toEqual((best.inference as { x: unknown }).x);
    // A re-export keeps where the parameters came from and every knob set on the way.
    const again = join(dir, 'tuned-again');
    expect(await runExport({ from: tuned, out: again, chain: ['a.polish=2'] }, capture())).toBe(0);
    const t2 = await loadModelDir(again);
    expect(t2.meta?.exportedFrom).toBe(t.meta?.exportedFrom);
    expect(t.meta?.exportedFrom).toMatch(/run/);
    expect(t2.meta?.testTimeOverrides).toEqual(['a.steps=7', 'a.polish=2']);
    expect((t2.inference as { a: { steps: number; polish: number } }).a).toMatchObject({
      steps: 7,
      polish: 2,
    });
  });

  it('export --add writes the sum of two energies as one model, and names a missing second model', async () => {
    const best = await loadModelDir(join(dir, 'run', 'best'));
    const out = join(dir, 'summed');
    expect(
      await runExport(
        { from: join(dir, 'run'), add: join(dir, 'run'), out, chain: ['x.stepSize=0.1'] },
        capture(),
      ),
    ).toBe(0);
    const summed = await loadModelDir(out);
    expect(summed.config.hidden).toBe(2 * best.config.hidden);
    expect(summed.config.codeSize).toBe(2 * best.config.codeSize);
    expect((summed.inference as { x: { stepSize: number } }).x.stepSize).toBe(0.1);
    const io = capture();
    expect(
      await runExport(
        { from: join(dir, 'run'), add: join(dir, 'nowhere'), out: join(dir, 'bad') },
        io,
      ),
    ).not.toBe(0);
    expect(io.err).toMatch(/nowhere: no model\.json/);
  });

  it('demo answers an episode of every family with a model and prints a per-family table', async () => {
    const io = capture();
    const out = join(dir, 'demo');
    expect(await runDemo({ out, model: join(dir, 'run'), demos: 2, queries: 1, seed: 3 }, io)).toBe(
      0,
    );
    const lines = io.out.trim().split('\n');
    expect(lines[0]).toMatch(/few-shot answers/);
    expect(lines.filter((l) => /^(make-red|red|square|move-close)\s/.test(l))).toHaveLength(4);
    expect(io.out).toMatch(/overall \d+\/22/);
    expect(existsSync(join(out, 'square', 'answer.json'))).toBe(true);
    expect(existsSync(join(out, 'square', 'overview.svg'))).toBe(true);
  });

  it('Ctrl-C during training saves a checkpoint and exits 130', async () => {
    const out = join(dir, 'interrupted');
    await writeFile(
      join(dir, 'long.json'),
      JSON.stringify({
        ...JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')),
        steps: 100000,
        evalEvery: 0,
      }),
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'train',
        '--config',
        join(dir, 'long.json'),
        '--out',
        out,
        '--quiet',
        '--log-every',
        '1',
        '--workers',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/step 2\//.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupt: saving a checkpoint/);
    const saved = await loadModelDir(join(out, 'checkpoint'));
    expect(Number(saved.meta.step)).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('train --set overrides config fields, and the run folder records the result', async () => {
    const run = join(dir, 'run-set');
    const t = capture();
    const set = ['model.pairDirection=true', 'steps=2'];
    expect(
      await runTrain(
        { config: join(dir, 'config.json'), out: run, quiet: true, logEvery: 1, set },
        t,
      ),
    ).toBe(0);
    expect(t.out).toMatch(/trained to step 2/);
    const saved = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(saved.model.pairDirection).toBe(true);
    expect(saved.steps).toBe(2);
  }, 60_000);

  it('train stops a dead model with exit 4 and one line naming why', async () => {
    const t = capture();
    const set = ['learningRate=1000', 'steps=40', 'checkpointEvery=1', 'evalEvery=0'];
    expect(
      await runTrain(
        {
          config: join(dir, 'config.json'),
          out: join(dir, 'run-dead'),
          quiet: true,
          logEvery: 1,
          set,
          workers: 1,
        },
        t,
      ),
    ).toBe(4);
    expect(t.err).toMatch(
      /^concept-ebm: error: the model died \(step \d+: the energy of the (positives|samples) is .* beyond 1e\+6\); last good checkpoint: /m,
    );
  }, 60_000);

  it('bad input: one line and a non-zero exit', async () => {
    const cases: [() => Promise<number>, RegExp][] = [
      [
        () => runAnswer({ episode: join(dir, 'missing.json'), model: join(dir, 'run') }, io),
        /not found/,
      ],
      [
        () => runAnswer({ episode: join(dir, 'red.json'), model: join(dir, 'nope') }, io),
        /model folder not found/,
      ],
      [() => runEval({ model: join(dir, 'run'), families: 'redd' }, io), /unknown concept/],
      [() => runTrain({ config: join(dir, 'nope.json'), out: join(dir, 'x') }, io), /cannot read/],
      [() => runTrain({ out: join(dir, 'x') }, io), /--config/],
      [
        () =>
          runTrain(
            {
              config: join(dir, 'config.json'),
              out: join(dir, 'x'),
              set: ['model.pairDirection=yes'],
            },
            io,
          ),
        /--set: .*pairDirection: expected true, false or a smoothing radius/,
      ],
      [
        () => runTrain({ out: join(dir, 'run'), resume: true, set: ['steps=9'] }, io),
        /--set cannot change a run being resumed/,
      ],
    ];
    let io = capture();
    for (const [call, message] of cases) {
      io = capture();
      expect(await call()).not.toBe(0);
      expect(io.err.trimEnd().split('\n')).toHaveLength(1);
      expect(io.err).toMatch(message);
    }
  });
});
