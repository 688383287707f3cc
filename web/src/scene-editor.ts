/**
 * Editing the scene in place: drag an entity to move it, click it to toggle
 * it in the set (or attention), recolour the selected one from the palette.
 * Edits go to the query or to the demonstration being edited, and are saved
 * in the state (so in the link).
 */
import { AGENT_COLOR, cloneScene, PALETTE } from '../../src/world/scene.js';
import { panelLayout } from '../../src/world/svg.js';
import type { Rgb, Scene } from '../../src/world/types.js';
import { rebuildEpisode, render, runner } from './page-actions.js';
import { el } from './page-dom.js';
import { rt, state, writeHash } from './page-state.js';
import { SCENE_SIZE, targetOf } from './scene-view.js';

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

/** Dragging and clicking entities in the scene panel. */
export function wireSceneEditor(): void {
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
}

export function buildPalette(): void {
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
