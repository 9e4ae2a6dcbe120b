/**
 * Fixed-input classifiers: the baselines that workarounds for variable length feed (notebooks
 * 01, 02 and 04). Each is a small compiled tf.Sequential that outputs P(label = 1) with shape
 * [batch, 1]; training/fitBinaryClassifier.ts trains it.
 *  - concatenated embeddings: cut-and-padded ids [batch, maxLen] → an embedding per position,
 *    flattened into one long vector → logistic output. Each position has its own weights.
 *  - bag: a bag matrix [batch, vocabSize] → optional hidden layer → logistic output.
 *  - mean of embeddings: padded ids [batch, time] → embeddings averaged over real positions →
 *    logistic output.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger } from "../checks";
import { MaskedGlobalAveragePooling1D } from "../sequences/maskedMean";

function compileBinary(model: tf.Sequential, learningRate: number): tf.Sequential {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "binaryCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** ids [batch, maxLen] → embedding [batch, maxLen, embeddingDim] → flatten → dense(1, sigmoid). */
export function concatenatedEmbeddingClassifier(options: {
  vocabSize: number;
  maxLen: number;
  embeddingDim: number;
  learningRate?: number;
}): tf.Sequential {
  const vocabSize = checkInteger(options.vocabSize, "vocabSize", 2);
  const maxLen = checkInteger(options.maxLen, "maxLen", 1);
  const embeddingDim = checkInteger(options.embeddingDim, "embeddingDim", 1);
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: vocabSize, outputDim: embeddingDim, inputLength: maxLen }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  return compileBinary(model, options.learningRate ?? 0.01);
}

/** bag [batch, inputSize] → (dense(hiddenUnits, relu) if hiddenUnits > 0) → dense(1, sigmoid). */
export function bagClassifier(options: { inputSize: number; hiddenUnits?: number; learningRate?: number }): tf.Sequential {
  const inputSize = checkInteger(options.inputSize, "inputSize", 1);
  const hiddenUnits = checkInteger(options.hiddenUnits ?? 0, "hiddenUnits", 0);
  const layers: tf.layers.Layer[] = [];
  if (hiddenUnits > 0) layers.push(tf.layers.dense({ inputShape: [inputSize], units: hiddenUnits, activation: "relu" }));
  layers.push(tf.layers.dense({ ...(hiddenUnits > 0 ? {} : { inputShape: [inputSize] }), units: 1, activation: "sigmoid" }));
  return compileBinary(tf.sequential({ layers }), options.learningRate ?? 0.01);
}

/** ids [batch, time] → embedding (padding id 0 masked) → masked mean [batch, embeddingDim] → dense(1, sigmoid). */
export function meanEmbeddingClassifier(options: {
  vocabSize: number;
  embeddingDim: number;
  learningRate?: number;
}): tf.Sequential {
  const vocabSize = checkInteger(options.vocabSize, "vocabSize", 2);
  const embeddingDim = checkInteger(options.embeddingDim, "embeddingDim", 1);
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: vocabSize, outputDim: embeddingDim, maskZero: true, inputShape: [null] as unknown as number[] }),
      new MaskedGlobalAveragePooling1D(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  return compileBinary(model, options.learningRate ?? 0.01);
}

/**
 * Frees a classifier built here: its weights and its optimizer's state. (`model.dispose()` alone
 * keeps an optimizer passed to `compile` as an instance, as these are.)
 */
export function disposeClassifier(model: tf.LayersModel): void {
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}
