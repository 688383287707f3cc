/**
 * npx tsx bench/fast-step.ts [--reps N]
 *
 * Median time of ONE x-chain Langevin step on one 6-entity scene, engine path
 * (`generate` with steps 1) vs the hand-written kernel (`fastGenerate` with
 * steps 1, and the bare step inside a long `fastLangevin` chain; WebAssembly
 * SIMD, the default, and the float64 loops), for the
 * small (hidden 64, code 16) and paper (hidden 128, code 32) widths, gLayers 3.
 */
import { initEngine } from '../src/engine/index.js';
import { fastEnergyOf, fastGenerate, fastLangevin } from '../src/inference/fast.js';
import { generate } from '../src/inference/infer.js';
import { DEFAULT_INFERENCE, withChains } from '../src/inference/settings.js';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../src/model/config.js';
import { EnergyModel } from '../src/model/model.js';
import { Rng } from '../src/random/rng.js';
import { sceneToArray } from '../src/world/scene.js';
import type { Scene } from '../src/world/types.js';

const args = process.argv.slice(2);
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Per call of fn (after a warm-up), each sample averaging `inner` calls: the
 * median wall time, and the mean CPU time of this process (user + system),
 * which moves much less than wall time when other processes load the machine.
 */
function time(fn: () => void, samples: number, inner = 1): { wall: number; cpu: number } {
  for (let i = 0; i < Math.max(5, samples / 5); i++) fn();
  const ts: number[] = [];
  const c0 = process.cpuUsage();
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ts.push((performance.now() - t0) / inner);
  }
  const c = process.cpuUsage(c0);
  return { wall: median(ts), cpu: (c.user + c.system) / 1000 / (samples * inner) };
}

const fmt = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(3)} (cpu ${t.cpu.toFixed(3)})`;

await initEngine('wasm');
const rng = new Rng(1);
const scene: Scene = {
  entities: Array.from({ length: 6 }, (_, i) => ({
    pos: [rng.range(-0.8, 0.8), rng.range(-0.8, 0.8)] as [number, number],
    color: (i === 0 ? [0.5, 0.5, 0.5] : [rng.uniform(), rng.uniform(), rng.uniform()]) as [
      number,
      number,
      number,
    ],
  })),
};
const attention = [1, 0, 1, 0, 0, 0]; // the agent is attended: it alone moves

console.log(
  `one x-chain step, N = 6: median wall ms of ${reps} (mean process CPU ms); the machine may be loaded`,
);
for (const [hidden, codeSize] of [
  [64, 16],
  [128, 32],
] as const) {
  const config: ModelConfig = { ...DEFAULT_MODEL_CONFIG, hidden, codeSize, gLayers: 3 };
  const model = EnergyModel.init(config, new Rng(2), 1.5);
  const fe = fastEnergyOf(model);
  const fe64 = fastEnergyOf(model, { simd: false });
  const code = Float32Array.from({ length: codeSize }, () => rng.range(-1, 1));
  const settings = withChains(DEFAULT_INFERENCE, { x: { steps: 1 } });
  const noise = new Rng(3);

  const engine = time(
    () => void generate(model, scene, attention, code, settings, noise),
    Math.min(reps, 60),
  );
  const fast = time(() => void fastGenerate(fe, scene, attention, code, settings, noise), reps);
  const fast64 = time(() => void fastGenerate(fe64, scene, attention, code, settings, noise), reps);
  const all = attention.map(() => 1);
  const fastAll = time(
    () => void fastGenerate(fe, scene, attention, code, settings, noise, { movable: all }),
    reps,
  );
  const fastAll64 = time(
    () => void fastGenerate(fe64, scene, attention, code, settings, noise, { movable: all }),
    reps,
  );

  // The bare step inside a 50-step chain (the agent moves), and one full E + dE/dx over all 36 pairs.
  const x0 = sceneToArray(scene);
  const a = Float32Array.from(attention, (v) => (v ? 4 : -4));
  const movable = [1, 0, 0, 0, 0, 0];
  const objective = fe.xChain(x0, 6, a, code, movable);
  const chain = { ...settings.x, steps: 50 };
  const mask = Float32Array.from({ length: 30 }, (_, q) => movable[Math.floor(q / 5)]);
  const bare50 = time(
    () => void fastLangevin(objective, x0, chain, { rng: noise, mask }),
    Math.max(5, reps / 10),
  );
  const bare = { wall: bare50.wall / 50, cpu: bare50.cpu / 50 };
  const dx = new Float32Array(30);
  const full = time(() => void fe.gradients(x0, 6, a, code, { dx }), Math.max(5, reps / 10), 20);
  const full64 = time(
    () => void fe64.gradients(x0, 6, a, code, { dx }),
    Math.max(5, reps / 10),
    20,
  );

  console.log(`hidden ${hidden}, code ${codeSize}, gLayers 3:`);
  console.log(`  engine generate (1 step)        ${fmt(engine)}`);
  console.log(
    `  fastGenerate (1 step)           ${fmt(fast)}   speed-up x${(engine.wall / fast.wall).toFixed(1)}`,
  );
  console.log(`  fastGenerate, float64 loops     ${fmt(fast64)}`);
  console.log(
    `  fastGenerate, every entity movable (the bench's figure) ${fmt(fastAll)}; float64 ${fmt(fastAll64)}`,
  );
  console.log(`  fast step inside a 50-step chain ${fmt(bare)}`);
  console.log(`  fast E + dE/dx over all 36 pairs ${fmt(full)}; float64 ${fmt(full64)}`);
  model.dispose();
}
