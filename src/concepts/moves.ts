/** Helpers shared by the move-* generation families (the agent moves, the attended others stay). */
import type { CheckResult } from './family.js';
import type { GenerationContext } from './common.js';
import { fail } from './common.js';

/** The attention must mark the agent and exactly `count` other entities; returns a failing verdict otherwise. */
export function agentMoveProblem(ctx: GenerationContext, count: number): CheckResult | null {
  if (ctx.agent < 0) return fail(1, 'the scene has no agent (gray entity)');
  if (!ctx.attended.includes(ctx.agent)) return fail(1, 'the agent is not attended');
  if (ctx.others.length !== count) {
    return fail(
      Math.abs(ctx.others.length - count),
      `attention must mark the agent and ${count} entit${count === 1 ? 'y' : 'ies'}, got ${ctx.others.length}`,
    );
  }
  return null;
}
