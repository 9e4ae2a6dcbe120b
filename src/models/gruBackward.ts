/**
 * Backpropagation through time for GRUScratch (gruScratch.ts), written by hand, for both variants.
 * Notation as in gruScratch.ts; a = the argument of the candidate's tanh, so n = tanh(a), and '
 * marks a gate before its sigmoid. Every step starts from h_t = n + z ⊙ (h_{t-1} − n), so with
 * g_h = dL/dh_t (from the head plus what step t+1 sent back):
 *     dL/da = g_h ⊙ (1 − z) ⊙ (1 − n²),      dL/dz' = g_h ⊙ (h_{t-1} − n) ⊙ z(1 − z)
 * and g_h(t-1) gets g_h ⊙ z straight along the additive path, plus what flows through the weights:
 *
 *   reset before, a = [x, 1, r ⊙ h_{t-1}] · W̃_n:
 *     d(r ⊙ h) = dL/da · W_hnᵀ,   dL/dr' = d(r ⊙ h) ⊙ h_{t-1} ⊙ r(1 − r)
 *     g_h(t-1) = g_h ⊙ z + d(r ⊙ h) ⊙ r + dL/dz' · W_hzᵀ + dL/dr' · W_hrᵀ
 *   reset after, a = (x · W_xn + b_n) + r ⊙ u with u = h_{t-1} · W_hn + b'_n:
 *     dL/du = dL/da ⊙ r,   dL/dr' = dL/da ⊙ u ⊙ r(1 − r)
 *     g_h(t-1) = g_h ⊙ z + dL/dz' · W_hzᵀ + dL/dr' · W_hrᵀ + dL/du · W_hnᵀ
 *
 * A padded step (m_t = 0) passed the state through unchanged: g_h is multiplied by m_t on entry
 * and (1 − m_t)·g_h goes straight to step t − 1. Truncation with k cuts the carry wherever t is
 * a multiple of k. After the loop, the weight gradients of all steps come from one product per
 * gate (the stacked inputs that gate read, transposed, times its stacked pre-activation
 * gradients), and dX (for embeddings) from the same gradients times the input weights.
 *
 * How it is computed, as in lstmBackward.ts (tfjs on `wasm`): one product per gate with the
 * step input [x_t, 1, h_{t-1}] on the left and that gate's weights (bias as an extra row, made
 * once per batch) on the right, no slices, tanh as 2σ(2a) − 1. The reset-after cell reads x and
 * h in separate products for its candidate: its "x · W_xn + b_n" and "h · W_hn + b'_n" weights
 * are each padded with zero rows so that they too read [x_t, 1, h_{t-1}] (and the second's
 * bias row holds b'_n).
 */
import { checkPositiveInteger } from "../checks";
import * as tf from "@tensorflow/tfjs";
import type { HandBackwardResult, HandForward } from "./recurrentCell";
import { gateWeights, gradientCut, maskedUpdate, splitSteps, tanhFromDoubled, timesTransposeOf, transposeTimes, wideMasks } from "./tensorOps";

/** What the backward pass needs to know about the cell (GRUScratch has these). */
export interface GRUParameters {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** [D + H, 3H], columns z | r | n. */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** [3H]. */
  readonly b: tf.Variable<tf.Rank.R1>;
  /** [3H] for the reset-after variant, else null. */
  readonly b_rec: tf.Variable<tf.Rank.R1> | null;
}

/**
 * Runs the GRU over T steps from h_0 = 0, keeping what the backward pass needs. Call inside
 * tf.tidy. @param xs T × [B, D]; @param mask mask[b][t] in {0, 1}.
 */
export function gruHandForward(cell: GRUParameters, xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
  return cell.b_rec ? resetAfterForward(cell, xs, mask) : resetBeforeForward(cell, xs, mask);
}

/** σ(z)(1 − σ(z)) from s = σ(z). */
function sigmoidSlope(s: tf.Tensor2D, one: tf.Scalar): tf.Tensor2D {
  return tf.mul(s, tf.sub(one, s)) as tf.Tensor2D;
}

/**
 * The backward loop both variants share. `stepBack(t, ghIn, cut)` records step t's pre-activation
 * gradients from the masked g_h and returns what flows to h_{t-1} through the cell (null when cut).
 */
function backwardLoop(
  T: number,
  keep: (tf.Tensor2D | null)[],
  pass: (tf.Tensor2D | null)[],
  dAllStates: tf.Tensor2D | null,
  dFinal: tf.Tensor2D | null,
  truncate: number | undefined,
  stepBack: (t: number, ghIn: tf.Tensor2D, cut: boolean) => tf.Tensor2D | null,
  onSilentStep: (t: number) => void,
): void {
  if (truncate !== undefined) checkPositiveInteger(truncate, "GRU backward: truncate");
  const fromHeads = dAllStates ? splitSteps(dAllStates, T) : null;
  let carry: tf.Tensor2D | null = dFinal; // dL/dh_t from later steps
  for (let t = T - 1; t >= 0; t--) {
    const fromHead = fromHeads ? fromHeads[t] : null;
    const gh = carry && fromHead ? (tf.add(carry, fromHead) as tf.Tensor2D) : (carry ?? fromHead);
    if (!gh) {
      onSilentStep(t);
      carry = null;
      continue;
    }
    const m = keep[t];
    const cut = gradientCut(t, truncate);
    let next = stepBack(t, m ? (tf.mul(gh, m) as tf.Tensor2D) : gh, cut);
    const rest = pass[t]; // 1 − m_t: straight through a padded step
    if (next && rest) next = tf.add(next, tf.mul(gh, rest)) as tf.Tensor2D;
    carry = cut ? null : next;
  }
}

/** d[W_x ; b ; W_h] ([D+1+H, cols]) split into dW ([D+H, cols]) and db ([cols]). */
function splitGradient(dW1: tf.Tensor2D, D: number): { dW: tf.Tensor2D; db: tf.Tensor1D } {
  const [rows, cols] = dW1.shape;
  return {
    dW: tf.concat([tf.slice(dW1, [0, 0], [D, cols]), tf.slice(dW1, [D + 1, 0], [rows - D - 1, cols])], 0) as tf.Tensor2D,
    db: tf.reshape(tf.slice(dW1, [D, 0], [1, cols]), [cols]) as tf.Tensor1D,
  };
}

function resetBeforeForward(cell: GRUParameters, xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  const T = xs.length;
  const B = xs[0].shape[0];
  const W = cell.W as tf.Tensor2D;
  const [Wz, Wr, Wn] = gateWeights(W, cell.b, D, 3, [1, 1, 2]); // [D+1+H, H] each; the candidate's doubled
  const { keep, pass } = wideMasks(mask, H);
  const onesColumn = tf.ones([B, 1]);
  const two = tf.scalar(2);
  const one = tf.scalar(1);
  let h = tf.zeros([B, H]) as tf.Tensor2D;
  const inputs: tf.Tensor2D[] = []; // [x, 1, h_{t-1}]
  const resetInputs: tf.Tensor2D[] = []; // [x, 1, r ⊙ h_{t-1}]
  const states: tf.Tensor2D[] = [];
  const zs: tf.Tensor2D[] = [];
  const rs: tf.Tensor2D[] = [];
  const Es: tf.Tensor2D[] = []; // (1 − z)(1 − n²)
  const Qz: tf.Tensor2D[] = []; // (h_{t-1} − n)·z(1−z)
  const Qr: tf.Tensor2D[] = []; // h_{t-1}·r(1−r)
  for (let t = 0; t < T; t++) {
    const input = tf.concat([xs[t], onesColumn, h], 1) as tf.Tensor2D;
    const z = tf.sigmoid(tf.matMul(input, Wz)) as tf.Tensor2D; // update gate [B, H]
    const r = tf.sigmoid(tf.matMul(input, Wr)) as tf.Tensor2D; // reset gate
    const resetInput = tf.concat([xs[t], onesColumn, tf.mul(r, h)], 1) as tf.Tensor2D;
    const n = tanhFromDoubled(tf.matMul(resetInput, Wn) as tf.Tensor2D, two, one); // candidate
    const d = tf.sub(h, n) as tf.Tensor2D; // h_{t-1} − n
    const hNew = tf.add(n, tf.mul(z, d)) as tf.Tensor2D; // z ⊙ h_{t-1} + (1 − z) ⊙ n
    const oneMinusZ = tf.sub(one, z);
    Es.push(tf.sub(oneMinusZ, tf.mul(oneMinusZ, tf.square(n))) as tf.Tensor2D);
    Qz.push(tf.mul(d, sigmoidSlope(z, one)) as tf.Tensor2D);
    Qr.push(tf.mul(h, sigmoidSlope(r, one)) as tf.Tensor2D);
    zs.push(z);
    rs.push(r);
    inputs.push(input);
    resetInputs.push(resetInput);
    h = maskedUpdate(h, hNew, keep[t]);
    states.push(h);
  }
  return {
    final: h,
    allStates: () => tf.concat(states, 0) as tf.Tensor2D,
    backward(dAllStates, dFinal, options = {}): HandBackwardResult {
      const [throughZ, throughR, throughN] = [0, 1, 2].map((gate) => timesTransposeOf(tf.slice(W, [D, gate * H], [H, H]) as tf.Tensor2D)); // · W_h,gateᵀ
      const dZ: tf.Tensor2D[] = new Array(T); // dL/dz'
      const dR: tf.Tensor2D[] = new Array(T); // dL/dr'
      const dA: tf.Tensor2D[] = new Array(T); // dL/da
      let zeros: tf.Tensor2D | null = null;
      backwardLoop(T, keep, pass, dAllStates, dFinal, options.truncate, (t, ghIn, cut) => {
        const da = tf.mul(ghIn, Es[t]) as tf.Tensor2D;
        const dRH = throughN(da); // dL/d(r ⊙ h_{t-1})
        const dz = tf.mul(ghIn, Qz[t]) as tf.Tensor2D;
        const dr = tf.mul(dRH, Qr[t]) as tf.Tensor2D;
        [dZ[t], dR[t], dA[t]] = [dz, dr, da];
        if (cut) return null;
        return tf.addN([throughZ(dz), throughR(dr), tf.mul(ghIn, zs[t]), tf.mul(dRH, rs[t])]) as tf.Tensor2D;
      }, (t) => {
        zeros ??= tf.zeros([B, H]);
        dZ[t] = dR[t] = dA[t] = zeros;
      });
      const [dZAll, dRAll, dAAll] = [dZ, dR, dA].map((list) => tf.concat(list, 0) as tf.Tensor2D); // [T·B, H] each
      const inputsT = transposeTimes(tf.concat(inputs, 0) as tf.Tensor2D);
      const { dW, db } = splitGradient(tf.concat([inputsT(dZAll), inputsT(dRAll), transposeTimes(tf.concat(resetInputs, 0) as tf.Tensor2D)(dAAll)], 1) as tf.Tensor2D, D);
      const grads: tf.NamedTensorMap = { [cell.W.name]: dW, [cell.b.name]: db };
      const dX = options.inputGradients
        ? (tf.addN([dZAll, dRAll, dAAll].map((d, gate) => timesTransposeOf(tf.slice(W, [0, gate * H], [D, H]) as tf.Tensor2D)(d))) as tf.Tensor2D)
        : undefined;
      return { grads, dX };
    },
  };
}

function resetAfterForward(cell: GRUParameters, xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  const T = xs.length;
  const B = xs[0].shape[0];
  const W = cell.W as tf.Tensor2D;
  const b_rec = cell.b_rec as tf.Tensor1D;
  // z and r read [x, 1, h] with bias b + b'; the candidate's two parts are padded with zero rows
  // so that they read [x, 1, h] too: x · W_xn + b_n (zeros for h) and h · W_hn + b'_n (zeros for x).
  const [Wz, Wr, WxnFull] = gateWeights(W, tf.add(cell.b, tf.concat([tf.slice(b_rec, [0], [2 * H]), tf.zeros([H])])) as tf.Tensor1D, D, 3, [1, 1, 1]);
  const Wxn = tf.concat([tf.slice(WxnFull, [0, 0], [D + 1, H]), tf.zeros([H, H])], 0) as tf.Tensor2D;
  const Whn = tf.concat([tf.zeros([D, H]), tf.reshape(tf.slice(b_rec, [2 * H], [H]), [1, H]), tf.slice(W, [D, 2 * H], [H, H])], 0) as tf.Tensor2D;
  const { keep, pass } = wideMasks(mask, H);
  const onesColumn = tf.ones([B, 1]);
  const two = tf.scalar(2);
  const one = tf.scalar(1);
  let h = tf.zeros([B, H]) as tf.Tensor2D;
  const inputs: tf.Tensor2D[] = []; // [x, 1, h_{t-1}]
  const states: tf.Tensor2D[] = [];
  const zs: tf.Tensor2D[] = [];
  const rs: tf.Tensor2D[] = [];
  const Es: tf.Tensor2D[] = []; // (1 − z)(1 − n²)
  const Qz: tf.Tensor2D[] = []; // (h_{t-1} − n)·z(1−z)
  const Qr: tf.Tensor2D[] = []; // u·r(1−r)
  for (let t = 0; t < T; t++) {
    const input = tf.concat([xs[t], onesColumn, h], 1) as tf.Tensor2D;
    const z = tf.sigmoid(tf.matMul(input, Wz)) as tf.Tensor2D; // update gate [B, H]
    const r = tf.sigmoid(tf.matMul(input, Wr)) as tf.Tensor2D; // reset gate
    const u = tf.matMul(input, Whn) as tf.Tensor2D; // h_{t-1} · W_hn + b'_n
    const a = tf.add(tf.matMul(input, Wxn), tf.mul(r, u)) as tf.Tensor2D; // reset after the product
    const n = tanhFromDoubled(tf.mul(a, two) as tf.Tensor2D, two, one);
    const d = tf.sub(h, n) as tf.Tensor2D;
    const hNew = tf.add(n, tf.mul(z, d)) as tf.Tensor2D;
    const oneMinusZ = tf.sub(one, z);
    Es.push(tf.sub(oneMinusZ, tf.mul(oneMinusZ, tf.square(n))) as tf.Tensor2D);
    Qz.push(tf.mul(d, sigmoidSlope(z, one)) as tf.Tensor2D);
    Qr.push(tf.mul(u, sigmoidSlope(r, one)) as tf.Tensor2D);
    zs.push(z);
    rs.push(r);
    inputs.push(input);
    h = maskedUpdate(h, hNew, keep[t]);
    states.push(h);
  }
  return {
    final: h,
    allStates: () => tf.concat(states, 0) as tf.Tensor2D,
    backward(dAllStates, dFinal, options = {}): HandBackwardResult {
      const [throughZ, throughR, throughN] = [0, 1, 2].map((gate) => timesTransposeOf(tf.slice(W, [D, gate * H], [H, H]) as tf.Tensor2D)); // · W_h,gateᵀ
      const dZ: tf.Tensor2D[] = new Array(T); // dL/dz'
      const dR: tf.Tensor2D[] = new Array(T); // dL/dr'
      const dA: tf.Tensor2D[] = new Array(T); // dL/da
      const dU: tf.Tensor2D[] = new Array(T); // dL/du
      let zeros: tf.Tensor2D | null = null;
      backwardLoop(T, keep, pass, dAllStates, dFinal, options.truncate, (t, ghIn, cut) => {
        const da = tf.mul(ghIn, Es[t]) as tf.Tensor2D;
        const dz = tf.mul(ghIn, Qz[t]) as tf.Tensor2D;
        const dr = tf.mul(da, Qr[t]) as tf.Tensor2D;
        const du = tf.mul(da, rs[t]) as tf.Tensor2D;
        [dZ[t], dR[t], dA[t], dU[t]] = [dz, dr, da, du];
        if (cut) return null;
        return tf.addN([throughZ(dz), throughR(dr), throughN(du), tf.mul(ghIn, zs[t])]) as tf.Tensor2D;
      }, (t) => {
        zeros ??= tf.zeros([B, H]);
        dZ[t] = dR[t] = dA[t] = dU[t] = zeros;
      });
      const [dZAll, dRAll, dAAll, dUAll] = [dZ, dR, dA, dU].map((list) => tf.concat(list, 0) as tf.Tensor2D); // [T·B, H] each
      const inputsT = transposeTimes(tf.concat(inputs, 0) as tf.Tensor2D);
      const [gz, gr, ga, gu] = [dZAll, dRAll, dAAll, dUAll].map(inputsT); // each [D+1+H, H]: rows x, 1, h
      const rows = (g: tf.Tensor2D, from: number, count: number) => tf.slice(g, [from, 0], [count, H]);
      const grads: tf.NamedTensorMap = {
        [cell.W.name]: tf.concat([tf.concat([rows(gz, 0, D), rows(gr, 0, D), rows(ga, 0, D)], 1), tf.concat([rows(gz, D + 1, H), rows(gr, D + 1, H), rows(gu, D + 1, H)], 1)], 0),
        [cell.b.name]: tf.reshape(tf.concat([rows(gz, D, 1), rows(gr, D, 1), rows(ga, D, 1)], 1), [3 * H]),
        [(cell.b_rec as tf.Variable).name]: tf.reshape(tf.concat([rows(gz, D, 1), rows(gr, D, 1), rows(gu, D, 1)], 1), [3 * H]),
      };
      const dX = options.inputGradients
        ? (tf.addN([dZAll, dRAll, dAAll].map((d, gate) => timesTransposeOf(tf.slice(W, [0, gate * H], [D, H]) as tf.Tensor2D)(d))) as tf.Tensor2D)
        : undefined;
      return { grads, dX };
    },
  };
}
