/**
 * A recurrent cell written from scratch:
 *
 *     h_t = tanh([x_t ; h_{t-1}] · W + b_h)
 *
 * The input at each step is the event x_t (inputSize numbers) concatenated with the previous
 * hidden state h_{t-1} (hiddenSize numbers). One weight matrix W reads that concatenation.
 *
 * Layout of W, shape [inputSize + hiddenSize, hiddenSize]:
 *   rows 0 .. inputSize-1                      = W_xh  [inputSize, hiddenSize]  (reads the event)
 *   rows inputSize .. inputSize+hiddenSize-1   = W_hh  [hiddenSize, hiddenSize] (reads the state)
 * so [x ; h] · W = x · W_xh + h · W_hh: the concatenation form and the split form are the same
 * numbers (a test checks it). W_xh, W_hh and b_h have the layout of tf.layers.simpleRNN's
 * kernel, recurrentKernel and bias.
 *
 * The hand-written backward pass is in rnnBackward.ts, next to this file.
 * Shapes: B = batch size, T = number of steps, D = inputSize, H = hiddenSize.
 */
import { checkPositiveInteger, checkMatrix, checkShape, checkStepInput } from "../checks";
import { uniqueName, variableFrom } from "./variables";
import * as tf from "@tensorflow/tfjs";
import { standardNormal } from "../random";
import type { StepInputs } from "./stepInputs";
import { readBatch } from "./readBatch";
import type { HandForward, RecurrentCell } from "./recurrentCell";
import { maskedUpdate, stopGradient } from "./tensorOps";
import { rnnHandForward } from "./rnnBackward";

export interface RNNScratchOptions {
  /** D: numbers per event. */
  inputSize: number;
  /** H: size of the hidden state. */
  hiddenSize: number;
  /** Prefix for the tfjs variable names. */
  name?: string;
  /**
   * "orthogonal" (default, as tf.layers.simpleRNN): W_xh Glorot-uniform, W_hh a random orthogonal
   * matrix, b_h zero. "uniform": every entry uniform in ±1/sqrt(H) (PyTorch's default).
   * Both draw from the seeded Math.random.
   */
  init?: "orthogonal" | "uniform";
}

/**
 * A random H×H orthogonal matrix (rows orthonormal), by Gram–Schmidt on Gaussian rows in float64,
 * as plain rows. Draws from Math.random (seeded by `seed`).
 */
export function randomOrthogonal(size: number): number[][] {
  const gauss = () => standardNormal(Math.random);
  const rows: number[][] = [];
  while (rows.length < size) {
    const v = Array.from({ length: size }, gauss);
    for (const q of rows) {
      const dot = q.reduce((acc, x, j) => acc + x * v[j], 0);
      for (let j = 0; j < size; j++) v[j] -= dot * q[j];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-8) rows.push(v.map((x) => x / norm));
  }
  return rows;
}

/** Weights as plain arrays: W_xh [D][H], W_hh [H][H], b_h [H]. */
export interface RNNWeights {
  W_xh: number[][];
  W_hh: number[][];
  b_h: number[];
}

/** The result of reading a batch. */
export interface RNNOutput {
  /** All hidden states (the trajectory): [B, T, H]; at a padded step, the state is unchanged. */
  states: tf.Tensor3D;
  /** The state at each sequence's own last real step: [B, H]. */
  final: tf.Tensor2D;
}

function checkSize(value: number, name: string): void {
  checkPositiveInteger(value, `RNNScratch: ${name}`);
}

export class RNNScratch implements RecurrentCell<tf.Tensor2D> {
  readonly kind = "rnn";
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** W = [W_xh ; W_hh], shape [D + H, H] (see the file comment for the layout). */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** b_h, shape [H]. */
  readonly b_h: tf.Variable<tf.Rank.R1>;

  constructor(options: RNNScratchOptions) {
    checkSize(options.inputSize, "inputSize");
    checkSize(options.hiddenSize, "hiddenSize");
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    const name = uniqueName(options.name ?? "rnn");
    const D = this.inputSize;
    const H = this.hiddenSize;
    if (options.init === "uniform") {
      // Uniform in ±1/sqrt(H), as PyTorch's nn.RNN initialises.
      const limit = 1 / Math.sqrt(H);
      this.W = variableFrom(tf.randomUniform([D + H, H], -limit, limit), `${name}/W`);
      this.b_h = variableFrom(tf.randomUniform([H], -limit, limit), `${name}/b_h`);
    } else {
      // As tf.layers.simpleRNN: W_xh Glorot-uniform, W_hh orthogonal (every singular value 1, so a
      // signal neither dies out nor blows up through many steps at the start), b_h zero.
      const limit = Math.sqrt(6 / (D + H));
      this.W = variableFrom(
        tf.tidy(() => tf.concat([tf.randomUniform([D, H], -limit, limit), tf.tensor2d(randomOrthogonal(H), [H, H])], 0)),
        `${name}/W`,
      );
      this.b_h = variableFrom(tf.zeros([H]), `${name}/b_h`);
    }
  }

  /** The trainable variables, in the order [W, b_h]. */
  get variables(): tf.Variable[] {
    return [this.W, this.b_h];
  }

  /** W_xh = the first D rows of W: [D, H] (a new tensor; dispose it). */
  get W_xh(): tf.Tensor2D {
    return tf.slice(this.W, [0, 0], [this.inputSize, this.hiddenSize]);
  }

  /** W_hh = the last H rows of W: [H, H] (a new tensor; dispose it). */
  get W_hh(): tf.Tensor2D {
    return tf.slice(this.W, [this.inputSize, 0], [this.hiddenSize, this.hiddenSize]);
  }

  /** h_t of a state: the state itself. */
  output(state: tf.Tensor2D): tf.Tensor2D {
    return state;
  }

  /** The state before any event: zeros [B, H]. */
  initialState(batchSize: number): tf.Tensor2D {
    return tf.zeros([batchSize, this.hiddenSize]);
  }

  /**
   * One step of the recurrence, for feeding events one at a time and keeping the state between
   * calls (as at prediction time): h_t = tanh([x_t ; h_prev] · W + b_h).
   * @param x_t [B, D] the event; @param h_prev [B, H] the previous state (zeros when omitted).
   * @returns h_t [B, H].
   */
  step(x_t: tf.Tensor, h_prev?: tf.Tensor): tf.Tensor2D {
    const where = "RNNScratch.step";
    const batch = checkStepInput(x_t, this.inputSize, where);
    if (h_prev !== undefined) checkShape(h_prev, [batch, this.hiddenSize], "h_prev", where);
    return tf.tidy(() => {
      const h = h_prev ?? this.initialState(batch);
      return this.cell(x_t as tf.Tensor2D, h as tf.Tensor2D);
    });
  }

  /** The cell in its concatenation form (no checks; differentiable). */
  cell(x_t: tf.Tensor2D, h_prev: tf.Tensor2D): tf.Tensor2D {
    const xh = tf.concat([x_t, h_prev], 1); // [x_t ; h_{t-1}]: [B, D + H]
    return tf.tanh(tf.add(tf.matMul(xh, this.W), this.b_h)) as tf.Tensor2D; // h_t: [B, H]
  }

  /** The same cell in the split form x_t · W_xh + h_{t-1} · W_hh + b_h (for the equivalence test). */
  cellSplit(x_t: tf.Tensor2D, h_prev: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(tf.add(tf.add(tf.matMul(x_t, this.W_xh), tf.matMul(h_prev, this.W_hh)), this.b_h)) as tf.Tensor2D);
  }

  /**
   * Reads prepared steps with plain tf ops (so tfjs autodiff can differentiate it).
   * A padded step leaves the state unchanged: h_t = h_{t-1} + m_t · (h̃_t − h_{t-1}).
   * @param inputs T dense steps [B, D] with their masks.
   * @param h0 optional initial state [B, H].
   * @param options.truncate the state entering every k-th step passes a gradient stop (truncated BPTT).
   * @returns the T states [B, H] (time-major list) and the final state [B, H].
   */
  forwardSteps(inputs: StepInputs, h0?: tf.Tensor2D, options: { truncate?: number } = {}): { states: tf.Tensor2D[]; final: tf.Tensor2D } {
    let h = h0 ?? this.initialState(inputs.batchSize); // h_{t-1}: [B, H]
    const states: tf.Tensor2D[] = [];
    const k = options.truncate;
    for (let t = 0; t < inputs.numSteps; t++) {
      if (k !== undefined && t > 0 && t % k === 0) h = stopGradient(h);
      const candidate = this.cell(inputs.steps[t] as tf.Tensor2D, h); // h̃_t: [B, H]
      h = maskedUpdate(h, candidate, inputs.stepMasks[t]); // m_t: [B, 1] or null when every row is real
      states.push(h);
    }
    return { states, final: h };
  }

  /** The forward pass of the hand-written BPTT (rnnBackward.ts), from h_0 = 0. Call inside tf.tidy. */
  handForward(xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
    return rnnHandForward(this, xs, mask);
  }

  /**
   * Reads a batch of variable-length sequences.
   * @param x [B, T, D] events, padded to T steps.
   * @param mask optional [B, T] of 0/1 (1 = real step). A padded step leaves the state unchanged,
   *   so the final state is each sequence's state at its own last real step.
   * @param h0 optional initial state [B, H].
   */
  forward(x: tf.Tensor, mask?: tf.Tensor, h0?: tf.Tensor): RNNOutput {
    return readBatch(this, x, mask, h0, "RNNScratch.forward");
  }

  /** Reads the weights as plain arrays (layout in RNNWeights). */
  getWeights(): RNNWeights {
    return tf.tidy(() => ({
      W_xh: this.W_xh.arraySync(),
      W_hh: this.W_hh.arraySync(),
      b_h: this.b_h.arraySync(),
    }));
  }

  /** Writes the weights from plain arrays (layout in RNNWeights); checks every shape. */
  setWeights(weights: RNNWeights): void {
    const where = "RNNScratch.setWeights";
    const D = this.inputSize;
    const H = this.hiddenSize;
    checkMatrix(weights.W_xh, D, H, "W_xh", where);
    checkMatrix(weights.W_hh, H, H, "W_hh", where);
    if (!Array.isArray(weights.b_h) || weights.b_h.length !== H) {
      throw new Error(`${where}: b_h must have shape [${H}], got [${Array.isArray(weights.b_h) ? weights.b_h.length : typeof weights.b_h}]`);
    }
    tf.tidy(() => {
      this.W.assign(tf.tensor2d([...weights.W_xh, ...weights.W_hh], [D + H, H]));
      this.b_h.assign(tf.tensor1d(weights.b_h));
    });
  }

  /** Frees the variables. */
  dispose(): void {
    this.W.dispose();
    this.b_h.dispose();
  }
}
