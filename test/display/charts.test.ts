import { test } from "node:test";
import assert from "node:assert/strict";
import { binValues, heatmap, histogram, lineChart, lossChart } from "../../src/display/charts";
import { renderVegaLite } from "../../src/display/render";

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

test("whole-number x axes get whole-number ticks (short ranges list them)", () => {
  const x = (chart: ReturnType<typeof lineChart>) => (chart.spec as unknown as { encoding: { x: { axis?: unknown } } }).encoding.x.axis;
  assert.deepEqual(x(lineChart([{ e: 1, v: 1 }, { e: 3, v: 2 }], { x: "e", y: "v" })), { format: "d", values: [1, 2, 3] });
  assert.deepEqual(x(lineChart([{ e: 1, v: 1 }, { e: 40, v: 2 }], { x: "e", y: "v" })), { format: "d" });
  assert.equal(x(lineChart([{ e: 0.5, v: 1 }, { e: 3, v: 2 }], { x: "e", y: "v" })), undefined);
});

test("histogram bars rise from zero: rendered heights are proportional to the counts", async () => {
  const chart = histogram([1, 2, 2, 3, 3, 3, 4, 4, 5], { bins: 5 });
  const { svg } = await renderVegaLite(chart.spec);
  const heights = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 5);
  const unit = heights[0];
  assert.deepEqual(heights.map((h) => Math.round(h / unit)), [1, 2, 3, 2, 1]);
});

test("lineChart with a band: a shaded area from lower to upper behind each line, drawn in the PNG/SVG", async () => {
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
