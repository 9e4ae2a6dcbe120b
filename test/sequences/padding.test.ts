import { test } from "node:test";
import assert from "node:assert/strict";
import { padSequences } from "../../src/sequences/padding";

// The examples of Keras' documentation (tf.keras.utils.pad_sequences), value for value.
const sequence = [[1], [2, 3], [4, 5, 6]];

test("Keras example: defaults pad and truncate at the start", () => {
  assert.deepEqual(padSequences(sequence).ids, [
    [0, 0, 1],
    [0, 2, 3],
    [4, 5, 6],
  ]);
});

test("Keras example: value = -1", () => {
  assert.deepEqual(padSequences(sequence, { value: -1 }).ids, [
    [-1, -1, 1],
    [-1, 2, 3],
    [4, 5, 6],
  ]);
});

test("Keras example: padding = 'post'", () => {
  assert.deepEqual(padSequences(sequence, { padding: "post" }).ids, [
    [1, 0, 0],
    [2, 3, 0],
    [4, 5, 6],
  ]);
});

test("Keras example: maxlen = 2 truncates at the start", () => {
  assert.deepEqual(padSequences(sequence, { maxLen: 2 }).ids, [
    [0, 1],
    [2, 3],
    [5, 6],
  ]);
});

test("truncating = 'post' keeps the start; each side combines with each padding", () => {
  assert.deepEqual(padSequences(sequence, { maxLen: 2, truncating: "post" }).ids, [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(padSequences([[1, 2, 3, 4], [7]], { maxLen: 3, truncating: "post", padding: "post", value: 9 }).ids, [
    [1, 2, 3],
    [7, 9, 9],
  ]);
});

test("the mask marks real positions, even a real id equal to the pad value", () => {
  const padded = padSequences([[0, 5], [6]], { maxLen: 3 });
  assert.deepEqual(padded.ids, [
    [0, 0, 5],
    [0, 0, 6],
  ]);
  assert.deepEqual(padded.mask, [
    [0, 1, 1],
    [0, 0, 1],
  ]);
  assert.equal(padded.maxLen, 3);
});

test("an empty sequence becomes a row of padding, as in Keras", () => {
  assert.deepEqual(padSequences([[], [1, 2]]), { ids: [[0, 0], [1, 2]], mask: [[0, 0], [1, 1]], maxLen: 2 });
});

test("bad input: empty list, bad maxLen, ragged or non-numeric ids, bad sides", () => {
  assert.throws(() => padSequences([]), { message: "sequences is empty: it needs at least one element" });
  assert.throws(() => padSequences([[1]], { maxLen: 0 }), { message: "maxLen must be an integer ≥ 1, got 0" });
  assert.throws(() => padSequences([[1]], { maxLen: -3 }), { message: "maxLen must be an integer ≥ 1, got -3" });
  assert.throws(() => padSequences([[1]], { maxLen: 2.5 }), { message: "maxLen must be an integer ≥ 1, got 2.5" });
  assert.throws(() => padSequences([[1], 2 as unknown as number[]]), { message: "sequences[1] must be an array of ids, got 2" });
  assert.throws(() => padSequences([[1], [2, "x" as unknown as number]]), { message: 'sequences[1][1] must be an integer id, got "x"' });
  assert.throws(() => padSequences([[1, Number.NaN]]), { message: "sequences[0][1] must be an integer id, got NaN" });
  assert.throws(() => padSequences([[1]], { padding: "middle" as "pre" }), { message: 'padding must be "pre" or "post", got "middle"' });
  assert.throws(() => padSequences([[], []]), { message: "sequences are all empty and no maxLen was given: the padded length would be 0" });
});
