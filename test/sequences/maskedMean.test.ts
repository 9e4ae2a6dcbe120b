import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { maskedMean, MaskedGlobalAveragePooling1D } from "../../src/sequences/maskedMean";

test("maskedMean averages real positions only; an all-padding row gives zeros", async () => {
  await initBackend({ quiet: true });
  const before = tf.memory().numTensors;
  // embedded [2, 3, 2]; row 0 real at t = 1, 2; row 1 has no real position
  const embedded = tf.tensor3d([
    [[100, 100], [1, 2], [3, 6]],
    [[5, 5], [7, 7], [9, 9]],
  ]);
  const mask = tf.tensor2d([[0, 1, 1], [0, 0, 0]]);
  const mean = maskedMean(embedded, mask);
  assert.deepEqual(mean.shape, [2, 2]);
  assert.deepEqual(Array.from(mean.dataSync()), [2, 4, 0, 0]); // ((1 + 3) / 2, (2 + 6) / 2)
  tf.dispose([embedded, mask, mean]);
  assert.equal(tf.memory().numTensors, before);
});

test("maskedMean rejects mismatched shapes, naming both", async () => {
  await initBackend({ quiet: true });
  const embedded = tf.zeros([2, 3, 4]) as tf.Tensor3D;
  const mask = tf.zeros([2, 4]) as tf.Tensor2D;
  assert.throws(() => maskedMean(embedded, mask), { message: "mask must have shape [2,3] to match embedded [2,3,4], got [2,4]" });
  tf.dispose([embedded, mask]);
});

test("MaskedGlobalAveragePooling1D after embedding(maskZero) equals maskedMean of the looked-up vectors", async () => {
  await initBackend({ quiet: true });
  seed(7);
  const before = tf.memory().numTensors;
  const embedding = tf.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [4] });
  const model = tf.sequential({ layers: [embedding, new MaskedGlobalAveragePooling1D()] });
  const ids = tf.tensor2d([[0, 0, 2, 5], [3, 1, 4, 0]], [2, 4], "int32");
  const pooled = model.predict(ids) as tf.Tensor;
  const table = embedding.getWeights()[0].arraySync() as number[][];
  // hand: row 0 = mean of vectors 2 and 5; row 1 = mean of vectors 3, 1, 4 (id 0 is padding)
  const expected = [
    [0, 1, 2].map((k) => (table[2][k] + table[5][k]) / 2),
    [0, 1, 2].map((k) => (table[3][k] + table[1][k] + table[4][k]) / 3),
  ];
  const actual = pooled.arraySync() as number[][];
  expected.flat().forEach((value, i) => assert.ok(Math.abs(actual.flat()[i] - value) < 1e-6));
  assert.deepEqual(pooled.shape, [2, 3]);
  tf.dispose([ids, pooled]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
