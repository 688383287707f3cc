import { guarded, type CliIo } from '../io.js';
import { judge, loadBundle } from '../load.js';

export interface CheckArgs {
  episode: string;
  answer: string;
  /** Default: FILE.truth.json beside the episode. */
  truth?: string;
  json?: boolean;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10000) / 10000) : String(x);
}

/**
 * `concept-ebm check FILE.json ANSWER.json [--truth T] [--json]`: judge the
 * answer with the family checker (the family comes from the truth); print
 * ok/error per query and the score. Exit 0 whenever the check ran.
 */
export async function runCheck(args: CheckArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    const bundle = await loadBundle({
      episode: args.episode,
      truth: args.truth,
      answer: args.answer,
      requireTruth: true,
    });
    const check = judge(bundle)!;
    const family = bundle.truth!.family;
    if (args.json) {
      const report = {
        family,
        score: check.score,
        passed: check.passed,
        total: check.results.length,
        results: check.results,
      };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const w = String(Math.max(0, check.results.length - 1)).length;
    for (const r of check.results) {
      const reason = r.ok || !r.reason ? '' : `  (${r.reason})`;
      io.stdout(
        `query ${String(r.query).padStart(w)}  ${r.task.padEnd(8)}  ${r.ok ? 'ok   ' : 'WRONG'}  error ${fmt(r.error)}${reason}\n`,
      );
    }
    io.stdout(
      `score ${check.score.toFixed(3)} (${check.passed}/${check.results.length} ok) on concept "${family}"\n`,
    );
    return 0;
  });
}
