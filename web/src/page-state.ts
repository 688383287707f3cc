/**
 * What the playground page holds: the typed state that the URL's hash
 * carries (`state`, kept normalised and written back to the hash and the
 * link field), and what is not in the link (`rt`: the model, the episode
 * drawn from the state, the inferred concept, the running chain's view,
 * plots, timing, the landscape); and what is read off both: a chain's
 * settings (the model's, with the knobs), the inferred concept's key and label.
 */
import type { CheckResult } from '../../src/concepts/family.js';
import type { ChainSettings } from '../../src/inference/langevin.js';
import { DEFAULT_INFERENCE } from '../../src/inference/settings.js';
import type { TrainedModel } from '../../src/inference/trained-data.js';
import type { Scene } from '../../src/world/types.js';
import type { Landscape } from './chains.js';
import type { PageEpisode } from './episode.js';
import { el } from './page-dom.js';
import {
  decodeState,
  encodeState,
  normalizeState,
  type ChainName,
  type PlaygroundState,
} from './state.js';

export type View =
  | { kind: 'idle' }
  | {
      kind: 'identify';
      probs: number[];
      step: number;
      steps: number;
      done: boolean;
      answer: number[] | null;
      verdict: CheckResult | null;
      /**
       * With the model's a.restarts > 1, a.polish > 0 or a.enumerate: which chain's answer was kept, of how
       * many, the polish's moves, and whether the answer is instead the lowest-energy of all 2^N sets.
       */
      bestOf: { chosen: number; restarts: number; polished: number; enumerated: boolean } | null;
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

export interface ArmView {
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

export interface Timing {
  /** Milliseconds of each Langevin step (the last 500). */
  ms: number[];
}

/** The state in the hash; replaced through `setState` (a link opened) and `writeHash` (normalised). */
export let state: PlaygroundState = decodeState(location.hash).state;

export function setState(next: PlaygroundState): void {
  state = next;
}

export const rt = {
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

export function writeHash(): void {
  state = normalizeState(state);
  const hash = `#${encodeState(state)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  el.link.value = location.href;
  el.stateJson.textContent = encodeState(state);
}

export function conceptKey(ep: PageEpisode): string {
  return JSON.stringify([ep.family.name, ep.demos, state.knobs.w]);
}

export function chainSettings(c: ChainName): ChainSettings {
  const base = (rt.model?.inference ?? DEFAULT_INFERENCE)[c];
  return {
    ...base,
    steps: state.knobs[c].steps,
    stepSize: state.knobs[c].stepSize,
    noise: state.knobs[c].noise,
  };
}

export function conceptLabel(ep: PageEpisode): string {
  return `${ep.family.name}${ep.editedDemos ? ' (edited)' : ''}, seed ${state.seed}, ${ep.demos.length} demos`;
}
