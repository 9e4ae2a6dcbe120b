/**
 * A long short-term memory (LSTM) cell written from scratch. Per step, with σ the logistic
 * sigmoid and ⊙ the elementwise product:
 *
 *     z_t = [x_t ; h_{t-1}] · W + b                 four gate pre-activations side by side: [B, 4H]
 *     i_t = σ(z_t[:, 0:H])                          input gate: how much of the candidate to write
 *     f_t = σ(z_t[:, H:2H])                         forget gate: how much of the old cell to keep
 *     g_t = tanh(z_t[:, 2H:3H])                     candidate values c̃_t
 *     o_t = σ(z_t[:, 3H:4H])                        output gate: how much of the cell to show
 *     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t               the cell: an additive path through time
 *     h_t = o_t ⊙ tanh(c_t)                         what the heads (and the next step's gates) read
 *
 * Why it remembers: along the cell path, ∂c_t/∂c_{t-1} = diag(f_t). No weight matrix and no
 * squashing derivative sit on that path, so with f_t near 1 a gradient crosses many steps
 * intact, where the plain RNN multiplies it by W_hh · diag(1 − h²) at every step.
 *
 * Layout: one weight matrix per gate reads the concatenation [x_t ; h_{t-1}], and the four sit
 * side by side in W so that one product per step computes every gate:
 *   W, shape [D + H, 4H]: rows 0..D-1 = W_x (reads the event), rows D..D+H-1 = W_h (reads h_{t-1});
 *   columns in gate order i, f, g, o (H each); b, shape [4H], in the same order.
 * This is tf.layers.lstm's layout and gate order (its kernel = W_x, recurrentKernel = W_h,
 * bias = b; it calls the candidate "c") and PyTorch nn.LSTM's gate order (i, f, g, o), whose
 * weight_ih = W_xᵀ, weight_hh = W_hᵀ and b_ih + b_hh = b (see torchLayout.ts).
 *
 * Gates use the logistic sigmoid, as PyTorch and today's Keras do. tf.layers.lstm (tfjs-layers
 * 4.22) defaults to `recurrentActivation: "hardSigmoid"` (Keras 1's default, a piecewise-linear
 * clip(0.2·x + 0.5, 0, 1)); configure it with "sigmoid" to get the same numbers as this cell.
 *
 * Masks: a padded step leaves h and c unchanged (s_t = s_{t-1} + m_t · (s̃_t − s_{t-1})), so the
 * final state is each sequence's own last real step (as tf.layers behind a Masking layer, and
 * PyTorch with a packed sequence).
 *
 * The hand-written backward pass is in lstmBackward.ts, next to this file.
 * Shapes: B = batch size, T = number of steps, D = inputSize, H = hiddenSize.
 */
import { checkPositiveInteger, checkMatrix, checkShape, checkStepInput, checkVector } from "../checks";
import { uniqueName, variableFrom } from "./variables";
import * as tf from "@tensorflow/tfjs";
import { randomOrthogonal } from "./rnnScratch";
import { StepInputs, disposeStepInputs, stepInputsFromTensor } from "./stepInputs";
import type { HandForward, RecurrentCell } from "./recurrentCell";
import { maskedUpdate, stopGradient } from "./tensorOps";
import { lstmHandForward } from "./lstmBackward";

/** The gates in the order their columns sit in W and b. */
export const LSTM_GATES = ["i", "f", "g", "o"] as const;

export interface LSTMScratchOptions {
  /** D: numbers per event. */
  inputSize: number;
  /** H: size of h_t and c_t. */
  hiddenSize: number;
  /** Prefix for the tfjs variable names. */
  name?: string;
  /**
   * "orthogonal" (default, as Keras): W_x Glorot-uniform, each gate's block of W_h a random
   * orthogonal matrix, b zero. "uniform": every entry of W and b uniform in ±1/sqrt(H) (PyTorch's
   * default). Both draw from the seeded Math.random.
   */
  init?: "orthogonal" | "uniform";
  /**
   * Added to the forget gate's bias after initialisation (default 1 with "orthogonal", as Keras'
   * unit_forget_bias; 0 with "uniform"). σ(1) ≈ 0.73: the cell starts by keeping most of itself.
   */
  forgetBias?: number;
}

/** Weights as plain arrays: W_x [D][4H], W_h [H][4H], b [4H]; columns in gate order i, f, g, o. */
export interface LSTMWeights {
  W_x: number[][];
  W_h: number[][];
  b: number[];
}

/** An LSTM state: h_t [B, H] (what the heads read) and the cell c_t [B, H]. */
export interface LSTMState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/** The result of reading a batch. */
export interface LSTMOutput {
  /** h_t for every step: [B, T, H]; at a padded step, unchanged. */
  states: tf.Tensor3D;
  /** h at each sequence's own last real step: [B, H]. */
  final: tf.Tensor2D;
  /** c at each sequence's own last real step: [B, H]. */
  finalCell: tf.Tensor2D;
}

export class LSTMScratch implements RecurrentCell<LSTMState> {
  readonly kind = "lstm";
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** W = [W_x ; W_h], shape [D + H, 4H], columns i | f | g | o (see the file comment). */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** b, shape [4H], in gate order i, f, g, o. */
  readonly b: tf.Variable<tf.Rank.R1>;

  constructor(options: LSTMScratchOptions) {
    checkPositiveInteger(options.inputSize, "LSTMScratch: inputSize");
    checkPositiveInteger(options.hiddenSize, "LSTMScratch: hiddenSize");
    const D = (this.inputSize = options.inputSize);
    const H = (this.hiddenSize = options.hiddenSize);
    const name = uniqueName(options.name ?? "lstm");
    const uniform = options.init === "uniform";
    const forgetBias = options.forgetBias ?? (uniform ? 0 : 1);
    if (!Number.isFinite(forgetBias)) throw new Error(`LSTMScratch: forgetBias must be a finite number, got ${forgetBias}`);
    const forget = tf.tidy(() => tf.concat([tf.zeros([H]), tf.fill([H], forgetBias), tf.zeros([2 * H])]) as tf.Tensor1D);
    if (uniform) {
      const limit = 1 / Math.sqrt(H);
      this.W = variableFrom(tf.randomUniform([D + H, 4 * H], -limit, limit), `${name}/W`);
      this.b = variableFrom(tf.tidy(() => tf.add(tf.randomUniform([4 * H], -limit, limit), forget)), `${name}/b`);
    } else {
      const limit = Math.sqrt(6 / (D + 4 * H)); // Glorot-uniform over the [D, 4H] kernel, as Keras
      this.W = variableFrom(
        tf.tidy(() =>
          tf.concat([tf.randomUniform([D, 4 * H], -limit, limit), tf.concat(LSTM_GATES.map(() => tf.tensor2d(randomOrthogonal(H), [H, H])), 1)], 0),
        ),
        `${name}/W`,
      );
      this.b = variableFrom(tf.clone(forget) as tf.Tensor1D, `${name}/b`);
    }
    forget.dispose();
  }

  /** The trainable variables, in the order [W, b]. */
  get variables(): tf.Variable[] {
    return [this.W, this.b];
  }

  /** h_t of a state. */
  output(state: LSTMState): tf.Tensor2D {
    return state.h;
  }

  /** The state before any event: h and c zeros [B, H]. */
  initialState(batchSize: number): LSTMState {
    return { h: tf.zeros([batchSize, this.hiddenSize]), c: tf.zeros([batchSize, this.hiddenSize]) };
  }

  /**
   * The four gates for one step (no checks; differentiable): i, f, o in (0, 1) and the candidate
   * g in (−1, 1), each [B, H]. @param x_t [B, D]; @param h_prev [B, H].
   */
  gates(x_t: tf.Tensor2D, h_prev: tf.Tensor2D): { i: tf.Tensor2D; f: tf.Tensor2D; g: tf.Tensor2D; o: tf.Tensor2D } {
    const xh = tf.concat([x_t, h_prev], 1); // [x_t ; h_{t-1}]: [B, D + H]
    const z = tf.add(tf.matMul(xh, this.W), this.b) as tf.Tensor2D; // all four gates: [B, 4H]
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
    return { i: tf.sigmoid(zi), f: tf.sigmoid(zf), g: tf.tanh(zg), o: tf.sigmoid(zo) };
  }

  /** The cell, as the equations in the file comment (no checks, no mask; differentiable). */
  cell(x_t: tf.Tensor2D, state: LSTMState): LSTMState {
    const { i, f, g, o } = this.gates(x_t, state.h);
    const c = tf.add(tf.mul(f, state.c), tf.mul(i, g)) as tf.Tensor2D; // c_t = f ⊙ c_{t-1} + i ⊙ g: the additive path
    const h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D; // h_t = o ⊙ tanh(c_t)
    return { h, c };
  }

  /**
   * One step, for feeding events one at a time and keeping the state between calls.
   * @param x_t [B, D] the event; @param state the previous h and c, [B, H] each (zeros when omitted).
   * @returns the new state {h, c} (dispose both).
   */
  step(x_t: tf.Tensor, state?: LSTMState): LSTMState {
    const where = "LSTMScratch.step";
    const batch = checkStepInput(x_t, this.inputSize, where);
    if (state !== undefined) {
      checkShape(state.h, [batch, this.hiddenSize], "state.h", where);
      checkShape(state.c, [batch, this.hiddenSize], "state.c", where);
    }
    const [h, c] = tf.tidy(() => {
      const next = this.cell(x_t as tf.Tensor2D, state ?? this.initialState(batch));
      return [next.h, next.c];
    });
    return { h, c };
  }

  /**
   * Reads prepared steps with plain tf ops (differentiable by tfjs). A padded step leaves h and c
   * unchanged. With `truncate`, h and c entering every k-th step pass a gradient stop.
   * @returns h per step (T × [B, H]), the final h [B, H] and the final state {h, c}.
   */
  forwardSteps(inputs: StepInputs, initial?: LSTMState, options: { truncate?: number } = {}): { states: tf.Tensor2D[]; final: tf.Tensor2D; finalState: LSTMState } {
    let state = initial ?? this.initialState(inputs.batchSize);
    const states: tf.Tensor2D[] = [];
    const k = options.truncate;
    for (let t = 0; t < inputs.numSteps; t++) {
      if (k !== undefined && t > 0 && t % k === 0) state = { h: stopGradient(state.h), c: stopGradient(state.c) };
      const next = this.cell(inputs.steps[t] as tf.Tensor2D, state);
      const m = inputs.stepMasks[t]; // [B, 1], or null when every row is real
      state = { h: maskedUpdate(state.h, next.h, m), c: maskedUpdate(state.c, next.c, m) };
      states.push(state.h);
    }
    return { states, final: state.h, finalState: state };
  }

  /** The forward pass of the hand-written BPTT (lstmBackward.ts). Call inside tf.tidy. */
  handForward(xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
    return lstmHandForward(this, xs, mask);
  }

  /**
   * Reads a batch of variable-length sequences.
   * @param x [B, T, D] events, padded to T steps.
   * @param mask optional [B, T] of 0/1 (1 = real step); a padded step leaves h and c unchanged.
   * @param initial optional initial state {h, c}, [B, H] each.
   */
  forward(x: tf.Tensor, mask?: tf.Tensor, initial?: LSTMState): LSTMOutput {
    const where = "LSTMScratch.forward";
    const inputs = stepInputsFromTensor(x, mask, this.inputSize, where);
    if (initial !== undefined) {
      checkShape(initial.h, [inputs.batchSize, this.hiddenSize], "initial.h", where);
      checkShape(initial.c, [inputs.batchSize, this.hiddenSize], "initial.c", where);
    }
    try {
      return tf.tidy(() => {
        const { states, finalState } = this.forwardSteps(inputs, initial);
        return { states: tf.stack(states, 1) as tf.Tensor3D, final: finalState.h, finalCell: finalState.c };
      });
    } finally {
      disposeStepInputs(inputs);
    }
  }

  /** Reads the weights as plain arrays (layout in LSTMWeights). */
  getWeights(): LSTMWeights {
    return tf.tidy(() => {
      const W = this.W.arraySync();
      return { W_x: W.slice(0, this.inputSize), W_h: W.slice(this.inputSize), b: this.b.arraySync() };
    });
  }

  /** Writes the weights from plain arrays (layout in LSTMWeights); checks every shape. */
  setWeights(weights: LSTMWeights): void {
    const where = "LSTMScratch.setWeights";
    const D = this.inputSize;
    const H = this.hiddenSize;
    checkMatrix(weights.W_x, D, 4 * H, "W_x", where);
    checkMatrix(weights.W_h, H, 4 * H, "W_h", where);
    checkVector(weights.b, 4 * H, "b", where);
    tf.tidy(() => {
      this.W.assign(tf.tensor2d([...weights.W_x, ...weights.W_h], [D + H, 4 * H]));
      this.b.assign(tf.tensor1d(weights.b));
    });
  }

  /** Frees the variables. */
  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}
