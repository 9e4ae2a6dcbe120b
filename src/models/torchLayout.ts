/**
 * PyTorch's nn.LSTM / nn.GRU weights in seqlab's layout, so numbers computed with PyTorch can be
 * checked against LSTMScratch and GRUScratch (test/fixtures/reference holds such numbers).
 *
 * PyTorch stores, for layer 0, weight_ih [G·H, D], weight_hh [G·H, H], bias_ih [G·H] and
 * bias_hh [G·H], one block of H rows per gate, and computes with column vectors (W · x).
 * seqlab computes with row vectors (x · W), so its matrices are PyTorch's transposed:
 *
 *   LSTM, gates i, f, g, o in both:  W_x = weight_ihᵀ,  W_h = weight_hhᵀ,  b = bias_ih + bias_hh
 *     (inside σ(...) or tanh(...) the two biases only ever appear as their sum).
 *   GRU, PyTorch's gate order r, z, n becomes seqlab's z, r, n:
 *     W_x = [W_iz ; W_ir ; W_in]ᵀ,  W_h = [W_hz ; W_hr ; W_hn]ᵀ,  b = [b_iz, b_ir, b_in],
 *     b_rec = [b_hz, b_hr, b_hn].  PyTorch's GRU is the reset-after variant:
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), so b_hn must stay apart from b_in: use
 *     GRUScratch with resetAfter: true. Its update rule h' = (1 − z) ⊙ n + z ⊙ h is seqlab's.
 * The same maps apply to gradients (each is linear), except that for the LSTM dL/db equals
 * both dL/dbias_ih and dL/dbias_hh (not their sum).
 */
import type { LSTMWeights } from "./lstmScratch";
import type { GRUWeights } from "./gruScratch";

/** One layer of PyTorch nn.LSTM or nn.GRU weights, as nested arrays (e.g. from `tensor.tolist()`). */
export interface TorchRecurrentWeights {
  /** [G·H][D]. */
  weight_ih: number[][];
  /** [G·H][H]. */
  weight_hh: number[][];
  /** [G·H]. */
  bias_ih: number[];
  /** [G·H]. */
  bias_hh: number[];
}

function transpose(M: readonly (readonly number[])[]): number[][] {
  return M[0].map((_, j) => M.map((row) => row[j]));
}

/** Checks the four arrays' shapes against G gates; returns H. */
function checkTorch(w: TorchRecurrentWeights, gates: number, where: string): number {
  const rows = Array.isArray(w.weight_ih) ? w.weight_ih.length : 0;
  if (rows === 0 || rows % gates !== 0) throw new Error(`${where}: weight_ih must have ${gates}·H rows (one block of H per gate), got ${rows}`);
  const H = rows / gates;
  const shape = (m: unknown) => (Array.isArray(m) ? (Array.isArray(m[0]) ? `[${m.length}, ${m[0].length}]` : `[${m.length}]`) : typeof m);
  if (!Array.isArray(w.weight_hh) || w.weight_hh.length !== rows || w.weight_hh.some((row) => row.length !== H)) {
    throw new Error(`${where}: weight_hh must have shape [${rows}, ${H}], got ${shape(w.weight_hh)}`);
  }
  for (const key of ["bias_ih", "bias_hh"] as const) {
    if (!Array.isArray(w[key]) || w[key].length !== rows) throw new Error(`${where}: ${key} must have shape [${rows}], got ${shape(w[key])}`);
  }
  return H;
}

/** PyTorch nn.LSTM (layer 0) weights as LSTMScratch weights. */
export function lstmWeightsFromTorch(w: TorchRecurrentWeights): LSTMWeights {
  checkTorch(w, 4, "lstmWeightsFromTorch");
  return { W_x: transpose(w.weight_ih), W_h: transpose(w.weight_hh), b: w.bias_ih.map((v, i) => v + w.bias_hh[i]) };
}

/** Reorders PyTorch's GRU gate blocks (r, z, n) into seqlab's (z, r, n): rows of a [3H][…] array or a [3H] vector. */
export function gruGateOrderFromTorch<T>(blocks: readonly T[]): T[] {
  const H = blocks.length / 3;
  return [...blocks.slice(H, 2 * H), ...blocks.slice(0, H), ...blocks.slice(2 * H)];
}

/** PyTorch nn.GRU (layer 0) weights as GRUScratch weights for the reset-after variant. */
export function gruWeightsFromTorch(w: TorchRecurrentWeights): Required<GRUWeights> {
  checkTorch(w, 3, "gruWeightsFromTorch");
  return {
    W_x: transpose(gruGateOrderFromTorch(w.weight_ih)),
    W_h: transpose(gruGateOrderFromTorch(w.weight_hh)),
    b: gruGateOrderFromTorch(w.bias_ih),
    b_rec: gruGateOrderFromTorch(w.bias_hh),
  };
}
