import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { bagClassifier, concatenatedEmbeddingClassifier, disposeClassifier, meanEmbeddingClassifier } from "../../src/models/fixedInputClassifiers";

test("each builder outputs [batch, 1] probabilities and has the parameters its layers imply", async () => {
  await initBackend({ quiet: true });
  seed(2);
  const before = tf.memory().numTensors;
  const ids = tf.tensor2d([[2, 3, 0], [4, 0, 0]], [2, 3], "int32");
  const bag = tf.tensor2d([[0, 1, 1, 0, 2], [1, 0, 0, 0, 0]]);
  const cases: [string, tf.Sequential, tf.Tensor, number][] = [
    // embedding 10×4, one weight per (position, dimension) 3·4, bias 1
    ["concatenated embeddings", concatenatedEmbeddingClassifier({ vocabSize: 10, maxLen: 3, embeddingDim: 4 }), ids, 10 * 4 + 3 * 4 + 1],
    // hidden 5×6 + 6, output 6 + 1
    ["bag, hidden layer", bagClassifier({ inputSize: 5, hiddenUnits: 6 }), bag, 5 * 6 + 6 + 6 + 1],
    ["bag, logistic regression", bagClassifier({ inputSize: 5 }), bag, 5 + 1],
    // embedding 10×4, output 4 + 1 (the masked mean has no weights)
    ["mean of embeddings", meanEmbeddingClassifier({ vocabSize: 10, embeddingDim: 4 }), ids, 10 * 4 + 4 + 1],
  ];
  for (const [name, model, x, parameters] of cases) {
    assert.equal(model.countParams(), parameters, name);
    const p = model.predict(x) as tf.Tensor;
    assert.deepEqual(p.shape, [2, 1], name);
    assert.ok(Array.from(p.dataSync()).every((v) => v > 0 && v < 1), `${name}: probabilities ${p.dataSync()}`);
    p.dispose();
    disposeClassifier(model);
  }
  tf.dispose([ids, bag]);
  assert.equal(tf.memory().numTensors, before);
});

test("bad options name the argument", () => {
  assert.throws(() => concatenatedEmbeddingClassifier({ vocabSize: 10, maxLen: 0, embeddingDim: 4 }), { message: "maxLen must be an integer ≥ 1, got 0" });
  assert.throws(() => bagClassifier({ inputSize: 10, hiddenUnits: -1 }), { message: "hiddenUnits must be an integer ≥ 0, got -1" });
  assert.throws(() => meanEmbeddingClassifier({ vocabSize: 1, embeddingDim: 4 }), { message: "vocabSize must be an integer ≥ 2, got 1" });
});
