/**
 * The playground page: one typed state (in the URL's hash), an episode drawn
 * from it, and chains stepped a few at a time by the runner.
 */
import './style.css';
import { FAMILY_NAMES, whoMoves, type CheckResult } from '../../src/concepts/family.js';
import { getFamily } from '../../src/concepts/index.js';
import { backendName, initEngine } from '../../src/engine/index.js';
import { withoutPull, type ChainSettings } from '../../src/inference/langevin.js';
import { DEFAULT_INFERENCE } from '../../src/inference/settings.js';
import { DEFAULT_MODEL_CONFIG } from '../../src/model/config.js';
import { EnergyModel } from '../../src/model/model.js';
import type { TrainedModel } from '../../src/inference/trained-data.js';
import { Rng, rngFor } from '../../src/random/rng.js';
import { armEffector, DEFAULT_ARM } from '../../src/world/arm.js';
import { AGENT_COLOR, agentIndex, cloneScene, isAgent, PALETTE } from '../../src/world/scene.js';
import { panelLayout, type Panel } from '../../src/world/svg.js';
import type { Rgb, Scene } from '../../src/world/types.js';
import { solveIk } from './arm-pose.js';
import {
  armChain,
  conceptChain,
  generateChain,
  identifyChain,
  identifyRestarts,
  landscapeJob,
  type Landscape,
  type StateObjective,
  type StepReport,
} from './chains.js';
import { CHAIN_COLORS, codeSvg, drawLandscape, plotSvg, sceneSvgWithMarks } from './draw.js';
import {
  buildEpisode,
  describeSet,
  judgeGeneration,
  judgeIdentification,
  type PageEpisode,
} from './episode.js';
import { loadModelFrom } from './model-loader.js';
import { Runner } from './runner.js';
import {
  CHAIN_NAMES,
  decodeState,
  encodeState,
  knobsFrom,
  normalizeState,
  type ChainName,
  type PlaygroundState,
} from './state.js';

// ---------------------------------------------------------------- runtime state

type View =
  | { kind: 'idle' }
  | {
      kind: 'identify';
      probs: number[];
      step: number;
      steps: number;
      done: boolean;
      answer: number[] | null;
      verdict: CheckResult | null;
      /** With the model's a.restarts > 1 or a.polish > 0: which chain's answer was kept, of how many, and the polish's moves. */
      bestOf: { chosen: number; restarts: number; polished: number } | null;
    }
  | {
      kind: 'generate';
      /** Null for one concept; the composition's description otherwise. */
      composed: string | null;
      start: Scene;
      attention: number[];
      states: Scene[];
      step: number;
      steps: number;
      done: boolean;
      verdict: CheckResult | null;
    };

interface ArmView {
  start: Scene;
  attention: number[];
  angles: number[];
  scene: Scene;
  effectorPath: Scene[];
  step: number;
  steps: number;
  done: boolean;
  verdict: CheckResult | null;
}

interface Timing {
  /** Milliseconds of each Langevin step (the last 500). */
  ms: number[];
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const SCENE_SIZE = 380;
const ARM_SIZE = 240;
const GRID = 24;

let state: PlaygroundState = decodeState(location.hash).state;
const rt = {
  model: null as TrainedModel | null,
  untrained: false,
  episode: null as PageEpisode | null,
  episodeError: '',
  target: 'query' as 'query' | number,
  selected: -1,
  concept: null as { code: Float32Array; key: string; label: string } | null,
  armConcept: null as { code: Float32Array; key: string } | null,
  plots: { w: [] as number[], a: [] as number[], x: [] as number[] },
  plotSteps: { w: 0, a: 0, x: 0 },
  counter: { name: '', step: 0, steps: 0 },
  view: { kind: 'idle' } as View,
  arm: null as ArmView | null,
  landscape: null as Landscape | null,
  landscapeKey: '',
  timing: {} as Record<string, Timing>,
  message: '',
  demosKey: '',
};

// ---------------------------------------------------------------- DOM

const $ = <E extends HTMLElement = HTMLElement>(id: string): E => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as E;
};

const el = {
  status: $('model-status'),
  noModel: $('no-model'),
  noModelText: $('no-model-text'),
  untrained: $<HTMLButtonElement>('untrained'),
  family: $<HTMLSelectElement>('family'),
  seed: $<HTMLInputElement>('seed'),
  demos: $<HTMLInputElement>('demos'),
  entities: $<HTMLInputElement>('entities'),
  familyDescription: $('family-description'),
  demosStrip: $('demos-strip'),
  editingLabel: $('editing-label'),
  palette: $('palette'),
  scene: $('scene'),
  stepCounter: $('step-counter'),
  chainName: $('chain-name'),
  answer: $('answer'),
  truthLine: $('truth-line'),
  verdict: $('verdict'),
  timing: $('timing'),
  speed: $<HTMLSelectElement>('speed'),
  knobRows: $('knob-rows'),
  plots: $('plots'),
  code: $('code'),
  conceptLabel: $('concept-label'),
  landscapeEntity: $<HTMLSelectElement>('landscape-entity'),
  landscape: $<HTMLCanvasElement>('landscape'),
  landscapeInfo: $('landscape-info'),
  keptA: $('kept-a'),
  keptB: $('kept-b'),
  composeOp: $<HTMLSelectElement>('compose-op'),
  notWeight: $<HTMLInputElement>('not-weight'),
  temperature: $<HTMLInputElement>('temperature'),
  armScene: $('arm-scene'),
  armVerdict: $('arm-verdict'),
  link: $<HTMLInputElement>('link'),
  stateJson: $('state-json'),
  footer: $('footer'),
};

const runButtons = [
  'infer',
  'identify',
  'generate',
  'generate-composed',
  'reach',
  'keep-a',
  'keep-b',
].map((id) => $<HTMLButtonElement>(id));

// ---------------------------------------------------------------- state plumbing

function writeHash(): void {
  state = normalizeState(state);
  const hash = `#${encodeState(state)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  el.link.value = location.href;
  el.stateJson.textContent = encodeState(state);
}

/** The episode changed (family, seed, sizes, edits): redraw it and forget what depended on it. */
function rebuildEpisode(): void {
  runner.cancel();
  try {
    rt.episode = buildEpisode(state);
    rt.episodeError = '';
  } catch (e) {
    rt.episode = null;
    rt.episodeError = (e as Error).message;
  }
  rt.view = { kind: 'idle' };
  rt.arm = null;
  rt.counter = { name: '', step: 0, steps: 0 };
  if (typeof rt.target === 'number' && rt.target >= state.demos) rt.target = 'query';
  rt.selected = -1;
}

function changeState(mutate: (s: PlaygroundState) => void, rebuild = true): void {
  mutate(state);
  writeHash();
  if (rebuild) rebuildEpisode();
  render();
}

function conceptKey(ep: PageEpisode): string {
  return JSON.stringify([ep.family.name, ep.demos, state.knobs.w]);
}

function chainSettings(c: ChainName): ChainSettings {
  const base = (rt.model?.inference ?? DEFAULT_INFERENCE)[c];
  return {
    ...base,
    steps: state.knobs[c].steps,
    stepSize: state.knobs[c].stepSize,
    noise: state.knobs[c].noise,
  };
}

function conceptLabel(ep: PageEpisode): string {
  return `${ep.family.name}${ep.editedDemos ? ' (edited)' : ''}, seed ${state.seed}, ${ep.demos.length} demos`;
}

// ---------------------------------------------------------------- chains

function noteTiming(chain: string, r: StepReport, n: number): void {
  if (r.k === 0) return;
  const key = `${chain}:${n}`;
  const t = (rt.timing[key] ??= { ms: [] });
  t.ms.push(r.ms);
  if (t.ms.length > 500) t.ms.shift();
}

function* inferJob(ep: PageEpisode, force: boolean): Generator<void, Float32Array, void> {
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

function* identifyJob(ep: PageEpisode): Generator<void, void, void> {
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
  // The animated chain is the first of the model's restarts; the rest run at once, as eval runs them.
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
  if (best.restarts > 1 || best.polished > 0)
    view.bestOf = { chosen: best.chosen, restarts: best.restarts, polished: best.polished };
  view.answer = best.probs.map((p) => (p > 0.5 ? 1 : 0));
  view.verdict = judgeIdentification(ep.family, ep.query.scene, view.answer);
  view.done = true;
}

function* generateJob(ep: PageEpisode, composed: boolean): Generator<void, void, void> {
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

function* armJob(): Generator<void, void, void> {
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

function* keepJob(ep: PageEpisode, slot: 'a' | 'b'): Generator<void, void, void> {
  const code = yield* inferJob(ep, false);
  state.compose[slot] = { label: conceptLabel(ep), code: Array.from(code) };
  writeHash();
}

const runner = new Runner({
  changed: () => render(),
  ended: (name, _result, error) => {
    if (error) {
      rt.message = `${name} failed: ${(error as Error).message ?? String(error)}`;
      console.error(error);
    }
    render();
  },
});

function start(name: string, job: () => Generator<void, unknown, void>): void {
  if (!rt.model) {
    rt.message = 'no model loaded';
    render();
    return;
  }
  if (!rt.episode) return;
  rt.message = '';
  runner.start(name, job());
  render();
}

// ---------------------------------------------------------------- landscape

function landscapeEntity(scene: Scene, attention: readonly number[]): number {
  const n = scene.entities.length;
  if (state.landscape >= 0 && state.landscape < n) return state.landscape;
  const agent = agentIndex(scene);
  if (agent >= 0) return agent;
  const movable = whoMoves(scene, attention, -1).indexOf(1);
  return movable >= 0 ? movable : 0;
}

const logit = (p: number, range: number) =>
  Math.max(-range, Math.min(range, Math.log(p / (1 - p))));

/** What the landscape shows now: scene, attention logits, objective, entity and the chain path. */
function landscapeInputs(): {
  scene: Scene;
  logits: number[];
  objective: StateObjective | null;
  entity: number;
  path: [number, number][];
  why: string;
} | null {
  const ep = rt.episode;
  const model = rt.model;
  if (!ep || !model) return null;
  const view = rt.view;
  const L = model.inference.attentionLogit;
  let scene = ep.query.scene;
  let attention: number[] = ep.query.attention;
  let logits = attention.map((a) => (a >= 0.5 ? L : -L));
  let objective: StateObjective | null = null;
  let why = '';
  if (view.kind === 'generate') {
    scene = view.states[view.states.length - 1];
    attention = view.attention;
    logits = attention.map((a) => (a >= 0.5 ? L : -L));
    if (view.composed) {
      const { a, b, op, notWeight, temperature } = state.compose;
      if (a && b) {
        objective = {
          kind: 'compose',
          op,
          codes: [Float32Array.from(a.code), Float32Array.from(b.code)],
          options: { notWeight, temperature },
        };
        why = view.composed;
      }
    }
  } else if (view.kind === 'identify') {
    logits = view.probs.map((p) =>
      logit(Math.min(1 - 1e-6, Math.max(1e-6, p)), model.inference.attentionRange),
    );
    why = "attention: the a-chain's";
  }
  if (!objective && rt.concept && rt.concept.key === conceptKey(ep)) {
    objective = { kind: 'concept', code: rt.concept.code };
  }
  // Chosen on the start scene: a generated state may have recoloured the agent.
  const entity = landscapeEntity(ep.query.scene, attention);
  const path: [number, number][] =
    view.kind === 'generate'
      ? view.states.map((s) => [s.entities[entity].pos[0], s.entities[entity].pos[1]])
      : [[scene.entities[entity].pos[0], scene.entities[entity].pos[1]]];
  return { scene, logits, objective, entity, path, why };
}

function updateLandscape(): void {
  const inputs = landscapeInputs();
  if (!inputs || !inputs.objective || !rt.model) {
    rt.landscape = null;
    rt.landscapeKey = '';
    runner.setBackground(null);
    return;
  }
  const { scene, logits, objective, entity } = inputs;
  const held = scene.entities.map((e, i) => (i === entity ? { color: e.color } : e));
  const key = JSON.stringify([
    held,
    logits.map((v) => Math.round(v * 1e4) / 1e4),
    objective.kind === 'concept'
      ? Array.from(objective.code)
      : [objective.op, objective.options, objective.codes.map((c) => Array.from(c))],
    entity,
  ]);
  if (key === rt.landscapeKey) return;
  rt.landscapeKey = key;
  const land: Landscape = {
    grid: GRID,
    entity,
    values: new Float32Array(GRID * GRID).fill(Number.NaN),
    rowsDone: 0,
  };
  rt.landscape = land;
  runner.setBackground(landscapeJob(rt.model.model, scene, logits, objective, land));
}

// ---------------------------------------------------------------- rendering

const fmt = (v: number, d = 3) =>
  Number.isFinite(v) ? String(Math.round(v * 10 ** d) / 10 ** d) : String(v);

function verdictText(family: string, v: CheckResult | null): string {
  if (!v) return 'checker: –';
  return `checker (${family}): ${v.ok ? 'ok' : 'wrong'}${Number.isFinite(v.error) ? `, error ${fmt(v.error)}` : ''}${v.ok || !v.reason ? '' : ` (${v.reason})`}`;
}

function renderControls(): void {
  el.family.value = state.family;
  if (document.activeElement !== el.seed) el.seed.value = String(state.seed);
  if (document.activeElement !== el.demos) el.demos.value = String(state.demos);
  if (document.activeElement !== el.entities) el.entities.value = String(state.entities);
  el.speed.value = String(state.speed);
  if (el.speed.value !== String(state.speed)) {
    const o = document.createElement('option');
    o.value = String(state.speed);
    o.textContent = `${state.speed} steps/s`;
    el.speed.append(o);
    el.speed.value = String(state.speed);
  }
  runner.speed = state.speed;
  for (const c of CHAIN_NAMES) {
    for (const f of ['steps', 'stepSize', 'noise'] as const) {
      const input = document.getElementById(`knob-${c}-${f}`) as HTMLInputElement | null;
      if (input && document.activeElement !== input) input.value = String(state.knobs[c][f]);
    }
  }
  el.composeOp.value = state.compose.op;
  if (document.activeElement !== el.notWeight) el.notWeight.value = String(state.compose.notWeight);
  if (document.activeElement !== el.temperature)
    el.temperature.value = String(state.compose.temperature);
  el.keptA.textContent = `A: ${state.compose.a?.label ?? '–'}`;
  el.keptB.textContent = `B: ${state.compose.b?.label ?? '–'}`;
  const ready = Boolean(rt.model && rt.episode);
  for (const b of runButtons) b.disabled = !ready;
  $<HTMLButtonElement>('generate-composed').disabled =
    !ready || !state.compose.a || !state.compose.b;
  $<HTMLButtonElement>('play').disabled = !runner.paused;
  $<HTMLButtonElement>('pause').disabled = runner.paused;
  $<HTMLButtonElement>('single-step').disabled = !runner.running || !runner.paused;
}

function renderDemos(ep: PageEpisode): void {
  const key = JSON.stringify([ep.demos, rt.target, ep.family.name]);
  if (key === rt.demosKey) return;
  rt.demosKey = key;
  el.demosStrip.replaceChildren(
    ...ep.demos.map((d, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `demo${rt.target === i ? ' editing' : ''}`;
      b.dataset.index = String(i);
      b.title = `demonstration ${i}: click to edit`;
      b.innerHTML = sceneSvgWithMarks(
        { title: `demo ${i}`, scene: d.after, before: d.before, attention: d.attention },
        {},
        104,
      );
      b.addEventListener('click', () => {
        rt.target = rt.target === i ? 'query' : i;
        rt.selected = -1;
        render();
      });
      return b;
    }),
  );
}

function targetOf(ep: PageEpisode): { scene: Scene; attention: number[]; before?: Scene } {
  if (typeof rt.target === 'number') {
    const d = ep.demos[rt.target];
    return { scene: d.after, attention: d.attention, before: d.before };
  }
  return { scene: ep.query.scene, attention: ep.query.attention };
}

function renderScene(ep: PageEpisode): void {
  const view = rt.view;
  let panel: Panel;
  let phase = 'idle';
  const marks: Parameters<typeof sceneSvgWithMarks>[1] = { numbers: true };
  const task = ep.family.kind === 'identify' ? 'identify' : 'generate';
  if (typeof rt.target === 'number') {
    const t = targetOf(ep);
    panel = {
      title: `demonstration ${rt.target} (editing)`,
      scene: t.scene,
      before: t.before,
      attention: t.attention,
    };
    marks.selected = rt.selected;
    phase = 'editing-demo';
  } else if (view.kind === 'identify') {
    panel = {
      title: `query: identify (${ep.family.name})`,
      scene: ep.query.scene,
      attention: view.probs,
    };
    marks.truth = ep.family.kind === 'identify' ? ep.query.attention : undefined;
    marks.answer = view.answer ?? undefined;
    if (view.done && view.verdict) {
      panel.subtitle = view.verdict.ok ? 'checker: ok' : 'checker: wrong';
      panel.status = view.verdict.ok ? 'ok' : 'fail';
    }
    phase = view.done ? 'identify-done' : 'identify-running';
  } else if (view.kind === 'generate') {
    panel = {
      title: view.composed
        ? `query: generate under ${view.composed}`
        : `query: generate (${ep.family.name})`,
      scene: view.states[view.states.length - 1],
      before: view.start,
      trajectory: view.states,
      attention: view.attention,
    };
    if (view.done) {
      if (view.verdict) {
        panel.subtitle = view.verdict.ok ? 'checker: ok' : 'checker: wrong';
        panel.status = view.verdict.ok ? 'ok' : 'fail';
      } else
        panel.subtitle = view.composed
          ? 'composition: no single checker'
          : 'no checker (identification family)';
    }
    phase = view.done ? 'generate-done' : 'generate-running';
  } else {
    panel = {
      title: `query (${task}${ep.editedQuery ? ', edited' : ''})`,
      scene: ep.query.scene,
      attention: ep.query.attention,
      subtitle:
        task === 'identify'
          ? 'halos: the true set (click to change)'
          : 'halos: the given attention',
    };
    marks.selected = rt.selected;
  }
  el.scene.innerHTML = sceneSvgWithMarks(panel, marks, SCENE_SIZE);
  el.scene.dataset.phase = phase;
  el.scene.dataset.step = String(view.kind === 'idle' ? 0 : view.step);
  el.scene.dataset.steps = String(view.kind === 'idle' ? 0 : view.steps);
  el.editingLabel.textContent =
    typeof rt.target === 'number'
      ? `Editing demonstration ${rt.target} (click it again to go back to the query)`
      : 'Editing the query';
}

function renderReadout(ep: PageEpisode): void {
  const view = rt.view;
  el.stepCounter.textContent = `${rt.counter.step} / ${rt.counter.steps}`;
  el.chainName.textContent =
    rt.counter.name + (runner.running ? (runner.paused ? ' (paused)' : ' (running)') : '');
  if (view.kind === 'identify') {
    el.answer.dataset.probabilities = view.probs.map((p) => fmt(p, 4)).join(',');
    el.answer.dataset.mask = view.answer ? view.answer.join(',') : '';
    el.answer.textContent = view.answer
      ? `model's answer: ${describeSet(view.answer)}  (sigmoid(a) = ${view.probs.map((p) => fmt(p, 2)).join(', ')})` +
        (view.bestOf && view.bestOf.restarts > 1
          ? `; the lowest-energy answer of ${view.bestOf.restarts} a-chains: chain ${view.bestOf.chosen + 1}${view.bestOf.chosen === 0 ? ' (the one shown)' : ''}`
          : '') +
        (view.bestOf && view.bestOf.polished > 0
          ? `; then polished: ${view.bestOf.polished} move${view.bestOf.polished === 1 ? '' : 's'} to a set one or two entities away, of lower energy`
          : '')
      : `identifying… sigmoid(a) = ${view.probs.map((p) => fmt(p, 2)).join(', ')}`;
  } else {
    el.answer.dataset.mask = '';
    el.answer.dataset.probabilities = '';
    el.answer.textContent = "model's answer: –";
  }
  el.truthLine.textContent =
    ep.family.kind === 'identify'
      ? `true set (green dots): ${describeSet(ep.query.attention)}${ep.editedQuery ? ' (as edited)' : ''}`
      : `given attention: ${describeSet(ep.query.attention)}; who moves: ${describeSet(whoMoves(ep.query.scene, ep.query.attention, agentIndex(ep.query.scene)))}`;
  let verdict: CheckResult | null = null;
  if (view.kind === 'identify' && view.done) verdict = view.verdict;
  if (view.kind === 'generate' && view.done) verdict = view.verdict;
  const finished = (view.kind === 'identify' || view.kind === 'generate') && view.done;
  el.verdict.dataset.ok = verdict ? (verdict.ok ? '1' : '0') : finished ? 'none' : '';
  el.verdict.className = verdict ? (verdict.ok ? 'ok' : 'fail') : '';
  el.verdict.textContent = verdict
    ? verdictText(ep.family.name, verdict)
    : finished
      ? view.kind === 'generate' && view.composed
        ? 'checker: none for a composition'
        : `checker: none (${ep.family.name} is an ${ep.family.kind === 'identify' ? 'identification' : 'generation'} family)`
      : 'checker: –';
  const parts: string[] = [];
  for (const [key, t] of Object.entries(rt.timing)) {
    const [chain, n] = key.split(':');
    const m = median(t.ms);
    const mean = t.ms.reduce((a, b) => a + b, 0) / t.ms.length;
    parts.push(
      `${chain === 'arm' ? 'arm' : `${chain}-chain`} (N = ${n}): median ${fmt(m, 2)} ms, mean ${fmt(mean, 2)} ms over ${t.ms.length} steps`,
    );
    const name = chain === 'arm' ? 'Arm' : chain.toUpperCase();
    el.timing.dataset[`ms${name}`] = fmt(m, 3);
    el.timing.dataset[`mean${name}`] = fmt(mean, 3);
  }
  el.timing.textContent = parts.length ? `One Langevin step takes: ${parts.join('; ')}` : '';
}

function renderPlots(): void {
  el.plots.innerHTML = CHAIN_NAMES.map((c) =>
    plotSvg(
      rt.plots[c],
      rt.plotSteps[c],
      c === 'w'
        ? 'w-chain: mean demo energy'
        : c === 'a'
          ? 'a-chain: E(x, a, w)'
          : 'x-chain: E(x, a, w)',
      CHAIN_COLORS[c],
    ),
  ).join('');
  el.code.innerHTML = codeSvg(rt.concept?.code ?? null, 220, 30);
  const fresh = rt.concept && rt.episode && rt.concept.key === conceptKey(rt.episode);
  el.conceptLabel.textContent = rt.concept
    ? `${rt.concept.label}${fresh ? '' : ' (stale: demos or knobs changed)'}`
    : 'not inferred yet';
}

function renderLandscape(ep: PageEpisode): void {
  updateLandscape();
  const inputs = landscapeInputs();
  const n = (inputs?.scene ?? ep.query.scene).entities.length;
  const options = [['-1', 'auto (the agent, or who moves)']].concat(
    Array.from({ length: n }, (_, i) => [
      String(i),
      `entity ${i}${isAgent(ep.query.scene.entities[i] ?? { pos: [0, 0], color: [0, 0, 0] }) ? ' (agent)' : ''}`,
    ]),
  );
  const sig = options.map((o) => o.join(':')).join('|');
  if (el.landscapeEntity.dataset.sig !== sig) {
    el.landscapeEntity.dataset.sig = sig;
    el.landscapeEntity.replaceChildren(
      ...options.map(([v, t]) => {
        const o = document.createElement('option');
        o.value = v;
        o.textContent = t;
        return o;
      }),
    );
  }
  el.landscapeEntity.value = String(state.landscape < n ? state.landscape : -1);
  const range = drawLandscape(
    el.landscape,
    rt.landscape,
    inputs?.scene ?? ep.query.scene,
    inputs && rt.landscape ? inputs.path : [],
  );
  if (!rt.model) el.landscapeInfo.textContent = 'no model loaded';
  else if (!rt.landscape)
    el.landscapeInfo.textContent = 'Infer a concept first: the landscape is E under its code.';
  else {
    const land = rt.landscape;
    el.landscapeInfo.innerHTML =
      `E(x, a, w) with entity ${land.entity} moved over a ${GRID}×${GRID} grid, everything else held` +
      `${inputs?.why ? ` (${inputs.why})` : ''}.<br>Dark: low energy (log scale); the white square marks the lowest cell; ` +
      `the white line is the chain's path.<br>` +
      (range ? `E from ${fmt(range.lo)} to ${fmt(range.hi)}` : '') +
      (land.rowsDone < GRID ? ` — computing, ${land.rowsDone}/${GRID} rows` : '');
  }
  el.landscape.dataset.rows = String(rt.landscape?.rowsDone ?? 0);
}

function renderArm(): void {
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

function render(): void {
  renderControls();
  const ep = rt.episode;
  if (!ep) {
    el.scene.textContent = `cannot draw this episode: ${rt.episodeError}`;
    return;
  }
  el.familyDescription.textContent = `${ep.family.kind === 'identify' ? 'Identification' : 'Generation'}: ${ep.family.description}. Checker: ${ep.family.checkerDescription}`;
  renderDemos(ep);
  renderScene(ep);
  renderReadout(ep);
  renderPlots();
  renderLandscape(ep);
  renderArm();
  el.footer.textContent = rt.message;
}

// ---------------------------------------------------------------- editing

function pointerWorld(ev: PointerEvent): [number, number] | null {
  const svg = el.scene.querySelector('svg');
  if (!svg) return null;
  const rect = svg.getBoundingClientRect();
  const layout = panelLayout(SCENE_SIZE);
  const px = ((ev.clientX - rect.left) / rect.width) * layout.width;
  const py = ((ev.clientY - rect.top) / rect.height) * layout.height;
  return [((px - layout.boxX) / layout.size) * 2 - 1, 1 - ((py - layout.boxY) / layout.size) * 2];
}

function hit(scene: Scene, p: [number, number]): number {
  let best = -1;
  let bestD = 0.1;
  scene.entities.forEach((e, i) => {
    const d = Math.hypot(e.pos[0] - p[0], e.pos[1] - p[1]);
    if (d < bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/** Save what the editor changed in the working episode into the state (the hash). */
function commitEdit(): void {
  const ep = rt.episode;
  if (!ep) return;
  if (typeof rt.target === 'number') {
    state.editedDemos = ep.demos.map((d) => ({
      before: cloneScene(d.before),
      after: cloneScene(d.after),
      attention: d.attention.slice(),
    }));
  } else {
    state.editedQuery = {
      scene: cloneScene(ep.query.scene),
      attention: ep.query.attention.slice(),
    };
  }
  const target = rt.target;
  const selected = rt.selected;
  writeHash();
  rebuildEpisode();
  rt.target = target;
  rt.selected = selected;
  render();
}

/** Edit the target scene in place (a demo's state after, and before too when they were the same). */
function editEntity(i: number, mutate: (e: Scene['entities'][number]) => void): void {
  const ep = rt.episode;
  if (!ep) return;
  if (typeof rt.target === 'number') {
    const d = ep.demos[rt.target];
    const same = JSON.stringify(d.before) === JSON.stringify(d.after);
    mutate(d.after.entities[i]);
    if (same) d.before = cloneScene(d.after);
  } else mutate(ep.query.scene.entities[i]);
}

let drag: { index: number; x: number; y: number; moved: boolean; pointer: number } | null = null;

el.scene.addEventListener('pointerdown', (ev) => {
  const ep = rt.episode;
  if (!ep) return;
  if (rt.target === 'query' && rt.view.kind !== 'idle') {
    runner.cancel();
    rt.view = { kind: 'idle' };
    render();
  }
  const p = pointerWorld(ev);
  if (!p) return;
  const i = hit(targetOf(ep).scene, p);
  if (i < 0) {
    rt.selected = -1;
    render();
    return;
  }
  drag = { index: i, x: ev.clientX, y: ev.clientY, moved: false, pointer: ev.pointerId };
  el.scene.setPointerCapture(ev.pointerId);
  ev.preventDefault();
});

el.scene.addEventListener('pointermove', (ev) => {
  if (!drag || ev.pointerId !== drag.pointer) return;
  if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < 4) return;
  drag.moved = true;
  const p = pointerWorld(ev);
  if (!p) return;
  const c = (v: number) => Math.max(-1, Math.min(1, Math.round(v * 1000) / 1000));
  editEntity(drag.index, (e) => (e.pos = [c(p[0]), c(p[1])]));
  rt.selected = drag.index;
  render();
});

el.scene.addEventListener('pointerup', (ev) => {
  if (!drag || ev.pointerId !== drag.pointer) return;
  const d = drag;
  drag = null;
  const ep = rt.episode;
  if (!ep) return;
  if (!d.moved) {
    const t = targetOf(ep);
    t.attention[d.index] = t.attention[d.index] >= 0.5 ? 0 : 1;
    rt.selected = d.index;
  }
  commitEdit();
});

function buildPalette(): void {
  const colors: [string, Rgb][] = [...Object.entries(PALETTE), ['agent gray', AGENT_COLOR]];
  el.palette.replaceChildren(
    ...colors.map(([name, c]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'swatch';
      b.title = `recolour the selected entity ${name}`;
      b.dataset.color = name;
      b.style.background = `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`;
      b.addEventListener('click', () => {
        if (rt.selected < 0) {
          rt.message = 'select an entity first (click it)';
          render();
          return;
        }
        if (rt.target === 'query' && rt.view.kind !== 'idle') {
          runner.cancel();
          rt.view = { kind: 'idle' };
        }
        editEntity(rt.selected, (e) => (e.color = [c[0], c[1], c[2]]));
        commitEdit();
      });
      return b;
    }),
  );
}

// ---------------------------------------------------------------- controls

function buildControls(): void {
  el.family.replaceChildren(
    ...FAMILY_NAMES.map((name) => {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = `${name} (${getFamily(name).kind})`;
      return o;
    }),
  );
  el.family.addEventListener('change', () =>
    changeState((s) => {
      s.family = el.family.value as PlaygroundState['family'];
      s.editedDemos = null;
      s.editedQuery = null;
      s.query = 0;
      s.landscape = -1;
    }),
  );
  const intInput = (input: HTMLInputElement, apply: (s: PlaygroundState, v: number) => void) =>
    input.addEventListener('change', () => {
      const v = Number(input.value);
      if (!Number.isFinite(v)) return;
      changeState((s) => {
        apply(s, Math.round(v));
        s.editedDemos = null;
        s.editedQuery = null;
      });
    });
  intInput(el.seed, (s, v) => {
    s.seed = v;
    s.query = 0;
  });
  intInput(el.demos, (s, v) => (s.demos = v));
  intInput(el.entities, (s, v) => (s.entities = v));
  $('new-episode').addEventListener('click', () =>
    changeState((s) => {
      s.seed += 1;
      s.query = 0;
      s.editedDemos = null;
      s.editedQuery = null;
    }),
  );
  $('new-query').addEventListener('click', () =>
    changeState((s) => {
      s.query += 1;
      s.editedQuery = null;
    }),
  );
  $('reset-edits').addEventListener('click', () =>
    changeState((s) => {
      s.editedDemos = null;
      s.editedQuery = null;
    }),
  );
  $('infer').addEventListener('click', () => start('infer', () => inferJob(rt.episode!, true)));
  $('identify').addEventListener('click', () => {
    rt.target = 'query';
    start('identify', () => identifyJob(rt.episode!));
  });
  $('generate').addEventListener('click', () => {
    rt.target = 'query';
    start('generate', () => generateJob(rt.episode!, false));
  });
  $('generate-composed').addEventListener('click', () => {
    rt.target = 'query';
    start('generate composed', () => generateJob(rt.episode!, true));
  });
  $('reach').addEventListener('click', () => start('reach', () => armJob()));
  $('keep-a').addEventListener('click', () => start('keep A', () => keepJob(rt.episode!, 'a')));
  $('keep-b').addEventListener('click', () => start('keep B', () => keepJob(rt.episode!, 'b')));
  $('play').addEventListener('click', () => {
    runner.paused = false;
    render();
  });
  $('pause').addEventListener('click', () => {
    runner.paused = true;
    render();
  });
  $('single-step').addEventListener('click', () => runner.step());
  el.speed.addEventListener('change', () =>
    changeState((s) => (s.speed = Number(el.speed.value)), false),
  );

  el.knobRows.replaceChildren(
    ...CHAIN_NAMES.map((c) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = c === 'w' ? 'w (infer)' : c === 'a' ? 'a (identify)' : 'x (generate, arm)';
      th.style.color = CHAIN_COLORS[c];
      tr.append(th);
      for (const f of ['steps', 'stepSize', 'noise'] as const) {
        const td = document.createElement('td');
        const input = document.createElement('input');
        input.type = 'number';
        input.id = `knob-${c}-${f}`;
        input.min = '0';
        input.step = f === 'steps' ? '1' : f === 'stepSize' ? '0.05' : '0.005';
        input.addEventListener('change', () => {
          const v = Number(input.value);
          if (!Number.isFinite(v) || v < 0) return;
          changeState((s) => (s.knobs[c][f] = v), false);
        });
        td.append(input);
        tr.append(td);
      }
      return tr;
    }),
  );
  el.landscapeEntity.addEventListener('change', () =>
    changeState((s) => (s.landscape = Number(el.landscapeEntity.value)), false),
  );
  el.composeOp.addEventListener('change', () =>
    changeState(
      (s) => (s.compose.op = el.composeOp.value as PlaygroundState['compose']['op']),
      false,
    ),
  );
  el.notWeight.addEventListener('change', () =>
    changeState((s) => (s.compose.notWeight = Number(el.notWeight.value) || 0), false),
  );
  el.temperature.addEventListener('change', () =>
    changeState(
      (s) => (s.compose.temperature = Math.max(1e-3, Number(el.temperature.value) || 1)),
      false,
    ),
  );
  $('copy-link').addEventListener('click', async () => {
    writeHash();
    el.link.select();
    try {
      await navigator.clipboard.writeText(location.href);
      rt.message = 'link copied';
    } catch {
      rt.message = 'select the link field and copy it';
    }
    render();
  });
  window.addEventListener('hashchange', () => {
    const decoded = decodeState(location.hash);
    state = decoded.state;
    rt.message = decoded.problems.length
      ? `ignored in the link: ${decoded.problems.join('; ')}`
      : '';
    writeHash();
    rebuildEpisode();
    render();
  });
  buildPalette();
}

// ---------------------------------------------------------------- start

function useModel(model: TrainedModel, knobsGiven: boolean): void {
  rt.model = model;
  if (!knobsGiven) state.knobs = knobsFrom(model.inference);
  writeHash();
  const m = model.model.config;
  // The intro says how long the loaded model's code is.
  const codeSize = document.getElementById('code-size');
  if (codeSize) codeSize.textContent = String(m.codeSize);
  const step = model.meta.step ?? (model.meta as { training?: { step?: number } }).training?.step;
  el.status.textContent =
    `${rt.untrained ? 'Untrained model (random weights: expect nonsense answers)' : `Model ${model.source}`}: ` +
    `${m.variant}, code size ${m.codeSize}, hidden ${m.hidden}` +
    ((model.meta as { sum?: unknown }).sum
      ? ' (the sum of two trained energies, codes side by side)'
      : '') +
    (step !== undefined ? `, trained ${String(step)} steps` : '') +
    `; engine: ${backendName()}.`;
  el.status.dataset.ready = '1';
  el.status.dataset.untrained = rt.untrained ? '1' : '0';
  el.noModel.hidden = true;
  render();
}

async function main(): Promise<void> {
  const decoded = decodeState(location.hash);
  state = decoded.state;
  if (decoded.problems.length) rt.message = `ignored in the link: ${decoded.problems.join('; ')}`;
  const knobsGiven = ['kw', 'ka', 'kx'].some((k) => decoded.present.has(k));
  buildControls();
  writeHash();
  rebuildEpisode();
  render();
  try {
    await initEngine('wasm', { wasmPath: new URL('wasm/', document.baseURI).href });
  } catch (e) {
    console.warn('wasm backend failed, using cpu', e);
    await initEngine('cpu');
  }
  const modelParam = new URLSearchParams(location.search).get('model');
  const base = new URL(
    modelParam ? (modelParam.endsWith('/') ? modelParam : `${modelParam}/`) : 'models/default/',
    document.baseURI,
  );
  try {
    useModel(await loadModelFrom(base), knobsGiven);
  } catch (e) {
    el.status.textContent = 'No model available.';
    el.status.dataset.ready = 'no-model';
    el.noModelText.textContent =
      `No model could be loaded from ${base.pathname}: ${(e as Error).message}. ` +
      'Train one (concept-ebm train), copy its best/ folder to models/default/ and rebuild the page (npm run build:web); ' +
      'or, for development, run PLAYGROUND_MODEL=runs/NAME/best npm run playground. ' +
      'You can still draw and edit episodes, or explore with random weights.';
    el.noModel.hidden = false;
    render();
  }
  el.untrained.addEventListener('click', () => {
    rt.untrained = true;
    useModel(
      {
        model: EnergyModel.init(DEFAULT_MODEL_CONFIG, new Rng(0)),
        inference: DEFAULT_INFERENCE,
        meta: {},
        source: 'untrained',
      },
      knobsGiven,
    );
  });
}

declare global {
  interface Window {
    playground: { state(): string; timing(): Record<string, Timing>; runner: Runner };
  }
}
window.playground = { state: () => encodeState(state), timing: () => rt.timing, runner };

main().catch((e: unknown) => {
  el.status.textContent = `The page failed to start: ${(e as Error).message}`;
  el.status.dataset.ready = 'error';
  console.error(e);
});
