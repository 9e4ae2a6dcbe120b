/**
 * A gated recurrent unit (GRU) written from scratch, in both of the variants in use. With σ the
 * logistic sigmoid and ⊙ the elementwise product, per step:
 *
 *     z_t = σ([x_t ; h_{t-1}] · W_z + b_z)        update gate: how much of the old state to keep
 *     r_t = σ([x_t ; h_{t-1}] · W_r + b_r)        reset gate: how much of the old state the candidate sees
 *     h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t       an additive path: a blend of old state and candidate
 *
 * and the candidate n_t in one of two forms (the `resetAfter` option):
 *
 *   reset before (default; tf.layers.gru, Keras `reset_after=False`): the reset gate scales the
 *   state before it meets the recurrent weights,
 *     n_t = tanh([x_t ; r_t ⊙ h_{t-1}] · W_n + b_n)
 *   reset after (PyTorch nn.GRU, Keras 2+'s default `reset_after=True`): the recurrent product is
 *   taken first, with its own bias, and the reset gate scales the result,
 *     n_t = tanh(x_t · W_xn + b_n + r_t ⊙ (h_{t-1} · W_hn + b'_n))
 *   where W_n = [W_xn ; W_hn]. Here the recurrent bias b' is a separate vector: inside r_t ⊙ (...)
 *   it is not the same as adding it to b. (For z and r it only adds to b; it is kept whole, as in
 *   PyTorch and Keras, so their weights copy over one to one.)
 *
 * Why it remembers: ∂h_t/∂h_{t-1} has the term diag(z_t) with no weight matrix and no squashing
 * derivative, so with z_t near 1 a gradient (and the state) crosses many steps intact.
 *
 * Layout: one weight matrix per gate family reads the concatenation [x_t ; h_{t-1}], side by side:
 *   W, shape [D + H, 3H]: rows 0..D-1 = W_x (reads the event), rows D..D+H-1 = W_h (reads the state);
 *   columns in gate order z, r, n (H each); b [3H] in the same order; with resetAfter also
 *   b_rec [3H] (the recurrent bias b', same order).
 * This is tf.layers.gru's layout and gate order (kernel = W_x, recurrentKernel = W_h, bias = b;
 * it calls the candidate "h") and Keras' with reset_after=True (bias = [b ; b_rec]). PyTorch
 * orders its gates r, z, n: see torchLayout.ts for the mapping.
 *
 * Gates use the logistic sigmoid. tf.layers.gru (tfjs-layers 4.22) defaults to
 * `recurrentActivation: "hardSigmoid"` and supports only the reset-before variant (`resetAfter:
 * true` throws); configure it with "sigmoid" to get the same numbers as this cell.
 *
 * Masks: a padded step leaves h unchanged, so the final state is each sequence's own last real step.
 * The hand-written backward pass is in gruBackward.ts, next to this file.
 * Shapes: B = batch size, T = number of steps, D = inputSize, H = hiddenSize.
 */
import { checkPositiveInteger, checkMatrix, checkShape, checkStepInput, checkVector } from "../checks";
import { uniqueName, variableFrom } from "./variables";
import * as tf from "@tensorflow/tfjs";
import { randomOrthogonal } from "./rnnScratch";
import type { StepInputs } from "./stepInputs";
import { readBatch } from "./readBatch";
import type { HandForward, RecurrentCell } from "./recurrentCell";
import { maskedUpdate, stopGradient } from "./tensorOps";
import { gruHandForward } from "./gruBackward";

/** The gates in the order their columns sit in W and b. */
export const GRU_GATES = ["z", "r", "n"] as const;

export interface GRUScratchOptions {
  /** D: numbers per event. */
  inputSize: number;
  /** H: size of the hidden state. */
  hiddenSize: number;
  /**
   * false (default): the reset gate acts before the recurrent product (tf.layers.gru, Keras
   * reset_after=False). true: after it, with a separate recurrent bias (PyTorch nn.GRU, Keras 2+).
   */
  resetAfter?: boolean;
  /** Prefix for the tfjs variable names. */
  name?: string;
  /**
   * "orthogonal" (default, as Keras): W_x Glorot-uniform, each gate's block of W_h a random
   * orthogonal matrix, biases zero. "uniform": every entry uniform in ±1/sqrt(H) (PyTorch's default).
   */
  init?: "orthogonal" | "uniform";
  /**
   * Added to the update gate's bias b_z after initialisation (default 0, as Keras). σ(b_z) is the
   * share of the old state each step keeps at the start: σ(0) = 0.5, σ(3) ≈ 0.95.
   */
  updateBias?: number;
}

/**
 * Weights as plain arrays: W_x [D][3H], W_h [H][3H], b [3H], columns in gate order z, r, n;
 * b_rec [3H], the recurrent bias, only for the reset-after variant.
 */
export interface GRUWeights {
  W_x: number[][];
  W_h: number[][];
  b: number[];
  b_rec?: number[];
}

/** The result of reading a batch. */
export interface GRUOutput {
  /** All hidden states: [B, T, H]; at a padded step, unchanged. */
  states: tf.Tensor3D;
  /** The state at each sequence's own last real step: [B, H]. */
  final: tf.Tensor2D;
}

export class GRUScratch implements RecurrentCell<tf.Tensor2D> {
  readonly kind = "gru";
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly resetAfter: boolean;
  /** W = [W_x ; W_h], shape [D + H, 3H], columns z | r | n (see the file comment). */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** b, shape [3H], in gate order z, r, n. */
  readonly b: tf.Variable<tf.Rank.R1>;
  /** b_rec, the recurrent bias [3H] (reset-after variant only; null otherwise). */
  readonly b_rec: tf.Variable<tf.Rank.R1> | null;

  constructor(options: GRUScratchOptions) {
    checkPositiveInteger(options.inputSize, "GRUScratch: inputSize");
    checkPositiveInteger(options.hiddenSize, "GRUScratch: hiddenSize");
    const D = (this.inputSize = options.inputSize);
    const H = (this.hiddenSize = options.hiddenSize);
    this.resetAfter = options.resetAfter ?? false;
    const name = uniqueName(options.name ?? "gru");
    const updateBias = options.updateBias ?? 0;
    if (!Number.isFinite(updateBias)) throw new Error(`GRUScratch: updateBias must be a finite number, got ${updateBias}`);
    if (options.init === "uniform") {
      const limit = 1 / Math.sqrt(H);
      this.W = variableFrom(tf.randomUniform([D + H, 3 * H], -limit, limit), `${name}/W`);
      this.b = variableFrom(tf.randomUniform([3 * H], -limit, limit), `${name}/b`);
      this.b_rec = this.resetAfter ? variableFrom(tf.randomUniform([3 * H], -limit, limit), `${name}/b_rec`) : null;
    } else {
      const limit = Math.sqrt(6 / (D + 3 * H)); // Glorot-uniform over the [D, 3H] kernel, as Keras
      this.W = variableFrom(
        tf.tidy(() =>
          tf.concat([tf.randomUniform([D, 3 * H], -limit, limit), tf.concat(GRU_GATES.map(() => tf.tensor2d(randomOrthogonal(H), [H, H])), 1)], 0),
        ),
        `${name}/W`,
      );
      this.b = variableFrom(tf.zeros([3 * H]), `${name}/b`);
      this.b_rec = this.resetAfter ? variableFrom(tf.zeros([3 * H]), `${name}/b_rec`) : null;
    }
    if (updateBias !== 0) tf.tidy(() => this.b.assign(tf.add(this.b, tf.concat([tf.fill([H], updateBias), tf.zeros([2 * H])])) as tf.Tensor1D));
  }

  /** The trainable variables, in the order [W, b] (and b_rec for the reset-after variant). */
  get variables(): tf.Variable[] {
    return this.b_rec ? [this.W, this.b, this.b_rec] : [this.W, this.b];
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
   * The gates and the candidate for one step (no checks; differentiable): z, r in (0, 1) and
   * n in (−1, 1), each [B, H]. @param x_t [B, D]; @param h_prev [B, H].
   */
  gates(x_t: tf.Tensor2D, h_prev: tf.Tensor2D): { z: tf.Tensor2D; r: tf.Tensor2D; n: tf.Tensor2D } {
    const D = this.inputSize;
    const H = this.hiddenSize;
    const xh = tf.concat([x_t, h_prev], 1); // [x_t ; h_{t-1}]: [B, D + H]
    let zr = tf.add(tf.matMul(xh, tf.slice(this.W, [0, 0], [D + H, 2 * H])), tf.slice(this.b, [0], [2 * H])); // [W_z | W_r] read [x ; h]
    if (this.b_rec) zr = tf.add(zr, tf.slice(this.b_rec, [0], [2 * H])); // the recurrent bias of z and r only adds
    const [z, r] = tf.split(tf.sigmoid(zr), 2, 1) as tf.Tensor2D[]; // update and reset gates
    const b_n = tf.slice(this.b, [2 * H], [H]);
    let a: tf.Tensor; // the candidate's pre-activation
    if (this.b_rec) {
      const fromInput = tf.add(tf.matMul(x_t, tf.slice(this.W, [0, 2 * H], [D, H])), b_n); // x_t · W_xn + b_n
      const fromState = tf.add(tf.matMul(h_prev, tf.slice(this.W, [D, 2 * H], [H, H])), tf.slice(this.b_rec, [2 * H], [H])); // h_{t-1} · W_hn + b'_n
      a = tf.add(fromInput, tf.mul(r, fromState)); // reset after the product
    } else {
      const xrh = tf.concat([x_t, tf.mul(r, h_prev)], 1); // [x_t ; r_t ⊙ h_{t-1}]: reset before the product
      a = tf.add(tf.matMul(xrh, tf.slice(this.W, [0, 2 * H], [D + H, H])), b_n);
    }
    return { z, r, n: tf.tanh(a) as tf.Tensor2D };
  }

  /** The cell, as the equations in the file comment (no checks, no mask; differentiable). */
  cell(x_t: tf.Tensor2D, h_prev: tf.Tensor2D): tf.Tensor2D {
    const { z, n } = this.gates(x_t, h_prev);
    return tf.add(tf.mul(z, h_prev), tf.mul(tf.sub(1, z), n)) as tf.Tensor2D; // h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n_t: the additive path
  }

  /**
   * One step, for feeding events one at a time and keeping the state between calls.
   * @param x_t [B, D] the event; @param h_prev [B, H] the previous state (zeros when omitted).
   * @returns h_t [B, H].
   */
  step(x_t: tf.Tensor, h_prev?: tf.Tensor): tf.Tensor2D {
    const where = "GRUScratch.step";
    const batch = checkStepInput(x_t, this.inputSize, where);
    if (h_prev !== undefined) checkShape(h_prev, [batch, this.hiddenSize], "h_prev", where);
    return tf.tidy(() => this.cell(x_t as tf.Tensor2D, (h_prev ?? this.initialState(batch)) as tf.Tensor2D));
  }

  /**
   * Reads prepared steps with plain tf ops (differentiable by tfjs). A padded step leaves h
   * unchanged. With `truncate`, the state entering every k-th step passes a gradient stop.
   * @returns h per step (T × [B, H]) and the final h [B, H].
   */
  forwardSteps(inputs: StepInputs, h0?: tf.Tensor2D, options: { truncate?: number } = {}): { states: tf.Tensor2D[]; final: tf.Tensor2D } {
    let h = h0 ?? this.initialState(inputs.batchSize);
    const states: tf.Tensor2D[] = [];
    const k = options.truncate;
    for (let t = 0; t < inputs.numSteps; t++) {
      if (k !== undefined && t > 0 && t % k === 0) h = stopGradient(h);
      h = maskedUpdate(h, this.cell(inputs.steps[t] as tf.Tensor2D, h), inputs.stepMasks[t]);
      states.push(h);
    }
    return { states, final: h };
  }

  /** The forward pass of the hand-written BPTT (gruBackward.ts). Call inside tf.tidy. */
  handForward(xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
    return gruHandForward(this, xs, mask);
  }

  /**
   * Reads a batch of variable-length sequences.
   * @param x [B, T, D] events, padded to T steps.
   * @param mask optional [B, T] of 0/1 (1 = real step); a padded step leaves h unchanged.
   * @param h0 optional initial state [B, H].
   */
  forward(x: tf.Tensor, mask?: tf.Tensor, h0?: tf.Tensor): GRUOutput {
    return readBatch(this, x, mask, h0, "GRUScratch.forward");
  }

  /** Reads the weights as plain arrays (layout in GRUWeights). */
  getWeights(): GRUWeights {
    const W = this.W.arraySync();
    const weights: GRUWeights = { W_x: W.slice(0, this.inputSize), W_h: W.slice(this.inputSize), b: this.b.arraySync() };
    if (this.b_rec) weights.b_rec = this.b_rec.arraySync();
    return weights;
  }

  /** Writes the weights from plain arrays (layout in GRUWeights); checks every shape. */
  setWeights(weights: GRUWeights): void {
    const where = "GRUScratch.setWeights";
    const D = this.inputSize;
    const H = this.hiddenSize;
    checkMatrix(weights.W_x, D, 3 * H, "W_x", where);
    checkMatrix(weights.W_h, H, 3 * H, "W_h", where);
    checkVector(weights.b, 3 * H, "b", where);
    if (this.b_rec) {
      if (weights.b_rec === undefined) throw new Error(`${where}: b_rec (the recurrent bias, [${3 * H}]) is required for the reset-after variant`);
      checkVector(weights.b_rec, 3 * H, "b_rec", where);
    } else if (weights.b_rec !== undefined) {
      throw new Error(`${where}: b_rec is only used by the reset-after variant (resetAfter: true); this GRU resets before`);
    }
    tf.tidy(() => {
      this.W.assign(tf.tensor2d([...weights.W_x, ...weights.W_h], [D + H, 3 * H]));
      this.b.assign(tf.tensor1d(weights.b));
      if (this.b_rec) this.b_rec.assign(tf.tensor1d(weights.b_rec as number[]));
    });
  }

  /** Frees the variables. */
  dispose(): void {
    this.W.dispose();
    this.b.dispose();
    this.b_rec?.dispose();
  }
}
