import { test } from "node:test";
import assert from "node:assert/strict";
import { recallTask, parityTask, bracketTask, balancedTask, maxBracketDepth, parity, bracketDepth, bracketString, oneHotSequences, recallFirstNumberTask } from "../../src/limits/tasks";
import { createRng } from "../../src/random";
import { meanSquaredError } from "../../src/metrics";

function counts(labels: number[], classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  labels.forEach((y) => c[y]++);
  return c;
}

test("recallTask: length k + 1, label = first token, exactly balanced, seeded", () => {
  const task = recallTask({ count: 103, lag: 7, vocabSize: 4, seed: 5 });
  assert.equal(task.sequences.length, 103);
  task.sequences.forEach((s, i) => {
    assert.equal(s.length, 8);
    assert.equal(s[0], task.labels[i]);
    s.forEach((t) => assert.ok(t >= 0 && t < 4));
  });
  assert.deepEqual(counts(task.labels, 4), [26, 26, 26, 25]);
  assert.deepEqual(recallTask({ count: 103, lag: 7, vocabSize: 4, seed: 5 }), task);
  assert.notDeepEqual(recallTask({ count: 103, lag: 7, vocabSize: 4, seed: 6 }).sequences, task.sequences);
  const tiny = recallTask({ count: 2, lag: 0, vocabSize: 2, seed: 1 });
  assert.deepEqual(tiny.sequences.map((s) => s.length), [1, 1]);
  assert.deepEqual([...tiny.labels].sort(), [0, 1]);
  assert.throws(() => recallTask({ count: 0, lag: 1 }), /count/);
});

test("parity and bracketDepth on tiny cases", () => {
  assert.equal(parity([]), 0);
  assert.equal(parity([1, 0, 1]), 0);
  assert.equal(parity([1, 1, 1, 0]), 1);
  assert.equal(bracketDepth([0, 0, 1]), 1); // "(()"
  assert.equal(bracketDepth([0, 1, 0, 1]), 0); // "()()"
  assert.equal(bracketString([0, 0, 1]), "(()");
  assert.throws(() => bracketDepth([1]), /more "\)"/);
});

test("parityTask: labels are the parity, exactly balanced, lengths in range", () => {
  const task = parityTask({ count: 200, minLength: 3, maxLength: 9, seed: 2 });
  task.sequences.forEach((s, i) => {
    assert.equal(parity(s), task.labels[i]);
    assert.ok(s.length >= 3 && s.length <= 9);
  });
  assert.deepEqual(counts(task.labels, 2), [100, 100]);
  assert.deepEqual(new Set(task.sequences.map((s) => s.length)), new Set([3, 4, 5, 6, 7, 8, 9]));
});

test("bracketTask: valid prefixes, depth ≤ maxDepth, label = final depth, balanced, lengths in range", () => {
  const task = bracketTask({ count: 400, minLength: 4, maxLength: 12, maxDepth: 3, seed: 3 });
  task.sequences.forEach((s, i) => {
    let depth = 0;
    for (const t of s) {
      depth += t === 0 ? 1 : -1;
      assert.ok(depth >= 0 && depth <= 3, bracketString(s));
    }
    assert.equal(bracketDepth(s), task.labels[i]);
    assert.ok(s.length >= 4 && s.length <= 12, `length ${s.length}`);
  });
  assert.deepEqual(counts(task.labels, 4), [100, 100, 100, 100]);
  assert.equal(task.numClasses, 4);
  const long = bracketTask({ count: 8, minLength: 90, maxLength: 100, maxDepth: 2, seed: 1 });
  long.sequences.forEach((s, i) => assert.equal(bracketDepth(s), long.labels[i]));
});

test("oneHotSequences", () => {
  assert.deepEqual(oneHotSequences([[0, 2]], 3), [[[1, 0, 0], [0, 0, 1]]]);
  assert.throws(() => oneHotSequences([[3]], 3), /outside/);
});

test("recallFirstNumberTask: uniform numbers in [−1, 1), one per step; the target is the first; answering 0 scores about 1/3", () => {
  const task = recallFirstNumberTask({ count: 3, length: 4, seed: 9 });
  // The same draws, in the same order, straight from the seeded generator.
  const rng = createRng(9);
  const expected = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => [rng() * 2 - 1]));
  assert.deepEqual(task.sequences, expected);
  assert.deepEqual(task.targets, expected.map((sequence) => sequence[0][0]));
  const big = recallFirstNumberTask({ count: 20000, length: 2, seed: 1 });
  assert.ok(big.sequences.flat(2).every((x) => x >= -1 && x < 1));
  const zeroError = meanSquaredError(big.targets.map(() => 0), big.targets);
  assert.ok(Math.abs(zeroError - 1 / 3) < 0.01, `MSE of answering 0: ${zeroError}`);
  assert.throws(() => recallFirstNumberTask({ count: 2, length: 0 }), { message: "recallFirstNumberTask: length must be an integer ≥ 1, got 0" });
});

test("balancedTask: valid prefixes, even lengths, label 1 iff closed (else depth 2), depth bound, balanced", () => {
  const task = balancedTask({ count: 300, minLength: 4, maxLength: 12, maxDepth: 3, seed: 4 });
  task.sequences.forEach((s, i) => {
    assert.equal(s.length % 2, 0);
    assert.ok(s.length >= 4 && s.length <= 12);
    assert.equal(bracketDepth(s), task.labels[i] === 1 ? 0 : 2);
    assert.ok(maxBracketDepth(s) <= 3);
  });
  assert.deepEqual(counts(task.labels, 2), [150, 150]);
  const unbounded = balancedTask({ count: 200, minLength: 30, maxLength: 40, seed: 5 });
  unbounded.sequences.forEach((s, i) => assert.equal(bracketDepth(s), unbounded.labels[i] === 1 ? 0 : 2));
  assert.ok(Math.max(...unbounded.sequences.map(maxBracketDepth)) > 3);
  assert.equal(maxBracketDepth([0, 0, 1, 0, 0, 1, 1, 1]), 3); // "(()(()))"
  assert.throws(() => balancedTask({ count: 2, minLength: 4, maxLength: 8, maxDepth: 1 }), /maxDepth/);
});
