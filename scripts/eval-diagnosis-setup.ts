/**
 * The command line and setup of the diagnostics that replay eval's chains
 * (identify-, generate- and line-diagnosis): the model with its test-time
 * settings, and eval's own episodes (EVAL_DEFAULTS, one chunk layout in
 * forEachEvalChunk), so that a diagnosis's chain column equals `eval`'s score;
 * and the two readings they share: the energy's own choice among all masks,
 * and quartiles.
 */
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import type { FamilyName } from '../src/concepts/family.js';
import { EVAL_DEFAULTS, type EvalOptions } from '../src/evaluation/evaluate.js';
import { parseFamilies } from '../src/evaluation/report.js';
import { loadTrainedModel } from '../src/inference/trained.js';

/** Parses `--model DIR [--families L] [--episodes 200] [--seed S]`; exits with its usage when --model is missing. */
export async function evalDiagnosisSetup(name: string, kind: 'identify' | 'generate') {
  const { values: args } = parseArgs({
    options: {
      model: { type: 'string' },
      families: { type: 'string', default: kind },
      episodes: { type: 'string', default: '200' },
      seed: { type: 'string', default: String(EVAL_DEFAULTS.seed) },
    },
  });
  if (!args.model) {
    console.error(
      `usage: ${name} --model DIR [--families L] [--episodes 200] [--seed ${EVAL_DEFAULTS.seed}]`,
    );
    process.exit(2);
  }
  await initEngine('wasm');
  const { model, inference } = await loadTrainedModel(args.model);
  const options: EvalOptions = {
    episodes: Number(args.episodes),
    demos: EVAL_DEFAULTS.demos,
    seed: Number(args.seed),
  };
  const families: FamilyName[] = parseFamilies(args.families).filter(
    (f) => getFamily(f).kind === kind,
  );
  return { model, inference, options, families };
}

/**
 * The lowest-energy mask of scene `b`, from allMaskEnergies' [B * 2^N]
 * energies (mask m marks entity i when bit i of m is set): its index and the
 * 0/1 mask. What a perfect search would answer with this energy.
 */
export function lowestEnergyMask(
  energies: Float32Array,
  b: number,
  N: number,
): { index: number; mask: number[] } {
  const M = 1 << N;
  const eb = energies.subarray(b * M, (b + 1) * M);
  let index = 0;
  for (let m = 1; m < M; m++) if (eb[m] < eb[index]) index = m;
  return { index, mask: Array.from({ length: N }, (_, i) => (index >> i) & 1) };
}

/** "q25 / median / q75" of `v` (unsorted), to `digits` decimals; "-" when empty. */
export function quartiles(v: readonly number[], digits: number): string {
  const s = [...v].sort((p, q) => p - q);
  return [0.25, 0.5, 0.75]
    .map((q) => (s.length ? s[Math.floor(q * (s.length - 1))].toFixed(digits) : '-'))
    .join(' / ');
}
