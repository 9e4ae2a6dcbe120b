/**
 * Backpropagation through time for LSTMScratch (lstmScratch.ts), written by hand.
 *
 * Backward, for t = T-1 down to 0, with g_h = dL/dh_t (from the head plus what step t+1 sent
 * back) and g_c = dL/dc_t (from step t+1):
 *   δc_t      = g_c + g_h ⊙ o_t ⊙ (1 − tanh²c_t)      everything that reaches c_t
 *   dz_i = δc ⊙ g ⊙ i(1−i),   dz_f = δc ⊙ c_{t-1} ⊙ f(1−f),   dz_g = δc ⊙ i ⊙ (1−g²),
 *   dz_o = g_h ⊙ tanh(c_t) ⊙ o(1−o)                   (gradients before each gate's activation)
 *   g_h(t-1)  = Σ_gates dz_gate · W_h,gateᵀ             through the gates' recurrent weights
 *   g_c(t-1)  = δc_t ⊙ f_t                              along the cell path: only the forget gate
 * A padded step (m_t = 0) passed the state through unchanged, so g_h and g_c are multiplied by
 * m_t on entry and (1 − m_t)·g goes straight to step t − 1. Truncation with k cuts both carries
 * wherever t is a multiple of k. After the loop, from all steps at once, one product per gate:
 *   d[W_x ; b ; W_h]_gate = [x ; 1 ; h_prev]ᵀ · dZ_gate   ([D+1+H, T·B] · [T·B, H]),
 *   dX = Σ_gates dZ_gate · W_x,gateᵀ.
 *
 * How it is computed, and why (tfjs on `wasm`, where the kernels per step decide the speed):
 * - Each gate has its own product [x_t, 1, h_{t-1}] · W̃_gate with W̃_gate = [W_x ; b ; W_h]'s
 *   columns for that gate ([D+1+H, H], made once per batch; the column of ones carries the bias).
 *   The weights sit on the right and stay the same tensor for the whole batch, which lets `wasm`
 *   reuse its prepared (packed) matrix: a product whose right factor changes every call costs
 *   several times more. One [4H]-wide product would then need four column slices, and on `wasm`
 *   a slice copies its whole source first: it costs more than the products it saves.
 * - tanh as 2σ(2x) − 1: `wasm`'s sigmoid is vectorised, its tanh several times slower. The
 *   candidate's weights are doubled once per batch, so g = 2σ(z̃_g) − 1.
 * - Kept per step: [x_t, 1, h_{t-1}], f_t, K_t = o_t ⊙ (1 − tanh²c_t) and, per gate, the factor
 *   Q that turns δc (or g_h) into dz: Q_i = g·i(1−i), Q_f = c_{t-1}·f(1−f), Q_g = i·(1−g²),
 *   Q_o = tanh(c_t)·o(1−o). A backward step is then a handful of products of same-shape tensors.
 */
import { checkPositiveInteger } from "../checks";
import * as tf from "@tensorflow/tfjs";
import type { HandForward } from "./recurrentCell";
import { gateWeights, gradientCut, maskedUpdate, splitSteps, tanhFromDoubled, timesTransposeOf, transposeTimes, wideMasks } from "./tensorOps";

/** What the backward pass needs to know about the cell (LSTMScratch has these). */
export interface LSTMParameters {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** [D + H, 4H], columns i | f | g | o. */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** [4H]. */
  readonly b: tf.Variable<tf.Rank.R1>;
}

/** σ(z)(1 − σ(z)) from s = σ(z). */
function sigmoidSlope(s: tf.Tensor2D, one: tf.Scalar): tf.Tensor2D {
  return tf.mul(s, tf.sub(one, s)) as tf.Tensor2D;
}

/**
 * Runs the LSTM over T steps from zero states, keeping what the backward pass needs. Call inside
 * tf.tidy. @param xs T × [B, D]; @param mask mask[b][t] in {0, 1}.
 */
export function lstmHandForward(cell: LSTMParameters, xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  const T = xs.length;
  const B = xs[0].shape[0];
  const W = cell.W as tf.Tensor2D;
  const [Wi, Wf, Wg, Wo] = gateWeights(W, cell.b, D, 4, [1, 1, 2, 1]); // [D+1+H, H] each; g doubled
  const { keep, pass } = wideMasks(mask, H);
  const onesColumn = tf.ones([B, 1]);
  const two = tf.scalar(2);
  const one = tf.scalar(1);
  let h = tf.zeros([B, H]) as tf.Tensor2D; // h_{t-1}
  let c = tf.zeros([B, H]) as tf.Tensor2D; // c_{t-1}
  const inputs: tf.Tensor2D[] = []; // [x_t, 1, h_{t-1}]: [B, D+1+H]
  const states: tf.Tensor2D[] = [];
  const forgets: tf.Tensor2D[] = [];
  const Ks: tf.Tensor2D[] = [];
  const Qs: tf.Tensor2D[][] = []; // per step [Q_i, Q_f, Q_g, Q_o]
  for (let t = 0; t < T; t++) {
    const input = tf.concat([xs[t], onesColumn, h], 1) as tf.Tensor2D;
    const i = tf.sigmoid(tf.matMul(input, Wi)) as tf.Tensor2D; // input gate [B, H]
    const f = tf.sigmoid(tf.matMul(input, Wf)) as tf.Tensor2D; // forget gate
    const g = tanhFromDoubled(tf.matMul(input, Wg) as tf.Tensor2D, two, one); // candidate (weights already doubled)
    const o = tf.sigmoid(tf.matMul(input, Wo)) as tf.Tensor2D; // output gate
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D; // f ⊙ c_{t-1} + i ⊙ g
    const tanhC = tanhFromDoubled(tf.mul(cNew, two) as tf.Tensor2D, two, one);
    const hNew = tf.mul(o, tanhC) as tf.Tensor2D; // o ⊙ tanh(c_t)
    Qs.push([
      tf.mul(g, sigmoidSlope(i, one)) as tf.Tensor2D,
      tf.mul(c, sigmoidSlope(f, one)) as tf.Tensor2D,
      tf.mul(i, tf.sub(one, tf.square(g))) as tf.Tensor2D,
      tf.mul(tanhC, sigmoidSlope(o, one)) as tf.Tensor2D,
    ]);
    Ks.push(tf.sub(o, tf.mul(hNew, tanhC)) as tf.Tensor2D); // o ⊙ (1 − tanh²c) = o − h ⊙ tanh c
    forgets.push(f);
    inputs.push(input);
    h = maskedUpdate(h, hNew, keep[t]);
    c = maskedUpdate(c, cNew, keep[t]);
    states.push(h);
  }
  return {
    final: h,
    allStates: () => tf.concat(states, 0) as tf.Tensor2D,
    backward(dAllStates, dFinal, options = {}) {
      const k = options.truncate;
      if (k !== undefined) checkPositiveInteger(k, "LSTM backward: truncate");
      // · W_h,gateᵀ for each gate, with the true (not doubled) weights.
      const throughGate = [0, 1, 2, 3].map((gate) => timesTransposeOf(tf.slice(W, [D, gate * H], [H, H]) as tf.Tensor2D));
      const dZ: tf.Tensor2D[][] = [[], [], [], []]; // per gate, T × [B, H]
      const fromHeads = dAllStates ? splitSteps(dAllStates, T) : null;
      let carryH: tf.Tensor2D | null = dFinal; // dL/dh_t from later steps
      let carryC: tf.Tensor2D | null = null; // dL/dc_t from later steps
      let zeros: tf.Tensor2D | null = null;
      for (let t = T - 1; t >= 0; t--) {
        const fromHead = fromHeads ? fromHeads[t] : null;
        const gh = carryH && fromHead ? (tf.add(carryH, fromHead) as tf.Tensor2D) : (carryH ?? fromHead);
        if (!gh) {
          zeros ??= tf.zeros([B, H]);
          for (const list of dZ) list[t] = zeros;
          carryH = carryC = null;
          continue;
        }
        const m = keep[t];
        const ghIn = m ? (tf.mul(gh, m) as tf.Tensor2D) : gh; // the part that went through the cell
        const gcIn = carryC && m ? (tf.mul(carryC, m) as tf.Tensor2D) : carryC;
        const ghK = tf.mul(ghIn, Ks[t]) as tf.Tensor2D;
        const dc = gcIn ? (tf.add(gcIn, ghK) as tf.Tensor2D) : ghK; // δc_t
        const [Qi, Qf, Qg, Qo] = Qs[t];
        const dz = [tf.mul(dc, Qi), tf.mul(dc, Qf), tf.mul(dc, Qg), tf.mul(ghIn, Qo)] as tf.Tensor2D[];
        dz.forEach((d, gate) => (dZ[gate][t] = d));
        if (gradientCut(t, k)) {
          carryH = carryC = null;
          continue;
        }
        let nextH = tf.addN(dz.map((d, gate) => throughGate[gate](d))) as tf.Tensor2D;
        let nextC = tf.mul(dc, forgets[t]) as tf.Tensor2D;
        const rest = pass[t]; // 1 − m_t: straight through a padded step
        if (rest) {
          nextH = tf.add(nextH, tf.mul(gh, rest)) as tf.Tensor2D;
          if (carryC) nextC = tf.add(nextC, tf.mul(carryC, rest)) as tf.Tensor2D;
        }
        carryH = nextH;
        carryC = nextC;
      }
      const inputsAll = tf.concat(inputs, 0) as tf.Tensor2D; // [T·B, D+1+H], time-major
      const dZAll = dZ.map((list) => tf.concat(list, 0) as tf.Tensor2D); // per gate [T·B, H]
      const inputsT = transposeTimes(inputsAll);
      const dW1 = tf.concat(dZAll.map(inputsT), 1); // d[W_x ; b ; W_h] = [x, 1, h_prev]ᵀ · dZ: [D+1+H, 4H]
      const grads: tf.NamedTensorMap = {
        [cell.W.name]: tf.concat([tf.slice(dW1, [0, 0], [D, 4 * H]), tf.slice(dW1, [D + 1, 0], [H, 4 * H])], 0),
        [cell.b.name]: tf.reshape(tf.slice(dW1, [D, 0], [1, 4 * H]), [4 * H]),
      };
      const dX = options.inputGradients
        ? (tf.addN(dZAll.map((d, gate) => timesTransposeOf(tf.slice(W, [0, gate * H], [D, H]) as tf.Tensor2D)(d))) as tf.Tensor2D)
        : undefined; // Σ dZ_gate · W_x,gateᵀ: [T·B, D]
      return { grads, dX };
    },
  };
}
