import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';
import { episodeFigures } from '../../world/episode-svg.js';
import { guarded, UsageError, type CliIo } from '../io.js';
import { judge, loadBundle, type Bundle } from '../load.js';

export interface RenderArgs {
  /** The episode file. */
  episode: string;
  /** Output folder. */
  out: string;
  /** Truth file; default: FILE.truth.json beside the episode, if it exists. */
  truth?: string;
  /** An answer to draw (judged when the truth is known). */
  answer?: string;
}

/** Write the SVG figures of a loaded episode to `dir`; returns the file paths. */
export async function renderBundle(bundle: Bundle, dir: string, title?: string): Promise<string[]> {
  const check = judge(bundle);
  const figures = episodeFigures(bundle.episode, {
    truth: bundle.truth,
    answer: bundle.answer,
    verdicts: check?.results,
    title:
      title ??
      (bundle.truth
        ? `${basename(bundle.episodePath)}: concept "${bundle.truth.family}"` +
          (check ? `, answer score ${check.score.toFixed(2)}` : '')
        : basename(bundle.episodePath)),
  });
  const paths: string[] = [];
  for (const f of figures) {
    const path = join(dir, f.name);
    await writeFileAtomic(path, f.svg);
    paths.push(path);
  }
  return paths;
}

/**
 * `concept-ebm render FILE.json --out DIR [--truth T] [--answer A]`: one SVG
 * per demo and per query (with the truth and the answer beside it when
 * known) and overview.svg; prints the folder.
 */
export async function runRender(args: RenderArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (!args.out) throw new UsageError("required option '--out <dir>' not specified");
    const bundle = await loadBundle({
      episode: args.episode,
      truth: args.truth,
      answer: args.answer,
    });
    await renderBundle(bundle, args.out);
    io.stdout(`${args.out}\n`);
    return 0;
  });
}
