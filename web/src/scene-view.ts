/**
 * The scene panel and the demonstrations strip: the query (idle, being
 * identified or generated, with its verdict) or the demonstration being
 * edited, and one small clickable panel per demonstration.
 */
import type { Scene } from '../../src/world/types.js';
import type { Panel } from '../../src/world/svg.js';
import { sceneSvgWithMarks } from './draw.js';
import type { PageEpisode } from './episode.js';
import { render } from './page-actions.js';
import { el } from './page-dom.js';
import { rt } from './page-state.js';

export const SCENE_SIZE = 380;

export function renderDemos(ep: PageEpisode): void {
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

export function targetOf(ep: PageEpisode): { scene: Scene; attention: number[]; before?: Scene } {
  if (typeof rt.target === 'number') {
    const d = ep.demos[rt.target];
    return { scene: d.after, attention: d.attention, before: d.before };
  }
  return { scene: ep.query.scene, attention: ep.query.attention };
}

export function renderScene(ep: PageEpisode): void {
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
