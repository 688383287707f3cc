/**
 * Drawing: scenes through src/world/svg.ts (the look of every figure of the
 * project) with the page's overlays (selection, the model's answer, the true
 * set, entity numbers, the robot arm), energy plots, the concept code, and
 * the energy landscape on a canvas.
 */
import type { ArmSpec } from '../../src/world/arm.js';
import { armSvg } from '../../src/world/arm-svg.js';
import { isAgent } from '../../src/world/scene.js';
import { panelSvg, type Panel, type WorldMap } from '../../src/world/svg.js';
import type { Scene } from '../../src/world/types.js';
import { cellCenter, type Landscape } from './chains.js';

const n2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

export interface SceneMarks {
  selected?: number;
  /** The model's answer (0/1): a blue dashed ring with data-index per marked entity. */
  answer?: readonly number[];
  /** The true set (0/1): a small green dot at the upper right. */
  truth?: readonly number[];
  /** Entity numbers beside each entity. */
  numbers?: boolean;
  arm?: { spec: ArmSpec; angles: readonly number[] };
}

function overlay(scene: Scene, marks: SceneMarks, f: WorldMap): string {
  const out: string[] = [];
  scene.entities.forEach((e, i) => {
    const cx = f.x(e.pos[0]);
    const cy = f.y(e.pos[1]);
    if (marks.answer && marks.answer[i] >= 0.5) {
      out.push(
        `<circle class="answer-mark" data-index="${i}" cx="${n2(cx)}" cy="${n2(cy)}" r="${n2(f.r * 2.5)}" fill="none" stroke="#1565c0" stroke-width="2.2" stroke-dasharray="5 3"/>`,
      );
    }
    if (marks.truth && marks.truth[i] >= 0.5) {
      out.push(
        `<circle class="truth-mark" data-index="${i}" cx="${n2(cx + f.r * 1.6)}" cy="${n2(cy - f.r * 1.6)}" r="3.2" fill="#2e7d32" stroke="#fff" stroke-width="1"/>`,
      );
    }
    if (marks.selected === i) {
      out.push(
        `<circle class="selected" cx="${n2(cx)}" cy="${n2(cy)}" r="${n2(f.r * 1.35)}" fill="none" stroke="#ff6f00" stroke-width="2.5"/>`,
      );
    }
    if (marks.numbers) {
      out.push(
        `<text class="index" x="${n2(cx - f.r * 1.5)}" y="${n2(cy + f.r * 2.3)}" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="#777" text-anchor="middle">${i}</text>`,
      );
    }
  });
  return out.join('');
}

/** A scene panel (svg.ts look) with the page's marks. */
export function sceneSvgWithMarks(panel: Panel, marks: SceneMarks, size: number): string {
  return panelSvg(
    {
      ...panel,
      underlay: marks.arm ? (f) => armSvg(marks.arm!.spec, marks.arm!.angles, f) : undefined,
      overlay: (f) => overlay(panel.scene, marks, f),
    },
    { size },
  );
}

// ---------------------------------------------------------------- plots

export const CHAIN_COLORS: Readonly<Record<string, string>> = {
  w: '#6a1b9a',
  a: '#1565c0',
  x: '#c62828',
};

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return String(Math.round(v * 1000) / 1000);
}

/** Energy per step of one chain: a line with dots, the first and last values, K on the x axis. */
export function plotSvg(
  values: readonly number[],
  steps: number,
  label: string,
  color: string,
  width = 300,
  height = 84,
): string {
  const L = 44;
  const R = 8;
  const Tp = 16;
  const B = 16;
  const w = width - L - R;
  const h = height - Tp - B;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="plot">`,
    `<rect x="${L}" y="${Tp}" width="${w}" height="${h}" fill="#fafafa" stroke="#ddd"/>`,
    `<text x="${L}" y="11" font-size="11" fill="#333">${label}</text>`,
  ];
  const finite = values.filter(Number.isFinite);
  if (finite.length > 0) {
    let lo = Math.min(...finite);
    let hi = Math.max(...finite);
    if (hi - lo < 1e-9) {
      hi += 0.5;
      lo -= 0.5;
    }
    const K = Math.max(1, steps, values.length - 1);
    const px = (k: number) => L + (k / K) * w;
    const py = (v: number) => Tp + h - ((v - lo) / (hi - lo)) * h;
    const pts = values
      .map((v, k) => (Number.isFinite(v) ? `${n2(px(k))},${n2(py(v))}` : ''))
      .filter(Boolean);
    out.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"/>`,
    );
    if (values.length <= 60) {
      values.forEach((v, k) => {
        if (Number.isFinite(v))
          out.push(`<circle cx="${n2(px(k))}" cy="${n2(py(v))}" r="2" fill="${color}"/>`);
      });
    }
    out.push(
      `<text x="${L - 4}" y="${Tp + 9}" font-size="9" fill="#666" text-anchor="end">${fmt(hi)}</text>`,
    );
    out.push(
      `<text x="${L - 4}" y="${Tp + h}" font-size="9" fill="#666" text-anchor="end">${fmt(lo)}</text>`,
    );
    out.push(
      `<text x="${width - R}" y="11" font-size="10" fill="${color}" text-anchor="end">E = ${fmt(values[values.length - 1])} at step ${values.length - 1}</text>`,
    );
    out.push(`<text x="${L}" y="${height - 3}" font-size="9" fill="#666">0</text>`);
    out.push(
      `<text x="${L + w}" y="${height - 3}" font-size="9" fill="#666" text-anchor="end">${K}</text>`,
    );
  } else {
    out.push(
      `<text x="${L + w / 2}" y="${Tp + h / 2 + 4}" font-size="10" fill="#999" text-anchor="middle">not run yet</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

/** The concept code as bars around zero. */
export function codeSvg(code: ArrayLike<number> | null, width = 300, height = 40): string {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="code">`,
  ];
  out.push(`<line x1="0" y1="${height / 2}" x2="${width}" y2="${height / 2}" stroke="#ccc"/>`);
  if (code && code.length > 0) {
    const m = Math.max(1e-6, ...Array.from(code, Math.abs));
    const bw = width / code.length;
    Array.from(code).forEach((v, i) => {
      const hgt = (Math.abs(v) / m) * (height / 2 - 2);
      const y = v >= 0 ? height / 2 - hgt : height / 2;
      out.push(
        `<rect x="${n2(i * bw + 1)}" y="${n2(y)}" width="${n2(bw - 2)}" height="${n2(hgt)}" fill="${v >= 0 ? '#6a1b9a' : '#ab47bc'}"/>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------- landscape

const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Viridis-like: 0 dark purple (low energy) .. 1 yellow (high). */
export function colormap(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(v));
  const f = v - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

const css = (c: readonly number[]) =>
  `rgb(${Math.round(c[0] * 255)},${Math.round(c[1] * 255)},${Math.round(c[2] * 255)})`;

/**
 * Heat map of log(1 + E) over the grid (computed cells only), the other
 * entities, and the chain path of the landscape's entity. Returns the range of E.
 */
export function drawLandscape(
  canvas: HTMLCanvasElement,
  land: Landscape | null,
  scene: Scene,
  path: readonly [number, number][],
): { lo: number; hi: number } | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const W = canvas.width;
  const H = canvas.height;
  ctx.fillStyle = '#f4f4f4';
  ctx.fillRect(0, 0, W, H);
  const X = (x: number) => ((x + 1) / 2) * W;
  const Y = (y: number) => ((1 - y) / 2) * H;
  let range: { lo: number; hi: number } | null = null;
  if (land) {
    const G = land.grid;
    const done = land.values.subarray(0, land.rowsDone * G);
    const logs = Array.from(done, (v) => Math.log1p(Math.max(0, v)));
    if (logs.length > 0) {
      const lo = Math.min(...logs);
      const hi = Math.max(...logs);
      range = { lo: Math.expm1(lo), hi: Math.expm1(hi) };
      const cw = W / G;
      const ch = H / G;
      logs.forEach((v, idx) => {
        const [r, g, b] = colormap(hi - lo < 1e-12 ? 0.5 : (v - lo) / (hi - lo));
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(
          Math.floor((idx % G) * cw),
          Math.floor(Math.floor(idx / G) * ch),
          Math.ceil(cw),
          Math.ceil(ch),
        );
      });
      // The grid cell with the lowest energy.
      let best = 0;
      logs.forEach((v, i) => {
        if (v < logs[best]) best = i;
      });
      const [bx, by] = cellCenter(G, best % G, Math.floor(best / G));
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(X(bx) - cw / 2, Y(by) - ch / 2, cw, ch);
    }
  }
  scene.entities.forEach((e, i) => {
    if (land && i === land.entity) return;
    ctx.beginPath();
    ctx.arc(X(e.pos[0]), Y(e.pos[1]), 5, 0, 2 * Math.PI);
    ctx.fillStyle = css(e.color);
    ctx.fill();
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  });
  if (path.length > 0) {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 2;
    ctx.beginPath();
    path.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
    ctx.stroke();
    ctx.fillStyle = '#fff';
    for (const [x, y] of path) {
      ctx.beginPath();
      ctx.arc(X(x), Y(y), 1.8, 0, 2 * Math.PI);
      ctx.fill();
    }
    const [lx, ly] = path[path.length - 1];
    const e = land ? scene.entities[land.entity] : undefined;
    ctx.beginPath();
    ctx.arc(X(lx), Y(ly), 6, 0, 2 * Math.PI);
    ctx.fillStyle = e ? css(e.color) : '#888';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = e && isAgent(e) ? '#111' : '#fff';
    ctx.stroke();
  }
  return range;
}
