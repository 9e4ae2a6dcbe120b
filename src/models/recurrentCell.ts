/**
 * What SequenceModel needs from a recurrent cell, so that RNNScratch, LSTMScratch and GRUScratch
 * plug into the same model, heads and Trainer.
 *
 * A cell carries a state from step to step (RNN and GRU: h_t; LSTM: h_t and the cell c_t) and
 * exposes h_t, the part the heads read. It offers two ways to read a batch:
 * - `forwardSteps`: plain tf ops, so tfjs autodiff can differentiate it (the "autodiff" method);
 * - `handForward`: the same numbers, keeping what its hand-written backward pass needs; the
 *   returned `backward` runs the recurrence backwards (the "hand" method).
 * Both must agree (the tests compare them with each other and with float64 finite differences).
 *
 * Shapes: B = batch size, T = steps, D = inputSize, H = hiddenSize.
 */
import type * as tf from "@tensorflow/tfjs";
import type { StepInputs } from "./stepInputs";

export interface HandBackwardOptions {
  /** Cut the gradient every `truncate` steps (truncated BPTT); undefined = full BPTT. */
  truncate?: number;
  /** Also return dX, the gradients with respect to the inputs x_t (e.g. for an embedding). */
  inputGradients?: boolean;
}

export interface HandBackwardResult {
  /** dL/d(variable) for every variable of the cell, keyed by variable name. */
  grads: tf.NamedTensorMap;
  /** dL/dx_t for all steps stacked time-major: [T·B, D] (when asked for). */
  dX?: tf.Tensor2D;
}

/** The forward pass of the hand-written BPTT: its states, and the backward pass that goes with them. */
export interface HandForward {
  /** h at the last step (after masking, so each sequence's own last real step): [B, H]. */
  final: tf.Tensor2D;
  /** h_t of every step, stacked time-major (row t·B + b is sequence b, step t): [T·B, H]. Made on demand. */
  allStates(): tf.Tensor2D;
  /**
   * Runs the recurrence backwards. Call inside the same tf.tidy as the forward.
   * @param dAllStates dL/dh_t for every step from a head that reads them all, stacked as
   *   allStates() ([T·B, H]), or null.
   * @param dFinal dL/dh from a head that reads the final state ([B, H]), or null.
   */
  backward(dAllStates: tf.Tensor2D | null, dFinal: tf.Tensor2D | null, options?: HandBackwardOptions): HandBackwardResult;
}

export interface RecurrentCell<State = tf.Tensor2D> {
  /** "rnn", "lstm" or "gru": for labels and messages. */
  readonly kind: string;
  /** D: numbers per event. */
  readonly inputSize: number;
  /** H: size of h_t. */
  readonly hiddenSize: number;
  /** The trainable variables. */
  readonly variables: tf.Variable[];
  /** h_t of a state: [B, H] (the state itself for RNN and GRU). Does not copy. */
  output(state: State): tf.Tensor2D;
  /** One step at prediction time: the next state from x_t [B, D] and the previous state (zeros when omitted). */
  step(x_t: tf.Tensor, state?: State): State;
  /**
   * Reads prepared steps with plain tf ops (differentiable by tfjs). A padded step leaves the
   * state unchanged. With `truncate`, the state entering every k-th step passes a gradient stop.
   * @returns h_t per step (T × [B, H]) and the final h [B, H].
   */
  forwardSteps(inputs: StepInputs, initial?: State, options?: { truncate?: number }): { states: tf.Tensor2D[]; final: tf.Tensor2D };
  /**
   * The forward pass of the hand-written BPTT, from zero states. Call inside tf.tidy.
   * @param xs T dense steps [B, D]; @param mask mask[b][t] in {0, 1}.
   */
  handForward(xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward;
  dispose(): void;
}

/** The state type of a cell: `CellState<LSTMScratch>` is `LSTMState`. */
export type CellState<C> = C extends RecurrentCell<infer S> ? S : never;
