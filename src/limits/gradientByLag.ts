/**
 * How much the last state still depends on an earlier one: ‖∂h_T/∂h_t‖ as a function of the lag
 * T − t, for the cell h_t = tanh(x_t · W_xh + h_{t-1} · W_hh + b_h) (RNNScratch's cell).
 *
 * With row vectors, one step's Jacobian is ∂h_s/∂h_{s-1} = W_hh · diag(1 − h_s²) (entry [i][j] =
 * ∂h_s[j]/∂h_{s-1}[i]), and the chain rule multiplies them:
 *
 *     ∂h_T/∂h_t = J_{t+1} · J_{t+2} · … · J_T        (T − t factors)
 *
 * This is exactly what hand-written BPTT does to the gradient on its way back (g_{t-1} = dz_t ·
 * W_hhᵀ with dz_t = g_t ⊙ (1 − h_t²)), written as an explicit product in float64 so the numbers
 * are exact enough to see 1e-30 on a log scale. For one unit the product is Π w · (1 − h_s²),
 * so with h near 0 (tanh' ≈ 1) the norm at lag k is |w|^k.
 */
import * as tf from "@tensorflow/tfjs";
import type { RNNWeights } from "../models/rnnScratch";
import type { RecurrentCell } from "../models/recurrentCell";

/** C = A · B for A [n][m], B [m][p]. */
function matMul(A: readonly (readonly number[])[], B: readonly (readonly number[])[]): number[][] {
  const p = B[0].length;
  return A.map((row) => {
    const out = new Array<number>(p).fill(0);
    row.forEach((a, k) => {
      if (a === 0) return;
      const Bk = B[k];
      for (let j = 0; j < p; j++) out[j] += a * Bk[j];
    });
    return out;
  });
}

/** The states h_1..h_T for one sequence xs [T][D], from h_0 = 0 (or `h0`). Float64. */
export function runCell(weights: RNNWeights, xs: readonly (readonly number[])[], h0?: readonly number[]): number[][] {
  const H = weights.b_h.length;
  let h = h0 ? [...h0] : new Array<number>(H).fill(0);
  const states: number[][] = [];
  for (const x of xs) {
    if (x.length !== weights.W_xh.length) throw new Error(`runCell: each x_t must have ${weights.W_xh.length} numbers, got ${x.length}`);
    const z = weights.b_h.slice();
    x.forEach((xi, i) => weights.W_xh[i].forEach((w, j) => (z[j] += xi * w)));
    h.forEach((hi, i) => weights.W_hh[i].forEach((w, j) => (z[j] += hi * w)));
    h = z.map(Math.tanh);
    states.push(h);
  }
  return states;
}

export interface LagNorm {
  /** T − t: how many steps back. */
  lag: number;
  /** Frobenius norm ‖∂h_T/∂h_{T−lag}‖ (for one sequence) or its geometric mean (over several). */
  norm: number;
}

/**
 * The Jacobians ∂h_T/∂h_{T−k} for k = 1..T, for one sequence xs [T][D] (h_0 = 0, T = xs.length).
 * result[k-1] is [H][H] with entry [i][j] = ∂h_T[j] / ∂h_{T−k}[i] (row-vector convention), so a
 * gradient g = dL/dh_T arrives at h_{T−k} as result[k-1] · g, which is what BPTT computes.
 */
export function jacobiansByLag(weights: RNNWeights, xs: readonly (readonly number[])[]): number[][][] {
  const states = runCell(weights, xs);
  const T = states.length;
  const H = weights.b_h.length;
  // Walk back from the end: P = ∂h_T/∂h_s, starting at s = T (identity).
  let P: number[][] = Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => (i === j ? 1 : 0)));
  const result: number[][][] = [];
  for (let s = T - 1; s >= 0; s--) {
    const d = states[s].map((h) => 1 - h * h); // tanh'(z_s) = 1 − h_s²
    const J = weights.W_hh.map((row) => row.map((w, j) => w * d[j])); // ∂h_s/∂h_{s-1} = W_hh · diag(d)
    P = matMul(J, P); // ∂h_T/∂h_{s-1} = J_s · ∂h_T/∂h_s
    result.push(P);
  }
  return result;
}

/**
 * ‖∂h_T/∂h_{T−k}‖_F (Frobenius norm) for k = 1..T, for one sequence xs [T][D].
 * Returned in order of lag: result[k-1].lag = k.
 */
export function jacobianNormsByLag(weights: RNNWeights, xs: readonly (readonly number[])[]): LagNorm[] {
  return jacobiansByLag(weights, xs).map((P, i) => {
    let sq = 0;
    for (const row of P) for (const v of row) sq += v * v;
    return { lag: i + 1, norm: Math.sqrt(sq) };
  });
}

/** Geometric mean over sequences of ‖∂h_T/∂h_{T−k}‖ (all sequences of the same length). */
export function gradientNormByLag(weights: RNNWeights, sequences: readonly (readonly (readonly number[])[])[]): LagNorm[] {
  if (sequences.length === 0) throw new Error("gradientNormByLag: sequences is empty");
  const T = sequences[0].length;
  if (!sequences.every((s) => s.length === T)) throw new Error("gradientNormByLag: all sequences must have the same length");
  const logSums = new Array<number>(T).fill(0);
  for (const xs of sequences) {
    jacobianNormsByLag(weights, xs).forEach(({ norm }, i) => (logSums[i] += Math.log(Math.max(norm, Number.MIN_VALUE))));
  }
  return logSums.map((s, i) => ({ lag: i + 1, norm: Math.exp(s / sequences.length) }));
}

/**
 * Least-squares slope of log10(norm) against lag over [fromLag, toLag]: the decades gained (> 0)
 * or lost (< 0) per step back. 10^slope is the average factor per step.
 */
export function logSlope(points: readonly LagNorm[], fromLag = 1, toLag = Number.POSITIVE_INFINITY): number {
  const used = points.filter((p) => p.lag >= fromLag && p.lag <= toLag && p.norm > 0 && Number.isFinite(p.norm));
  if (used.length < 2) throw new Error(`logSlope: need at least 2 points with a finite positive norm in [${fromLag}, ${toLag}], got ${used.length}`);
  const xs = used.map((p) => p.lag);
  const ys = used.map((p) => Math.log10(p.norm));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) * (x - mx);
  });
  return num / den;
}

/**
 * How much the last state of any recurrent cell (RNNScratch, LSTMScratch, GRUScratch) still
 * depends on the input k steps before the last one: ‖∂h_T/∂x_{T−k}‖_F for k = 0..T−1, the
 * geometric mean over the sequences. This is the gradient a loss on h_T sends back to an input k
 * steps earlier, per unit of dL/dh_T, whatever the cell keeps as state (the LSTM's c included).
 *
 * Computed with the cell's own hand-written BPTT: each sequence is repeated H times in one batch
 * and row j of the copies receives dL/dh_T = e_j, so the input gradients of those H rows are the
 * rows of the Jacobian ∂h_T[j]/∂x_t. Float32 (tfjs), so norms below about 1e-30 read as 0.
 * @param sequences S sequences of the same length T, each [T][D] with D = cell.inputSize.
 * @returns result[k].lag = k (0 = the last input), sorted by lag.
 */
export function inputJacobianNormsByLag(cell: RecurrentCell<any>, sequences: readonly (readonly (readonly number[])[])[]): LagNorm[] {
  const where = "inputJacobianNormsByLag";
  const S = sequences.length;
  if (S === 0) throw new Error(`${where}: sequences is empty`);
  const T = sequences[0].length;
  if (T === 0 || !sequences.every((s) => s.length === T)) throw new Error(`${where}: all sequences must have the same length ≥ 1, got lengths ${sequences.map((s) => s.length).join(", ")}`);
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  sequences.forEach((s, i) => s.forEach((x, t) => {
    if (x.length !== D) throw new Error(`${where}: sequences[${i}][${t}] must have inputSize=${D} numbers, got ${x.length}`);
  }));
  const rows = S * H;
  const dX = tf.tidy(() => {
    const xs = Array.from({ length: T }, (_, t) => {
      const step = new Float32Array(rows * D);
      for (let s = 0; s < S; s++) for (let j = 0; j < H; j++) step.set(sequences[s][t], (s * H + j) * D);
      return tf.tensor2d(step, [rows, D]);
    });
    const mask = Array.from({ length: rows }, () => new Array<number>(T).fill(1));
    const forward = cell.handForward(xs, mask);
    const dFinal = tf.tile(tf.eye(H), [S, 1]) as tf.Tensor2D; // row s·H + j: e_j
    return forward.backward(null, dFinal, { inputGradients: true }).dX as tf.Tensor2D; // [T·S·H, D], time-major
  });
  const values = dX.dataSync();
  dX.dispose();
  const logSums = new Array<number>(T).fill(0);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let sq = 0;
      const from = (t * rows + s * H) * D;
      for (let i = from; i < from + H * D; i++) sq += values[i] * values[i];
      logSums[t] += Math.log(Math.max(Math.sqrt(sq), Number.MIN_VALUE));
    }
  }
  return logSums.map((sum, t) => ({ lag: T - 1 - t, norm: Math.exp(sum / S) })).reverse();
}
