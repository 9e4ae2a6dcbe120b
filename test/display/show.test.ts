import { test } from "node:test";
import assert from "node:assert/strict";
import { histogram, lineChart, projectTo2d, trajectory3d } from "../../src/display/charts";
import { setFallbackSink, type MimeBundle } from "../../src/display/kernel";
import { chartOutput, show, tableOutput } from "../../src/display/show";

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
