import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { SequenceModel } from "../../src/models/sequenceModel";
import { ClassificationHead } from "../../src/models/heads";
import { buildInTidy } from "../../src/limits/tidyBuild";

before(async () => {
  await initBackend({ quiet: true });
});

test("buildInTidy keeps the model's variables and frees the temporaries; dispose then leaves nothing", () => {
  const start = tf.memory().numTensors;
  const model = buildInTidy(() => new SequenceModel({ inputSize: 3, hiddenSize: 4, head: (h) => new ClassificationHead(h, 2) }));
  assert.equal(tf.memory().numTensors - start, model.variables.length);
  const out = model.predict([[[1, 0, 0], [0, 1, 0]]]);
  assert.deepEqual(out.shape, [1, 2]);
  out.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});
