/**
 * `concept-ebm answer [--model DIR] EPISODE.json [--trajectory] [--seed S] [--steps K] [--out FILE] [--backend kernel|engine]`
 *
 * Infers the concept code from the episode's demos and answers every query;
 * prints {"concept": [...], "results": [{"attention": [...]} | {"after": scene}]}.
 */
import { answerEpisode } from '../../inference/answer.js';
import { withChains } from '../../inference/settings.js';
import { backendOf, type InferenceBackendName } from '../../inference/backend.js';
import { rngFor } from '../../random/rng.js';
import { readEpisode } from '../load.js';
import { guarded, integerArg, type CliIo, writeOutputFile } from '../io.js';
import { loadModelArg } from '../model-arg.js';
import { applyChainOverrides } from '../chain-arg.js';

export interface AnswerArgs {
  episode: string;
  model?: string;
  trajectory?: boolean;
  seed?: number;
  steps?: number;
  out?: string;
  /** Knob overrides of the test-time chains, e.g. ["a.steps=20"]. */
  chain?: string[];
  /** Where the chains run (default: the kernel). */
  backend?: InferenceBackendName;
}

export async function runAnswer(args: AnswerArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    const episode = await readEpisode(args.episode);
    const seed = integerArg('--seed', args.seed ?? 0, Number.MIN_SAFE_INTEGER);
    const trained = await loadModelArg(args.model);
    let settings = trained.inference;
    if (args.steps !== undefined) {
      const k = integerArg('--steps', args.steps, 0);
      settings = withChains(settings, { x: { steps: k }, a: { steps: k } });
    }
    settings = applyChainOverrides(settings, args.chain);
    const answer = answerEpisode(trained.model, episode, settings, rngFor(seed, 'answer'), {
      trajectory: args.trajectory,
      backend: backendOf(trained.model, args.backend ?? 'kernel'),
    });
    const text = JSON.stringify(answer) + '\n';
    if (args.out) {
      await writeOutputFile(args.out, text);
      io.stdout(`${args.out}\n`);
    } else {
      io.stdout(text);
    }
    trained.model.dispose();
    return 0;
  });
}
