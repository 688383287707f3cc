/**
 * `--chain a.steps=20 --chain x.stepSize=0.3`: override any knob of the
 * test-time chains (w, x, a: steps, stepSize, noise, gradClamp, gradClipNorm;
 * x only: anchor, shrink, refit, pullUnit (range or raw), pullBy (attribute or
 * coordinate); a only: restarts, polish, enumerate)
 * or attentionLogit / attentionRange.
 */
import {
  validateInferenceSettings,
  withChains,
  type InferenceSettings,
} from '../inference/settings.js';
import { UsageError } from './io.js';

const CHAIN_KEYS = [
  'steps',
  'stepSize',
  'noise',
  'gradClamp',
  'gradClipNorm',
  'anchor',
  'shrink',
  'refit',
  'pullUnit',
  'pullBy',
  'restarts',
  'polish',
  'enumerate',
] as const;

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function applyChainOverrides(
  settings: InferenceSettings,
  overrides: readonly string[] | undefined,
): InferenceSettings {
  let out = settings;
  for (const item of overrides ?? []) {
    const m = /^(?:(w|x|a)\.(\w+)|(attentionLogit|attentionRange))=(.+)$/.exec(item.trim());
    if (!m) {
      throw new UsageError(
        `--chain expects CHAIN.KNOB=VALUE (e.g. a.steps=20) or attentionLogit=V, got "${item}"`,
      );
    }
    // pullUnit and pullBy take a word.
    const value: number | string = m[2] === 'pullUnit' || m[2] === 'pullBy' ? m[4] : Number(m[4]);
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new UsageError(`--chain ${item}: "${m[4]}" is not a number`);
    if (m[3]) {
      out = { ...out, [m[3]]: value };
      continue;
    }
    const key = m[2] as (typeof CHAIN_KEYS)[number];
    if (!CHAIN_KEYS.includes(key)) {
      throw new UsageError(
        `--chain ${item}: unknown knob "${key}" (known: ${CHAIN_KEYS.join(', ')})`,
      );
    }
    out = withChains(out, { [m[1]]: { [key]: value } });
  }
  try {
    return validateInferenceSettings(out);
  } catch (e) {
    throw new UsageError(`--chain: ${(e as Error).message}`);
  }
}
