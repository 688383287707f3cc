/**
 * npm run bench [-- --workload small|paper|all] [--reps N] [--rounds R] [--json] [--no-peer] [--memory-steps N] [--one-thread]
 *
 * With --rounds R (default 3), ours and the peer run in turn R times per
 * workload; each figure is the median over rounds of the per-round medians,
 * and each ratio comes with its spread (the lowest and highest per-round
 * ratio), because the peer's own time moves several-fold between runs on a
 * shared machine.
 *
 * Our numbers for the peer workloads of bench/peer/torch_ref.py (same
 * shapes, chain lengths, second-order backprop and loss terms), the peer's
 * numbers measured in the same run when /usr/bin/python3 has torch, and the
 * ratio ours / peer. Medians over --reps repetitions after a warm-up; peak
 * memory (process RSS); with --memory-steps, the live tensor count and RSS
 * over that many small training steps (it must stay flat). The train step
 * and batched generation are also measured split over two worker threads
 * (the peer runs on two threads; --one-thread skips this). The one-scene
 * step and the batched generation are also measured through the hand-written
 * first-order kernel (src/model/fast-energy.ts, WebAssembly SIMD), the path
 * the playground and one-scene inference take.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendName, initEngine, liveTensors } from '../src/engine/index.js';
import { chain, makeBench, WORKLOADS, type Workload } from './workload.js';
import { makeParallelBench } from './parallel.js';
import { fastEnergyOf, fastGenerate } from '../src/inference/fast.js';
import { DEFAULT_INFERENCE } from '../src/inference/settings.js';
import { Rng } from '../src/random/rng.js';
import { arrayToScene } from '../src/world/scene.js';

interface Figures {
  train_step_s: number;
  infer_batch_s: number;
  langevin_step_b1_ms: number;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const which = option('--workload', 'all');
const reps = Number(option('--reps', '5'));
const rounds = Number(option('--rounds', '3'));
const memorySteps = Number(option('--memory-steps', '0'));
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const peerScript = option('--peer-script', join(root, 'bench', 'peer', 'torch_ref.py'));
/** Largest chunk of a batch per engine call, per workload (wasm memory is 32-bit). */
const MICRO: Record<string, number> = { small: 32, paper: 16 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, n: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}

async function timeAsync(fn: () => Promise<unknown>, n: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}

/** The same train step and batched generation split over two worker threads (the peer uses two). */
async function oursTwoThreads(
  wl: Workload,
): Promise<{ train_step_2t_s: number; infer_batch_2t_s: number; fast_infer_batch_2t_s: number }> {
  const p = await makeParallelBench(wl, MICRO[wl.name] ?? wl.B, 2);
  try {
    const train = await timeAsync(() => p.trainStep(), reps);
    const infer = await timeAsync(() => p.inferBatch(), reps);
    const fast = await timeAsync(() => p.fastInferBatch(), reps);
    return { train_step_2t_s: train, infer_batch_2t_s: infer, fast_infer_batch_2t_s: fast };
  } finally {
    await p.dispose();
  }
}

function ours(wl: Workload): Figures & {
  fast_langevin_step_b1_ms: number;
  fast_infer_batch_s: number;
  peak_rss_mb: number;
  micro_batch: number;
} {
  const micro = MICRO[wl.name] ?? wl.B;
  const b = makeBench(wl, 0, micro);
  const train = time(() => void b.trainStep(), reps);
  const infer = time(() => b.inferBatch(), reps);
  const one = time(() => b.inferBatch(1, 1), 50) * 1000;
  // The same single-scene step through the hand-written first-order kernel (its products and SiLUs in WebAssembly SIMD).
  const fe = fastEnergyOf(b.model);
  const rng = new Rng(1);
  const scene = arrayToScene(
    Float32Array.from({ length: wl.N * 5 }, () => rng.range(-1, 1)),
    wl.N,
  );
  const attention = Array.from({ length: wl.N }, (_, i) => (i < 2 ? 1 : 0));
  const code = rng.normals(wl.DW);
  const settings = { ...DEFAULT_INFERENCE, x: chain(1, 0.1, 0.005) };
  const fast =
    time(
      () =>
        void fastGenerate(fe, scene, attention, code, settings, rng, {
          movable: attention.map(() => 1),
        }),
      200,
    ) * 1000;
  // The batched generation through the same kernel, scene after scene on this one thread.
  const fastBatch = time(() => b.fastInferBatch(), reps);
  b.model.dispose();
  return {
    train_step_s: train,
    infer_batch_s: infer,
    langevin_step_b1_ms: one,
    fast_langevin_step_b1_ms: fast,
    fast_infer_batch_s: fastBatch,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    micro_batch: micro,
  };
}

function peer(wl: Workload): (Figures & { torch: string }) | string {
  if (flag('--no-peer')) return 'skipped (--no-peer)';
  if (!existsSync(peerScript)) return `skipped: no peer script at ${peerScript}`;
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return 'skipped: /usr/bin/python3 has no torch (apt-get install python3-torch libopenblas0-pthread)';
  const r = spawnSync(
    '/usr/bin/python3',
    [peerScript, '--workload', wl.name, '--reps', String(reps)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function memoryCheck(steps: number) {
  const b = makeBench({ ...WORKLOADS.small, B: 4, KW: 2, KX: 2, KA: 2 }, 1);
  b.trainStep();
  const tensors0 = liveTensors();
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < steps; i++) b.trainStep();
  const out = {
    steps,
    live_tensors_before: tensors0,
    live_tensors_after: liveTensors(),
    rss_mb_before: rss0 / 1e6,
    rss_mb_after: process.memoryUsage().rss / 1e6,
  };
  b.model.dispose();
  return out;
}

await initEngine('wasm');
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memory_gb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  backend: backendName(),
};
const names = which === 'all' ? (['small', 'paper'] as const) : ([which] as ('small' | 'paper')[]);
const results: Record<string, unknown> = {};
type Row = Record<string, number>;
const medianOf = (rows: Row[]): Row =>
  Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(rows.map((r) => r[k]))]));

/** ours / peer of one round, per figure. */
function ratios(o: Row, p: Row): Row {
  const out: Row = {
    train_step: o.train_step_s / p.train_step_s,
    infer_batch: o.infer_batch_s / p.infer_batch_s,
    langevin_step_b1: o.langevin_step_b1_ms / p.langevin_step_b1_ms,
    fast_langevin_step_b1: o.fast_langevin_step_b1_ms / p.langevin_step_b1_ms,
    fast_infer_batch: o.fast_infer_batch_s / p.infer_batch_s,
  };
  if (o.train_step_2t_s !== undefined) {
    out.train_step_2t = o.train_step_2t_s / p.train_step_s;
    out.infer_batch_2t = o.infer_batch_2t_s / p.infer_batch_s;
    out.fast_infer_batch_2t = o.fast_infer_batch_2t_s / p.infer_batch_s;
  }
  return out;
}

for (const name of names) {
  const wl = WORKLOADS[name];
  if (!wl) throw new Error(`unknown workload "${name}" (small, paper, all)`);
  const oursRuns: Row[] = [];
  const peerRuns: Row[] = [];
  let peerNote: string | null = null;
  let torch = '';
  for (let round = 0; round < rounds; round++) {
    if (!flag('--json'))
      process.stderr.write(`bench ${name} round ${round + 1}/${rounds}: ours...\n`);
    const two = flag('--one-thread') ? {} : await oursTwoThreads(wl);
    oursRuns.push({ ...ours(wl), ...two } as Row);
    if (!flag('--json'))
      process.stderr.write(`bench ${name} round ${round + 1}/${rounds}: peer...\n`);
    const p = peer(wl);
    if (typeof p === 'string') {
      peerNote = p;
      continue;
    }
    torch = p.torch;
    peerRuns.push({
      train_step_s: p.train_step_s,
      infer_batch_s: p.infer_batch_s,
      langevin_step_b1_ms: p.langevin_step_b1_ms,
    });
  }
  const o = medianOf(oursRuns);
  const p = peerRuns.length > 0 ? { ...medianOf(peerRuns), torch } : (peerNote ?? 'skipped');
  const perRound =
    peerRuns.length === oursRuns.length ? oursRuns.map((r, i) => ratios(r, peerRuns[i])) : [];
  const ratio = typeof p === 'string' ? null : ratios(o, p as unknown as Row);
  const spread =
    perRound.length > 0
      ? Object.fromEntries(
          Object.keys(perRound[0]).map((k) => [
            k,
            [Math.min(...perRound.map((r) => r[k])), Math.max(...perRound.map((r) => r[k]))],
          ]),
        )
      : null;
  results[name] = { workload: wl, rounds, ours: o, peer: p, ratio, spread, oursRuns, peerRuns };
}
const memory = memorySteps > 0 ? memoryCheck(memorySteps) : null;
const report = { machine, reps, results, memory };
if (flag('--json')) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} else {
  const f = (v: number | undefined, d = 3) => (v === undefined ? '-' : v.toFixed(d));
  const lines = [
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GB, Node ${machine.node}, engine ${machine.backend}` +
      `; peer: ${Object.values(results).map((r) => (typeof (r as { peer: unknown }).peer === 'string' ? (r as { peer: string }).peer : `torch ${(r as { peer: { torch: string } }).peer.torch}`))[0]}` +
      `; ${rounds} rounds of ${reps} repetitions, ratio of medians (lowest-highest round)`,
    '',
    '| workload | figure | ours | peer (PyTorch) | ours / peer |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const [name, r] of Object.entries(results) as [
    string,
    {
      ours: Figures & { peak_rss_mb: number };
      peer: Figures | string;
      ratio: Record<string, number> | null;
      spread: Record<string, [number, number]> | null;
    },
  ][]) {
    const p = typeof r.peer === 'string' ? null : r.peer;
    const withSpread = (ratio: Record<string, number> | null | undefined, key: string) =>
      ratio?.[key] === undefined
        ? '-'
        : `${ratio[key].toFixed(2)}${r.spread?.[key] ? ` (${r.spread[key][0].toFixed(2)}-${r.spread[key][1].toFixed(2)})` : ''}`;
    lines.push(
      `| ${name} | train step (s) | ${f(r.ours.train_step_s)} | ${f(p?.train_step_s)} | ${withSpread(r.ratio, 'train_step')} |`,
    );
    lines.push(
      `| ${name} | batched 20-step generation (s) | ${f(r.ours.infer_batch_s)} | ${f(p?.infer_batch_s)} | ${withSpread(r.ratio, 'infer_batch')} |`,
    );
    const two = r.ours as unknown as { train_step_2t_s?: number; infer_batch_2t_s?: number };
    if (two.train_step_2t_s !== undefined) {
      lines.push(
        `| ${name} | train step, 2 threads (s) | ${f(two.train_step_2t_s)} | ${f(p?.train_step_s)} | ${withSpread(r.ratio, 'train_step_2t')} |`,
      );
      lines.push(
        `| ${name} | batched generation, 2 threads (s) | ${f(two.infer_batch_2t_s)} | ${f(p?.infer_batch_s)} | ${withSpread(r.ratio, 'infer_batch_2t')} |`,
      );
    }
    const fastOurs = r.ours as unknown as {
      fast_infer_batch_s: number;
      fast_infer_batch_2t_s?: number;
    };
    lines.push(
      `| ${name} | batched generation, hand-written kernel, 1 thread (s) | ${f(fastOurs.fast_infer_batch_s)} | ${f(p?.infer_batch_s)} | ${withSpread(r.ratio, 'fast_infer_batch')} |`,
    );
    if (fastOurs.fast_infer_batch_2t_s !== undefined) {
      lines.push(
        `| ${name} | same, 2 threads (s) | ${f(fastOurs.fast_infer_batch_2t_s)} | ${f(p?.infer_batch_s)} | ${withSpread(r.ratio, 'fast_infer_batch_2t')} |`,
      );
    }
    lines.push(
      `| ${name} | one Langevin step, one scene (ms) | ${f(r.ours.langevin_step_b1_ms)} | ${f(p?.langevin_step_b1_ms)} | ${withSpread(r.ratio, 'langevin_step_b1')} |`,
    );
    lines.push(
      `| ${name} | same, hand-written kernel, WebAssembly SIMD (ms) | ${f((r.ours as unknown as { fast_langevin_step_b1_ms: number }).fast_langevin_step_b1_ms)} | ${f(p?.langevin_step_b1_ms)} | ${withSpread(r.ratio, 'fast_langevin_step_b1')} |`,
    );
    lines.push(`| ${name} | peak RSS (MB) | ${f(r.ours.peak_rss_mb, 0)} | | |`);
    if (!p) lines.push(`| ${name} | peer | ${r.peer} | | |`);
  }
  if (memory) {
    lines.push(
      '',
      `memory over ${memory.steps} training steps: live tensors ${memory.live_tensors_before} -> ${memory.live_tensors_after}, RSS ${memory.rss_mb_before.toFixed(0)} -> ${memory.rss_mb_after.toFixed(0)} MB`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}
