import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { SequenceModel } from "../../src/models/sequenceModel";
import { ClassificationHead, NextTokenHead, RegressionHead } from "../../src/models/heads";
import { disposeBatch, makeSequenceBatch } from "../../src/models/sequenceBatch";

before(async () => {
  await initBackend({ quiet: true });
});

test("a next-token batch: time-major ids, weight 0 at padding and at steps with no target (-1)", () => {
  const head = new NextTokenHead(2, 5);
  // two token sequences of lengths 3 and 2: T = 3, B = 2; row t·B + b is sequence b at step t
  const batch = makeSequenceBatch([[1, 2, 3], [4, 1]], [[2, 3, 4], [-1, 0]], { input: "tokens", head });
  assert.deepEqual(Array.from(batch.targets.dataSync()), [2, 0, 3, 0, 4, 0]);
  assert.deepEqual(Array.from(batch.targetWeights!.dataSync()), [1, 0, 1, 1, 1, 0]);
  assert.deepEqual([batch.inputs.batchSize, batch.inputs.numSteps, batch.inputs.lengths], [2, 3, [3, 2]]);
  assert.equal(batch.targets.dtype, "int32");
  disposeBatch(batch);
  head.dispose();
});

test("class ids and regression values become [B] int32 and [B, Q] float32 targets", () => {
  const classes = new ClassificationHead(2, 3);
  const values = new RegressionHead(2, 2);
  const sequences = [[[0.5]], [[1], [2]]];
  const a = makeSequenceBatch(sequences, [2, 0], { input: 1, head: classes });
  assert.deepEqual([a.targets.shape, a.targets.dtype, Array.from(a.targets.dataSync())], [[2], "int32", [2, 0]]);
  const b = makeSequenceBatch(sequences, [[1, 2], [3, 4]], { input: 1, head: values });
  assert.deepEqual([b.targets.shape, b.targets.dtype, b.targets.arraySync()], [[2, 2], "float32", [[1, 2], [3, 4]]]);
  assert.equal(b.targetWeights, undefined);
  classes.dispose();
  values.dispose();
  disposeBatch(a);
  disposeBatch(b);
});

test("a batch that fails its checks frees what it made", () => {
  const head = new RegressionHead(2, 2);
  const before = tf.memory().numTensors;
  assert.throws(() => makeSequenceBatch([[[1]]], [[1, 2, 3]], { input: 1, head }, "here"), { message: "here: targets[0] must have 2 value(s), got 3" });
  assert.equal(tf.memory().numTensors, before);
  head.dispose();
});

test("makeBatch rejects bad targets and events with clear messages", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 3, head: (h) => new ClassificationHead(h, 2) });
  assert.throws(() => model.makeBatch([[[1, 2]]], [0, 1]), /targets must have one entry per sequence: expected 1, got 2/);
  assert.throws(() => model.makeBatch([[[1, 2]]], [5]), /targets\[0\] must be a class id in \[0, 2\), got 5/);
  assert.throws(() => model.makeBatch([[[1, 2, 3]]], [0]), /must have inputSize=2 features, got \[3\]/);
  assert.throws(() => model.makeBatch([[]], [0]), /sequence 0 has length 0/);
  assert.throws(() => model.makeBatch([], []), /empty batch/);
  assert.throws(() => model.makeBatch([[[1, Number.NaN]]], [0]), /non-finite value \(NaN\) at sequence 0, step 0, feature 1/);
  model.dispose();
});
