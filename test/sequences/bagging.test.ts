import { test } from "node:test";
import assert from "node:assert/strict";
import { bagRow, countBag, fitIdf, multiHotBag, tfidfBag } from "../../src/sequences/bagging";

/** Asserts two number arrays agree to 6 decimals (float32 storage). */
function assertClose(actual: ArrayLike<number>, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) < 1e-6, `entry ${i}: ${actual[i]} ≠ ${value}`));
}

test("multi-hot and count bags ignore padding (id 0)", () => {
  const sequences = [[0, 0, 2, 3, 3], [4, 2]];
  const multiHot = multiHotBag(sequences, 5);
  assert.deepEqual([multiHot.rows, multiHot.columns], [2, 5]);
  assert.deepEqual(bagRow(multiHot, 0), [0, 0, 1, 1, 0]);
  assert.deepEqual(bagRow(multiHot, 1), [0, 0, 1, 0, 1]);
  const counts = countBag(sequences, 5);
  assert.deepEqual(bagRow(counts, 0), [0, 0, 1, 2, 0]);
  assert.deepEqual(bagRow(counts, 1), [0, 0, 1, 0, 1]);
});

test("word order is invisible to a bag: 'the dog bit the man' = 'the man bit the dog'", () => {
  // ids: the 2, dog 3, bit 4, man 5
  const bags = countBag([[2, 3, 4, 2, 5], [2, 5, 4, 2, 3]], 6);
  assert.deepEqual(bagRow(bags, 0), bagRow(bags, 1));
  assert.deepEqual(bagRow(bags, 0), [0, 0, 2, 1, 1, 1]);
});

test("fitIdf: idf(t) = ln((1 + N) / (1 + df(t))) + 1, 0 for padding", () => {
  // N = 2 documents; df: id 1 → 0, id 2 → 2, id 3 → 1, id 4 → 1
  const idf = fitIdf([[2, 3, 3], [2, 4]], 5);
  assertClose(idf, [
    0,
    Math.log(3 / 1) + 1, // 2.098612
    Math.log(3 / 3) + 1, // 1
    Math.log(3 / 2) + 1, // 1.405465
    Math.log(3 / 2) + 1,
  ]);
});

test("tfidfBag: count × idf, then each row divided by its Euclidean norm", () => {
  const idf = fitIdf([[2, 3, 3], [2, 4]], 5);
  const raw = tfidfBag([[2, 3, 3], [2, 4]], idf, { normalize: false });
  assertClose(bagRow(raw, 0), [0, 0, 1, 2 * 1.4054651, 0]);
  const bag = tfidfBag([[2, 3, 3], [2, 4]], idf);
  // row 0: norm √(1² + 2.8109302²) = 2.9835095 → [1, 2.8109302] / 2.9835095
  assertClose(bagRow(bag, 0), [0, 0, 0.3351757, 0.9421556, 0]);
  // row 1: norm √(1² + 1.4054651²) = 1.7249151 → [1, 1.4054651] / 1.7249151
  assertClose(bagRow(bag, 1), [0, 0, 0.5797387, 0, 0.8148025]);
  // a sequence of padding only stays a row of zeros (no division by 0)
  assert.deepEqual(bagRow(tfidfBag([[0, 0]], idf), 0), [0, 0, 0, 0, 0]);
});

test("bad input: ids outside the vocabulary, non-integer ids, bad vocabSize, empty list", () => {
  assert.throws(() => countBag([[1, 5]], 5), { message: "sequences[0][1] is 5, outside the vocabulary [0, 5)" });
  assert.throws(() => multiHotBag([[1], [-1]], 5), { message: "sequences[1][0] is -1, outside the vocabulary [0, 5)" });
  assert.throws(() => multiHotBag([[1, 2.5]], 5), { message: "sequences[0][1] must be an integer id, got 2.5" });
  assert.throws(() => countBag([[1]], 0), { message: "vocabSize must be an integer ≥ 1, got 0" });
  assert.throws(() => fitIdf([], 5), { message: "sequences is empty: it needs at least one element" });
  assert.throws(() => tfidfBag([[1]], new Float32Array(0)), { message: "idf must be a non-empty Float32Array from fitIdf" });
  assert.throws(() => bagRow(countBag([[1]], 3), 1), { message: "row must be below 1, got 1" });
});
