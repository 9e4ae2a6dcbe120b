import { test } from "node:test";
import assert from "node:assert/strict";
import { lengthHistogram, maxLenCost, maxLenTradeOff, nearestRankQuantile, powersOfTwo, summarizeLengths } from "../../src/sequences/lengths";

test("summarizeLengths uses nearest-rank quantiles", () => {
  // 1..10: p50 = 5th smallest = 5; p90 = 9th = 9; p99 = ⌈9.9⌉ = 10th = 10
  assert.deepEqual(summarizeLengths([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), {
    count: 10,
    total: 55,
    min: 1,
    mean: 5.5,
    p50: 5,
    p90: 9,
    p99: 10,
    max: 10,
  });
  assert.equal(nearestRankQuantile([4, 1, 3], 0.5), 3); // ⌈1.5⌉ = 2nd smallest
});

test("maxLenCost on lengths [1, 2, 5] at maxLen 3", () => {
  // cut: 5 − 3 = 2 of 8 tokens; 1 of 3 sequences cut; padding (3−1) + (3−2) = 3 of 3·3 = 9 positions
  assert.deepEqual(maxLenCost([1, 2, 5], 3), { maxLen: 3, tokensCutFraction: 0.25, sequencesCutFraction: 1 / 3, paddingFraction: 1 / 3 });
  // at maxLen 5 nothing is cut; padding 4 + 3 + 0 = 7 of 15
  assert.deepEqual(maxLenCost([1, 2, 5], 5), { maxLen: 5, tokensCutFraction: 0, sequencesCutFraction: 0, paddingFraction: 7 / 15 });
});

test("maxLenTradeOff: cutting falls and padding rises as maxLen grows", () => {
  const curve = maxLenTradeOff([1, 2, 5], [1, 2, 3, 5, 10]);
  assert.deepEqual(curve.map((c) => c.tokensCutFraction), [5 / 8, 3 / 8, 2 / 8, 0, 0]);
  assert.deepEqual(curve.map((c) => c.paddingFraction), [0, 1 / 6, 3 / 9, 7 / 15, 22 / 30]);
});

test("powersOfTwo covers [from, to]", () => {
  assert.deepEqual(powersOfTwo(8, 100), [8, 16, 32, 64, 128]);
  assert.deepEqual(powersOfTwo(5, 16), [8, 16]);
});

test("lengthHistogram counts lengths in doubling ranges, listing empty ranges between", () => {
  // 1 → "1"; 2, 3 → "2–3"; nothing in 4–7; 9, 15 → "8–15"; 16 → "16–31"
  assert.deepEqual(lengthHistogram([9, 1, 3, 2, 16, 15]), [
    { tokens: "1", from: 1, to: 1, count: 1 },
    { tokens: "2–3", from: 2, to: 3, count: 2 },
    { tokens: "4–7", from: 4, to: 7, count: 0 },
    { tokens: "8–15", from: 8, to: 15, count: 2 },
    { tokens: "16–31", from: 16, to: 31, count: 1 },
  ]);
  assert.deepEqual(lengthHistogram([0, 1]), [
    { tokens: "0", from: 0, to: 0, count: 1 },
    { tokens: "1", from: 1, to: 1, count: 1 },
  ]);
});

test("bad input: empty lengths, non-integer lengths, maxLen ≤ 0", () => {
  assert.throws(() => summarizeLengths([]), { message: "lengths is empty: it needs at least one element" });
  assert.throws(() => maxLenCost([1, -2], 3), { message: "lengths[1] must be a length (an integer ≥ 0), got -2" });
  assert.throws(() => maxLenCost([1, 2], 0), { message: "maxLen must be an integer ≥ 1, got 0" });
  assert.throws(() => maxLenTradeOff([1, 2], [4, 1.5]), { message: "maxLens[1] must be an integer ≥ 1, got 1.5" });
  assert.throws(() => maxLenTradeOff([1, 2], []), { message: "maxLens is empty: give at least one maxLen" });
  assert.throws(() => lengthHistogram([3, 2.5]), { message: "lengths[1] must be a length (an integer ≥ 0), got 2.5" });
});
