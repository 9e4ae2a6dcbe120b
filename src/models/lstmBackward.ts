/**
 * Backpropagation through time for LSTMScratch (lstmScratch.ts), written by hand.
 *
 * Backward, for t = T-1 down to 0, with g_h = dL/dh_t (from the head plus what step t+1 sent
 * back) and g_c = dL/dc_t (from step t+1):
 *   δc_t      = g_c + g_h ⊙ o_t ⊙ (1 − tanh²c_t)      everything that reaches c_t
 *   dz_t      = [δc ⊙ g ⊙ i(1−i),  δc ⊙ c_{t-1} ⊙ f(1−f),  δc ⊙ i ⊙ (1−g²),  g_h ⊙ tanh(c_t) ⊙ o(1−o)]
 *               (the gradient at each gate's pre-activation, gates i, f, g, o side by side: [B, 4H])
 *   g_h(t-1)  = dz_t · W_hᵀ                            through the gates' recurrent weights
 *   g_c(t-1)  = δc_t ⊙ f_t                             along the cell path: only the forget gate
 * A padded step (m_t = 0) passed the state through unchanged, so g_h and g_c are multiplied by
 * m_t on entry and (1 − m_t)·g goes straight to step t − 1. Truncation with k cuts both carries
 * wherever t is a multiple of k. After the loop, from all steps at once (one product each):
 *   d[W_x ; b ; W_h] = [x, 1, h_prev]ᵀ · dZ   ([D+1+H, T·B] · [T·B, 4H]),   dX = dZ · W_xᵀ.
 *
 * How it is computed, and why (tfjs on `wasm`, where the kernels per step decide the speed;
 * measured: about 30 kernels per step, against 47 for one product per gate):
 * - One product per step for all four gates: [x_t, 1, h_{t-1}] · W̃ with W̃ = [W_x ; b ; W_h]
 *   ([D+1+H, 4H], made once per batch; the column of ones carries the bias). The weights sit on
 *   the right and stay the same tensor for the whole batch, which lets `wasm` reuse its prepared
 *   (packed) matrix: a product whose right factor changes every call costs several times more.
 * - One sigmoid over all 4H columns: the candidate's columns of W̃ are doubled, so its block of
 *   σ(·) is σ(2 z_g) and g = tanh(z_g) = 2σ(2 z_g) − 1 (`wasm`'s sigmoid is vectorised, its tanh
 *   several times slower). tanh(c_t) is computed the same way.
 * - Kept per step: [x_t, 1, h_{t-1}], f_t, K_t = o_t ⊙ (1 − tanh²c_t), and the factor that turns
 *   [δc, δc, δc, g_h] into dz_t: Q_t = [g, c_{t-1}, i, tanh c_t] ⊙ S(1 − S) ⊙ [1, 1, 4, 1], with
 *   S = σ(·) of all gates (σ'(x) = σ(1 − σ), and 1 − g² = 4·σ(2z_g)(1 − σ(2z_g))).
 *   A backward step is then seven kernels: δc, [δc, δc, δc, g_h] ⊙ Q, one product, δc ⊙ f.
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
  const [W1] = gateWeights(W, cell.b, D, 1, [1]); // [W_x ; b ; W_h]: [D+1+H, 4H]
  const blockScale = (g: number) => tf.concat([tf.ones([2 * H]), tf.fill([H], g), tf.ones([H])]); // [4H]: g on the candidate's block
  const Wdoubled = tf.mul(W1, blockScale(2)) as tf.Tensor2D;
  const gamma = tf.tile(tf.reshape(blockScale(4), [1, 4 * H]), [B, 1]); // [B, 4H]
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
  const Qs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const input = tf.concat([xs[t], onesColumn, h], 1) as tf.Tensor2D;
    const S = tf.sigmoid(tf.matMul(input, Wdoubled)) as tf.Tensor2D; // [σ(z_i), σ(z_f), σ(2z_g), σ(z_o)]: [B, 4H]
    const i = tf.slice(S, [0, 0], [B, H]) as tf.Tensor2D; // input gate
    const f = tf.slice(S, [0, H], [B, H]) as tf.Tensor2D; // forget gate
    const g = tf.sub(tf.mul(tf.slice(S, [0, 2 * H], [B, H]), two), one) as tf.Tensor2D; // candidate tanh(z_g)
    const o = tf.slice(S, [0, 3 * H], [B, H]) as tf.Tensor2D; // output gate
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D; // f ⊙ c_{t-1} + i ⊙ g
    const tanhC = tanhFromDoubled(tf.mul(cNew, two) as tf.Tensor2D, two, one);
    const hNew = tf.mul(o, tanhC) as tf.Tensor2D; // o ⊙ tanh(c_t)
    Qs.push(tf.mul(tf.mul(tf.concat([g, c, i, tanhC], 1), tf.mul(S, tf.sub(one, S))), gamma) as tf.Tensor2D);
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
      const throughWeights = timesTransposeOf(tf.slice(W, [D, 0], [H, 4 * H]) as tf.Tensor2D); // dz · W_hᵀ (the true, not doubled, weights)
      const dZ: tf.Tensor2D[] = new Array(T);
      const fromHeads = dAllStates ? splitSteps(dAllStates, T) : null;
      let carryH: tf.Tensor2D | null = dFinal; // dL/dh_t from later steps
      let carryC: tf.Tensor2D | null = null; // dL/dc_t from later steps
      let zeros: tf.Tensor2D | null = null;
      for (let t = T - 1; t >= 0; t--) {
        const fromHead = fromHeads ? fromHeads[t] : null;
        const gh = carryH && fromHead ? (tf.add(carryH, fromHead) as tf.Tensor2D) : (carryH ?? fromHead);
        if (!gh) {
          zeros ??= tf.zeros([B, 4 * H]);
          dZ[t] = zeros;
          carryH = carryC = null;
          continue;
        }
        const m = keep[t];
        const ghIn = m ? (tf.mul(gh, m) as tf.Tensor2D) : gh; // the part that went through the cell
        const gcIn = carryC && m ? (tf.mul(carryC, m) as tf.Tensor2D) : carryC;
        const ghK = tf.mul(ghIn, Ks[t]) as tf.Tensor2D;
        const dc = gcIn ? (tf.add(gcIn, ghK) as tf.Tensor2D) : ghK; // δc_t
        const dz = tf.mul(tf.concat([dc, dc, dc, ghIn], 1), Qs[t]) as tf.Tensor2D; // dL/dz_t: [B, 4H]
        dZ[t] = dz;
        if (gradientCut(t, k)) {
          carryH = carryC = null;
          continue;
        }
        let nextH = throughWeights(dz);
        let nextC = tf.mul(dc, forgets[t]) as tf.Tensor2D;
        const rest = pass[t]; // 1 − m_t: straight through a padded step
        if (rest) {
          nextH = tf.add(nextH, tf.mul(gh, rest)) as tf.Tensor2D;
          if (carryC) nextC = tf.add(nextC, tf.mul(carryC, rest)) as tf.Tensor2D;
        }
        carryH = nextH;
        carryC = nextC;
      }
      const dZAll = tf.concat(dZ, 0) as tf.Tensor2D; // [T·B, 4H], time-major
      const dW1 = transposeTimes(tf.concat(inputs, 0) as tf.Tensor2D)(dZAll); // d[W_x ; b ; W_h]: [D+1+H, 4H]
      const grads: tf.NamedTensorMap = {
        [cell.W.name]: tf.concat([tf.slice(dW1, [0, 0], [D, 4 * H]), tf.slice(dW1, [D + 1, 0], [H, 4 * H])], 0),
        [cell.b.name]: tf.reshape(tf.slice(dW1, [D, 0], [1, 4 * H]), [4 * H]),
      };
      const dX = options.inputGradients ? timesTransposeOf(tf.slice(W, [0, 0], [D, 4 * H]) as tf.Tensor2D)(dZAll) : undefined; // dZ · W_xᵀ: [T·B, D]
      return { grads, dX };
    },
  };
}
