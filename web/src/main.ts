/**
 * The playground page: one typed state (in the URL's hash), an episode drawn
 * from it, and chains stepped a few at a time by the runner. This entry wires
 * the parts together: the scene editor, the controls, the redraw, the model.
 */
import './style.css';
import { buildControls } from './controls.js';
import { rebuildEpisode, render, runner, setRenderer } from './page-actions.js';
import { el } from './page-dom.js';
import { loadPageModel } from './page-model.js';
import { renderPage } from './page-render.js';
import { rt, setState, state, writeHash, type Timing } from './page-state.js';
import type { Runner } from './runner.js';
import { buildPalette, wireSceneEditor } from './scene-editor.js';
import { decodeState, encodeState } from './state.js';

setRenderer(renderPage);
wireSceneEditor();

async function main(): Promise<void> {
  const decoded = decodeState(location.hash);
  setState(decoded.state);
  if (decoded.problems.length) rt.message = `ignored in the link: ${decoded.problems.join('; ')}`;
  const knobsGiven = ['kw', 'ka', 'kx'].some((k) => decoded.present.has(k));
  buildControls();
  buildPalette();
  writeHash();
  rebuildEpisode();
  render();
  await loadPageModel(knobsGiven);
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
