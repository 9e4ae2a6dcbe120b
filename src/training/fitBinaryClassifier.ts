/**
 * The training loop of the fixed-input classifiers (models/fixedInputClassifiers.ts): tf.layers'
 * own `model.fit`, as a tfjs user would write it, with `progressCallbacks` (display) for live
 * progress. Not the Trainer: these are compiled tf.layers models, and their numbers in notebooks
 * 01, 02 and 04 come from `model.fit`'s own shuffling (Math.random, seeded by `seed`) and batching;
 * the Trainer (layersModelTrainable) would train the same models but give other numbers.
 */
import type * as tf from "@tensorflow/tfjs";
import { checkInteger } from "../checks";
import { binaryAccuracy } from "../metrics";
import { labelsTensor } from "../sequences/tensors";

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
