/**
 * The command line and setup of the diagnostics that replay eval's chains
 * (identify-diagnosis, generate-diagnosis): the model with its test-time
 * settings, and eval's own episodes (EVAL_DEFAULTS, one chunk layout in
 * forEachEvalChunk), so that a diagnosis's chain column equals `eval`'s score.
 */
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { getFamily } from '../src/concepts/index.js';
import type { FamilyName } from '../src/concepts/family.js';
import { EVAL_DEFAULTS, type EvalOptions } from '../src/evaluation/evaluate.js';
import { parseFamilies } from '../src/evaluation/report.js';
import { loadTrainedModel } from '../src/model/trained.js';

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
    console.error(`usage: ${name} --model DIR [--families L] [--episodes 200] [--seed ${EVAL_DEFAULTS.seed}]`);
    process.exit(2);
  }
  await initEngine('wasm');
  const { model, inference } = await loadTrainedModel(args.model);
  const options: EvalOptions = { episodes: Number(args.episodes), demos: EVAL_DEFAULTS.demos, seed: Number(args.seed) };
  const families: FamilyName[] = parseFamilies(args.families).filter((f) => getFamily(f).kind === kind);
  return { model, inference, options, families };
}
