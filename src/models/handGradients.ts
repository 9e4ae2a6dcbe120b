/**
 * The "hand" gradient method of SequenceModel: the cell's own forward pass keeps what its
 * hand-written backward pass needs (RecurrentCell.handForward); tfjs differentiates only the
 * small head, giving dL/dh for the states the head read; the cell's backward pass runs the
 * recurrence backwards from there; an embedding's gradient sums dL/dx_t over the rows of the
 * tokens that were read.
 */
import * as tf from "@tensorflow/tfjs";
import type { Head } from "./heads";
import type { RecurrentCell } from "./recurrentCell";
import type { SequenceBatch } from "./sequenceBatch";
import { embedSteps } from "./stepInputs";

/** The parts of a SequenceModel the hand method reads. */
export interface HandGradientModel {
  /** E: [V, D] for token inputs, null for dense events. */
  readonly embedding: tf.Variable<tf.Rank.R2> | null;
  readonly rnn: RecurrentCell<any>;
  readonly head: Head;
}

/**
 * Mean loss over `batch` and its gradient for every variable of the model (keyed by variable
 * name), with truncated BPTT when `truncate` is given. The caller disposes both.
 */
export function handLossAndGradients(model: HandGradientModel, batch: SequenceBatch, truncate?: number): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  return tf.tidy(() => {
    const { embedding, head } = model;
    const inputs = batch.inputs;
    const forward = model.rnn.handForward(embedSteps(inputs, embedding), inputs.mask);
    let dAllStates: tf.Tensor2D | null = null;
    let dFinal: tf.Tensor2D | null = null;
    let lossValue: tf.Scalar;
    let dW_hq: tf.Tensor;
    let db_q: tf.Tensor;
    if (head.kind === "final") {
      const f = (hT: tf.Tensor, W_hq: tf.Tensor, b_q: tf.Tensor) =>
        head.lossWith({ W_hq: W_hq as tf.Tensor2D, b_q: b_q as tf.Tensor1D }, hT as tf.Tensor2D, batch.targets);
      const { value, grads } = tf.valueAndGrads(f as (...args: tf.Tensor[]) => tf.Scalar)([forward.final, head.W_hq, head.b_q]);
      lossValue = value;
      [dFinal, dW_hq, db_q] = grads as [tf.Tensor2D, tf.Tensor, tf.Tensor];
    } else {
      const f = (S: tf.Tensor, W_hq: tf.Tensor, b_q: tf.Tensor) =>
        head.lossWith({ W_hq: W_hq as tf.Tensor2D, b_q: b_q as tf.Tensor1D }, S as tf.Tensor2D, batch.targets, batch.targetWeights);
      const { value, grads } = tf.valueAndGrads(f as (...args: tf.Tensor[]) => tf.Scalar)([forward.allStates(), head.W_hq, head.b_q]); // [T·B, H], time-major
      lossValue = value;
      [dAllStates, dW_hq, db_q] = grads as [tf.Tensor2D, tf.Tensor, tf.Tensor];
    }
    const back = forward.backward(dAllStates, dFinal, { truncate, inputGradients: embedding !== null });
    const grads: tf.NamedTensorMap = {
      ...back.grads,
      [head.W_hq.name]: dW_hq,
      [head.b_q.name]: db_q,
    };
    if (embedding && back.dX) {
      const ids = tf.concat(inputs.steps, 0); // [T·B] time-major, matching dX's rows
      grads[embedding.name] = tf.unsortedSegmentSum(back.dX, ids as tf.Tensor1D, embedding.shape[0]);
    }
    return { loss: lossValue, grads };
  });
}
