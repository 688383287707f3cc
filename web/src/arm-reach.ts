/**
 * The robot arm: its episode (the page's own when it shows move-between, else
 * a move-between episode of the same seed), its start pose with the effector
 * on the agent, the chain over joint angles toward the inferred concept, and
 * its panel with the checker's verdict.
 */
import { getFamily } from '../../src/concepts/index.js';
import { withoutPull } from '../../src/inference/langevin.js';
import { rngFor } from '../../src/random/rng.js';
import { armEffector, DEFAULT_ARM } from '../../src/world/arm.js';
import { agentIndex, cloneScene } from '../../src/world/scene.js';
import type { Scene } from '../../src/world/types.js';
import { solveIk } from './arm-pose.js';
import { inferJob, noteTiming } from './chain-jobs.js';
import { armChain, conceptChain } from './chains.js';
import { sceneSvgWithMarks } from './draw.js';
import { buildEpisode, judgeGeneration, type PageEpisode } from './episode.js';
import { el } from './page-dom.js';
import { chainSettings, conceptKey, rt, state, type ArmView } from './page-state.js';
import { verdictText } from './readout.js';

const ARM_SIZE = 240;

function armEpisode(): PageEpisode {
  return state.family === 'move-between' && rt.episode
    ? rt.episode
    : buildEpisode(state, 'move-between');
}

function armStart(ep: PageEpisode): { start: Scene; angles: number[] } {
  const start = cloneScene(ep.query.scene);
  const agent = agentIndex(start);
  const angles = solveIk(DEFAULT_ARM, start.entities[agent].pos);
  start.entities[agent].pos = armEffector(DEFAULT_ARM, angles);
  return { start, angles };
}

export function* armJob(): Generator<void, void, void> {
  const model = rt.model!;
  const ep = armEpisode();
  let code: Float32Array;
  if (ep === rt.episode) code = yield* inferJob(ep, false);
  else {
    const key = conceptKey(ep);
    if (rt.armConcept?.key === key) code = rt.armConcept.code;
    else {
      const chain = chainSettings('w');
      rt.plots.w = [];
      rt.plotSteps.w = chain.steps;
      rt.counter = { name: 'w-chain (move-between, for the arm)', step: 0, steps: chain.steps };
      code = yield* conceptChain(
        model.model,
        ep.demos,
        chain,
        model.inference.attentionLogit,
        rngFor(state.seed, 'playground', 'w-arm'),
        (r) => {
          rt.plots.w.push(r.energy);
          rt.counter.step = r.k;
        },
      );
      rt.armConcept = { code, key };
    }
  }
  const { start, angles } = armStart(ep);
  // Joint angles, not a scene: the x-chain's pull toward the start does not apply.
  const chain = withoutPull(chainSettings('x'));
  const view: ArmView = {
    start,
    attention: ep.query.attention.slice(),
    angles,
    scene: start,
    effectorPath: [start],
    step: 0,
    steps: chain.steps,
    done: false,
    verdict: null,
  };
  rt.arm = view;
  rt.plots.x = [];
  rt.plotSteps.x = chain.steps;
  rt.counter = { name: 'arm chain (joint angles)', step: 0, steps: chain.steps };
  yield* armChain(
    model.model,
    DEFAULT_ARM,
    start,
    view.attention,
    code,
    angles,
    chain,
    model.inference.attentionLogit,
    rngFor(state.seed, 'playground', 'arm', state.query),
    (r, ang, scene) => {
      view.angles = ang;
      view.scene = scene;
      if (r.k > 0) view.effectorPath.push(scene);
      view.step = r.k;
      rt.counter.step = r.k;
      rt.plots.x.push(r.energy);
      noteTiming('arm', r, scene.entities.length);
    },
  );
  view.verdict = judgeGeneration(getFamily('move-between'), start, view.attention, view.scene);
  view.done = true;
}

export function renderArm(): void {
  let view = rt.arm;
  if (!view) {
    try {
      const ep = armEpisode();
      const { start, angles } = armStart(ep);
      view = {
        start,
        attention: ep.query.attention,
        angles,
        scene: start,
        effectorPath: [start],
        step: 0,
        steps: 0,
        done: false,
        verdict: null,
      };
    } catch (e) {
      el.armScene.textContent = `cannot draw the arm's scene: ${(e as Error).message}`;
      return;
    }
  }
  el.armScene.innerHTML = sceneSvgWithMarks(
    {
      title: `arm reach: step ${view.step} / ${view.steps}`,
      scene: view.scene,
      before: view.start,
      trajectory: view.effectorPath,
      attention: view.attention,
      subtitle: view.verdict ? (view.verdict.ok ? 'checker: ok' : 'checker: wrong') : undefined,
      status: view.verdict ? (view.verdict.ok ? 'ok' : 'fail') : undefined,
    },
    { arm: { spec: DEFAULT_ARM, angles: view.angles } },
    ARM_SIZE,
  );
  el.armVerdict.textContent = view.verdict ? verdictText('move-between', view.verdict) : '';
}
