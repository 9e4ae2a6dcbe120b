/**
 * Reading a whole padded batch with a cell whose state is h alone (RNNScratch, GRUScratch): the
 * batch tensor becomes StepInputs, the cell reads them with plain tf ops (forwardSteps), and the
 * states are stacked batch-major. LSTMScratch.forward does the same with its pair of states.
 */
import * as tf from "@tensorflow/tfjs";
import { checkShape } from "../checks";
import type { RecurrentCell } from "./recurrentCell";
import { disposeStepInputs, stepInputsFromTensor } from "./stepInputs";

/**
 * @param x [B, T, D] events, padded to T steps; @param mask optional [B, T] of 0/1 (1 = real
 * step; a padded step leaves h unchanged); @param h0 optional initial state [B, H].
 * @returns all states [B, T, H] and each sequence's state at its own last real step [B, H].
 */
export function readBatch(cell: RecurrentCell<tf.Tensor2D>, x: tf.Tensor, mask: tf.Tensor | undefined, h0: tf.Tensor | undefined, where: string): { states: tf.Tensor3D; final: tf.Tensor2D } {
  const inputs = stepInputsFromTensor(x, mask, cell.inputSize, where);
  if (h0 !== undefined) checkShape(h0, [inputs.batchSize, cell.hiddenSize], "h0", where);
  try {
    return tf.tidy(() => {
      const { states, final } = cell.forwardSteps(inputs, h0 as tf.Tensor2D | undefined);
      return { states: tf.stack(states, 1) as tf.Tensor3D, final };
    });
  } finally {
    disposeStepInputs(inputs);
  }
}
