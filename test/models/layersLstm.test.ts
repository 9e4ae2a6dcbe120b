import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { LSTMScratch } from "../../src/models/lstmScratch";
import { lstmLayerDifference } from "../../src/models/layersLstm";

before(async () => {
  await initBackend({ quiet: true });
});

test("lstmLayerDifference: tf.layers.lstm with sigmoid gates reads like LSTMScratch; its hardSigmoid default does not", () => {
  seed(3);
  const cell = new LSTMScratch({ inputSize: 3, hiddenSize: 5 });
  const inputs = tf.randomNormal([4, 7, 3], 0, 1, "float32", 11) as tf.Tensor3D;
  const tensorsBefore = tf.memory().numTensors;
  const sigmoid = lstmLayerDifference(cell, inputs, "sigmoid");
  const hard = lstmLayerDifference(cell, inputs, "hardSigmoid");
  assert.ok(sigmoid < 1e-5, `same computation up to float32 rounding, got ${sigmoid}`);
  assert.ok(hard > 1e-3, `a different gate function, got ${hard}`);
  assert.equal(tf.memory().numTensors, tensorsBefore, "no tensor left behind");
  // The difference is about the cell's own weights: change them and the comparison follows.
  const weights = cell.getWeights();
  cell.setWeights({ ...weights, b: weights.b.map((v) => v + 1) });
  assert.ok(lstmLayerDifference(cell, inputs, "sigmoid") < 1e-5);
  const wrong = tf.zeros([4, 7, 2]) as tf.Tensor3D;
  assert.throws(() => lstmLayerDifference(cell, wrong, "sigmoid"), {
    message: "lstmLayerDifference: inputs must have shape [batch, steps, inputSize=3], got [4, 7, 2]",
  });
  tf.dispose([inputs, wrong]);
  cell.dispose();
});
