import { test } from "node:test";
import assert from "node:assert/strict";
import { bracketGeneralization } from "../../src/limits/brackets";

/** The true label of a one-hot bracket string: 1 if it ends closed (depth 0), else 0. */
const trueClass = (s: number[][]) => (s.reduce((depth, x) => depth + (x[0] === 1 ? 1 : -1), 0) === 0 ? 1 : 0);

test("bracketGeneralization: accuracy and nesting per test set, for a perfect and a constant classifier", () => {
  // Length 2 only (3 is odd and moved down): "()" when closed (depth 1), "((" when two open (depth 2), half each.
  const sets = [{ name: "two tokens", minLength: 2, maxLength: 3 }, { name: "longer, depth ≤ 3", minLength: 20, maxLength: 30, maxDepth: 3 }];
  const seen: number[] = [];
  const perfect = bracketGeneralization((inputs) => (seen.push(inputs.length), inputs.map(trueClass)), sets, { count: 4, firstSeed: 300 });
  assert.deepEqual(seen, [4, 4]);
  assert.deepEqual(perfect[0], { "test set": "two tokens", "mean deepest nesting": 1.5, "deepest nesting": 2, accuracy: 1 });
  assert.equal(perfect[1].accuracy, 1);
  assert.ok(perfect[1]["deepest nesting"] <= 3 && perfect[1]["deepest nesting"] >= 2, `deepest ${perfect[1]["deepest nesting"]}`);
  const alwaysClosed = bracketGeneralization((inputs) => inputs.map(() => 1), sets, { count: 4, firstSeed: 300 });
  assert.deepEqual(alwaysClosed.map((r) => r.accuracy), [0.5, 0.5]); // labels are exactly balanced
  assert.deepEqual(alwaysClosed.map((r) => r["mean deepest nesting"]), perfect.map((r) => r["mean deepest nesting"])); // same strings: seeds 300, 301
  assert.throws(() => bracketGeneralization(() => [1], sets, { count: 4, firstSeed: 300 }), /^Error: bracketGeneralization: classify must return one class per string: 4 for "two tokens", got 1$/);
});
