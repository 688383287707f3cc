import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkAnswer } from '../../concepts/episode.js';
import { answerEpisode } from '../../inference/answer.js';
import { shippedModelDir } from '../../inference/trained.js';
import { rngFor } from '../../random/rng.js';
import { serializeAnswer, type AnswerJson } from '../../world/interchange.js';
import { loadModelArg } from '../model-arg.js';
import { sampleEpisode } from '../../concepts/episode.js';
import { writeFileAtomic } from '../../util/fs.js';
import { serializeEpisode, serializeTruth } from '../../world/interchange.js';
import { escapeXml } from '../../world/svg.js';
import { allFamilies } from '../families.js';
import { guarded, integerArg, UsageError, type CliIo } from '../io.js';
import { renderBundle } from './render.js';
import { episodeRng } from './sample.js';

export interface DemoArgs {
  out: string;
  /** Model folder; default: the shipped model (if present). */
  model?: string;
  /** Only sample and draw, no model. */
  noModel?: boolean;
  seed?: number;
  demos?: number;
  queries?: number;
  entities?: number;
}

/**
 * `concept-ebm demo --out DIR`: sample an episode of every concept family
 * (the same episodes `sample` draws with that seed), answer it few-shot with
 * the model (the shipped one unless --model or --no-model), judge the answers
 * with the family checkers, write DIR/<family>/{episode, truth, answer}.json
 * with figures, DIR/index.html, and print a per-family table and the index path.
 */
export async function runDemo(args: DemoArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (!args.out) throw new UsageError("required option '--out <dir>' not specified");
    const seed = integerArg('--seed', args.seed ?? 0, Number.MIN_SAFE_INTEGER);
    const demos = integerArg('--demos', args.demos ?? 5, 1);
    const queries = integerArg('--queries', args.queries ?? 3, 0);
    const entities =
      args.entities === undefined ? undefined : integerArg('--entities', args.entities, 1);
    const sections: string[] = [];
    const trained = args.noModel
      ? null
      : args.model !== undefined || existsSync(join(shippedModelDir(), 'model.json'))
        ? await loadModelArg(args.model)
        : null;
    const rows: { family: string; kind: string; score: number; n: number }[] = [];
    for (const family of allFamilies()) {
      const dir = join(args.out, family.name);
      const n = entities === undefined ? undefined : Math.max(entities, family.minEntities);
      const { episode, truth } = sampleEpisode(family, episodeRng(seed, family.name), {
        demos,
        queries,
        entities: n,
      });
      const episodePath = join(dir, 'episode.json');
      const truthPath = join(dir, 'episode.truth.json');
      await writeFileAtomic(episodePath, serializeEpisode(episode));
      await writeFileAtomic(truthPath, serializeTruth(truth));
      let answer: AnswerJson | undefined;
      let scoreText = '';
      if (trained) {
        answer = answerEpisode(
          trained.model,
          episode,
          trained.inference,
          rngFor(seed, 'demo-answer', family.name),
        );
        await writeFileAtomic(join(dir, 'answer.json'), serializeAnswer(answer));
        const check = checkAnswer(family, episode, answer);
        rows.push({
          family: family.name,
          kind: family.kind,
          score: check.score,
          n: episode.queries.length,
        });
        scoreText = `model answered ${check.results.filter((r) => r.ok).length} of ${episode.queries.length} queries right`;
      }
      await renderBundle(
        { episode, episodePath, truth, truthPath, answer },
        dir,
        `concept "${family.name}" (${family.kind})${scoreText ? `: ${scoreText}` : ''}`,
      );
      const name = escapeXml(family.name);
      sections.push(
        `<section id="${name}">\n<h2>${name} <small>${escapeXml(family.kind)}</small></h2>\n` +
          `<p>${escapeXml(family.description)}</p>\n` +
          `<p><a href="${name}/episode.json">episode.json</a> · <a href="${name}/episode.truth.json">truth</a>` +
          (answer ? ` · <a href="${name}/answer.json">answer</a> (${escapeXml(scoreText)})` : '') +
          `</p>\n` +
          `<img src="${name}/overview.svg" alt="${name} episode">\n</section>`,
      );
    }
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>concept-ebm: one episode of every concept family</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
section { margin-bottom: 2.5em; }
h2 small { color: #777; font-weight: normal; font-size: 0.7em; }
img { max-width: 100%; border: 1px solid #eee; }
</style>
</head>
<body>
<h1>One episode of every concept family</h1>
<p>Seed ${seed}, ${demos} demonstrations and ${queries} queries per family.
Faded circles are states before, arrows show motion, dark rings mark attention,
the gray entity with a white cross is the agent.</p>
${sections.join('\n')}
</body>
</html>
`;
    const index = join(args.out, 'index.html');
    await writeFileAtomic(index, html);
    if (trained) {
      const w = Math.max(...rows.map((r) => r.family.length));
      io.stdout(
        `few-shot answers of ${trained.source} (${demos} demos, ${queries} queries per family, seed ${seed}):\n`,
      );
      io.stdout(`${'family'.padEnd(w)}  kind      right\n`);
      for (const r of rows) {
        io.stdout(
          `${r.family.padEnd(w)}  ${r.kind.padEnd(8)}  ${Math.round(r.score * r.n)}/${r.n}\n`,
        );
      }
      const total = rows.reduce((a, r) => a + r.score * r.n, 0);
      const count = rows.reduce((a, r) => a + r.n, 0);
      io.stdout(
        `overall ${Math.round(total)}/${count} (for scores with confidence intervals: concept-ebm eval)\n`,
      );
      trained.model.dispose();
    }
    io.stdout(`${index}\n`);
    return 0;
  });
}
