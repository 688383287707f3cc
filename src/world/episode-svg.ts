/**
 * Figures of a whole episode: one SVG per demonstration, one per query (the
 * query, and beside it the truth and the answer when given), and an overview
 * grid with the demonstrations first and the queries below.
 */
import {
  queryScene,
  sceneFromJson,
  type AnswerJson,
  type EpisodeJson,
  type TruthJson,
} from './interchange.js';
import { chunkRows, gridSvg, panelSvg, type GridSection, type Panel } from './svg.js';

/** A verdict on one query (the shape of a family checker's result). */
export interface Verdict {
  ok: boolean;
  error: number;
  reason?: string;
}

export interface EpisodeFigureOptions {
  truth?: TruthJson;
  answer?: AnswerJson;
  /** Verdicts on the answer's results, one per query. */
  verdicts?: readonly (Verdict | undefined)[];
  /** Title of the overview. */
  title?: string;
  /** Side of a world box in pixels. */
  size?: number;
}

export interface Figure {
  /** File name, e.g. `demo-00.svg`. */
  name: string;
  svg: string;
}

function pad(i: number, count: number): string {
  return String(i).padStart(Math.max(2, String(Math.max(0, count - 1)).length), '0');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function num(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : String(x);
}

export function demoPanel(episode: EpisodeJson, i: number): Panel {
  const d = episode.demos[i];
  return {
    title: `demo ${i}`,
    scene: sceneFromJson(d.after),
    before: sceneFromJson(d.before),
    attention: d.attention,
  };
}

/** The panels of query i: the query itself, then the truth and the answer when given. */
export function queryPanels(
  episode: EpisodeJson,
  i: number,
  opts: EpisodeFigureOptions = {},
): Panel[] {
  const q = episode.queries[i];
  const panels: Panel[] = [];
  if (q.task === 'identify') {
    panels.push({
      title: `query ${i}`,
      subtitle: 'identify: which entities?',
      scene: sceneFromJson(q.scene),
    });
  } else {
    panels.push({
      title: `query ${i}`,
      subtitle: q.movable ? 'generate (movable given)' : 'generate from this',
      scene: sceneFromJson(q.before),
      attention: q.attention,
    });
  }
  const t = opts.truth?.queries[i];
  if (t) {
    if (t.task === 'identify' && q.task === 'identify') {
      panels.push({
        title: `query ${i}: truth`,
        subtitle: t.family,
        scene: sceneFromJson(q.scene),
        attention: t.attention,
      });
    } else if (t.task === 'generate' && q.task === 'generate') {
      panels.push({
        title: `query ${i}: truth`,
        subtitle: t.family,
        scene: sceneFromJson(t.after),
        before: sceneFromJson(q.before),
        attention: q.attention,
      });
    }
  }
  const r = opts.answer?.results[i];
  if (r) {
    const v = opts.verdicts?.[i];
    const subtitle = v
      ? v.ok
        ? `ok (error ${num(v.error)})`
        : truncate(`wrong (error ${num(v.error)})${v.reason ? `: ${v.reason}` : ''}`, 40)
      : 'answer';
    const status = v ? (v.ok ? 'ok' : 'fail') : undefined;
    const tooltip = v?.reason;
    if ('attention' in r) {
      panels.push({
        title: `query ${i}: answer`,
        subtitle,
        status,
        tooltip,
        scene: sceneFromJson(queryScene(q)),
        attention: r.attention,
      });
    } else if (q.task === 'generate') {
      panels.push({
        title: `query ${i}: answer`,
        subtitle,
        status,
        tooltip,
        scene: sceneFromJson(r.after),
        before: sceneFromJson(q.before),
        attention: q.attention,
        trajectory: r.trajectory?.map(sceneFromJson),
      });
    }
  }
  return panels;
}

/** All figures of an episode: `demo-NN.svg`, `query-NN.svg` and `overview.svg`. */
export function episodeFigures(episode: EpisodeJson, opts: EpisodeFigureOptions = {}): Figure[] {
  const size = opts.size ?? 200;
  const figures: Figure[] = [];
  const demos = episode.demos.map((_, i) => demoPanel(episode, i));
  demos.forEach((p, i) =>
    figures.push({ name: `demo-${pad(i, demos.length)}.svg`, svg: panelSvg(p, { size }) }),
  );
  const queries = episode.queries.map((_, i) => queryPanels(episode, i, opts));
  queries.forEach((row, i) =>
    figures.push({ name: `query-${pad(i, queries.length)}.svg`, svg: gridSvg([row], { size }) }),
  );
  const columns = Math.min(6, Math.max(3, demos.length));
  const sections: GridSection[] = [{ title: 'demonstrations', rows: chunkRows(demos, columns) }];
  if (queries.length > 0) {
    const single = queries.every((row) => row.length === 1);
    sections.push({
      title: single ? 'queries' : 'queries (query, truth, answer)',
      rows: single ? chunkRows(queries.flat(), columns) : queries,
    });
  }
  figures.push({ name: 'overview.svg', svg: gridSvg(sections, { size, title: opts.title }) });
  return figures;
}
