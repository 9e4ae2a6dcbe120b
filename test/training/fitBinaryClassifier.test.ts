import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed, createRng } from "../../src/random";
import { binaryAccuracy } from "../../src/metrics";
import { countBag } from "../../src/sequences/bagging";
import { padSequences } from "../../src/sequences/padding";
import { bagTensor, idsTensor } from "../../src/sequences/tensors";
import { bagClassifier, concatenatedEmbeddingClassifier, disposeClassifier, meanEmbeddingClassifier } from "../../src/models/fixedInputClassifiers";
import { fitBinaryClassifier } from "../../src/training/fitBinaryClassifier";

/**
 * A task order-free models can solve: label 1 iff the sequence holds id 3 (at a random position),
 * among filler ids 4…7; lengths 2…6. Seeded, so training and held-out sets are different draws.
 */
function toyTask(count: number, seedValue: number): { sequences: number[][]; labels: number[] } {
  const rng = createRng(seedValue);
  const sequences: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const length = 2 + Math.floor(rng() * 5);
    const sequence = Array.from({ length }, () => 4 + Math.floor(rng() * 4));
    if (i % 2 === 0) sequence[Math.floor(rng() * length)] = 3;
    sequences.push(sequence);
    labels.push(i % 2 === 0 ? 1 : 0);
  }
  return { sequences, labels };
}

test("each classifier learns a toy task, scored on held-out examples; outputs [batch, 1], and leaks no tensors", async () => {
  await initBackend({ quiet: true });
  seed(3);
  const before = tf.memory().numTensors;
  const train = toyTask(128, 1);
  const heldOut = toyTask(64, 2);
  const padded = (sequences: number[][]) => idsTensor(padSequences(sequences, { maxLen: 6, padding: "post" }).ids);
  const x = { padded: padded(train.sequences), bag: bagTensor(countBag(train.sequences, 8)) };
  const validationX = { padded: padded(heldOut.sequences), bag: bagTensor(countBag(heldOut.sequences, 8)) };
  const cases: [string, tf.Sequential, "padded" | "bag"][] = [
    ["concatenated embeddings", concatenatedEmbeddingClassifier({ vocabSize: 8, maxLen: 6, embeddingDim: 4, learningRate: 0.05 }), "padded"],
    ["bag", bagClassifier({ inputSize: 8, hiddenUnits: 4, learningRate: 0.05 }), "bag"],
    ["mean of embeddings", meanEmbeddingClassifier({ vocabSize: 8, embeddingDim: 4, learningRate: 0.05 }), "padded"],
  ];
  for (const [name, model, input] of cases) {
    const data = { x: x[input], labels: train.labels, validationX: validationX[input], validationLabels: heldOut.labels };
    const result = await fitBinaryClassifier(model, data, { epochs: 30, batchSize: 16 });
    assert.equal(result.loss.length, 30, name);
    assert.ok(result.loss[29] < result.loss[0], `${name}: loss did not fall`);
    // The reported accuracy is the held-out one: the model's own predictions on validationX.
    const output = model.predict(validationX[input]) as tf.Tensor;
    assert.deepEqual(output.shape, [64, 1], name);
    assert.equal(result.validationAccuracy, binaryAccuracy(output, heldOut.labels), name);
    assert.ok(result.validationAccuracy >= 0.9, `${name}: held-out accuracy ${result.validationAccuracy}`);
    output.dispose();
    disposeClassifier(model);
  }
  tf.dispose([x, validationX]);
  assert.equal(tf.memory().numTensors, before);
});
