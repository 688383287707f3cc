/**
 * The robot-arm transfer of docs/METHOD.md: a concept code inferred from
 * particle-world demonstrations of move-between, then generation over the
 * arm's joint angles (the agent is the effector), with no retraining.
 * Success: the move-between checker (effector within 0.1 of the midpoint of
 * the two attended entities; the others stay put).
 */
import { getFamily } from '../concepts/index.js';
import { inferCodes } from '../inference/infer.js';
import { withoutPull, type ChainSettings } from '../inference/langevin.js';
import { reachBestOf } from '../inference/arm.js';
import type { InferenceSettings } from '../inference/settings.js';
import * as T from '../engine/index.js';
import type { EnergyModel } from '../model/model.js';
import { rngFor, type Rng } from '../random/rng.js';
import { agentIndex, cloneScene, distance } from '../world/scene.js';
import { armEffector, armReach, DEFAULT_ARM, randomPose, type ArmSpec } from '../world/arm.js';
import { midpoint, norm } from '../concepts/geometry.js';
import type { Event } from '../world/types.js';
import { sampleEpisode, stackEpisodes, type Episode } from '../training/batch.js';
import { batchTensors, disposeBatchTensors } from '../training/loss.js';
import type { EvalOptions, FamilyScore } from './evaluate.js';

/** A move-between test event whose agent stands at the effector of a random pose, with a reachable goal. */
export function armEvent(
  arm: ArmSpec,
  rng: Rng,
  entities?: number,
): { event: Event; angles: number[] } {
  const family = getFamily('move-between');
  for (let tries = 0; tries < 200; tries++) {
    const event = family.sample(rng, { entities });
    const agent = agentIndex(event.before);
    const others = event.attention
      .map((a, i) => (a >= 0.5 && i !== agent ? i : -1))
      .filter((i) => i >= 0);
    const [p, q] = others.map((i) => event.before.entities[i].pos);
    const mid = midpoint(p, q);
    if (norm(mid) > 0.95 * armReach(arm)) continue;
    const angles = randomPose(arm, rng);
    const start = armEffector(arm, angles);
    if (distance(start, mid) < 0.3) continue;
    const before = cloneScene(event.before);
    before.entities[agent].pos = start;
    const after = cloneScene(before);
    after.entities[agent].pos = mid;
    return { event: { before, after, attention: event.attention }, angles };
  }
  throw new Error('arm: could not draw a reachable move-between event');
}

/**
 * The chain over joint angles: the x-chain's noise and clamp, with more and
 * larger steps. A change of angle moves the effector by at most the lever arm
 * (the links sum to 1.2) and the gradient reaches the angles through the
 * kinematics, so positions-sized steps crawl. Measured on the shipped model
 * (200 reaches, seed 2024; steps / step size -> success): 30 / 0.2 -> 0.30,
 * 60 / 0.2 -> 0.52, 100 / 0.2 -> 0.63, 200 / 0.2 -> 0.71, 400 / 0.2 -> 0.77,
 * 100 / 0.4 -> 0.71, 200 / 0.4 -> 0.77.
 */
export const ARM_STEPS = 200;
export const ARM_STEP_SIZE = 0.4;

/**
 * Chains per reach: the event's start pose and 3 random poses, the answer of
 * lowest energy kept (`reachBestOf`), as identification keeps the best of 4
 * a-chains. Measured on 200 reaches, seed 2024 (one chain -> best of 4,
 * `scripts/arm-diagnosis.ts`): on two earlier models 0.765 -> 0.860 and
 * 0.710 -> 0.790.
 */
export const ARM_RESTARTS = 4;

export function armChain(
  settings: InferenceSettings,
  steps = ARM_STEPS,
  stepSize = ARM_STEP_SIZE,
): ChainSettings {
  // The arm descends over joint angles: the x-chain's pull toward the start is about scene states.
  return { ...withoutPull(settings.x), steps, stepSize };
}

/** Episode `i` of an arm evaluation: particle-world demos of move-between, and an arm event to answer. */
export function armItems(
  o: EvalOptions,
  ids: readonly number[],
  arm: ArmSpec = DEFAULT_ARM,
): { episode: Episode; event: Event; angles: number[] }[] {
  const family = getFamily('move-between');
  return ids.map((i) => {
    const rng = rngFor(o.seed, 'arm', i);
    const episode = sampleEpisode(
      'move-between',
      o.demos,
      o.entities ?? family.defaultEntities,
      rng.split('demos'),
    );
    return { episode, ...armEvent(arm, rng.split('query'), o.entities) };
  });
}

function checkRestarts(restarts: number): void {
  if (!(Number.isInteger(restarts) && restarts >= 1))
    throw new Error(`arm: restarts must be a whole number >= 1, got ${restarts}`);
}

/**
 * The start poses and chain noise of `restarts` reaches per episode: restart 0
 * is each event's own start pose with the noise of a single chain, so one
 * restart is exactly the one-chain reach; restart r > 0 draws its poses per
 * episode id (independent of chunking).
 */
export function armRestarts(
  o: EvalOptions,
  ids: readonly number[],
  items: readonly { angles: number[] }[],
  chainRng: Rng,
  restarts: number,
  arm: ArmSpec = DEFAULT_ARM,
): { starts: number[][][]; rngs: Rng[] } {
  checkRestarts(restarts);
  const starts = Array.from({ length: restarts }, (_, r) =>
    r === 0
      ? items.map((it) => it.angles)
      : ids.map((i) => randomPose(arm, rngFor(o.seed, 'arm-restart', i).split(String(r)))),
  );
  const rngs = Array.from({ length: restarts }, (_, r) => chainRng.split(r === 0 ? 'x' : `x${r}`));
  return { starts, rngs };
}

/** Chance for the arm: the event's start pose kept (no chain, one restart). */
export function evaluateArmStartPose(
  model: EnergyModel,
  settings: InferenceSettings,
  o: EvalOptions,
  arm: ArmSpec = DEFAULT_ARM,
): FamilyScore {
  return evaluateArm(model, settings, o, arm, { ...armChain(settings), steps: 0 }, 1);
}

export function evaluateArm(
  model: EnergyModel,
  settings: InferenceSettings,
  o: EvalOptions,
  arm: ArmSpec = DEFAULT_ARM,
  chain: ChainSettings = armChain(settings),
  restarts: number = ARM_RESTARTS,
): FamilyScore {
  checkRestarts(restarts);
  const family = getFamily('move-between');
  const chunk = o.chunk ?? 128;
  let successes = 0;
  let lenientSuccesses = 0;
  let errorSum = 0;
  for (let start = 0; start < o.episodes; start += chunk) {
    const ids = Array.from({ length: Math.min(chunk, o.episodes - start) }, (_, i) => start + i);
    const items = armItems(o, ids, arm);
    const batch = stackEpisodes(items.map((it) => it.episode));
    const t = batchTensors(batch, settings.attentionLogit);
    const rng = rngFor(o.seed, 'arm-chains', start);
    const { w } = inferCodes(model, t.demoStates, t.demoLogits, batch.demos, settings.w, {
      rng: rng.split('w'),
    });
    const { starts, rngs } = armRestarts(o, ids, items, rng, restarts, arm);
    const { angles } = reachBestOf(
      model,
      arm,
      items.map((it) => it.event.before),
      items.map((it) => it.event.attention),
      w,
      starts,
      chain,
      settings.attentionLogit,
      rngs,
    );
    T.dispose(w);
    disposeBatchTensors(t);
    items.forEach((it, b) => {
      const after = cloneScene(it.event.before);
      after.entities[agentIndex(after)].pos = armEffector(arm, angles[b]);
      // The arm moves the agent's position only: the strict and lenient judges agree unless the criterion does.
      const verdict =
        family.kind === 'generate'
          ? family.check(it.event.before, it.event.attention, after)
          : { ok: false, error: 0 };
      const lenient =
        family.kind === 'generate'
          ? family.check(it.event.before, it.event.attention, after, { lenient: true })
          : verdict;
      successes += verdict.ok ? 1 : 0;
      lenientSuccesses += lenient.ok ? 1 : 0;
      errorSum += verdict.error;
    });
  }
  return {
    family: 'move-between',
    kind: 'generate',
    episodes: o.episodes,
    successes,
    score: successes / Math.max(1, o.episodes),
    lenientSuccesses,
    lenientScore: lenientSuccesses / Math.max(1, o.episodes),
    meanError: errorSum / Math.max(1, o.episodes),
  };
}
