/**
 * Plots as SVG strings, drawn by Vega-Lite in Node (no canvas, no DOM): line
 * charts, grouped bars, scatters and histograms for the experiments' pages.
 * Each helper takes plain rows; the chart's spec is the only thing built here.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type Row = Record<string, string | number | null>;

const FONT = 'Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee', labelLimit: 240 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** Render a Vega-Lite spec to an SVG string. */
export async function renderSpec(spec: TopLevelSpec): Promise<string> {
  const { spec: compiled } = compile({
    config: CONFIG,
    background: 'white',
    ...spec,
  } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface LineOptions {
  title: string;
  x: { field: string; title: string; log?: boolean };
  y: { field: string; title: string; domain?: [number, number] };
  /** Field that splits rows into lines (one colour each). */
  series: { field: string; title: string };
  /** Optional 95% interval fields drawn as a band. */
  band?: { lo: string; hi: string };
  width?: number;
  height?: number;
}

export function lineChart(rows: Row[], o: LineOptions): Promise<string> {
  const x = {
    field: o.x.field,
    type: 'quantitative',
    title: o.x.title,
    scale: o.x.log ? { type: 'log' } : { zero: false },
  };
  const color = { field: o.series.field, type: 'nominal', title: o.series.title };
  const layers: unknown[] = [];
  if (o.band) {
    layers.push({
      mark: { type: 'area', opacity: 0.15 },
      encoding: {
        x,
        y: { field: o.band.lo, type: 'quantitative' },
        y2: { field: o.band.hi },
        color,
      },
    });
  }
  layers.push({
    mark: { type: 'line', point: true },
    encoding: {
      x,
      y: {
        field: o.y.field,
        type: 'quantitative',
        title: o.y.title,
        scale: o.y.domain ? { domain: o.y.domain } : {},
      },
      color,
      tooltip: [
        { field: o.series.field },
        { field: o.x.field },
        { field: o.y.field, format: '.2f' },
      ],
    },
  });
  return renderSpec({
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec);
}

export interface BarOptions {
  title: string;
  /** Category on the x axis (e.g. family). */
  x: { field: string; title: string; sort?: string[] };
  y: { field: string; title: string; domain?: [number, number] };
  /** Bars side by side within each category (e.g. model variant), in `order` when given. */
  group: { field: string; title: string; order?: string[] };
  width?: number;
  height?: number;
}

export function groupedBars(rows: Row[], o: BarOptions): Promise<string> {
  return renderSpec({
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 240,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      x: {
        field: o.x.field,
        type: 'nominal',
        title: o.x.title,
        sort: o.x.sort ?? null,
        axis: { labelAngle: -40 },
      },
      xOffset: {
        field: o.group.field,
        type: 'nominal',
        ...(o.group.order ? { sort: o.group.order } : {}),
      },
      y: {
        field: o.y.field,
        type: 'quantitative',
        title: o.y.title,
        scale: o.y.domain ? { domain: o.y.domain } : {},
      },
      color: {
        field: o.group.field,
        type: 'nominal',
        title: o.group.title,
        ...(o.group.order ? { scale: { domain: o.group.order }, sort: o.group.order } : {}),
      },
    },
  } as TopLevelSpec);
}

export interface ScatterOptions {
  title: string;
  x: { field: string; title: string };
  y: { field: string; title: string };
  color: { field: string; title: string };
  shape?: { field: string; title: string };
  width?: number;
  height?: number;
}

export function scatter(rows: Row[], o: ScatterOptions): Promise<string> {
  return renderSpec({
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 400,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 40, opacity: 0.75 },
    encoding: {
      x: { field: o.x.field, type: 'quantitative', title: o.x.title },
      y: { field: o.y.field, type: 'quantitative', title: o.y.title },
      color: {
        field: o.color.field,
        type: 'nominal',
        title: o.color.title,
        scale: { scheme: 'tableau20' },
      },
      ...(o.shape
        ? { shape: { field: o.shape.field, type: 'nominal', title: o.shape.title } }
        : {}),
    },
  } as TopLevelSpec);
}

export interface HistogramOptions {
  title: string;
  value: { field: string; title: string };
  /** Overlaid distributions (e.g. positives / samples / random). */
  series: { field: string; title: string };
  /** Small multiples side by side (e.g. with / without KL). */
  facet?: { field: string; title: string };
  bins?: number;
  width?: number;
  height?: number;
}

export function histogram(rows: Row[], o: HistogramOptions): Promise<string> {
  const inner = {
    width: o.width ?? 300,
    height: o.height ?? 200,
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: {
        field: o.value.field,
        type: 'quantitative',
        title: o.value.title,
        bin: { maxbins: o.bins ?? 30 },
      },
      y: { aggregate: 'count', type: 'quantitative', title: 'events', stack: null },
      color: { field: o.series.field, type: 'nominal', title: o.series.title },
    },
  };
  if (!o.facet)
    return renderSpec({ title: o.title, data: { values: rows }, ...inner } as TopLevelSpec);
  return renderSpec({
    title: o.title,
    data: { values: rows },
    facet: { column: { field: o.facet.field, type: 'nominal', title: o.facet.title } },
    spec: inner,
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec);
}

export interface HeatmapOptions {
  title: string;
  /** Rows of the grid (e.g. family), in `order` when given. */
  y: { field: string; title: string | null; order?: string[] };
  /** Columns (e.g. the shift suite's cells), in `order`. */
  x: { field: string; title: string | null; order: string[] };
  /** The value in [0, 1] that colours a cell and is printed in it. */
  value: { field: string; title: string };
}

/** A grid of scores, 0 red to 1 green, each cell labelled with its value. */
export function heatmap(rows: Row[], o: HeatmapOptions): Promise<string> {
  return renderSpec({
    title: o.title,
    data: { values: rows },
    width: { step: 46 },
    height: { step: 18 },
    encoding: {
      x: {
        field: o.x.field,
        type: 'ordinal',
        title: o.x.title,
        sort: o.x.order,
        axis: { labelAngle: 0 },
      },
      y: {
        field: o.y.field,
        type: 'ordinal',
        title: o.y.title,
        ...(o.y.order ? { sort: o.y.order } : {}),
      },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: o.value.field,
            type: 'quantitative',
            title: o.value.title,
            scale: { domain: [0, 1], scheme: 'redyellowgreen' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: { text: { field: o.value.field, type: 'quantitative', format: '.2f' } },
      },
    ],
  } as TopLevelSpec);
}
