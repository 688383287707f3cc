/**
 * `train --set model.pairDirection=true --set loss.contrastive=0.5`: override
 * any field of a training config by its dotted path, so that a recipe can be
 * rerun with one change without copying its config file (the run folder's
 * config.json records the result, so the run stays reproducible). The value
 * is read as JSON (numbers, true/false, null, quoted strings, objects), a
 * bare word as a string; the resolved config is validated as a whole.
 */
import { UsageError } from './io.js';

export function applyConfigOverrides(
  config: unknown,
  overrides: readonly string[] | undefined,
): unknown {
  let out = config;
  for (const item of overrides ?? []) {
    const m = /^([A-Za-z_][\w-]*(?:\.[A-Za-z_+][\w+-]*)*)=(.*)$/.exec(item.trim());
    if (!m)
      throw new UsageError(
        `--set expects PATH=VALUE (e.g. model.pairDirection=true), got "${item}"`,
      );
    let value: unknown;
    try {
      value = JSON.parse(m[2]);
    } catch {
      value = m[2];
    }
    out = setPath(out, m[1].split('.'), value, item);
  }
  return out;
}

function setPath(node: unknown, path: readonly string[], value: unknown, item: string): unknown {
  if (path.length === 0) return value;
  if (node !== undefined && (typeof node !== 'object' || node === null || Array.isArray(node))) {
    throw new UsageError(`--set ${item}: "${path[0]}" is under a field that is not an object`);
  }
  const obj = (node ?? {}) as Record<string, unknown>;
  return { ...obj, [path[0]]: setPath(obj[path[0]], path.slice(1), value, item) };
}
