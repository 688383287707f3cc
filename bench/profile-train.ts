/**
 * One thread, the paper workload's training step, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile-train.ts [--steps N]
 *
 * A warm-up step, then N (default 2) timed steps, micro-batched as the bench
 * runs them. The largest .cpuprofile in prof/ is the main thread's; wasm
 * functions appear by index (wasm-function[K]): `wasm2wat` on the backend's
 * .wasm names what they do.
 */
import * as T from '../src/engine/index.js';
import { makeBench, WORKLOADS } from './workload.js';

const i = process.argv.indexOf('--steps');
const steps = i >= 0 ? Number(process.argv[i + 1]) : 2;
if (!Number.isInteger(steps) || steps < 1) {
  console.error('profile-train: --steps must be an integer >= 1');
  process.exit(2);
}
await T.initEngine('wasm');
const bench = makeBench(WORKLOADS.paper, 0, 16);
bench.trainStep();
const t0 = performance.now();
for (let k = 0; k < steps; k++) bench.trainStep();
console.log(`paper training step: ${((performance.now() - t0) / 1000 / steps).toFixed(2)} s`);
