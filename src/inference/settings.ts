/**
 * The knobs of inference: one chain per variable (x, a, w), each with its own
 * step size, noise, step count and gradient clamp (docs/METHOD.md, "Inference").
 */
import { ATTRIBUTES } from '../world/types.js';
import {
  PULL_KNOBS,
  validateChainSettings,
  type ChainRange,
  type ChainSettings,
} from './langevin.js';

export interface InferenceSettings {
  /** Concept inference: w starts at 0 and descends the mean demo energy. */
  w: ChainSettings;
  /** Generation: x starts at x0 and descends; only movable entities change. */
  x: ChainSettings;
  /** Identification: a starts at 0 (probability 0.5) and descends. */
  a: ChainSettings;
  /** Logit given to a known 0/1 attention (+L attended, -L not). */
  attentionLogit: number;
  /** Attention logits are clamped to [-attentionRange, attentionRange]. */
  attentionRange: number;
}

/** Starting values from the PyTorch probe (docs/METHOD.md, "Training"). */
export const DEFAULT_INFERENCE: InferenceSettings = {
  w: { steps: 5, stepSize: 1.0, noise: 0.01, gradClamp: 5 },
  x: { steps: 5, stepSize: 0.2, noise: 0.005, gradClamp: 5 },
  a: { steps: 5, stepSize: 2.0, noise: 0.1, gradClamp: 5 },
  attentionLogit: 4,
  attentionRange: 15,
};

/** Positions in [-1, 1], colours in [0, 1]; an entity's two attributes, its position and its colour. */
export const STATE_RANGE: ChainRange = {
  lo: [-1, -1, 0, 0, 0].slice(0, ATTRIBUTES),
  hi: [1, 1, 1, 1, 1].slice(0, ATTRIBUTES),
  groups: [
    [0, 1],
    [2, 3, 4],
  ],
};

export function validateInferenceSettings(s: InferenceSettings): InferenceSettings {
  if (typeof s !== 'object' || s === null)
    throw new Error('inference: expected an object with w, x and a chains');
  for (const k of ['w', 'x', 'a'] as const)
    if (typeof s[k] !== 'object' || s[k] === null)
      throw new Error(`inference.${k}: missing (every model file states its three chains)`);
  validateChainSettings(s.w, 'w-chain');
  validateChainSettings(s.x, 'x-chain');
  validateChainSettings(s.a, 'a-chain');
  for (const k of ['w', 'a'] as const) {
    for (const key of PULL_KNOBS) {
      if ((s[k][key] ?? 0) !== 0)
        throw new Error(`${k}-chain: ${key} applies to generation (the x-chain) only`);
    }
  }
  for (const k of ['w', 'x'] as const) {
    if ((s[k].restarts ?? 1) !== 1)
      throw new Error(`${k}-chain: restarts apply to identification (the a-chain) only`);
    for (const key of ['polish', 'enumerate'] as const) {
      if ((s[k][key] ?? 0) !== 0)
        throw new Error(`${k}-chain: ${key} applies to identification (the a-chain) only`);
    }
  }
  if (!(s.attentionLogit > 0))
    throw new Error(`attentionLogit must be > 0, got ${s.attentionLogit}`);
  if (!(s.attentionRange >= s.attentionLogit)) {
    throw new Error(`attentionRange must be >= attentionLogit, got ${s.attentionRange}`);
  }
  return s;
}

/**
 * The test-time search beyond one chain per answer, in words, for a results
 * page's header; empty for the paper's single a-chain.
 */
export function describeSearch(s: InferenceSettings): string[] {
  const restarts = s.a.restarts ?? 1;
  const polish = s.a.polish ?? 0;
  const enumerate = s.a.enumerate ?? 0;
  const out: string[] = [];
  // Training's w-chain is noisy (Langevin); at test time the code may be a plain descent.
  if (s.w.noise === 0) out.push('the code inferred by descent without noise (w.noise 0)');
  const { anchor = 0, shrink = 0, refit = 0, pullBy = 'attribute', pullUnit = 'range' } = s.x;
  if (anchor > 0 || shrink > 0) {
    const shape =
      pullBy === 'attribute'
        ? 'each position and colour as one vector'
        : 'coordinate by coordinate';
    const unit = pullUnit === 'range' ? "half-widths of each attribute's range" : 'raw units';
    const pulls = [
      ...(shrink > 0 ? [`x.shrink ${shrink}, ${shape}`] : []),
      ...(anchor > 0 ? [`x.anchor ${anchor}`] : []),
      ...(refit > 0 ? [`then ${refit} refit steps`] : []),
    ];
    out.push(
      `generation pulled toward its start (${pulls.join(', ')}; in ${unit}; not in the paper)`,
    );
  }
  if (restarts > 1)
    out.push(`identification keeps the lowest-energy answer of ${restarts} a-chains`);
  if (polish > 0) {
    out.push(
      `the answer polished by up to ${polish} rounds of descent over the sets one or two entities away (a.polish; not in the paper)`,
    );
  }
  if (enumerate > 0) {
    out.push(
      `in scenes of up to ${enumerate} entities, the answer is the lowest-energy of all 2^N sets instead (a.enumerate; not in the paper)`,
    );
  }
  return out;
}

/** A copy with some chains' fields replaced (e.g. a different test-time K). */
export function withChains(
  s: InferenceSettings,
  patch: Partial<Record<'w' | 'x' | 'a', Partial<ChainSettings>>>,
): InferenceSettings {
  return {
    ...s,
    w: { ...s.w, ...patch.w },
    x: { ...s.x, ...patch.x },
    a: { ...s.a, ...patch.a },
  };
}
