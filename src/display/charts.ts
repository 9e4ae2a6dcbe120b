/**
 * Builders for the course's recurring charts. Each returns a `Chart` (a vega-lite spec, or a
 * plotly figure for 3D, plus a one-line description); `show(chart)` puts it in the notebook.
 * Inputs are validated so a bad array fails here with its name, not deep inside vega.
 */
import { checkPositiveInteger } from "../checks";
import type { TopLevelSpec } from "vega-lite";

export interface VegaLiteChart {
  kind: "vega-lite";
  spec: TopLevelSpec;
  /** Short text shown where images cannot be (text/plain). */
  description: string;
}

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

export interface PlotlyChart {
  kind: "plotly";
  figure: PlotlyFigure;
  /** A fixed-angle 2D view rendered as the PNG fallback (Node cannot run plotly). */
  staticSpec: TopLevelSpec;
  description: string;
}

export type Chart = VegaLiteChart | PlotlyChart;

export type Row = Record<string, number | string | boolean | null | undefined>;

export interface AxisOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const DEFAULT_WIDTH = 480;
const DEFAULT_HEIGHT = 280;

function base(options: AxisOptions): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? DEFAULT_WIDTH,
    height: options.height ?? DEFAULT_HEIGHT,
    config: { font: "DejaVu Sans, sans-serif", view: { stroke: null } },
  };
}

/** Our builders assemble specs as plain objects; vega-lite validates them when compiling. */
function asSpec(spec: object): TopLevelSpec {
  return spec as unknown as TopLevelSpec;
}

function checkRows(rows: readonly Row[], argument: string, fields: (string | undefined)[]): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new Error(`${argument} must be a non-empty array of rows, got ${Array.isArray(rows) ? "[]" : typeof rows}`);
  }
  for (const field of fields) {
    if (field !== undefined && !(field in rows[0])) {
      throw new Error(
        `${argument}[0] has no field "${field}"; its fields are: ${Object.keys(rows[0]).join(", ") || "(none)"}`,
      );
    }
  }
}

function checkFiniteNumbers(values: readonly unknown[], argument: string): void {
  values.forEach((value, i) => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`${argument}[${i}] must be a finite number, got ${String(value)}`);
    }
  });
}

function fieldType(rows: readonly Row[], field: string): "quantitative" | "nominal" {
  return typeof rows[0][field] === "number" ? "quantitative" : "nominal";
}

function describeSize(rows: readonly unknown[]): string {
  return `${rows.length} point${rows.length === 1 ? "" : "s"}`;
}

/** Any vega-lite spec, shown as is (a `$schema` and default size are added when missing). */
export function vegaLite(spec: Record<string, unknown>, description: string): VegaLiteChart {
  if (typeof spec !== "object" || spec === null) throw new Error(`vegaLite(spec): spec must be an object, got ${spec}`);
  return {
    kind: "vega-lite",
    spec: asSpec({ $schema: SCHEMA, width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, ...spec }),
    description,
  };
}

/**
 * Whole-number x (epochs, lengths) gets whole-number ticks, not 1.5, 2.5 printed as "2", "3":
 * vega ignores tickMinStep here, so short ranges list their ticks explicitly.
 */
function integerAxis(values: readonly unknown[]): Record<string, unknown> {
  if (!values.every((v) => Number.isInteger(v))) return {};
  const numbers = values as number[];
  const low = Math.min(...numbers);
  const high = Math.max(...numbers);
  if (high - low > 12) return { axis: { format: "d" } };
  return { axis: { format: "d", values: Array.from({ length: high - low + 1 }, (_, i) => low + i) } };
}

export interface LineChartOptions extends AxisOptions {
  x: string;
  y: string;
  /** A field whose values split the rows into separately coloured lines. */
  color?: string;
  logX?: boolean;
  logY?: boolean;
  /** Draw a dot at each data point (default: when there are at most 60 rows per line). */
  points?: boolean;
  /** A shaded band behind each line, from field `lower` to field `upper` (e.g. the range over seeds). */
  band?: { lower: string; upper: string };
}

/** Lines of `y` against `x`, one per value of `color`; with `band`, each over a shaded range. */
export function lineChart(rows: readonly Row[], options: LineChartOptions): VegaLiteChart {
  checkRows(rows, "lineChart(rows)", [options.x, options.y, options.color, options.band?.lower, options.band?.upper]);
  const series = options.color ? new Set(rows.map((r) => String(r[options.color!]))).size : 1;
  const points = options.points ?? rows.length / series <= 60;
  const yScale = options.logY ? { scale: { type: "log" } } : { scale: { zero: false } };
  const x = {
    field: options.x,
    type: fieldType(rows, options.x),
    title: options.xTitle ?? options.x,
    ...(options.logX ? { scale: { type: "log" } } : {}),
    ...integerAxis(rows.map((r) => r[options.x])),
  };
  const y = { field: options.y, type: "quantitative", title: options.yTitle ?? options.y, ...yScale };
  // With a band, the legend's symbols come from the (faint) area layer: draw them opaque.
  const legend = options.band ? { legend: { symbolOpacity: 1 } } : {};
  const color = options.color ? { color: { field: options.color, type: "nominal", title: options.color, ...legend } } : {};
  const line = { type: "line", point: points, tooltip: true };
  const spec = options.band
    ? {
        ...base(options),
        data: { values: rows },
        encoding: { x, ...color },
        layer: [
          { mark: { type: "area", opacity: 0.18 }, encoding: { y: { ...y, field: options.band.lower }, y2: { field: options.band.upper } } },
          { mark: line, encoding: { y } },
        ],
      }
    : { ...base(options), data: { values: rows }, mark: line, encoding: { x, y, ...color } };
  const what = options.title ?? `${options.y} against ${options.x}`;
  return { kind: "vega-lite", spec: asSpec(spec), description: `[line chart] ${what}: ${describeSize(rows)}${options.band ? ` (bands ${options.band.lower} to ${options.band.upper})` : ""}` };
}

/** One epoch's losses, as the Trainer and `TrainingProgress` record them. */
export interface LossRecord {
  epoch: number;
  train: number;
  validation?: number;
}

/** Training (and validation, when present) loss per epoch. */
export function lossChart(history: readonly LossRecord[], options: AxisOptions & { logY?: boolean } = {}): VegaLiteChart {
  if (!Array.isArray(history) || history.length === 0) {
    throw new Error("lossChart(history) needs at least one epoch's losses, got an empty history");
  }
  const rows: Row[] = [];
  for (const record of history) {
    rows.push({ epoch: record.epoch, loss: record.train, split: "train" });
    if (record.validation !== undefined) rows.push({ epoch: record.epoch, loss: record.validation, split: "validation" });
  }
  checkFiniteNumbers(
    rows.map((r) => r.loss),
    "lossChart(history) loss",
  );
  const chart = lineChart(rows, {
    x: "epoch",
    y: "loss",
    color: "split",
    title: options.title ?? "Loss per epoch",
    xTitle: options.xTitle ?? "epoch",
    yTitle: options.yTitle ?? "loss",
    logY: options.logY,
    width: options.width,
    height: options.height,
  });
  const last = history[history.length - 1];
  const lastText = `train ${last.train.toPrecision(4)}${last.validation !== undefined ? `, validation ${last.validation.toPrecision(4)}` : ""}`;
  return { ...chart, description: `[loss chart] ${history.length} epochs; last: ${lastText}` };
}

export interface Bin {
  start: number;
  end: number;
  count: number;
}

/**
 * Counts `values` in `bins` equal-width bins over [min, max] (equal width in log10 space when
 * `log` is set; then every value must be > 0). The last bin includes max.
 */
export function binValues(values: readonly number[], bins = 30, log = false): Bin[] {
  if (!Array.isArray(values) || values.length === 0) throw new Error("histogram(values) needs at least one value, got []");
  checkFiniteNumbers(values, "histogram(values)");
  checkPositiveInteger(bins, "histogram bins");
  if (log) {
    const bad = values.findIndex((v) => v <= 0);
    if (bad >= 0) throw new Error(`histogram(values, {logX: true}) needs values > 0; values[${bad}] = ${values[bad]}`);
  }
  const transform = log ? Math.log10 : (v: number) => v;
  const inverse = log ? (v: number) => 10 ** v : (v: number) => v;
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    low = Math.min(low, transform(v));
    high = Math.max(high, transform(v));
  }
  if (high === low) high = low + 1; // all values equal: one visible bin
  const width = (high - low) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((transform(v) - low) / width))]++;
  return counts.map((count, i) => ({ start: inverse(low + i * width), end: inverse(low + (i + 1) * width), count }));
}

/** Histogram of `values` (bins computed here, so the numbers are testable). */
export function histogram(
  values: readonly number[],
  options: AxisOptions & { bins?: number; logX?: boolean } = {},
): VegaLiteChart {
  const bins = binValues(values, options.bins ?? 30, options.logX ?? false);
  const spec = {
    ...base(options),
    data: { values: bins },
    mark: { type: "bar", tooltip: true, stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: {
        field: "start",
        type: "quantitative",
        title: options.xTitle ?? "value",
        scale: options.logX ? { type: "log" } : { zero: false },
      },
      x2: { field: "end" },
      // With x/x2 ranged, vega-lite draws y as a thin tick at the count unless the bar is told
      // to start at zero.
      y: { field: "count", type: "quantitative", title: options.yTitle ?? "count", scale: { zero: true } },
      y2: { datum: 0 },
    },
  };
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    kind: "vega-lite",
    spec: asSpec(spec),
    description: `[histogram] ${options.title ?? "values"}: n=${values.length}, min ${sorted[0]}, median ${median}, max ${sorted[sorted.length - 1]}`,
  };
}

export interface BarChartOptions extends AxisOptions {
  x: string;
  y: string;
  color?: string;
}

/** Bars of `y` per category `x` (grouped by `color` when given). */
export function barChart(rows: readonly Row[], options: BarChartOptions): VegaLiteChart {
  checkRows(rows, "barChart(rows)", [options.x, options.y, options.color]);
  const spec = {
    ...base(options),
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: options.x, type: "nominal", title: options.xTitle ?? options.x, sort: null },
      y: { field: options.y, type: "quantitative", title: options.yTitle ?? options.y },
      ...(options.color
        ? { color: { field: options.color, type: "nominal" }, xOffset: { field: options.color } }
        : {}),
    },
  };
  return { kind: "vega-lite", spec: asSpec(spec), description: `[bar chart] ${options.title ?? options.y}: ${rows.length} bars` };
}

export interface ScatterChartOptions extends AxisOptions {
  x: string;
  y: string;
  color?: string;
  /** A field drawn as a text label next to each point. */
  label?: string;
}

/** Points of `y` against `x`, optionally coloured and labelled. */
export function scatterChart(rows: readonly Row[], options: ScatterChartOptions): VegaLiteChart {
  checkRows(rows, "scatterChart(rows)", [options.x, options.y, options.color, options.label]);
  const encoding = {
    x: { field: options.x, type: "quantitative", title: options.xTitle ?? options.x, scale: { zero: false } },
    y: { field: options.y, type: "quantitative", title: options.yTitle ?? options.y, scale: { zero: false } },
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "point", filled: true, size: 50, tooltip: true },
      encoding: { ...encoding, ...(options.color ? { color: { field: options.color, type: fieldType(rows, options.color) } } : {}) },
    },
  ];
  if (options.label) {
    layers.push({ mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 10 }, encoding: { ...encoding, text: { field: options.label } } });
  }
  const spec = { ...base(options), data: { values: rows }, layer: layers };
  return { kind: "vega-lite", spec: asSpec(spec), description: `[scatter chart] ${options.title ?? `${options.y} against ${options.x}`}: ${describeSize(rows)}` };
}

/** A matrix as coloured cells: rows top to bottom, columns left to right. matrix: [rows][columns]. */
export function heatmap(
  matrix: readonly (readonly number[])[],
  options: AxisOptions & { rowLabels?: readonly string[]; columnLabels?: readonly string[]; colorScheme?: string } = {},
): VegaLiteChart {
  if (!Array.isArray(matrix) || matrix.length === 0 || !Array.isArray(matrix[0]) || matrix[0].length === 0) {
    throw new Error("heatmap(matrix) needs a non-empty 2-D array [rows][columns]");
  }
  const columns = matrix[0].length;
  matrix.forEach((row, r) => {
    if (row.length !== columns) throw new Error(`heatmap(matrix) is ragged: row 0 has ${columns} columns, row ${r} has ${row.length}`);
    checkFiniteNumbers(row, `heatmap(matrix)[${r}]`);
  });
  const rowLabels = options.rowLabels ?? matrix.map((_, r) => String(r));
  const columnLabels = options.columnLabels ?? matrix[0].map((_, c) => String(c));
  if (rowLabels.length !== matrix.length) throw new Error(`heatmap rowLabels has ${rowLabels.length} labels for ${matrix.length} rows`);
  if (columnLabels.length !== columns) throw new Error(`heatmap columnLabels has ${columnLabels.length} labels for ${columns} columns`);
  const cells: Row[] = [];
  matrix.forEach((row, r) => row.forEach((value: number, c: number) => cells.push({ row: rowLabels[r], column: columnLabels[c], value, r, c })));
  const spec = {
    ...base(options),
    data: { values: cells },
    mark: { type: "rect", tooltip: true },
    encoding: {
      x: { field: "column", type: "ordinal", sort: { field: "c" }, title: options.xTitle ?? "column" },
      y: { field: "row", type: "ordinal", sort: { field: "r" }, title: options.yTitle ?? "row" },
      color: { field: "value", type: "quantitative", scale: { scheme: options.colorScheme ?? "redblue", domainMid: 0, reverse: true } },
    },
  };
  return { kind: "vega-lite", spec: asSpec(spec), description: `[heatmap] ${options.title ?? "matrix"}: ${matrix.length}×${columns}` };
}

export interface TrajectoryPoint {
  x: number;
  y: number;
  /** Which trajectory (e.g. which sentence) the point belongs to. */
  series: string;
  /** Position along the trajectory (e.g. time step); points are joined in this order. */
  step: number;
  /** Text drawn next to the point (e.g. the word read at this step). */
  label?: string;
}

/** 2D trajectories: one line per series, points coloured by step, optional labels. */
export function trajectory2d(points: readonly TrajectoryPoint[], options: AxisOptions = {}): VegaLiteChart {
  checkRows(points as unknown as Row[], "trajectory2d(points)", ["x", "y", "series", "step"]);
  checkFiniteNumbers(points.map((p) => p.x), "trajectory2d(points) x");
  checkFiniteNumbers(points.map((p) => p.y), "trajectory2d(points) y");
  const x = { field: "x", type: "quantitative", title: options.xTitle ?? "component 1", scale: { zero: false } };
  const y = { field: "y", type: "quantitative", title: options.yTitle ?? "component 2", scale: { zero: false } };
  const layers: Record<string, unknown>[] = [
    { mark: { type: "line", opacity: 0.6 }, encoding: { x, y, order: { field: "step" }, detail: { field: "series" }, strokeDash: { field: "series", type: "nominal" } } },
    { mark: { type: "point", filled: true, size: 60, tooltip: true }, encoding: { x, y, color: { field: "step", type: "quantitative", scale: { scheme: "viridis" } }, shape: { field: "series", type: "nominal" } } },
  ];
  if (points.some((p) => p.label !== undefined)) {
    layers.push({ mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 11 }, encoding: { x, y, text: { field: "label" } } });
  }
  const spec = { ...base(options), data: { values: points }, layer: layers };
  const series = new Set(points.map((p) => p.series)).size;
  return { kind: "vega-lite", spec: asSpec(spec), description: `[trajectory] ${options.title ?? "2D trajectories"}: ${series} series, ${describeSize(points)}` };
}

export interface TrajectoryPoint3d extends TrajectoryPoint {
  z: number;
}

/**
 * Projects 3D points to 2D for the static fallback: rotate by `azimuth` about z, tilt by
 * `elevation`, orthographic. Angles in degrees.
 */
export function projectTo2d(points: readonly TrajectoryPoint3d[], azimuth = 45, elevation = 25): TrajectoryPoint[] {
  const a = (azimuth * Math.PI) / 180;
  const e = (elevation * Math.PI) / 180;
  return points.map((p) => ({
    series: p.series,
    step: p.step,
    label: p.label,
    x: p.x * Math.cos(a) - p.y * Math.sin(a),
    y: (p.x * Math.sin(a) + p.y * Math.cos(a)) * -Math.sin(e) + p.z * Math.cos(e),
  }));
}

/** 3D trajectories as an interactive plotly figure, with a projected 2D view as the static PNG. */
export function trajectory3d(points: readonly TrajectoryPoint3d[], options: AxisOptions & { zTitle?: string } = {}): PlotlyChart {
  checkRows(points as unknown as Row[], "trajectory3d(points)", ["x", "y", "z", "series", "step"]);
  for (const axis of ["x", "y", "z"] as const) checkFiniteNumbers(points.map((p) => p[axis]), `trajectory3d(points) ${axis}`);
  const seriesNames = [...new Set(points.map((p) => p.series))];
  const data = seriesNames.map((name) => {
    const path = points.filter((p) => p.series === name).sort((p, q) => p.step - q.step);
    return {
      type: "scatter3d",
      mode: path.some((p) => p.label !== undefined) ? "lines+markers+text" : "lines+markers",
      name,
      x: path.map((p) => p.x),
      y: path.map((p) => p.y),
      z: path.map((p) => p.z),
      text: path.map((p) => p.label ?? ""),
      marker: { size: 4, color: path.map((p) => p.step), colorscale: "Viridis" },
    };
  });
  const layout = {
    title: { text: options.title ?? "3D trajectories" },
    width: (options.width ?? DEFAULT_WIDTH) + 120,
    height: (options.height ?? DEFAULT_HEIGHT) + 160,
    // Legend below the scene: on the right, long series names squeezed the 3D view to a strip.
    legend: { orientation: "h" },
    scene: {
      xaxis: { title: { text: options.xTitle ?? "component 1" } },
      yaxis: { title: { text: options.yTitle ?? "component 2" } },
      zaxis: { title: { text: options.zTitle ?? "component 3" } },
    },
  };
  const fallback = trajectory2d(projectTo2d(points), {
    ...options,
    title: `${options.title ?? "3D trajectories"} (static view; rotate it where plotly renders)`,
    xTitle: "projected x",
    yTitle: "projected y",
  });
  return {
    kind: "plotly",
    figure: { data, layout },
    staticSpec: fallback.spec,
    description: `[3D trajectory] ${options.title ?? "3D trajectories"}: ${seriesNames.length} series, ${describeSize(points)}`,
  };
}
