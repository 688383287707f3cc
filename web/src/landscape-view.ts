/**
 * The energy landscape: E(x, a, w) with one entity moved over a grid and
 * everything else held, under the inferred concept or the composition being
 * generated. Chooses the entity and inputs from what the page shows, starts
 * the grid as the runner's background job when they change, and draws it
 * with the chain's path and a caption.
 */
import { whoMoves } from '../../src/concepts/family.js';
import { agentIndex, isAgent } from '../../src/world/scene.js';
import type { Scene } from '../../src/world/types.js';
import { landscapeJob, type Landscape, type StateObjective } from './chains.js';
import { drawLandscape } from './draw.js';
import type { PageEpisode } from './episode.js';
import { runner } from './page-actions.js';
import { el } from './page-dom.js';
import { conceptKey, rt, state } from './page-state.js';
import { fmt } from './readout.js';

const GRID = 24;

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

export function renderLandscape(ep: PageEpisode): void {
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
