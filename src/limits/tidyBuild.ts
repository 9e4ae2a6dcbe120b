/**
 * Builds an object (a model, say) inside tf.tidy, so that temporary tensors made while it
 * initialises — such as the random values copied into its variables — are freed at once.
 * Variables survive tf.tidy; plain tensors the object keeps would not, so use this only for
 * objects whose state lives in tf.Variables (SequenceModel, RNNScratch, heads).
 */
import * as tf from "@tensorflow/tfjs";

export function buildInTidy<T>(make: () => T): T {
  let built: T | undefined;
  tf.tidy(() => {
    built = make();
  });
  return built as T;
}
