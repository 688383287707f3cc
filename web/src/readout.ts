/**
 * The readout beside the scene: the step counter and chain name, the
 * model's answer (with data-mask and data-probabilities), the true set or
 * given attention, the checker's verdict, the time of one Langevin step per
 * chain, the chains' energy plots and the inferred concept code.
 */
import { whoMoves, type CheckResult } from '../../src/concepts/family.js';
import { agentIndex } from '../../src/world/scene.js';
import { CHAIN_COLORS, codeSvg, plotSvg } from './draw.js';
import { describeSet, type PageEpisode } from './episode.js';
import { runner } from './page-actions.js';
import { el } from './page-dom.js';
import { conceptKey, rt } from './page-state.js';
import { CHAIN_NAMES } from './state.js';

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (v: number, d = 3) =>
  Number.isFinite(v) ? String(Math.round(v * 10 ** d) / 10 ** d) : String(v);

export function verdictText(family: string, v: CheckResult | null): string {
  if (!v) return 'checker: –';
  return `checker (${family}): ${v.ok ? 'ok' : 'wrong'}${Number.isFinite(v.error) ? `, error ${fmt(v.error)}` : ''}${v.ok || !v.reason ? '' : ` (${v.reason})`}`;
}

export function renderReadout(ep: PageEpisode): void {
  const view = rt.view;
  el.stepCounter.textContent = `${rt.counter.step} / ${rt.counter.steps}`;
  el.chainName.textContent =
    rt.counter.name + (runner.running ? (runner.paused ? ' (paused)' : ' (running)') : '');
  if (view.kind === 'identify') {
    el.answer.dataset.probabilities = view.probs.map((p) => fmt(p, 4)).join(',');
    el.answer.dataset.mask = view.answer ? view.answer.join(',') : '';
    el.answer.textContent = view.answer
      ? `model's answer: ${describeSet(view.answer)}  (sigmoid(a) = ${view.probs.map((p) => fmt(p, 2)).join(', ')})` +
        (view.bestOf?.enumerated
          ? `; chosen among all ${2 ** view.answer.length} sets by their energy (the model's a.enumerate), not by the chain shown`
          : '') +
        (view.bestOf && !view.bestOf.enumerated && view.bestOf.restarts > 1
          ? `; the lowest-energy answer of ${view.bestOf.restarts} a-chains: chain ${view.bestOf.chosen + 1}${view.bestOf.chosen === 0 ? ' (the one shown)' : ''}`
          : '') +
        (view.bestOf && view.bestOf.polished > 0
          ? `; then polished: ${view.bestOf.polished} move${view.bestOf.polished === 1 ? '' : 's'} to a set one or two entities away, of lower energy`
          : '')
      : `identifying… sigmoid(a) = ${view.probs.map((p) => fmt(p, 2)).join(', ')}`;
  } else {
    el.answer.dataset.mask = '';
    el.answer.dataset.probabilities = '';
    el.answer.textContent = "model's answer: –";
  }
  el.truthLine.textContent =
    ep.family.kind === 'identify'
      ? `true set (green dots): ${describeSet(ep.query.attention)}${ep.editedQuery ? ' (as edited)' : ''}`
      : `given attention: ${describeSet(ep.query.attention)}; who moves: ${describeSet(whoMoves(ep.query.scene, ep.query.attention, agentIndex(ep.query.scene)))}`;
  let verdict: CheckResult | null = null;
  if (view.kind === 'identify' && view.done) verdict = view.verdict;
  if (view.kind === 'generate' && view.done) verdict = view.verdict;
  const finished = (view.kind === 'identify' || view.kind === 'generate') && view.done;
  el.verdict.dataset.ok = verdict ? (verdict.ok ? '1' : '0') : finished ? 'none' : '';
  el.verdict.className = verdict ? (verdict.ok ? 'ok' : 'fail') : '';
  el.verdict.textContent = verdict
    ? verdictText(ep.family.name, verdict)
    : finished
      ? view.kind === 'generate' && view.composed
        ? 'checker: none for a composition'
        : `checker: none (${ep.family.name} is an ${ep.family.kind === 'identify' ? 'identification' : 'generation'} family)`
      : 'checker: –';
  const parts: string[] = [];
  for (const [key, t] of Object.entries(rt.timing)) {
    const [chain, n] = key.split(':');
    const m = median(t.ms);
    const mean = t.ms.reduce((a, b) => a + b, 0) / t.ms.length;
    parts.push(
      `${chain === 'arm' ? 'arm' : `${chain}-chain`} (N = ${n}): median ${fmt(m, 2)} ms, mean ${fmt(mean, 2)} ms over ${t.ms.length} steps`,
    );
    const name = chain === 'arm' ? 'Arm' : chain.toUpperCase();
    el.timing.dataset[`ms${name}`] = fmt(m, 3);
    el.timing.dataset[`mean${name}`] = fmt(mean, 3);
  }
  el.timing.textContent = parts.length ? `One Langevin step takes: ${parts.join('; ')}` : '';
}

export function renderPlots(): void {
  el.plots.innerHTML = CHAIN_NAMES.map((c) =>
    plotSvg(
      rt.plots[c],
      rt.plotSteps[c],
      c === 'w'
        ? 'w-chain: mean demo energy'
        : c === 'a'
          ? 'a-chain: E(x, a, w)'
          : 'x-chain: E(x, a, w)',
      CHAIN_COLORS[c],
    ),
  ).join('');
  el.code.innerHTML = codeSvg(rt.concept?.code ?? null, 220, 30);
  const fresh = rt.concept && rt.episode && rt.concept.key === conceptKey(rt.episode);
  el.conceptLabel.textContent = rt.concept
    ? `${rt.concept.label}${fresh ? '' : ' (stale: demos or knobs changed)'}`
    : 'not inferred yet';
}
