/**
 * Redraws the whole page from the state: controls, demonstrations, scene,
 * readout, plots, landscape and arm.
 */
import { renderArm } from './arm-reach.js';
import { renderControls } from './controls.js';
import { renderLandscape } from './landscape-view.js';
import { el } from './page-dom.js';
import { rt } from './page-state.js';
import { renderPlots, renderReadout } from './readout.js';
import { renderDemos, renderScene } from './scene-view.js';

export function renderPage(): void {
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
