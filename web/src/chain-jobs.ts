/**
 * The page's chains as runner jobs: infer the concept of the demonstrations
 * (w-chain, kept while demos and knobs stay), identify the query's set
 * (a-chain and the model's restarts), generate the query's next state
 * (x-chain, under one concept or a composition of the two kept ones), and
 * keep the inferred concept as A or B. Each job records its energies, step
 * counter and step times in `rt` as it goes.
 */
import { whoMoves } from '../../src/concepts/family.js';
import { rngFor } from '../../src/random/rng.js';
import { agentIndex, cloneScene } from '../../src/world/scene.js';
import {
  conceptChain,
  generateChain,
  identifyChain,
  identifyRestarts,
  type StateObjective,
  type StepReport,
} from './chains.js';
import { judgeGeneration, judgeIdentification, type PageEpisode } from './episode.js';
import {
  chainSettings,
  conceptKey,
  conceptLabel,
  rt,
  state,
  writeHash,
  type View,
} from './page-state.js';

export function noteTiming(chain: string, r: StepReport, n: number): void {
  if (r.k === 0) return;
  const key = `${chain}:${n}`;
  const t = (rt.timing[key] ??= { ms: [] });
  t.ms.push(r.ms);
  if (t.ms.length > 500) t.ms.shift();
}

export function* inferJob(ep: PageEpisode, force: boolean): Generator<void, Float32Array, void> {
  const model = rt.model!;
  const key = conceptKey(ep);
  if (!force && rt.concept && rt.concept.key === key) return rt.concept.code;
  const chain = chainSettings('w');
  rt.plots.w = [];
  rt.plotSteps.w = chain.steps;
  rt.counter = { name: 'w-chain (infer concept)', step: 0, steps: chain.steps };
  const code = yield* conceptChain(
    model.model,
    ep.demos,
    chain,
    model.inference.attentionLogit,
    rngFor(state.seed, 'playground', 'w'),
    (r, c) => {
      rt.plots.w.push(r.energy);
      rt.counter.step = r.k;
      noteTiming('w', r, ep.demos[0].after.entities.length);
      rt.concept = { code: c, key: r.k === chain.steps ? key : '', label: conceptLabel(ep) };
    },
  );
  rt.concept = { code, key, label: conceptLabel(ep) };
  return code;
}

export function* identifyJob(ep: PageEpisode): Generator<void, void, void> {
  const model = rt.model!;
  const code = yield* inferJob(ep, false);
  const chain = chainSettings('a');
  const n = ep.query.scene.entities.length;
  const view: Extract<View, { kind: 'identify' }> = {
    kind: 'identify',
    probs: new Array<number>(n).fill(0.5),
    step: 0,
    steps: chain.steps,
    done: false,
    answer: null,
    verdict: null,
    bestOf: null,
  };
  rt.view = view;
  rt.plots.a = [];
  rt.plotSteps.a = chain.steps;
  rt.counter = { name: 'a-chain (identify)', step: 0, steps: chain.steps };
  const rng = rngFor(state.seed, 'playground', 'a', state.query);
  const first = yield* identifyChain(
    model.model,
    ep.query.scene,
    code,
    chain,
    model.inference.attentionRange,
    rng,
    (r, p) => {
      view.probs = p;
      view.step = r.k;
      rt.counter.step = r.k;
      rt.plots.a.push(r.energy);
      noteTiming('a', r, n);
    },
  );
  // The animated chain is the first of the model's restarts; the rest run at once, as eval runs them
  // (none where the model's a.enumerate covers the scene: the answer is then the lowest-energy set).
  const best = identifyRestarts(
    model.model,
    ep.query.scene,
    code,
    chain,
    model.inference.attentionRange,
    model.inference.attentionLogit,
    rng,
    first,
  );
  view.probs = best.probs;
  if (best.restarts > 1 || best.polished > 0 || best.enumerated)
    view.bestOf = {
      chosen: best.chosen,
      restarts: best.restarts,
      polished: best.polished,
      enumerated: best.enumerated,
    };
  view.answer = best.probs.map((p) => (p > 0.5 ? 1 : 0));
  view.verdict = judgeIdentification(ep.family, ep.query.scene, view.answer);
  view.done = true;
}

export function* generateJob(ep: PageEpisode, composed: boolean): Generator<void, void, void> {
  const model = rt.model!;
  let objective: StateObjective;
  let label: string | null = null;
  if (composed) {
    const { a, b, op, notWeight, temperature } = state.compose;
    if (!a || !b) throw new Error('keep two concepts (A and B) first');
    objective = {
      kind: 'compose',
      op,
      codes: [Float32Array.from(a.code), Float32Array.from(b.code)],
      options: { notWeight, temperature },
    };
    label =
      op === 'and'
        ? 'A AND B'
        : op === 'or'
          ? `A OR B (T = ${temperature})`
          : `A AND NOT B (λ = ${notWeight})`;
  } else {
    objective = { kind: 'concept', code: yield* inferJob(ep, false) };
  }
  const chain = chainSettings('x');
  const start = cloneScene(ep.query.scene);
  const attention = ep.query.attention.slice();
  const movable = whoMoves(start, attention, agentIndex(start));
  const view: Extract<View, { kind: 'generate' }> = {
    kind: 'generate',
    composed: label,
    start,
    attention,
    states: [start],
    step: 0,
    // The chain, then its refit (x.refit) on what moved.
    steps: chain.steps + (chain.refit ?? 0),
    done: false,
    verdict: null,
  };
  rt.view = view;
  rt.plots.x = [];
  rt.plotSteps.x = chain.steps + (chain.refit ?? 0);
  rt.counter = {
    name: composed ? `x-chain (${label})` : 'x-chain (generate)',
    step: 0,
    steps: chain.steps + (chain.refit ?? 0),
  };
  const n = start.entities.length;
  const after = yield* generateChain(
    model.model,
    start,
    attention,
    movable,
    objective,
    chain,
    model.inference.attentionLogit,
    rngFor(state.seed, 'playground', composed ? 'compose' : 'x', state.query),
    (r, scene) => {
      if (r.k > 0) view.states.push(scene);
      view.step = r.k;
      rt.counter.step = r.k;
      rt.plots.x.push(r.energy);
      noteTiming('x', r, n);
    },
  );
  view.verdict = composed ? null : judgeGeneration(ep.family, start, attention, after);
  view.done = true;
}

export function* keepJob(ep: PageEpisode, slot: 'a' | 'b'): Generator<void, void, void> {
  const code = yield* inferJob(ep, false);
  state.compose[slot] = { label: conceptLabel(ep), code: Array.from(code) };
  writeHash();
}
