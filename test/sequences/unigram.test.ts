import { test } from "node:test";
import assert from "node:assert/strict";
import { unigramCrossEntropy, unigramProbabilities } from "../../src/sequences/unigram";

test("unigramProbabilities: add-one smoothed frequencies of the training targets, negatives skipped", () => {
  // counts [0, 0, 2, 1] over 3 targets; (count + 1) / (3 + 4)
  assert.deepEqual(Array.from(unigramProbabilities([2, 2, 3, -1], 4)), [1 / 7, 1 / 7, 3 / 7, 2 / 7]);
  // smoothing 0.5: (count + 0.5) / (3 + 2)
  assert.deepEqual(Array.from(unigramProbabilities([2, 2, 3], 4, { smoothing: 0.5 })), [0.1, 0.1, 0.5, 0.3]);
  assert.throws(() => unigramProbabilities([4], 4), { message: "unigramProbabilities: trainTargets[0] must be an id in [0, 4) or negative (no target), got 4" });
  assert.throws(() => unigramProbabilities([1], 4, { smoothing: 0 }), { message: "unigramProbabilities: smoothing must be a positive number, got 0" });
});

test("unigramCrossEntropy: mean −ln P over the evaluation targets; a uniform model scores ln V", () => {
  const expected = -(Math.log(3 / 7) + Math.log(2 / 7) + Math.log(1 / 7)) / 3;
  assert.ok(Math.abs(unigramCrossEntropy([2, 2, 3, -1], [2, 3, 0, -1], 4) - expected) < 1e-12);
  // No training targets at all: every id gets 1 / V, so the cross-entropy is ln V whatever is evaluated.
  assert.ok(Math.abs(unigramCrossEntropy([], [0, 5, 9, 9], 10) - Math.log(10)) < 1e-12);
  assert.throws(() => unigramCrossEntropy([1], [-1, -1], 4), { message: "unigramCrossEntropy: evaluationTargets holds no target (every id is negative or the list is empty)" });
});
