/**
 * Small tensor helpers shared by the recurrent cells and their hand-written backward passes.
 *
 * They exist because, at the course's sizes, the number of tfjs kernels per time step decides the
 * speed (see FIELD-NOTES "Where tfjs spends time"): a transposed-flag matMul is 2-3x slower than
 * an explicit transpose on `wasm`, a slice of a big tensor reads the whole tensor on `wasm`, and a
 * mask that broadcasts [B, 1] costs more than one already of the state's shape.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The one place that knows `wasm`'s transposed-flag matMul is slow (FIELD-NOTES "Where tfjs spends
 * time"): `x` as an operand that a matMul should read transposed. On `wasm`, xᵀ made once
 * (then plain matMuls); elsewhere `x` itself with tf.matMul's transpose flag set (on `cpu` a
 * separate transpose costs more than it saves).
 */
function transposedOperand(x: tf.Tensor2D): { operand: tf.Tensor2D; flag: boolean } {
  return tf.getBackend() === "wasm" ? { operand: tf.transpose(x) as tf.Tensor2D, flag: false } : { operand: x, flag: true };
}

/**
 * a·Wᵀ for many a and one W: returns a function that multiplies by Wᵀ, reading W transposed the
 * fast way for the backend. For the backward loops, which multiply by the same recurrent matrix
 * at every step. W: [N, K]; a: [M, K]; returns [M, N].
 */
export function timesTransposeOf(W: tf.Tensor2D): (a: tf.Tensor2D) => tf.Tensor2D {
  const { operand, flag } = transposedOperand(W);
  return (a) => tf.matMul(a, operand, false, flag) as tf.Tensor2D;
}

/** Aᵀ·d for many d and one A, like timesTransposeOf. A: [M, K]; d: [M, N]; returns [K, N]. */
export function transposeTimes(A: tf.Tensor2D): (d: tf.Tensor2D) => tf.Tensor2D {
  const { operand, flag } = transposedOperand(A);
  return (d) => tf.matMul(operand, d, flag, false) as tf.Tensor2D;
}

/** Column sums of a [M, N] matrix as one product 1·a (a sum over axis 0 is slow on `cpu`): [N]. */
export function columnSums(a: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, a.shape[0]]), a), [a.shape[1]]) as tf.Tensor1D;
}

/**
 * Per step, the mask widened to the state's shape, as m_t and 1 − m_t ([B, width] each), or null
 * where every row is real. Built from plain numbers (no kernels): an elementwise product of
 * same-shape tensors is several times cheaper on `cpu` than one that broadcasts [B, 1].
 * @param mask mask[b][t] in {0, 1}; @param width the state's width (H).
 */
export function wideMasks(mask: readonly (readonly number[])[], width: number): { keep: (tf.Tensor2D | null)[]; pass: (tf.Tensor2D | null)[] } {
  const B = mask.length;
  const T = mask[0].length;
  const keep: (tf.Tensor2D | null)[] = [];
  const pass: (tf.Tensor2D | null)[] = [];
  for (let t = 0; t < T; t++) {
    let all = true;
    for (let b = 0; b < B && all; b++) all = mask[b][t] === 1;
    if (all) {
      keep.push(null);
      pass.push(null);
      continue;
    }
    const m = new Float32Array(B * width);
    const rest = new Float32Array(B * width);
    for (let b = 0; b < B; b++) {
      m.fill(mask[b][t], b * width, (b + 1) * width);
      rest.fill(1 - mask[b][t], b * width, (b + 1) * width);
    }
    keep.push(tf.tensor2d(m, [B, width]));
    pass.push(tf.tensor2d(rest, [B, width]));
  }
  return { keep, pass };
}

/**
 * tanh(x) computed as 2·σ(2x) − 1, from `twoX` = 2x. On `wasm` the sigmoid kernel (vectorised) is
 * several times faster than the tanh kernel; the small ops around it still cost less than one
 * tanh. `two` and `one` are the scalars 2 and 1 (made once by the caller, not once per call).
 */
export function tanhFromDoubled(twoX: tf.Tensor2D, two: tf.Scalar, one: tf.Scalar): tf.Tensor2D {
  return tf.sub(tf.mul(tf.sigmoid(twoX), two), one) as tf.Tensor2D;
}

/**
 * Splits a time-major stack [T·B, H] into T tensors [B, H]. Uses one gather per step: on `wasm`
 * a slice copies the whole source tensor, a gather reads only the rows it returns.
 */
export function splitSteps(stacked: tf.Tensor2D, numSteps: number): tf.Tensor2D[] {
  const [rows, H] = stacked.shape;
  const B = rows / numSteps;
  const byStep = tf.reshape(stacked, [numSteps, B * H]);
  const out: tf.Tensor2D[] = [];
  for (let t = 0; t < numSteps; t++) {
    out.push(tf.reshape(tf.gather(byStep, tf.tensor1d([t], "int32")), [B, H]) as tf.Tensor2D);
  }
  return out;
}

/**
 * The gated cells' per-gate weights for the hand-written passes: from W [D+H, G·H] (rows W_x then
 * W_h) and b [G·H], the G matrices W̃_gate = [W_x ; b ; W_h][:, gate columns], each [D+1+H, H],
 * to be multiplied by the step input [x_t, 1, h_{t-1}] (the column of ones adds the bias).
 * `scale[gate]` multiplies a gate's weights (2 for a tanh computed as 2σ(2z) − 1). Call inside tf.tidy.
 */
export function gateWeights(W: tf.Tensor2D, b: tf.Tensor1D, inputSize: number, gates: number, scale: readonly number[]): tf.Tensor2D[] {
  const [rows, cols] = W.shape;
  const H = cols / gates;
  const stacked = tf.concat([tf.slice(W, [0, 0], [inputSize, cols]), tf.reshape(b, [1, cols]), tf.slice(W, [inputSize, 0], [rows - inputSize, cols])], 0);
  return Array.from({ length: gates }, (_, gate) => {
    const block = tf.slice(stacked, [0, gate * H], [rows + 1, H]) as tf.Tensor2D;
    return scale[gate] === 1 ? block : (tf.mul(block, scale[gate]) as tf.Tensor2D);
  });
}

/**
 * tf.customGrad with the types said once: `f` takes the inputs (and tfjs' `save`, to keep tensors
 * for the gradient) and returns the value and its gradient function; the result is called with
 * the inputs alone. (tfjs types customGrad's function loosely, so every caller would otherwise
 * need the same double cast.)
 */
export function customGradient<Inputs extends tf.Tensor[], Output extends tf.Tensor>(
  f: (...args: [...Inputs, tf.GradSaveFunc]) => { value: Output; gradFunc: (dy: Output, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): (...inputs: Inputs) => Output {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: Inputs) => Output;
}

/** A gradient-stopping identity: the value passes, the gradient is zero (for truncated BPTT with autodiff). */
export const stopGradient = customGradient<[tf.Tensor2D], tf.Tensor2D>((x) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/**
 * Whether the gradient stops between step t − 1 and step t: at t = 0 (nothing before it), and
 * with truncation every `truncate` steps (t a multiple of k). Forward states still cross the cut.
 */
export function gradientCut(t: number, truncate: number | undefined): boolean {
  return t === 0 || (truncate !== undefined && t % truncate === 0);
}

/**
 * The masked update of a state: s_t = s_{t-1} + m_t · (s̃_t − s_{t-1}), so a padded step
 * (m_t = 0) leaves the state unchanged. `m` is [B, 1] or [B, width], or null (every row real).
 */
export function maskedUpdate(previous: tf.Tensor2D, candidate: tf.Tensor2D, m: tf.Tensor2D | null): tf.Tensor2D {
  return m ? (tf.add(previous, tf.mul(m, tf.sub(candidate, previous))) as tf.Tensor2D) : candidate;
}
