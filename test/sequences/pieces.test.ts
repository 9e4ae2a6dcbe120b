import { test } from "node:test";
import assert from "node:assert/strict";
import { cutIntoPieces, nextTokenExamples } from "../../src/sequences/pieces";

test("cutIntoPieces: pieces start every windowLength ids, hold windowLength + 1, drop tails under minLength", () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // Starts 0 and 4; the piece at 8 would be [9, 10], shorter than 3, so it is dropped.
  assert.deepEqual(cutIntoPieces([ten], 4), [[1, 2, 3, 4, 5], [5, 6, 7, 8, 9]]);
  // With an 11th id the last piece has 3 ids and stays.
  assert.deepEqual(cutIntoPieces([[...ten, 11]], 4), [[1, 2, 3, 4, 5], [5, 6, 7, 8, 9], [9, 10, 11]]);
  // Several sequences, one too short for any piece; minLength 2 keeps pairs.
  assert.deepEqual(cutIntoPieces([[7, 8], [1, 2, 3]], 4), [[1, 2, 3]]);
  assert.deepEqual(cutIntoPieces([[7, 8], [1, 2, 3]], 1, { minLength: 2 }), [[7, 8], [1, 2], [2, 3]]);
  assert.throws(() => cutIntoPieces([ten], 0), { message: "cutIntoPieces: windowLength must be an integer ≥ 1, got 0" });
  assert.throws(() => cutIntoPieces([[1, 2.5]], 2), { message: "cutIntoPieces: sequences[0][1] must be an integer id, got 2.5" });
});

test("nextTokenExamples: inputs drop the last id, targets the first; noTargetId becomes −1", () => {
  const { inputs, targets } = nextTokenExamples([[5, 1, 6, 7], [2, 1]], { noTargetId: 1 });
  assert.deepEqual(inputs, [[5, 1, 6], [2]]);
  assert.deepEqual(targets, [[-1, 6, 7], [-1]]);
  assert.deepEqual(nextTokenExamples([[5, 1]]).targets, [[1]]);
  assert.throws(() => nextTokenExamples([[5, 1], [3]]), { message: "nextTokenExamples: pieces[1] must hold at least 2 ids (one input, one target), got 1" });
});
