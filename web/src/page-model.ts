/**
 * Putting a model on the page: start the engine (wasm, else cpu), load the
 * model folder (models/default/, or ?model=URL), say what is loaded in the
 * status line, or explain how to get one and offer random weights.
 */
import { backendName, initEngine } from '../../src/engine/index.js';
import { DEFAULT_INFERENCE } from '../../src/inference/settings.js';
import type { TrainedModel } from '../../src/inference/trained-data.js';
import { DEFAULT_MODEL_CONFIG } from '../../src/model/config.js';
import { EnergyModel } from '../../src/model/model.js';
import { Rng } from '../../src/random/rng.js';
import { loadModelFrom } from './model-loader.js';
import { render } from './page-actions.js';
import { el } from './page-dom.js';
import { rt, state, writeHash } from './page-state.js';
import { knobsFrom } from './state.js';

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

/** Starts the engine and loads the model; `knobsGiven`: the link set the chains' knobs. */
export async function loadPageModel(knobsGiven: boolean): Promise<void> {
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
