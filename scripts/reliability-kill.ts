/**
 * npx tsx scripts/reliability-kill.ts [--trials N] [--quick] [--seed S]
 *
 * kill -9 at random moments: a small training run is started (or resumed)
 * and killed, again and again, then run to its end. After every kill the
 * checkpoint must load; at the end each step must be logged exactly once and
 * in order, each validation exactly once, no temporary file left, and the
 * folder free for the next run (the dead run's lock taken over). Prints the
 * figures; exits 1 if any check failed. --quick: 5 trials (the test suite runs
 * it); the default is 50.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelDir } from '../src/model/store.js';
import { Rng } from '../src/random/rng.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface KillReport {
  trials: number;
  killed: number;
  checkpointsThatFailedToLoad: number;
  finalStep: number;
  steps: number;
  duplicateOrMissingSteps: number;
  duplicateOrMissingValidations: number;
  tempFilesLeft: number;
  seconds: number;
}

const CONFIG = {
  seed: 4,
  families: { red: 1, 'make-red': 1 },
  model: { hidden: 8, codeSize: 4, gLayers: 2 },
  inference: { w: { steps: 2 }, x: { steps: 2 }, a: { steps: 2 } },
  batchSize: 4,
  demos: 2,
  steps: 60,
  checkpointEvery: 3,
  evalEvery: 6,
  evalEpisodes: 2,
};

function train(dir: string, resume: boolean): ReturnType<typeof spawn> {
  const args = [
    '--import',
    'tsx',
    join(root, 'src/cli/main.ts'),
    'train',
    '--out',
    join(dir, 'run'),
    '--quiet',
    '--workers',
    '1',
  ];
  return spawn(
    process.execPath,
    resume ? [...args, '--resume'] : [...args, '--config', join(dir, 'config.json')],
    { cwd: root, stdio: 'ignore' },
  );
}

const exited = (child: ReturnType<typeof spawn>) =>
  new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));

async function lines(path: string): Promise<number[]> {
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { step: number }).step);
}

export async function killTrials(trials: number, seed = 1): Promise<KillReport> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'cebm-kill-'));
  const rng = new Rng(seed);
  const report: KillReport = {
    trials,
    killed: 0,
    checkpointsThatFailedToLoad: 0,
    finalStep: 0,
    steps: CONFIG.steps,
    duplicateOrMissingSteps: 0,
    duplicateOrMissingValidations: 0,
    tempFilesLeft: 0,
    seconds: 0,
  };
  try {
    await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
    const ckpt = join(dir, 'run', 'checkpoint');
    for (let t = 0; t < trials; t++) {
      const child = train(dir, existsSync(join(ckpt, 'model.json')));
      const done = exited(child);
      // Node and the engine start in about a second; kill anywhere from before the first step to well into the run.
      const wait = 600 + rng.uniform() * 2400;
      const outcome = await Promise.race([
        done.then(() => 'exited'),
        new Promise((ok) => setTimeout(() => ok('timer'), wait)),
      ]);
      if (outcome === 'timer') {
        child.kill('SIGKILL');
        report.killed++;
      }
      await done;
      if (existsSync(join(ckpt, 'model.json'))) {
        await loadModelDir(ckpt, { onWarning: () => undefined }).catch(
          () => report.checkpointsThatFailedToLoad++,
        );
      }
    }
    // Run to the end.
    await exited(train(dir, existsSync(join(ckpt, 'model.json'))));
    const data = await loadModelDir(ckpt, { onWarning: () => undefined });
    report.finalStep = Number(data.meta.step);
    const steps = await lines(join(dir, 'run', 'log.jsonl'));
    const want = Array.from({ length: CONFIG.steps }, (_, i) => i + 1);
    report.duplicateOrMissingSteps =
      steps.length === want.length && steps.every((s, i) => s === want[i])
        ? 0
        : Math.abs(steps.length - want.length) + steps.filter((s, i) => s !== want[i]).length;
    const evals = await lines(join(dir, 'run', 'eval.jsonl'));
    const wantEvals = want.filter((s) => s % CONFIG.evalEvery === 0);
    report.duplicateOrMissingValidations =
      evals.length === wantEvals.length && evals.every((s, i) => s === wantEvals[i])
        ? 0
        : Math.max(1, Math.abs(evals.length - wantEvals.length));
    for (const folder of ['run', 'run/checkpoint', 'run/best']) {
      if (!existsSync(join(dir, folder))) continue;
      report.tempFilesLeft += (await readdir(join(dir, folder))).filter((n) =>
        n.endsWith('.tmp'),
      ).length;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

export function killReportHolds(r: KillReport): boolean {
  return (
    r.checkpointsThatFailedToLoad === 0 &&
    r.finalStep === r.steps &&
    r.duplicateOrMissingSteps === 0 &&
    r.duplicateOrMissingValidations === 0 &&
    r.tempFilesLeft === 0
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const trials = process.argv.includes('--quick') ? 5 : Number(arg('--trials') ?? 50);
  const r = await killTrials(trials, Number(arg('--seed') ?? 1));
  console.log(JSON.stringify(r));
  process.exit(killReportHolds(r) ? 0 : 1);
}
