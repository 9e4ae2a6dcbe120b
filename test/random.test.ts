import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { createRng, gaussianMatrix, seed, shuffleInPlace, standardNormal } from "../src/random";
import { initBackend } from "../src/backend";

test("createRng gives the same stream for the same seed and another for another seed", () => {
  const a = createRng(7);
  const b = createRng(7);
  const c = createRng(8);
  const first = [a(), a(), a()];
  assert.deepEqual([b(), b(), b()], first);
  assert.notDeepEqual([c(), c(), c()], first);
  for (const x of first) assert.ok(x >= 0 && x < 1);
});

test("shuffleInPlace is a seeded permutation", () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  const shuffled = shuffleInPlace([...items], createRng(1));
  assert.deepEqual([...shuffled].sort((x, y) => x - y), items);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(shuffleInPlace([...items], createRng(1)), shuffled);
});

test("seed rejects a non-finite value with a message naming it", () => {
  assert.throws(() => seed(Number.NaN), /seed must be a finite number, got NaN/);
});

/** Trains a tiny model with dropout and shuffling; returns the per-epoch losses. */
async function trainTinyModel(): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: "tanh" }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: "meanSquaredError" });
  const xs = tf.randomNormal([32, 4]);
  const ys = tf.randomNormal([32, 1]);
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 8, shuffle: true, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return history.history.loss as number[];
}

test("seed(n) makes a small training (init, data, shuffling, dropout) repeat exactly", async () => {
  await initBackend({ quiet: true });
  const before = tf.memory().numTensors;
  seed(123);
  const first = await trainTinyModel();
  seed(123);
  const second = await trainTinyModel();
  seed(124);
  const third = await trainTinyModel();
  assert.equal(first.length, 3);
  assert.deepEqual(second, first); // exact equality, not approximate
  assert.notDeepEqual(third, first);
  assert.equal(tf.memory().numTensors, before);
});

test("standardNormal is Box–Muller on two draws; gaussianMatrix draws row by row and scales by std", () => {
  const draws = [0.25, 0.125];
  const stub = () => draws.shift() as number;
  assert.equal(standardNormal(stub), Math.sqrt(-2 * Math.log(0.75)) * Math.cos(Math.PI / 4));
  const rng = createRng(4);
  const values = Array.from({ length: 20000 }, () => standardNormal(rng));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.03, `mean ${mean}, variance ${variance}`);
  const again = createRng(9);
  const expected = Array.from({ length: 6 }, () => 0.5 * standardNormal(again));
  assert.deepEqual(gaussianMatrix(2, 3, createRng(9), 0.5), [expected.slice(0, 3), expected.slice(3)]);
});
