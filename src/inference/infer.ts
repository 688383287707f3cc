/**
 * Inference is optimisation (docs/METHOD.md, "Inference"): given two of (x, a, w),
 * find the third by Langevin descent on E.
 *
 * Two layers: batched functions on tensors (used by training and evaluation)
 * and scene-level functions on world objects (used by the CLI, the answer
 * command and the playground).
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { whoMoves } from '../concepts/family.js';
import { FastEnergy } from '../model/fast-energy.js';
import type { EnergyModel } from '../model/model.js';
import type { NormalSource, Rng } from '../random/rng.js';
import { agentIndex, arrayToScene, sceneToArray } from '../world/scene.js';
import { ATTRIBUTES, type Event, type Scene } from '../world/types.js';
import { attentionEnergy, conceptEnergy, stateEnergy } from './chain-energies.js';
import { langevin, type ChainSettings, type TrajectoryStep } from './langevin.js';
import { enumerates, hardLogits, lowestLogits, maskOf, polishMasks } from './mask-search.js';
import { STATE_RANGE, type InferenceSettings } from './settings.js';

// ---------------------------------------------------------------------------
// Tensor conversions at the edge.

/** Scenes of equal size -> [B, N, D]. */
export function scenesTensor(scenes: readonly Scene[]): Tensor {
  const n = scenes[0]?.entities.length ?? 0;
  const data = new Float32Array(scenes.length * n * ATTRIBUTES);
  scenes.forEach((s, b) => {
    if (s.entities.length !== n) {
      throw new Error(
        `a batch needs scenes of one size: scene ${b} has ${s.entities.length}, scene 0 has ${n}`,
      );
    }
    data.set(sceneToArray(s), b * n * ATTRIBUTES);
  });
  return T.tensor(data, [scenes.length, n, ATTRIBUTES]);
}

/** 0/1 masks -> logits +-L: [B, N]. */
export function attentionLogits(masks: readonly (readonly number[])[], logit: number): Tensor {
  const n = masks[0]?.length ?? 0;
  const data = new Float32Array(masks.length * n);
  masks.forEach((m, b) => m.forEach((v, i) => (data[b * n + i] = v >= 0.5 ? logit : -logit)));
  return T.tensor(data, [masks.length, n]);
}

/** 0/1 movable masks -> [B, N, 1] (broadcast over attributes). */
export function movableTensor(masks: readonly (readonly number[])[]): Tensor {
  const n = masks[0]?.length ?? 0;
  const data = new Float32Array(masks.length * n);
  masks.forEach((m, b) => m.forEach((v, i) => (data[b * n + i] = v >= 0.5 ? 1 : 0)));
  return T.tensor(data, [masks.length, n, 1]);
}

/** The "who moves" rule for a generation query, unless `movable` is given. */
export function movableMask(
  before: Scene,
  attention: readonly number[],
  movable?: readonly number[],
): number[] {
  if (movable) return movable.map((v) => (v >= 0.5 ? 1 : 0));
  return whoMoves(before, attention, agentIndex(before));
}

// ---------------------------------------------------------------------------
// Batched chains. `differentiable` keeps every step on the tape (training).

export interface ChainOptions {
  rng?: NormalSource;
  differentiable?: boolean;
  differentiableSteps?: number;
  record?: boolean;
}

/** w [B, DW] from demos xd [B*M, N, D], ad [B*M, N] (logits), starting at 0. */
export function inferCodes(
  model: EnergyModel,
  xd: Tensor,
  ad: Tensor,
  demos: number,
  chain: ChainSettings,
  options: ChainOptions = {},
): { w: Tensor; trajectory?: TrajectoryStep[] } {
  const batch = xd.shape[0] / demos;
  if (!Number.isInteger(batch))
    throw new Error(`inferCodes: ${xd.shape[0]} demo rows is not a multiple of ${demos}`);
  const w0 = T.zeros([batch, model.config.codeSize]);
  const { z, trajectory } = langevin(conceptEnergy(model, xd, ad, demos), w0, chain, options);
  if (!options.differentiable) w0.dispose();
  return { w: z, trajectory };
}

/** x1 [B, N, D] from x0, attention logits a and codes w; only `movable` rows [B, N, 1] change. */
export function generateBatch(
  model: EnergyModel,
  x0: Tensor,
  a: Tensor,
  w: Tensor,
  movable: Tensor,
  chain: ChainSettings,
  options: ChainOptions = {},
): { x: Tensor; trajectory?: TrajectoryStep[] } {
  const { z, trajectory } = langevin(stateEnergy(model, a, w), x0, chain, {
    ...options,
    mask: movable,
    range: STATE_RANGE,
  });
  return { x: z, trajectory };
}

/** Attention logits [B, N] for scenes x [B, N, D] under codes w, starting at 0. */
export function identifyBatch(
  model: EnergyModel,
  x: Tensor,
  w: Tensor,
  chain: ChainSettings,
  range: number,
  options: IdentifyOptions = {},
): { a: Tensor; trajectory?: TrajectoryStep[] } {
  // g's features once for the whole search: the attention only gates their pooling. Enumeration
  // scores its masks on the kernel, so there only a trace's chain needs them.
  const given = options.relations;
  const needed = !enumerates(chain, x.shape[1] as number) || options.record;
  const h =
    given ??
    (!needed
      ? undefined
      : options.differentiable
        ? model.relations(x, w)
        : T.tidy(() => model.relations(x, w)));
  try {
    return identifyGiven(model, x, w, h, chain, range, options);
  } finally {
    if (!given && !options.differentiable) h?.dispose();
  }
}

export interface IdentifyOptions extends ChainOptions {
  /** The logit of a thresholded answer (the settings' attentionLogit), to compare restarts by energy and to enumerate masks. */
  answerLogit?: number;
  /** g's features of (x, w), `model.relations(x, w)`, when the caller has them (the training loss shares them between terms). */
  relations?: Tensor;
}

function identifyGiven(
  model: EnergyModel,
  x: Tensor,
  w: Tensor,
  h: Tensor | undefined,
  chain: ChainSettings,
  range: number,
  options: IdentifyOptions,
): { a: Tensor; trajectory?: TrajectoryStep[] } {
  const [B, N] = x.shape;
  const restarts = chain.restarts ?? 1;
  const polish = chain.polish ?? 0;
  const run = () => {
    const a0 = T.zeros([B, N]);
    const out = langevin(attentionEnergy(model, x, w, undefined, h), a0, chain, {
      ...options,
      range: { lo: -range, hi: range },
    });
    if (!options.differentiable) a0.dispose();
    return out;
  };
  if (enumerates(chain, N)) {
    if (options.differentiable)
      throw new Error('identify: enumeration is not differentiable (train with a.enumerate = 0)');
    // A chain runs only for its trace; the answer is the energy's own minimum.
    const traced = options.record ? run() : undefined;
    if (traced) T.dispose(traced.z);
    return {
      a: T.tensor(lowestMasks(model, x, w, options.answerLogit ?? 4), [B, N]),
      trajectory: traced?.trajectory,
    };
  }
  if (restarts === 1 && polish === 0) {
    const { z, trajectory } = run();
    return { a: z, trajectory };
  }
  if (options.differentiable) {
    throw new Error(
      'identify: restarts > 1 are not differentiable, nor is the polish (train with a.restarts = 1, a.polish = 0)',
    );
  }
  // Independent chains (the noise stream runs on), each answer judged by the
  // energy of its thresholded mask: the answer is the mask, not the logits.
  const L = options.answerLogit ?? 4;
  const best = new Float32Array(B).fill(Infinity);
  const won = new Int32Array(B);
  const answer = new Float32Array(B * N);
  const trajectories: (TrajectoryStep[] | undefined)[] = [];
  for (let r = 0; r < restarts; r++) {
    const { z, trajectory } = run();
    trajectories.push(trajectory);
    const logits = T.read(z);
    const hard = T.tensor(hardLogits(logits, L), [B, N]);
    const e = T.tidy(() =>
      T.read(h ? model.energyOfRelations(h, hard, w) : model.energy(x, hard, w)),
    );
    for (let b = 0; b < B; b++) {
      if (e[b] < best[b]) {
        best[b] = e[b];
        won[b] = r;
        answer.set(logits.subarray(b * N, (b + 1) * N), b * N);
      }
    }
    T.dispose([z, hard]);
  }
  // With a trajectory asked for (one scene, in practice), the winning chain's.
  const votes = new Int32Array(restarts);
  won.forEach((r) => votes[r]++);
  const top = votes.indexOf(Math.max(...votes));
  if (polish > 0) polishAnswers(model, x, w, answer, best, polish, L);
  return { a: T.tensor(answer, [B, N]), trajectory: trajectories[top] };
}

/**
 * Per scene, the lowest-energy of all 2^N masks as logits +-L [B * N]. Scored
 * on the fast kernel, as on the kernel backend, so both answer alike: each
 * scene's pair features once, then per mask only the pooling and f. First
 * order, as enumeration needs.
 */
function lowestMasks(model: EnergyModel, x: Tensor, w: Tensor, L: number): Float32Array {
  const [B, N, A] = x.shape;
  const D = w.shape[1] as number;
  const xs = T.read(x);
  const ws = T.read(w);
  const fe = new FastEnergy(model.config, model.values());
  const out = new Float32Array(B * N);
  for (let b = 0; b < B; b++) {
    const objective = fe.aChain(
      xs.subarray(b * N * A, (b + 1) * N * A),
      N,
      ws.subarray(b * D, (b + 1) * D),
    );
    out.set(
      lowestLogits(N, L, (a) => objective.energy(a)),
      b * N,
    );
  }
  return out;
}

/** Pair rows per energy call in the polish (see polishAnswers). */
const POLISH_PAIR_ROWS = 1 << 16;

/**
 * The discrete finish (./mask-search.ts) on a batch: `answer` (logits [B, N],
 * whose masks have energies `best`) is updated in place; a mask that moved is
 * written as logits +-L.
 */
function polishAnswers(
  model: EnergyModel,
  x: Tensor,
  w: Tensor,
  answer: Float32Array,
  best: ArrayLike<number>,
  rounds: number,
  L: number,
): void {
  const [B, N, A] = x.shape;
  const D = w.shape[1] as number;
  const xs = T.read(x);
  const ws = T.read(w);
  const start = Array.from({ length: B }, (_, b) => maskOf(answer.subarray(b * N, (b + 1) * N)));
  // A round has B x (N + N(N-1)/2) candidates, each with N^2 pair rows: in
  // chunks, or a large scene overruns the wasm heap (N = 12, B = 100: 7,800
  // candidates, 1.1M pair rows).
  const chunk = Math.max(1, Math.floor(POLISH_PAIR_ROWS / (N * N)));
  const energies = (scenes: readonly number[], masks: readonly Uint8Array[]) => {
    const out = new Float32Array(scenes.length);
    for (let start = 0; start < scenes.length; start += chunk) {
      const C = Math.min(chunk, scenes.length - start);
      const cx = new Float32Array(C * N * A);
      const cw = new Float32Array(C * D);
      const ca = new Float32Array(C * N);
      for (let k = 0; k < C; k++) {
        const b = scenes[start + k];
        cx.set(xs.subarray(b * N * A, (b + 1) * N * A), k * N * A);
        cw.set(ws.subarray(b * D, (b + 1) * D), k * D);
        ca.set(hardLogits(masks[start + k], L), k * N);
      }
      out.set(
        T.tidy(() =>
          T.read(model.energy(T.tensor(cx, [C, N, A]), T.tensor(ca, [C, N]), T.tensor(cw, [C, D]))),
        ),
        start,
      );
    }
    return out;
  };
  const polished = polishMasks(start, best, rounds, energies);
  polished.masks.forEach((m, b) => {
    if (polished.moves[b] > 0) answer.set(hardLogits(m, L), b * N);
  });
}

// ---------------------------------------------------------------------------
// Scene-level API (one episode at a time).

export interface ConceptResult {
  code: Float32Array;
  /** Per step: the code and the mean demo energy. */
  trajectory?: TrajectoryStep[];
}

/** Infer the concept code from M demonstration events (scored on their final states). */
export function inferConcept(
  model: EnergyModel,
  demos: readonly Event[],
  settings: InferenceSettings,
  rng: Rng,
  options: { record?: boolean } = {},
): ConceptResult {
  if (demos.length === 0) throw new Error('inferConcept: at least one demonstration is needed');
  const xd = scenesTensor(demos.map((d) => d.after));
  const ad = attentionLogits(
    demos.map((d) => d.attention),
    settings.attentionLogit,
  );
  const { w, trajectory } = inferCodes(model, xd, ad, demos.length, settings.w, {
    rng,
    record: options.record,
  });
  const code = Float32Array.from(T.read(w));
  T.dispose([xd, ad, w]);
  return { code, trajectory };
}

export interface GenerateResult {
  after: Scene;
  /** Per step: the scene's values and its energy. */
  trajectory?: { scenes: Scene[]; energies: number[] };
}

/** Generate the final scene from `before` under concept `code` and `attention`. */
export function generate(
  model: EnergyModel,
  before: Scene,
  attention: readonly number[],
  code: Float32Array,
  settings: InferenceSettings,
  rng: Rng,
  options: { movable?: readonly number[]; record?: boolean; chain?: ChainSettings } = {},
): GenerateResult {
  const n = before.entities.length;
  if (attention.length !== n)
    throw new Error(`generate: attention has ${attention.length} entries for ${n} entities`);
  const x0 = scenesTensor([before]);
  const a = attentionLogits([attention], settings.attentionLogit);
  const w = T.tensor(code, [1, code.length]);
  const mov = movableTensor([movableMask(before, attention, options.movable)]);
  const { x, trajectory } = generateBatch(model, x0, a, w, mov, options.chain ?? settings.x, {
    rng,
    record: options.record,
  });
  const after = arrayToScene(T.read(x), n);
  T.dispose([x0, a, w, mov, x]);
  return {
    after,
    trajectory: trajectory && {
      scenes: trajectory.map((t) => arrayToScene(t.values, n)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}

export interface IdentifyResult {
  /** sigmoid(a_i) per entity. */
  probabilities: number[];
  /** {i : probability > 0.5} as a 0/1 mask. */
  mask: number[];
  trajectory?: { probabilities: number[][]; energies: number[] };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Which entities of `scene` does concept `code` speak of? */
export function identify(
  model: EnergyModel,
  scene: Scene,
  code: Float32Array,
  settings: InferenceSettings,
  rng: Rng,
  options: { record?: boolean; chain?: ChainSettings } = {},
): IdentifyResult {
  const x = scenesTensor([scene]);
  const w = T.tensor(code, [1, code.length]);
  const { a, trajectory } = identifyBatch(
    model,
    x,
    w,
    options.chain ?? settings.a,
    settings.attentionRange,
    {
      rng,
      record: options.record,
      answerLogit: settings.attentionLogit,
    },
  );
  const probabilities = Array.from(T.read(a), sigmoid);
  T.dispose([x, w, a]);
  return {
    probabilities,
    mask: probabilities.map((p) => (p > 0.5 ? 1 : 0)),
    trajectory: trajectory && {
      probabilities: trajectory.map((t) => Array.from(t.values, sigmoid)),
      energies: trajectory.map((t) => t.energy[0]),
    },
  };
}
