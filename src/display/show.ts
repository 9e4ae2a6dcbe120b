/**
 * `show(chart)`: ONE notebook output per chart carrying the interactive spec (vega-lite v5 or
 * plotly JSON), a PNG rendered in Node (shown by GitHub, nbconvert HTML and untrusted notebooks),
 * and a short text/plain line.
 */
import type { Chart } from "./charts";
import { displayBundle, type MimeBundle } from "./kernel";
import { renderVegaLite } from "./render";

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface ChartOutput {
  bundle: MimeBundle;
  metadata: Record<string, unknown>;
}

/** Builds the MIME bundle for `chart` (renders its PNG). */
export async function chartOutput(chart: Chart): Promise<ChartOutput> {
  if (!chart || (chart.kind !== "vega-lite" && chart.kind !== "plotly")) {
    throw new Error(`show(chart) expects a chart from lineChart, histogram, heatmap, ... (got ${JSON.stringify(chart)?.slice(0, 80)})`);
  }
  const staticSpec = chart.kind === "vega-lite" ? chart.spec : chart.staticSpec;
  const rendered = await renderVegaLite(staticSpec);
  const bundle: MimeBundle = {
    [chart.kind === "vega-lite" ? VEGA_LITE_MIME : PLOTLY_MIME]: chart.kind === "vega-lite" ? chart.spec : chart.figure,
    "image/png": rendered.png.toString("base64"),
    "text/plain": chart.description,
  };
  return { bundle, metadata: { "image/png": { width: rendered.width, height: rendered.height } } };
}

/** Shows `chart` as one output. Use `await show(...)` so the output lands in this cell. */
export async function show(chart: Chart): Promise<void> {
  const { bundle, metadata } = await chartOutput(chart);
  displayBundle(bundle, { metadata });
}

export type TableRow = Record<string, string | number | boolean | null | undefined>;

function formatCell(value: TableRow[string], digits: number): string {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    return Math.abs(value) >= 1e5 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(digits - 1) : value.toFixed(digits);
  }
  return value === null || value === undefined ? "" : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

/** The table as aligned plain text and as HTML (numbers right-aligned, `digits` decimals). */
export function tableOutput(rows: readonly TableRow[], options: { title?: string; digits?: number } = {}): MimeBundle {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error("showTable(rows) needs at least one row, got []");
  const digits = options.digits ?? 4;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((c) => formatCell(row[c], digits)));
  const numeric = columns.map((c) => rows.every((row) => typeof row[c] === "number" || row[c] == null));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const text = [
    ...(options.title ? [options.title] : []),
    columns.map(pad).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((r) => r.map(pad).join("  ")),
  ].join("\n");
  const align = (i: number) => (numeric[i] ? ' style="text-align:right"' : ' style="text-align:left"');
  const html =
    `<table>${options.title ? `<caption>${escapeHtml(options.title)}</caption>` : ""}` +
    `<thead><tr>${columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("")}</tr></thead>` +
    `<tbody>${cells.map((r) => `<tr>${r.map((v, i) => `<td${align(i)}>${escapeHtml(v)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  return { "text/html": html, "text/plain": text };
}

/** Shows rows of records as one table output (HTML with a plain-text twin). */
export function showTable(rows: readonly TableRow[], options: { title?: string; digits?: number } = {}): void {
  displayBundle(tableOutput(rows, options));
}
