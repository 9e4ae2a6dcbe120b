import { test } from "node:test";
import assert from "node:assert/strict";
import { applySplit, stratifiedSplit } from "../../src/data/split";

const labels = [...Array(20).fill("ham"), ...Array(10).fill("spam")];

test("stratifiedSplit keeps label proportions, covers every index once, and repeats for a seed", () => {
  const split = stratifiedSplit(labels, { fractions: [0.7, 0.15, 0.15], seed: 1 });
  // ham: round(20·0.7) = 14, round(20·0.85) = 17 → 14/3/3; spam: 7, round(8.5) = 9 → 7/2/1
  assert.deepEqual([split.train.length, split.validation.length, split.test.length], [21, 5, 4]);
  assert.equal(split.train.filter((i) => labels[i] === "spam").length, 7);
  assert.equal(split.validation.filter((i) => labels[i] === "spam").length, 2);
  assert.deepEqual([...split.train, ...split.validation, ...split.test].sort((a, b) => a - b), labels.map((_, i) => i));
  for (const part of [split.train, split.validation, split.test]) assert.deepEqual(part, [...part].sort((a, b) => a - b));
  assert.deepEqual(stratifiedSplit(labels, { fractions: [0.7, 0.15, 0.15], seed: 1 }), split);
  assert.notDeepEqual(stratifiedSplit(labels, { fractions: [0.7, 0.15, 0.15], seed: 2 }).train, split.train);
});

test("stratifiedSplit rejects bad fractions and an empty label list", () => {
  assert.throws(() => stratifiedSplit(labels, { fractions: [0.7, 0.2, 0.2], seed: 1 }), {
    message: "fractions must be three non-negative numbers that sum to 1, got [0.7, 0.2, 0.2]",
  });
  assert.throws(() => stratifiedSplit([], { fractions: [1, 0, 0], seed: 1 }), { message: "labels is empty: there is nothing to split" });
});

test("applySplit picks the items", () => {
  assert.deepEqual(applySplit(["a", "b", "c", "d"], { train: [0, 3], validation: [2], test: [1] }), {
    train: ["a", "d"],
    validation: ["c"],
    test: ["b"],
  });
});
