/**
 * The shift suite: every family scored on scenes unlike the training
 * defaults, one axis at a time, so a table shows where the model breaks:
 *
 * - `entities`: scene size N from the family's minimum to 12;
 * - `demos`: demonstrations per episode M from 1 to 10;
 * - `geometry`: the family's geometry from the band below (`small`) or above
 *   (`large`) its training range, inside what its checker accepts;
 * - `colours`: every colour the concept does not name jittered by up to 0.1
 *   per channel (`jitter`), or from a second palette (`palette`).
 *
 * Everything else stays at eval's defaults (N = the family's default, M = 5,
 * training geometry and colours). A cell is scored by the strict judge, on
 * episodes that are a pure function of (seed, family, axis, value, index).
 */
import type { InferenceBackendName } from '../inference/backend.js';
import { GEOMETRY_BANDS, getFamily, type FamilyName } from '../concepts/index.js';
import type { ColourShift } from '../concepts/colour-shift.js';
import type { SceneShift } from '../concepts/scene-shift.js';
import type { InferenceSettings } from '../inference/settings.js';
import type { EnergyModel } from '../model/model.js';
import { EVAL_DEFAULTS, evaluateFamily, type EvalOptions } from './evaluate.js';
import { wilson } from './stats.js';
import { heatmap } from './plot.js';

export const SHIFT_AXES = ['entities', 'demos', 'geometry', 'colours'] as const;
export type ShiftAxis = (typeof SHIFT_AXES)[number];

/** Scene sizes of the `entities` axis (each family also gets its own minimum). */
export const SHIFT_ENTITIES = [4, 6, 8, 10, 12] as const;
/** Demonstrations per episode of the `demos` axis. */
export const SHIFT_DEMOS = [1, 2, 3, 5, 10] as const;
/** The `colours` axis: its values by name. */
export const SHIFT_COLOURS: Readonly<Record<string, ColourShift>> = {
  jitter: { kind: 'jitter', amount: 0.1 },
  palette: { kind: 'palette' },
};
/** Episodes per cell of the shift suite, by default and in the quick variant. */
export const SHIFT_EPISODES = { full: 100, quick: 4 } as const;
/** The quick variant's values (for CI and a first look). */
const QUICK = { entities: [12], demos: [1, 10] } as const;

export interface ShiftCellSpec {
  family: FamilyName;
  axis: ShiftAxis;
  value: number | string;
  /** What the cell changes of eval's default episodes. */
  options: Partial<Pick<EvalOptions, 'entities' | 'demos' | 'shift'>>;
}

/** The cells of one family, axis by axis, in table order. */
export function shiftCells(family: FamilyName, quick = false): ShiftCellSpec[] {
  const f = getFamily(family);
  const cells: ShiftCellSpec[] = [];
  const sizes = [...new Set([f.minEntities, ...(quick ? QUICK.entities : SHIFT_ENTITIES)])]
    .filter((n) => n >= f.minEntities)
    .sort((a, b) => a - b);
  for (const n of sizes)
    cells.push({ family, axis: 'entities', value: n, options: { entities: n } });
  for (const m of quick ? QUICK.demos : SHIFT_DEMOS)
    cells.push({ family, axis: 'demos', value: m, options: { demos: m } });
  for (const band of GEOMETRY_BANDS) {
    if (f.geometry?.[band])
      cells.push({ family, axis: 'geometry', value: band, options: { shift: { geometry: band } } });
  }
  for (const [name, colours] of Object.entries(SHIFT_COLOURS)) {
    const shift: SceneShift = { colours };
    cells.push({ family, axis: 'colours', value: name, options: { shift } });
  }
  return cells;
}

export interface ShiftCell {
  family: FamilyName;
  axis: ShiftAxis;
  value: number | string;
  /** The strict judge's score and its 95% Wilson interval. */
  score: number;
  episodes: number;
  low: number;
  high: number;
  /** The lenient judge's, for comparison (equal to `score` for identification). */
  lenientScore: number;
}

export interface ShiftOptions {
  /** Episodes per cell. */
  episodes: number;
  seed: number;
  quick?: boolean;
  /** Where the chains run (default: the kernel). */
  backend?: InferenceBackendName;
}

export interface ShiftReport {
  model: string;
  episodes: number;
  seed: number;
  quick: boolean;
  cells: ShiftCell[];
}

/** The episodes of a cell: eval's defaults, the cell's change, and a seed of its own. */
export function cellEvalOptions(spec: ShiftCellSpec, o: ShiftOptions): EvalOptions {
  return {
    episodes: o.episodes,
    demos: spec.options.demos ?? EVAL_DEFAULTS.demos,
    entities: spec.options.entities,
    seed: cellSeed(o.seed, spec),
    shift: spec.options.shift,
    ...(o.backend ? { backend: o.backend } : {}),
  };
}

/** A seed per (axis, value): cells never share episodes by accident, and each is reproducible alone. */
function cellSeed(seed: number, spec: ShiftCellSpec): number {
  let h = 2166136261 ^ seed;
  for (const c of `${spec.axis}=${spec.value}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Score every cell of every family; `onCell` reports progress (done, total, the cell). */
export function runShiftSuite(
  model: EnergyModel,
  modelLabel: string,
  settings: InferenceSettings,
  families: readonly FamilyName[],
  o: ShiftOptions,
  onCell?: (done: number, total: number, cell: ShiftCellSpec) => void,
): ShiftReport {
  const specs = families.flatMap((f) => shiftCells(f, o.quick));
  const cells = specs.map((spec, i) => {
    onCell?.(i, specs.length, spec);
    const s = evaluateFamily(model, spec.family, settings, cellEvalOptions(spec, o));
    const [low, high] = wilson(s.successes, s.episodes);
    return {
      family: spec.family,
      axis: spec.axis,
      value: spec.value,
      score: s.score,
      episodes: s.episodes,
      low,
      high,
      lenientScore: s.lenientScore,
    };
  });
  return { model: modelLabel, episodes: o.episodes, seed: o.seed, quick: o.quick ?? false, cells };
}

/** The axis's column label for a value. */
export function columnLabel(axis: ShiftAxis, value: number | string): string {
  return axis === 'entities' ? `N=${value}` : axis === 'demos' ? `M=${value}` : String(value);
}

/** The table's columns: every (axis, value) that some cell has, axis by axis, values in suite order. */
export function shiftColumns(report: ShiftReport): { axis: ShiftAxis; value: number | string }[] {
  const out: { axis: ShiftAxis; value: number | string }[] = [];
  for (const axis of SHIFT_AXES) {
    const values = [...new Set(report.cells.filter((c) => c.axis === axis).map((c) => c.value))];
    if (axis === 'entities' || axis === 'demos') values.sort((a, b) => Number(a) - Number(b));
    for (const value of values) out.push({ axis, value });
  }
  return out;
}

function cellOf(
  report: ShiftReport,
  family: string,
  axis: ShiftAxis,
  value: number | string,
): ShiftCell | undefined {
  return report.cells.find((c) => c.family === family && c.axis === axis && c.value === value);
}

/** Families as rows, (axis, value) as columns; `-` where a family has no such cell. */
export function shiftTable(report: ShiftReport, markdown = false): string {
  const columns = shiftColumns(report);
  const families = [...new Set(report.cells.map((c) => c.family))];
  const head = ['family', ...columns.map((c) => columnLabel(c.axis, c.value))];
  const rows = families.map((f) => [
    f,
    ...columns.map((c) => {
      const cell = cellOf(report, f, c.axis, c.value);
      return cell ? cell.score.toFixed(2) : '-';
    }),
  ]);
  const note =
    `strict scores, ${report.episodes} episodes a cell (95% intervals in --json), seed ${report.seed}; ` +
    'N = entities per scene, M = demonstrations, geometry = sizes below/above the training range, ' +
    'colours = unnamed colours jittered by up to 0.1 or from a second palette; - = the family has no such cell';
  if (markdown) {
    return (
      [
        `| ${head.join(' | ')} |`,
        `| --- | ${columns.map(() => '---:').join(' | ')} |`,
        ...rows.map((r) => `| ${r.join(' | ')} |`),
      ].join('\n') +
      '\n\n' +
      note +
      '\n'
    );
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return (
    [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), note].join('\n') + '\n'
  );
}

/** The flat list other tools read: `{ model, episodes, seed, quick, cells: [...] }`. */
export function shiftJson(report: ShiftReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** Rows for the heatmap: one per cell, the column label in suite order. */
export function heatmapRows(
  report: ShiftReport,
): { family: string; column: string; axis: string; score: number; episodes: number }[] {
  return report.cells.map((c) => ({
    family: c.family,
    column: columnLabel(c.axis, c.value),
    axis: c.axis,
    score: c.score,
    episodes: c.episodes,
  }));
}

/** The suite as a heatmap SVG: families by cells, the axes left to right. */
export function shiftHeatmap(report: ShiftReport): Promise<string> {
  const columns = shiftColumns(report);
  return heatmap(heatmapRows(report), {
    title: `Strict score on shifted scenes (${report.model}, ${report.episodes} episodes a cell)`,
    y: { field: 'family', title: null, order: [...new Set(report.cells.map((c) => c.family))] },
    x: { field: 'column', title: null, order: columns.map((c) => columnLabel(c.axis, c.value)) },
    value: { field: 'score', title: 'score' },
  });
}
