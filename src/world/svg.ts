/**
 * Standalone SVG pictures of scenes, events, attention masks, trajectories
 * and episodes, clean enough for a paper: pure functions returning strings,
 * no external fonts, no ids (so several pictures can share one HTML page).
 *
 * Conventions: the world box [-1, 1]^2 is drawn as a light frame with y
 * pointing up; entities are filled circles in their colours (class
 * "entity"); the gray agent has a dark outline and a white cross (class
 * "entity agent"); attention is a dark halo ring (class "halo") whose size and
 * opacity grow with the value in [0, 1], so probabilities render too; in an
 * event the state before is faded (class "ghost"), each moved entity gets an
 * arrow (class "arrow") from its old to its new position, and a recoloured
 * entity shows its old colour in its left half (class "recolor"); a
 * trajectory draws one trail per moving entity (class "trail") instead of arrows.
 */
import { isAgent } from './scene.js';
import type { Entity, Event, Rgb, Scene } from './types.js';

// ---------------------------------------------------------------- panels

export interface Panel {
  title?: string;
  subtitle?: string;
  /** Shown on hover (an SVG <title>), e.g. the full text of a shortened subtitle. */
  tooltip?: string;
  /** Colours the subtitle: green for ok, red for fail. */
  status?: 'ok' | 'fail';
  /** The state shown solid (for an event, the state after). */
  scene: Scene;
  /** The state before (drawn faded, with arrows to `scene`). */
  before?: Scene;
  /** Attention per entity of `scene`, in [0, 1] (0/1 masks or probabilities). */
  attention?: readonly number[];
  /** States of a chain, first to last: one trail per moving entity. */
  trajectory?: readonly Scene[];
  /** Extra SVG drawn over the world frame, under everything else (e.g. a robot arm). */
  underlay?: (map: WorldMap) => string;
  /** Extra SVG drawn over the entities (e.g. marks of an answer). */
  overlay?: (map: WorldMap) => string;
}

/** World coordinates to the pixels of a panel's world box (y up). */
export interface WorldMap {
  x(wx: number): number;
  y(wy: number): number;
  /** Side of the world box in pixels. */
  readonly size: number;
  /** Radius of an entity in pixels. */
  readonly r: number;
}

export interface SvgOptions {
  /** Side of the world box in pixels (default 200). */
  size?: number;
}

export interface GridSection {
  title?: string;
  rows: Panel[][];
}

export interface GridOptions extends SvgOptions {
  title?: string;
}

const FONT = 'Helvetica, Arial, sans-serif';
const PAD = 10;
const TITLE_H = 20;
const SUBTITLE_H = 16;
const GAP = 12;
const HEADING_H = 24;
const GRID_TITLE_H = 30;
const ENTITY_RADIUS = 0.06; // world units
const MOVE_EPS = 1e-3;
const RECOLOR_EPS = 0.02;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function rgb(c: Rgb, scale = 1): string {
  const ch = (v: number) => Math.round(clamp01(v) * scale * 255);
  return `rgb(${ch(c[0])},${ch(c[1])},${ch(c[2])})`;
}

/** Maps world coordinates into a box of `size` pixels at (ox, oy), y up. */
class Frame implements WorldMap {
  constructor(
    readonly ox: number,
    readonly oy: number,
    readonly size: number,
  ) {}

  x(wx: number): number {
    return this.ox + ((wx + 1) / 2) * this.size;
  }

  y(wy: number): number {
    return this.oy + ((1 - wy) / 2) * this.size;
  }

  get r(): number {
    return (ENTITY_RADIUS / 2) * this.size;
  }
}

function panelSize(size: number): { width: number; height: number } {
  return { width: size + 2 * PAD, height: TITLE_H + size + 2 * PAD + SUBTITLE_H };
}

/**
 * Where `panelSvg` puts things: the document's width and height and the world
 * box's top-left corner, so that an interactive page can map pointer positions
 * back to world coordinates.
 */
export function panelLayout(size = 200): {
  width: number;
  height: number;
  boxX: number;
  boxY: number;
  size: number;
} {
  return { ...panelSize(size), boxX: PAD, boxY: TITLE_H + PAD, size };
}

function moved(a: Entity, b: Entity): boolean {
  return Math.hypot(a.pos[0] - b.pos[0], a.pos[1] - b.pos[1]) > MOVE_EPS;
}

function recolored(a: Entity, b: Entity): boolean {
  return (
    Math.hypot(a.color[0] - b.color[0], a.color[1] - b.color[1], a.color[2] - b.color[2]) >
    RECOLOR_EPS
  );
}

function worldFrame(f: Frame): string {
  const s = num(f.size);
  const out = [
    `<rect class="frame" x="${num(f.ox)}" y="${num(f.oy)}" width="${s}" height="${s}" fill="#fafafa" stroke="#cfcfcf" stroke-width="1"/>`,
    `<line x1="${num(f.x(0))}" y1="${num(f.oy)}" x2="${num(f.x(0))}" y2="${num(f.oy + f.size)}" stroke="#ececec" stroke-width="1"/>`,
    `<line x1="${num(f.ox)}" y1="${num(f.y(0))}" x2="${num(f.ox + f.size)}" y2="${num(f.y(0))}" stroke="#ececec" stroke-width="1"/>`,
  ];
  return out.join('');
}

function entityCircle(e: Entity, f: Frame, cls: string, extra = ''): string {
  const agent = isAgent(e);
  const stroke = agent ? '#111' : rgb(e.color, 0.6);
  const width = agent ? 2 : 1;
  return `<circle class="${cls}${agent ? ' agent' : ''}" cx="${num(f.x(e.pos[0]))}" cy="${num(f.y(e.pos[1]))}" r="${num(f.r)}" fill="${rgb(e.color)}" stroke="${stroke}" stroke-width="${width}"${extra}/>`;
}

function agentMark(e: Entity, f: Frame): string {
  const cx = f.x(e.pos[0]);
  const cy = f.y(e.pos[1]);
  const d = f.r * 0.55;
  return `<path class="agent-mark" d="M${num(cx - d)} ${num(cy)}H${num(cx + d)}M${num(cx)} ${num(cy - d)}V${num(cy + d)}" stroke="#fff" stroke-width="1.5" stroke-linecap="round"/>`;
}

function halo(e: Entity, a: number, f: Frame): string {
  const v = clamp01(a);
  if (v < 0.01) return '';
  const r = f.r * (1.45 + 0.55 * v);
  return `<circle class="halo" cx="${num(f.x(e.pos[0]))}" cy="${num(f.y(e.pos[1]))}" r="${num(r)}" fill="#000" fill-opacity="${num(0.1 * v)}" stroke="#111" stroke-width="${num(0.8 + 1.4 * v)}" stroke-opacity="${num(0.2 + 0.8 * v)}"/>`;
}

/** Left half of the entity in its old colour. */
function recolorMark(before: Entity, after: Entity, f: Frame): string {
  const cx = f.x(after.pos[0]);
  const cy = f.y(after.pos[1]);
  const r = f.r;
  return `<path class="recolor" d="M${num(cx)} ${num(cy - r)}A${num(r)} ${num(r)} 0 0 0 ${num(cx)} ${num(cy + r)}Z" fill="${rgb(before.color)}" stroke="#fff" stroke-width="0.8"/>`;
}

function arrow(from: Entity, to: Entity, f: Frame): string {
  const x0 = f.x(from.pos[0]);
  const y0 = f.y(from.pos[1]);
  const x1 = f.x(to.pos[0]);
  const y1 = f.y(to.pos[1]);
  const len = Math.hypot(x1 - x0, y1 - y0);
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  // Start at the ghost's edge and stop at the solid entity's edge when there is room.
  const trim = len > 3 * f.r ? f.r + 1 : 0;
  const sx = x0 + ux * trim;
  const sy = y0 + uy * trim;
  const ex = x1 - ux * trim;
  const ey = y1 - uy * trim;
  const head = Math.min(7, Math.max(3, (len - 2 * trim) * 0.4));
  const hx = ex - ux * head;
  const hy = ey - uy * head;
  const px = -uy * head * 0.5;
  const py = ux * head * 0.5;
  return (
    `<g class="arrow">` +
    `<line x1="${num(sx)}" y1="${num(sy)}" x2="${num(hx)}" y2="${num(hy)}" stroke="#333" stroke-width="1.4" stroke-linecap="round"/>` +
    `<polygon points="${num(ex)},${num(ey)} ${num(hx + px)},${num(hy + py)} ${num(hx - px)},${num(hy - py)}" fill="#333"/>` +
    `</g>`
  );
}

function trails(states: readonly Scene[], f: Frame): string {
  if (states.length < 2) return '';
  const n = Math.min(...states.map((s) => s.entities.length));
  const last = states[states.length - 1];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const path = states.map((s) => s.entities[i]);
    if (!path.some((e) => moved(e, path[0]))) continue;
    const points = path.map((e) => `${num(f.x(e.pos[0]))},${num(f.y(e.pos[1]))}`).join(' ');
    out.push(
      `<polyline class="trail" points="${points}" fill="none" stroke="${rgb(last.entities[i].color, 0.8)}" stroke-width="1.6" stroke-opacity="0.75" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    for (const e of path.slice(0, -1)) {
      out.push(
        `<circle class="trail-dot" cx="${num(f.x(e.pos[0]))}" cy="${num(f.y(e.pos[1]))}" r="1.3" fill="${rgb(last.entities[i].color, 0.8)}" fill-opacity="0.75"/>`,
      );
    }
  }
  return out.join('');
}

/** The drawing of one panel with its world box at (ox, oy). */
function panelBody(p: Panel, ox: number, oy: number, size: number): string {
  const f = new Frame(ox, oy, size);
  const after = p.scene.entities;
  const before =
    p.before && p.before.entities.length === after.length ? p.before.entities : undefined;
  const out: string[] = [worldFrame(f)];
  if (p.underlay) out.push(p.underlay(f));
  if (p.trajectory && p.trajectory.length > 1) out.push(trails(p.trajectory, f));
  if (before) {
    before.forEach((b, i) => {
      if (moved(b, after[i]))
        out.push(entityCircle(b, f, 'ghost', ' opacity="0.3" stroke-dasharray="2 2"'));
    });
    // A trajectory's trails already show the motion: arrows only without one.
    if (!p.trajectory || p.trajectory.length < 2) {
      before.forEach((b, i) => {
        if (moved(b, after[i])) out.push(arrow(b, after[i], f));
      });
    }
  }
  if (p.attention) after.forEach((e, i) => out.push(halo(e, p.attention![i] ?? 0, f)));
  after.forEach((e, i) => {
    out.push(entityCircle(e, f, 'entity'));
    if (before && recolored(before[i], e)) out.push(recolorMark(before[i], e, f));
    if (isAgent(e)) out.push(agentMark(e, f));
  });
  if (p.overlay) out.push(p.overlay(f));
  return out.join('');
}

function textLine(
  x: number,
  y: number,
  text: string,
  size: number,
  fill: string,
  weight = 'normal',
): string {
  return `<text x="${num(x)}" y="${num(y)}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="middle">${escapeXml(text)}</text>`;
}

/** One panel (title, world box, subtitle) with its top-left corner at (x, y). */
function panelGroup(p: Panel, x: number, y: number, size: number): string {
  const { width } = panelSize(size);
  const out = [`<g class="panel">`];
  if (p.tooltip) out.push(`<title>${escapeXml(p.tooltip)}</title>`);
  if (p.title) out.push(textLine(x + width / 2, y + 15, p.title, 13, '#222', 'bold'));
  out.push(panelBody(p, x + PAD, y + TITLE_H + PAD, size));
  if (p.subtitle) {
    const fill = p.status === 'ok' ? '#1a7f37' : p.status === 'fail' ? '#c62828' : '#555';
    out.push(textLine(x + width / 2, y + TITLE_H + size + 2 * PAD + 10, p.subtitle, 11, fill));
  }
  out.push('</g>');
  return out.join('');
}

function svgDocument(width: number, height: number, body: string): string {
  const w = num(width);
  const h = num(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">\n` +
    `<rect width="${w}" height="${h}" fill="#fff"/>\n${body}\n</svg>\n`
  );
}

// ---------------------------------------------------------------- public API

/** A titled panel as a standalone SVG. */
export function panelSvg(panel: Panel, opts: SvgOptions = {}): string {
  const size = opts.size ?? 200;
  const { width, height } = panelSize(size);
  return svgDocument(width, height, panelGroup(panel, 0, 0, size));
}

export interface DrawOptions extends SvgOptions {
  title?: string;
  subtitle?: string;
  status?: 'ok' | 'fail';
}

/** A scene, optionally with attention halos. */
export function sceneSvg(
  scene: Scene,
  opts: DrawOptions & { attention?: readonly number[] } = {},
): string {
  return panelSvg({ ...pick(opts), scene, attention: opts.attention }, opts);
}

/** An attention mask (0/1 or probabilities) over a scene. */
export function attentionSvg(
  scene: Scene,
  attention: readonly number[],
  opts: DrawOptions = {},
): string {
  return panelSvg({ ...pick(opts), scene, attention }, opts);
}

/** An event: before faded, after solid, arrows for moved entities, halos for attended ones. */
export function eventSvg(event: Event, opts: DrawOptions = {}): string {
  return panelSvg(
    { ...pick(opts), scene: event.after, before: event.before, attention: event.attention },
    opts,
  );
}

/** A trajectory: trails through the states, the first faded, the last solid. */
export function trajectorySvg(
  states: readonly Scene[],
  opts: DrawOptions & { attention?: readonly number[] } = {},
): string {
  if (states.length === 0) throw new Error('trajectorySvg: no states');
  return panelSvg(
    {
      ...pick(opts),
      scene: states[states.length - 1],
      before: states[0],
      trajectory: states,
      attention: opts.attention,
    },
    opts,
  );
}

function pick(opts: DrawOptions): Pick<Panel, 'title' | 'subtitle' | 'status'> {
  return { title: opts.title, subtitle: opts.subtitle, status: opts.status };
}

/** Split a list of panels into rows of `columns`. */
export function chunkRows(panels: readonly Panel[], columns: number): Panel[][] {
  const cols = Math.max(1, Math.floor(columns));
  const rows: Panel[][] = [];
  for (let i = 0; i < panels.length; i += cols) rows.push(panels.slice(i, i + cols));
  return rows;
}

/** A grid of panels in sections (each with an optional heading), under an optional title. */
export function gridSvg(
  sections: readonly GridSection[] | Panel[][],
  opts: GridOptions = {},
): string {
  const size = opts.size ?? 200;
  const list: readonly GridSection[] = isSectionList(sections) ? sections : [{ rows: sections }];
  const { width: pw, height: ph } = panelSize(size);
  const columns = Math.max(1, ...list.flatMap((s) => s.rows.map((r) => r.length)));
  const width = GAP + columns * (pw + GAP);
  const out: string[] = [];
  let y = GAP;
  if (opts.title) {
    out.push(
      `<text x="${GAP}" y="${y + 18}" font-family="${FONT}" font-size="17" font-weight="bold" fill="#111">${escapeXml(opts.title)}</text>`,
    );
    y += GRID_TITLE_H;
  }
  for (const section of list) {
    if (section.title) {
      out.push(
        `<text x="${GAP}" y="${y + 16}" font-family="${FONT}" font-size="14" font-weight="bold" fill="#444">${escapeXml(section.title)}</text>`,
      );
      out.push(
        `<line x1="${GAP}" y1="${y + HEADING_H - 2}" x2="${num(width - GAP)}" y2="${y + HEADING_H - 2}" stroke="#ddd" stroke-width="1"/>`,
      );
      y += HEADING_H;
    }
    for (const row of section.rows) {
      row.forEach((p, c) => out.push(panelGroup(p, GAP + c * (pw + GAP), y, size)));
      y += ph + GAP;
    }
  }
  return svgDocument(width, y, out.join('\n'));
}

function isSectionList(v: readonly GridSection[] | Panel[][]): v is readonly GridSection[] {
  return v.length > 0 && !Array.isArray(v[0]);
}
