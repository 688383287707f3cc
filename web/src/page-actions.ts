/**
 * What the page's parts do to it: change the state (and redraw), rebuild the
 * episode from the state, and start a chain on the runner that steps it a few
 * steps per frame. `render` redraws the whole page with the function the
 * entry installs (`setRenderer`), so that any part can ask for a redraw.
 */
import { buildEpisode } from './episode.js';
import { rt, state, writeHash } from './page-state.js';
import { Runner } from './runner.js';
import type { PlaygroundState } from './state.js';

let renderer: () => void = () => {};

/** Installs the function that redraws the whole page from `state` and `rt`. */
export function setRenderer(draw: () => void): void {
  renderer = draw;
}

export function render(): void {
  renderer();
}

export const runner = new Runner({
  changed: () => render(),
  ended: (name, _result, error) => {
    if (error) {
      rt.message = `${name} failed: ${(error as Error).message ?? String(error)}`;
      console.error(error);
    }
    render();
  },
});

export function start(name: string, job: () => Generator<void, unknown, void>): void {
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

/** The episode changed (family, seed, sizes, edits): redraw it and forget what depended on it. */
export function rebuildEpisode(): void {
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

export function changeState(mutate: (s: PlaygroundState) => void, rebuild = true): void {
  mutate(state);
  writeHash();
  if (rebuild) rebuildEpisode();
  render();
}
