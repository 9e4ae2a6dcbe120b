import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { compareGradients } from "../../src/training/gradientCheck";

before(async () => {
  await initBackend({ quiet: true });
});

test("compareGradients: per weight, the reference's scale and the largest difference, in the reference's order", () => {
  const reference = { W: tf.tensor2d([[1, -4], [2, 0]]), b: tf.tensor1d([0.5, -0.25]), zero: tf.zeros([2]) };
  const candidate = { b: tf.tensor1d([0.5, -0.5]), W: tf.tensor2d([[1, -3.5], [2, 0.125]]), zero: tf.zeros([2]) };
  const before = tf.memory().numTensors;
  assert.deepEqual(compareGradients(reference, candidate), [
    { name: "W", shape: [2, 2], largest: 4, difference: 0.5, relative: 0.125 },
    { name: "b", shape: [2], largest: 0.5, difference: 0.25, relative: 0.5 },
    { name: "zero", shape: [2], largest: 0, difference: 0, relative: 0 },
  ]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => compareGradients(reference, { W: candidate.W }), { message: 'compareGradients: candidate has no gradient for "b" (it has W)' });
  const wrongShape = tf.zeros([3]);
  assert.throws(() => compareGradients({ b: reference.b }, { b: wrongShape }), { message: 'compareGradients: "b" must have shape [2] as in reference, got [3]' });
  tf.dispose([reference, candidate, wrongShape]);
});
