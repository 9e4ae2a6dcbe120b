import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/random";
import { activationHeatmap, activationSummary, pca, trajectoryPoints } from "../../src/models/hiddenAnalysis";

test("activationSummary: the share of saturated activations and of sign flips between neighbouring steps", () => {
  // Unit 0 flips at both step pairs, unit 1 never; 3 of 6 entries beyond ±0.9.
  const summary = activationSummary([[0.95, -0.99, 0.2], [0.5, 0.92, 0.1]]);
  assert.equal(summary.saturated, 0.5);
  assert.equal(summary.signChanges, 0.5);
  assert.deepEqual(activationSummary([[0.5], [-0.95]], 0.4), { saturated: 1, signChanges: 0 });
  assert.throws(() => activationSummary([]), { message: "activationSummary: matrix must be a non-empty array of non-empty rows ([units][steps])" });
});

test("pca finds the direction of largest spread; heatmap keeps the busiest units", () => {
  const rng = createRng(8);
  const states = Array.from({ length: 200 }, () => {
    const a = rng() * 10 - 5;
    const b = rng() - 0.5;
    return [a + b, a - b, 0.01 * rng()];
  });
  const fit = pca(states, 2);
  const first = fit.components[0];
  assert.ok(Math.abs(Math.abs(first[0]) - Math.SQRT1_2) < 1e-3 && Math.abs(Math.abs(first[1]) - Math.SQRT1_2) < 1e-3);
  assert.ok(fit.explained[0] > 0.95);
  assert.equal(fit.project(states.slice(0, 3))[0].length, 2);
  const { points } = trajectoryPoints([states.slice(0, 4), states.slice(4, 7)], ["a", "b"], 3, [["w", "x", "y", "z"], ["p", "q", "r"]]);
  assert.equal(points.length, 7);
  assert.equal(points[4].series, "b");
  assert.equal(points[4].label, "p");
  const heat = activationHeatmap(states.slice(0, 5), { maxUnits: 2 });
  assert.deepEqual(heat.rowLabels, ["h0", "h1"]);
  assert.equal(heat.matrix[0].length, 5);
  assert.throws(() => pca([[1, 2]], 1), /need at least 2 states, got 1/);
});
