/**
 * Backpropagation through time for RNNScratch (rnnScratch.ts), written by hand, for
 * h_t = tanh([x_t ; h_{t-1}] · W + b_h).
 *
 * Forward: keep, for every step, the concatenated input [x_t ; h_{t-1}], the candidate
 * h̃_t = tanh(z_t) and the masked state h_t = h_{t-1} + m_t (h̃_t − h_{t-1}).
 *
 * Backward, for t = T-1 down to 0, with g_t = dL/dh_t (from the head, plus what step t+1 sent back):
 *   dz_t      = m_t · g_t · (1 − h̃_t²)            gradient at the pre-activation z_t   [B, H]
 *   g_{t-1}  += dz_t · W_hhᵀ + (1 − m_t) · g_t      through W_hh, and straight through a padded step
 * and after the loop, from all steps at once (one product each):
 *   dW  = [x ; h_prev]ᵀ · dZ     with all steps stacked: [D+H, T·B] · [T·B, H]
 *   db  = Σ rows of dZ
 *   dX  = dZ · W_xhᵀ             (only when the inputs need gradients, e.g. an embedding)
 *
 * Speed: per step the forward issues concat, one fused matMul+bias and tanh; the backward a few
 * elementwise ops and one matMul. Transposes are explicit (a transposed-flag matMul is slow on
 * `wasm`). Truncation with k cuts g_{t-1} to zero wherever t is a multiple of k: the forward state
 * still flows across chunks, the gradient only within a chunk of k steps.
 */
import { checkPositiveInteger } from "../checks";
import * as tf from "@tensorflow/tfjs";
import type { HandForward } from "./recurrentCell";
import { columnSums, gradientCut, maskedUpdate, splitSteps, timesTransposeOf, transposeTimes, wideMasks } from "./tensorOps";

export interface ForwardCache {
  /** [x_t ; h_{t-1}] per step: T × [B, D+H]. */
  xh: tf.Tensor2D[];
  /** Candidate h̃_t = tanh(z_t) per step: T × [B, H]. */
  candidates: tf.Tensor2D[];
  /** States h_t (after masking) per step: T × [B, H]. */
  states: tf.Tensor2D[];
  /** Step masks m_t: T × ([B, 1] or [B, H], or null when all rows are real). */
  masks: (tf.Tensor2D | null)[];
  /** Optional 1 − m_t per step (same shapes as masks); computed when absent. */
  complements?: (tf.Tensor2D | null)[];
}

/**
 * Runs the recurrence and keeps what the backward pass needs. Call inside tf.tidy.
 * @param W [D+H, H]; @param b_h [H]; @param xs T × [B, D]; @param h0 [B, H].
 */
export function forwardWithCache(
  W: tf.Tensor2D,
  b_h: tf.Tensor1D,
  xs: tf.Tensor2D[],
  masks: (tf.Tensor2D | null)[],
  h0: tf.Tensor2D,
  complements?: (tf.Tensor2D | null)[],
): ForwardCache {
  const cache: ForwardCache = { xh: [], candidates: [], states: [], masks, complements };
  let h = h0;
  for (let t = 0; t < xs.length; t++) {
    const xh = tf.concat([xs[t], h], 1) as tf.Tensor2D; // [x_t ; h_{t-1}]
    const candidate = tf.tanh(tf.fused.matMul({ a: xh, b: W, bias: b_h })) as tf.Tensor2D; // h̃_t
    const next = maskedUpdate(h, candidate, masks[t]); // h_t
    cache.xh.push(xh);
    cache.candidates.push(candidate);
    cache.states.push(next);
    h = next;
  }
  return cache;
}

export interface BackwardOptions {
  /** Cut the gradient every `truncate` steps (truncated BPTT); undefined = full BPTT. */
  truncate?: number;
  /** Also return dX (gradients with respect to the inputs x_t). */
  inputGradients?: boolean;
}

export interface BackwardResult {
  /** dL/dW [D+H, H]. */
  dW: tf.Tensor2D;
  /** dL/db_h [H]. */
  db: tf.Tensor1D;
  /** dL/dx for all steps stacked time-major: [T·B, D] (when asked for). */
  dX?: tf.Tensor2D;
}

/**
 * The backward loop over time. Call inside tf.tidy.
 * @param dStates gradient of the loss with respect to each state h_t from the head ([B, H] or null).
 * @param dFinal gradient with respect to the final state h_{T-1} ([B, H]) or null.
 */
export function backwardThroughTime(
  cache: ForwardCache,
  W: tf.Tensor2D,
  inputSize: number,
  dStates: (t: number) => tf.Tensor2D | null,
  dFinal: tf.Tensor2D | null,
  options: BackwardOptions = {},
): BackwardResult {
  const T = cache.states.length;
  const [B, H] = cache.states[0].shape;
  const k = options.truncate;
  if (k !== undefined) checkPositiveInteger(k, "backwardThroughTime: truncate");
  const one = tf.scalar(1);
  const throughRecurrence = timesTransposeOf(tf.slice(W, [inputSize, 0], [H, H]) as tf.Tensor2D); // dz · W_hhᵀ, W_hh: [H, H]
  const dZ: tf.Tensor2D[] = new Array(T);
  let carry: tf.Tensor2D | null = dFinal; // dL/dh_t arriving from later steps
  let zeros: tf.Tensor2D | null = null;
  for (let t = T - 1; t >= 0; t--) {
    const fromHead = dStates(t);
    const g = carry && fromHead ? (tf.add(carry, fromHead) as tf.Tensor2D) : (carry ?? fromHead);
    if (!g) {
      zeros ??= tf.zeros([B, H]);
      dZ[t] = zeros;
      carry = null;
      continue;
    }
    const candidate = cache.candidates[t];
    let dz = tf.mul(g, tf.sub(one, tf.square(candidate))) as tf.Tensor2D; // g · (1 − h̃²)
    const m = cache.masks[t];
    if (m) dz = tf.mul(dz, m) as tf.Tensor2D; // a padded step sends nothing to the weights
    dZ[t] = dz;
    if (gradientCut(t, k)) {
      carry = null;
    } else {
      const back = throughRecurrence(dz); // dz_t · W_hhᵀ
      const rest = m ? (cache.complements?.[t] ?? tf.sub(one, m)) : null; // 1 − m_t
      carry = rest ? (tf.add(back, tf.mul(g, rest)) as tf.Tensor2D) : back; // plus straight through a padded step
    }
  }
  const stackedDZ = tf.concat(dZ, 0) as tf.Tensor2D; // [T·B, H]
  const stackedXH = tf.concat(cache.xh, 0) as tf.Tensor2D; // [T·B, D+H]
  const dW = transposeTimes(stackedXH)(stackedDZ); // [x ; h_prev]ᵀ · dZ: [D+H, H]
  const db = columnSums(stackedDZ); // [H]
  const result: BackwardResult = { dW, db };
  if (options.inputGradients) {
    result.dX = timesTransposeOf(tf.slice(W, [0, 0], [inputSize, H]) as tf.Tensor2D)(stackedDZ); // dZ · W_xhᵀ: [T·B, D]
  }
  return result;
}

/** What the backward pass needs to know about the cell (RNNScratch has these). */
export interface RNNParameters {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** [D + H, H]: W_xh above W_hh. */
  readonly W: tf.Variable<tf.Rank.R2>;
  /** [H]. */
  readonly b_h: tf.Variable<tf.Rank.R1>;
}

/**
 * Runs the RNN over T steps from h_0 = 0, keeping what the backward pass needs. Call inside
 * tf.tidy. @param xs T × [B, D]; @param mask mask[b][t] in {0, 1}.
 */
export function rnnHandForward(cell: RNNParameters, xs: tf.Tensor2D[], mask: readonly (readonly number[])[]): HandForward {
  const masks = wideMasks(mask, cell.hiddenSize);
  const W = cell.W as tf.Tensor2D;
  const cache = forwardWithCache(W, cell.b_h, xs, masks.keep, tf.zeros([xs[0].shape[0], cell.hiddenSize]), masks.pass);
  const T = xs.length;
  return {
    final: cache.states[T - 1],
    allStates: () => tf.concat(cache.states, 0) as tf.Tensor2D,
    backward: (dAllStates, dFinal, options = {}) => {
      const perStep = dAllStates ? splitSteps(dAllStates, T) : null;
      const back = backwardThroughTime(cache, W, cell.inputSize, (t) => perStep?.[t] ?? null, dFinal, options);
      return { grads: { [cell.W.name]: back.dW, [cell.b_h.name]: back.db }, dX: back.dX };
    },
  };
}
