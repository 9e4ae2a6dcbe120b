/**
 * Fixed-input classifiers: the baselines that workarounds for variable length feed. Each is a
 * small compiled tf.Sequential that outputs P(label = 1) with shape [batch, 1].
 *  - concatenated embeddings: cut-and-padded ids [batch, maxLen] → an embedding per position,
 *    flattened into one long vector → logistic output. Each position has its own weights.
 *  - bag: a bag matrix [batch, vocabSize] → optional hidden layer → logistic output.
 *  - mean of embeddings: padded ids [batch, time] → embeddings averaged over real positions →
 *    logistic output.
 */
import * as tf from "@tensorflow/tfjs";
import type { BagMatrix } from "./bagging";
import { checkIdSequences, checkInteger, checkRectangular, describeValue } from "./checks";
import { MaskedGlobalAveragePooling1D } from "./maskedMean";
import { accuracy } from "../metrics";

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

/** Padded ids (rows of one length, e.g. `padSequences(...).ids`) → int32 tensor [rows, maxLen]. */
export function idsTensor(ids: readonly (readonly number[])[]): tf.Tensor2D {
  const checked = checkIdSequences(ids, "ids", { allowEmpty: false });
  const columns = checkRectangular(checked, "ids");
  const flat = new Int32Array(checked.length * columns);
  checked.forEach((row, r) => flat.set(row, r * columns));
  return tf.tensor2d(flat, [checked.length, columns], "int32");
}

/** A bag matrix → float32 tensor [rows, columns]. */
export function bagTensor(bag: BagMatrix): tf.Tensor2D {
  if (!bag || !(bag.values instanceof Float32Array) || bag.values.length !== bag.rows * bag.columns) {
    throw new Error(`bag must be a BagMatrix whose values hold rows × columns numbers, got ${describeValue(bag)}`);
  }
  return tf.tensor2d(bag.values, [bag.rows, bag.columns], "float32");
}

/** 0/1 labels → float32 tensor [n, 1], the shape the classifiers output. */
export function labelsTensor(labels: readonly number[]): tf.Tensor2D {
  if (!Array.isArray(labels) || labels.length === 0) throw new Error("labels is empty: it needs at least one label");
  labels.forEach((label, index) => {
    if (label !== 0 && label !== 1) throw new Error(`labels[${index}] must be 0 or 1, got ${describeValue(label)}`);
  });
  return tf.tensor2d(labels as number[], [labels.length, 1], "float32");
}

/**
 * Share of examples where (P(label = 1) > 0.5) equals the label.
 * probabilities: [n, 1] (or [n]); labels: n values 0/1.
 */
export function binaryAccuracy(probabilities: tf.Tensor, labels: readonly number[]): number {
  if (probabilities.size !== labels.length) {
    throw new Error(`probabilities holds ${probabilities.size} values but labels holds ${labels.length}`);
  }
  labels.forEach((label, index) => {
    if (label !== 0 && label !== 1) throw new Error(`labels[${index}] must be 0 or 1, got ${describeValue(label)}`);
  });
  const predicted = Array.from(probabilities.dataSync(), (p) => (p > 0.5 ? 1 : 0));
  return accuracy(predicted, labels);
}

/** Accuracy of always answering the training set's most frequent label (ties → 0). */
export function majorityBaselineAccuracy(trainLabels: readonly number[], evaluationLabels: readonly number[]): number {
  if (trainLabels.length === 0 || evaluationLabels.length === 0) throw new Error("trainLabels and evaluationLabels must be non-empty");
  const ones = trainLabels.filter((label) => label === 1).length;
  const majority = ones > trainLabels.length - ones ? 1 : 0;
  return accuracy(evaluationLabels.map(() => majority), evaluationLabels);
}

export interface FitResult {
  /** Validation accuracy after the last epoch. */
  validationAccuracy: number;
  /** Training loss per epoch. */
  loss: number[];
  seconds: number;
}

/**
 * Trains a binary classifier for `epochs` epochs (shuffled batches) and returns its validation
 * accuracy. x: [n, …] matching the model's input; labels: n values 0/1. Disposes the label
 * tensors it makes; x tensors stay the caller's.
 */
export async function fitBinaryClassifier(
  model: tf.LayersModel,
  data: { x: tf.Tensor; labels: readonly number[]; validationX: tf.Tensor; validationLabels: readonly number[] },
  options: { epochs: number; batchSize: number; callbacks?: tf.CustomCallbackArgs },
): Promise<FitResult> {
  const epochs = checkInteger(options.epochs, "epochs", 1);
  const batchSize = checkInteger(options.batchSize, "batchSize", 1);
  if (data.x.shape[0] !== data.labels.length) throw new Error(`x has ${data.x.shape[0]} rows but labels holds ${data.labels.length}`);
  const y = labelsTensor(data.labels);
  const started = performance.now();
  try {
    const history = await model.fit(data.x, y, { epochs, batchSize, shuffle: true, verbose: 0, callbacks: options.callbacks });
    const probabilities = model.predict(data.validationX, { batchSize: 256 }) as tf.Tensor;
    const validationAccuracy = binaryAccuracy(probabilities, data.validationLabels);
    probabilities.dispose();
    return { validationAccuracy, loss: history.history.loss as number[], seconds: (performance.now() - started) / 1000 };
  } finally {
    y.dispose();
  }
}
