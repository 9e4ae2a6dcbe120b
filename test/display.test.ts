import { test } from "node:test";
import assert from "node:assert/strict";
import {
  binValues,
  chartOutput,
  estimateSecondsLeft,
  formatProgressLine,
  heatmap,
  histogram,
  lineChart,
  lossChart,
  projectTo2d,
  setFallbackSink,
  show,
  tableOutput,
  trajectory3d,
  TrainingProgress,
  type MimeBundle,
} from "../src/display";

test("binValues counts values into equal-width bins, the last bin including the maximum", () => {
  assert.deepEqual(binValues([0, 1, 1, 2, 3, 4], 4), [
    { start: 0, end: 1, count: 1 },
    { start: 1, end: 2, count: 2 },
    { start: 2, end: 3, count: 1 },
    { start: 3, end: 4, count: 2 },
  ]);
  const log = binValues([1, 10, 100, 1000], 3, true);
  assert.deepEqual(log.map((b) => b.count), [1, 1, 2]);
  assert.ok(Math.abs(log[1].start - 10) < 1e-9 && Math.abs(log[1].end - 100) < 1e-9);
});

test("chart builders reject bad input, naming the argument and the value", () => {
  assert.throws(() => histogram([]), /histogram\(values\) needs at least one value, got \[\]/);
  assert.throws(() => histogram([1, Number.NaN]), /histogram\(values\)\[1\] must be a finite number, got NaN/);
  assert.throws(() => histogram([1, 0], { logX: true }), /needs values > 0; values\[1\] = 0/);
  assert.throws(() => lineChart([{ a: 1 }], { x: "a", y: "b" }), /lineChart\(rows\)\[0\] has no field "b"; its fields are: a/);
  assert.throws(() => heatmap([[1, 2], [3]]), /ragged: row 0 has 2 columns, row 1 has 1/);
  assert.throws(() => lossChart([]), /needs at least one epoch's losses/);
});

test("lossChart draws train and validation as two series", () => {
  const chart = lossChart([
    { epoch: 1, train: 1, validation: 1.5 },
    { epoch: 2, train: 0.5 },
  ]);
  const values = (chart.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;
  assert.deepEqual(values, [
    { epoch: 1, loss: 1, split: "train" },
    { epoch: 1, loss: 1.5, split: "validation" },
    { epoch: 2, loss: 0.5, split: "train" },
  ]);
  assert.equal(chart.description, "[loss chart] 2 epochs; last: train 0.5000");
});

test("chartOutput renders a PNG whose size matches the metadata (2x for sharpness)", async () => {
  const { bundle, metadata } = await chartOutput(histogram([1, 2, 2, 3, 3, 3], { bins: 3, title: "h" }));
  const png = Buffer.from(String(bundle["image/png"]), "base64");
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  const width = png.readUInt32BE(16);
  const css = (metadata["image/png"] as { width: number }).width;
  assert.ok(css > 480, `css width ${css}`);
  assert.equal(width, css * 2);
  assert.equal(bundle["text/plain"], "[histogram] h: n=6, min 1, median 2, max 3");
});

test("trajectory3d carries a plotly figure plus a projected static view", async () => {
  const points = [0, 1, 2].map((step) => ({ x: step, y: 0, z: step * 2, series: "s", step, label: `w${step}` }));
  const chart = trajectory3d(points, { title: "t" });
  assert.equal(chart.figure.data.length, 1);
  assert.deepEqual(chart.figure.data[0].z, [0, 2, 4]);
  const { bundle } = await chartOutput(chart);
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "image/png", "text/plain"]);
  // azimuth 0, elevation 0: x stays x and y becomes z.
  assert.deepEqual(projectTo2d([{ x: 3, y: 5, z: 7, series: "s", step: 0 }], 0, 0).map((p) => [p.x, p.y]), [[3, 7]]);
});

test("outside a notebook, show() prints the chart's text line", async () => {
  const shown: MimeBundle[] = [];
  const previous = setFallbackSink((bundle) => shown.push(bundle));
  try {
    await show(lineChart([{ t: 1, v: 2 }], { x: "t", y: "v", title: "one point" }));
  } finally {
    setFallbackSink(previous);
  }
  assert.equal(shown.length, 1);
  assert.equal(shown[0]["text/plain"], "[line chart] one point: 1 point");
});

test("tableOutput aligns numbers right and escapes HTML", () => {
  const bundle = tableOutput([{ model: "a<b", accuracy: 0.91234 }, { model: "c", accuracy: 1 }], { title: "T", digits: 3 });
  assert.equal(bundle["text/plain"], ["T", "model  accuracy", "-----  --------", "a<b       0.912", "c             1"].join("\n"));
  assert.match(String(bundle["text/html"]), /<td style="text-align:left">a&lt;b<\/td><td style="text-align:right">0.912<\/td>/);
  assert.throws(() => tableOutput([]), /showTable\(rows\) needs at least one row/);
});

test("the progress line shows epoch, bar, step, loss, elapsed and ETA", () => {
  const state = { epoch: 1, step: 5, loss: 0.25, elapsedSeconds: 3, finished: false, stoppedEarly: false };
  // 15 of 40 steps done in 3 s -> 25 steps left at 0.2 s each = 5 s.
  assert.equal(estimateSecondsLeft(state, 4, 10), 5);
  assert.equal(formatProgressLine(state, 4, 10, 8), "epoch 2/4 [###-----] step 5/10  loss 0.2500  elapsed 3.0s  ETA 5.0s");
  const stopped = { ...state, finished: true, stoppedEarly: true };
  assert.match(formatProgressLine(stopped, 4, 10, 8), /\[########\] step 5\/10  loss 0\.2500  elapsed 3\.0s  stopped early after epoch 2$/);
  assert.throws(() => new TrainingProgress({ epochs: 0, stepsPerEpoch: 3 }), /TrainingProgress epochs must be a positive integer, got 0/);
});

test("TrainingProgress records the loss history per epoch", async () => {
  const progress = new TrainingProgress({ epochs: 2, stepsPerEpoch: 2, quiet: true });
  progress.onStep(0, 0, 2);
  progress.onEpochEnd(0, { train: 1.5, validation: 1.7 });
  progress.onEpochEnd(1, { train: 1.0 });
  await progress.finish();
  assert.deepEqual(progress.history, [
    { epoch: 1, train: 1.5, validation: 1.7 },
    { epoch: 2, train: 1.0 },
  ]);
});

test("whole-number x axes get whole-number ticks (short ranges list them)", () => {
  const x = (chart: ReturnType<typeof lineChart>) => (chart.spec as unknown as { encoding: { x: { axis?: unknown } } }).encoding.x.axis;
  assert.deepEqual(x(lineChart([{ e: 1, v: 1 }, { e: 3, v: 2 }], { x: "e", y: "v" })), { format: "d", values: [1, 2, 3] });
  assert.deepEqual(x(lineChart([{ e: 1, v: 1 }, { e: 40, v: 2 }], { x: "e", y: "v" })), { format: "d" });
  assert.equal(x(lineChart([{ e: 0.5, v: 1 }, { e: 3, v: 2 }], { x: "e", y: "v" })), undefined);
});

test("histogram bars rise from zero: rendered heights are proportional to the counts", async () => {
  const { renderVegaLite } = await import("../src/display/render");
  const chart = histogram([1, 2, 2, 3, 3, 3, 4, 4, 5], { bins: 5 });
  const { svg } = await renderVegaLite(chart.spec);
  const heights = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 5);
  const unit = heights[0];
  assert.deepEqual(heights.map((h) => Math.round(h / unit)), [1, 2, 3, 2, 1]);
});

test("lineChart with a band: a shaded area from lower to upper behind each line, drawn in the PNG/SVG", async () => {
  const { renderVegaLite } = await import("../src/display/render");
  const rows = [
    { k: 1, mean: 0.5, low: 0.2, high: 0.8, model: "A" },
    { k: 2, mean: 0.6, low: 0.4, high: 0.9, model: "A" },
    { k: 1, mean: 0.3, low: 0.3, high: 0.3, model: "B" },
    { k: 2, mean: 0.2, low: 0.1, high: 0.25, model: "B" },
  ];
  const chart = lineChart(rows, { x: "k", y: "mean", color: "model", band: { lower: "low", upper: "high" } });
  const spec = chart.spec as unknown as { layer: { mark: { type: string }; encoding: Record<string, { field: string }> }[] };
  assert.deepEqual(spec.layer.map((l) => l.mark.type), ["area", "line"]);
  assert.deepEqual([spec.layer[0].encoding.y.field, spec.layer[0].encoding.y2.field, spec.layer[1].encoding.y.field], ["low", "high", "mean"]);
  assert.match(chart.description, /bands low to high/);
  const { svg } = await renderVegaLite(chart.spec);
  assert.equal((svg.match(/aria-roledescription="area mark"/g) ?? []).length, 2, "one area per model");
  assert.equal((svg.match(/aria-roledescription="line mark"/g) ?? []).length, 2, "one line per model");
  assert.throws(() => lineChart(rows, { x: "k", y: "mean", band: { lower: "low", upper: "top" } }), /lineChart\(rows\)\[0\] has no field "top"/);
});
