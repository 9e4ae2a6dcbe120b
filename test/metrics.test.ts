import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { accuracy, binaryAccuracy, majorityBaselineAccuracy, predictedClasses, meanAbsoluteError, meanSquaredError } from "../src/metrics";

test("accuracy counts exact matches; bad input names both arguments and their lengths", () => {
  assert.equal(accuracy([1, 2, 3, 0], [1, 2, 0, 0]), 0.75);
  assert.equal(accuracy([0, 0, 0], [1, 1, 1]), 0);
  assert.equal(accuracy([5], [5]), 1);
  assert.throws(() => accuracy([], []), { message: "accuracy: predicted and labels must have the same, non-zero length, got 0 and 0" });
  assert.throws(() => accuracy([1, 0], [1]), { message: "accuracy: predicted and labels must have the same, non-zero length, got 2 and 1" });
  assert.throws(() => accuracy("10" as unknown as number[], [1, 0]), { message: 'accuracy: predicted must be an array, got "10"' });
});

test("predictedClasses picks each row's largest entry, the first one on a tie", () => {
  assert.deepEqual(predictedClasses([[0.1, 0.9], [0.7, 0.3], [0.5, 0.5], [0.2, 0.3, 0.5], [-1, -3]]), [1, 0, 0, 2, 0]);
  // With two classes this is the 0.5 threshold on P(class 1) that binary classifiers use.
  const rows = [[0.49, 0.51], [0.51, 0.49], [0.5, 0.5]];
  assert.deepEqual(predictedClasses(rows), rows.map((p) => (p[1] > 0.5 ? 1 : 0)));
  assert.throws(() => predictedClasses([[0.1, 0.9], []]), { message: "predictedClasses: rows[1] must be a non-empty array of numbers, got an array of length 0" });
});

test("meanAbsoluteError and meanSquaredError against hand-computed values", () => {
  // errors: +1, −2, +3 → |·| mean 2, squares mean 14/3
  assert.equal(meanAbsoluteError([11, 8, 13], [10, 10, 10]), 2);
  assert.ok(Math.abs(meanSquaredError([11, 8, 13], [10, 10, 10]) - 14 / 3) < 1e-15);
  assert.equal(meanSquaredError([0, 0], [0.5, -0.5]), 0.25);
  assert.throws(() => meanAbsoluteError([1, 2], [1, 2, 3]), { message: "meanAbsoluteError: predicted and actual must have the same, non-zero length, got 2 and 3" });
  assert.throws(() => meanSquaredError([], []), { message: "meanSquaredError: predicted and actual must have the same, non-zero length, got 0 and 0" });
});

test("binaryAccuracy thresholds at 0.5; majorityBaselineAccuracy predicts the training majority", async () => {
  await initBackend({ quiet: true });
  const probabilities = tf.tensor2d([[0.9], [0.2], [0.51], [0.5]]);
  // predictions 1, 0, 1, 0 against labels 1, 1, 1, 0 → 3 of 4
  assert.equal(binaryAccuracy(probabilities, [1, 1, 1, 0]), 0.75);
  assert.throws(() => binaryAccuracy(probabilities, [1, 0]), { message: "probabilities holds 4 values but labels holds 2" });
  probabilities.dispose();
  assert.equal(majorityBaselineAccuracy([0, 0, 1], [0, 1, 1, 0, 0]), 0.6);
  assert.equal(majorityBaselineAccuracy([1, 1, 0], [0, 1, 1, 0, 0]), 0.4);
});
