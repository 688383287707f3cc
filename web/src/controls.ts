/**
 * The panel's controls: family, seed and sizes, new episode or query, the
 * chain buttons, play / pause / single step and speed, the chains' knobs,
 * the landscape's entity, the composition's settings, copying the link, and
 * a link opened in place (hashchange); and showing the state in them.
 */
import { FAMILY_NAMES } from '../../src/concepts/family.js';
import { getFamily } from '../../src/concepts/index.js';
import { armJob } from './arm-reach.js';
import { generateJob, identifyJob, inferJob, keepJob } from './chain-jobs.js';
import { CHAIN_COLORS } from './draw.js';
import { changeState, rebuildEpisode, render, runner, start } from './page-actions.js';
import { $, el, runButtons } from './page-dom.js';
import { rt, setState, state, writeHash } from './page-state.js';
import { CHAIN_NAMES, decodeState, type PlaygroundState } from './state.js';

export function renderControls(): void {
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

export function buildControls(): void {
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
    setState(decoded.state);
    rt.message = decoded.problems.length
      ? `ignored in the link: ${decoded.problems.join('; ')}`
      : '';
    writeHash();
    rebuildEpisode();
    render();
  });
}
