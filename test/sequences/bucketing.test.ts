import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/random";
import { batchPadding, bucketByBoundaries, byLength, cutIntoBatches, randomBatches, sortedChunkBatches, sortWithinWindows } from "../../src/sequences/bucketing";

const lengths = [1, 9, 2, 8, 3, 7];

test("batchPadding pads each batch to its longest member", () => {
  // batches {1, 9, 2} → 3·9 = 27 positions, 27 − 12 = 15 padding; {8, 3, 7} → 24 positions, 24 − 18 = 6
  assert.deepEqual(batchPadding(lengths, [[0, 1, 2], [3, 4, 5]]), { batches: 2, positions: 51, paddingPositions: 21, paddingFraction: 21 / 51 });
  // capped at maxLen 4: {1, 4, 2} → 12 positions, 5 padding; {4, 3, 4} → 12 positions, 1 padding
  assert.deepEqual(batchPadding(lengths, [[0, 1, 2], [3, 4, 5]], { maxLen: 4 }), { batches: 2, positions: 24, paddingPositions: 6, paddingFraction: 6 / 24 });
});

test("sortedChunkBatches groups neighbours in length and cuts the padding", () => {
  const batches = sortedChunkBatches(lengths, { batchSize: 3 });
  assert.deepEqual(batches, [[0, 2, 4], [5, 3, 1]]); // lengths 1, 2, 3 | 7, 8, 9
  // {1, 2, 3} → 9 positions, 3 padding; {7, 8, 9} → 27 positions, 3 padding
  assert.deepEqual(batchPadding(lengths, batches), { batches: 2, positions: 36, paddingPositions: 6, paddingFraction: 6 / 36 });
  const shuffled = sortedChunkBatches(lengths, { batchSize: 3, rng: createRng(3) });
  assert.deepEqual([...shuffled].sort((a, b) => a[0] - b[0]), batches);
});

test("bucketByBoundaries uses [0, b1), [b1, b2), …, [bk, ∞)", () => {
  // boundaries [3, 8]: lengths < 3 → {0, 2}; 3 ≤ L < 8 → {4, 5}; ≥ 8 → {1, 3}
  assert.deepEqual(bucketByBoundaries(lengths, { boundaries: [3, 8], batchSize: 5 }), [[0, 2], [4, 5], [1, 3]]);
  assert.deepEqual(bucketByBoundaries(lengths, { boundaries: [3, 8], batchSize: 1 }), [[0], [2], [4], [5], [1], [3]]);
  const shuffled = bucketByBoundaries(lengths, { boundaries: [3, 8], batchSize: 5, rng: createRng(1) });
  assert.deepEqual(shuffled.map((batch) => [...batch].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]), [[0, 2], [1, 3], [4, 5]]);
});

test("randomBatches is a seeded partition of all indices", () => {
  const batches = randomBatches(7, 3, createRng(5));
  assert.deepEqual(batches.map((b) => b.length), [3, 3, 1]);
  assert.deepEqual(batches.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(randomBatches(7, 3, createRng(5)), batches);
});

test("bad input: batches that miss or repeat an example, bad boundaries, bad batch size", () => {
  assert.throws(() => batchPadding(lengths, [[0, 1, 2], [3, 4]]), { message: "batches leave out example 5: every example must be in one batch" });
  assert.throws(() => batchPadding(lengths, [[0, 1, 2], [2, 3, 4, 5]]), { message: "batches[1] repeats example 2, already in an earlier batch" });
  assert.throws(() => batchPadding(lengths, [[0, 1, 2, 3, 4, 9]]), { message: "batches[0] holds 9, not an index in [0, 6)" });
  assert.throws(() => bucketByBoundaries(lengths, { boundaries: [8, 3], batchSize: 2 }), {
    message: "boundaries must increase strictly: boundaries[1] = 3 follows 8",
  });
  assert.throws(() => sortedChunkBatches(lengths, { batchSize: 0 }), { message: "batchSize must be an integer ≥ 1, got 0" });
  assert.throws(() => sortedChunkBatches([], { batchSize: 2 }), { message: "lengths is empty: it needs at least one element" });
});

test("cutIntoBatches: consecutive batches capped by size and, with a budget, by examples × longest length", () => {
  // order 0..5 with lengths 1, 9, 2, 8, 3, 7: by size alone, chunks of 4 then the rest
  assert.deepEqual(cutIntoBatches([0, 1, 2, 3, 4, 5], lengths, { batchSize: 4 }), [[0, 1, 2, 3], [4, 5]]);
  // budget 16: {0} grows to {0, 1} (2 × 9 = 18 > 16: cut), {1} alone, {2, 3} (2 × 8), {4, 5} (2 × 7)
  assert.deepEqual(cutIntoBatches([0, 1, 2, 3, 4, 5], lengths, { batchSize: 4, maxTokensPerBatch: 16 }), [[0], [1], [2, 3], [4, 5]]);
  // an example longer than the budget gets a batch of its own
  assert.deepEqual(cutIntoBatches([0, 2, 1, 4], lengths, { batchSize: 8, maxTokensPerBatch: 6 }), [[0, 2], [1], [4]]);
  assert.deepEqual(cutIntoBatches([], lengths, { batchSize: 2 }), []);
  assert.throws(() => cutIntoBatches([0], lengths, { batchSize: 2, maxTokensPerBatch: 0 }), { message: "maxTokensPerBatch must be a positive number, got 0" });
});

test("byLength orders indices shortest first, ties by index; sortWithinWindows sorts each window only", () => {
  assert.deepEqual(byLength([3, 1, 3, 2, 1]), [1, 4, 3, 0, 2]);
  // windows of 3 over order [5, 4, 3, 2, 1, 0] (lengths 7, 3, 8 | 2, 9, 1)
  assert.deepEqual(sortWithinWindows([5, 4, 3, 2, 1, 0], lengths, 3), [4, 5, 3, 0, 2, 1]);
});
