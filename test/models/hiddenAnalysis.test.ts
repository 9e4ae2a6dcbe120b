import { test } from "node:test";
import assert from "node:assert/strict";
import { activationSummary } from "../../src/models/hiddenAnalysis";

test("activationSummary: the share of saturated activations and of sign flips between neighbouring steps", () => {
  // Unit 0 flips at both step pairs, unit 1 never; 3 of 6 entries beyond ±0.9.
  const summary = activationSummary([[0.95, -0.99, 0.2], [0.5, 0.92, 0.1]]);
  assert.equal(summary.saturated, 0.5);
  assert.equal(summary.signChanges, 0.5);
  assert.deepEqual(activationSummary([[0.5], [-0.95]], 0.4), { saturated: 1, signChanges: 0 });
  assert.throws(() => activationSummary([]), { message: "activationSummary: matrix must be a non-empty array of non-empty rows ([units][steps])" });
});
