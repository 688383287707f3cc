/** Helpers for the agent-relative identification families (closest, farthest, between). */
import type { Scene } from '../world/types.js';
import { maskToSet } from '../world/types.js';
import { agentIndex } from '../world/scene.js';
import type { CheckResult } from './family.js';
import { fail, maskProblem } from './common.js';

/**
 * Validate an answer that must hold the agent and `count` other entities.
 * Returns the agent and the others, or a failing verdict.
 */
export function agentAnswer(
  scene: Scene,
  answer: readonly number[],
  count: number,
): { agent: number; others: number[] } | CheckResult {
  const problem = maskProblem(scene.entities.length, answer);
  if (problem) return fail(1, problem);
  const agent = agentIndex(scene);
  if (agent < 0) return fail(1, 'the scene has no agent (gray entity)');
  const set = maskToSet(answer);
  if (set.length !== count + 1) {
    return fail(
      Math.abs(set.length - count - 1),
      `expected the agent and ${count} entities, got ${set.length} entities`,
    );
  }
  if (!set.includes(agent)) return fail(1, 'the answer does not include the agent');
  return { agent, others: set.filter((i) => i !== agent) };
}

export function isVerdict(x: unknown): x is CheckResult {
  return typeof x === 'object' && x !== null && 'ok' in x;
}
