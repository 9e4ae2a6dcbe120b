/**
 * LSTMScratch against tf.layers.lstm with the same weights (notebook 06). tf.layers.lstm uses
 * LSTMScratch's layout (kernel = W_x, recurrentKernel = W_h, bias = b, columns in gate order
 * i | f | g | o), so with `recurrentActivation: "sigmoid"` the two compute the same states, up to
 * float32 rounding; with tf.layers' default, "hardSigmoid", they do not.
 */
import * as tf from "@tensorflow/tfjs";
import { LSTMScratch } from "./lstmScratch";

/**
 * The largest |h_ours − h_layers| over every sequence, step and unit, reading `inputs` [B, T, D]
 * with `cell` and with a tf.layers.lstm given the cell's weights and `recurrentActivation`.
 * (Building the layer draws its initial weights from tfjs' random source before they are replaced.)
 */
export function lstmLayerDifference(cell: LSTMScratch, inputs: tf.Tensor3D, recurrentActivation: "sigmoid" | "hardSigmoid"): number {
  const where = "lstmLayerDifference";
  if (inputs.rank !== 3 || inputs.shape[2] !== cell.inputSize) {
    throw new Error(`${where}: inputs must have shape [batch, steps, inputSize=${cell.inputSize}], got [${inputs.shape.join(", ")}]`);
  }
  const weights = cell.getWeights();
  const layer = tf.layers.lstm({ units: cell.hiddenSize, returnSequences: true, recurrentActivation, inputShape: [inputs.shape[1], cell.inputSize] });
  const model = tf.sequential({ layers: [layer] });
  try {
    tf.tidy(() => layer.setWeights([tf.tensor2d(weights.W_x), tf.tensor2d(weights.W_h), tf.tensor1d(weights.b)]));
    const ours = cell.forward(inputs);
    try {
      return tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(inputs) as tf.Tensor, ours.states))).dataSync()[0]);
    } finally {
      tf.dispose([ours.states, ours.final, ours.finalCell]);
    }
  } finally {
    model.dispose();
  }
}
