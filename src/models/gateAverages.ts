/**
 * What the gates of a gated cell do on some data: the mean value of each gate over every unit,
 * step and sequence. For the memory they keep, the LSTM's forget gate f and the GRU's update
 * gate z matter most: on the additive path, each step multiplies what was kept by that gate.
 */
import * as tf from "@tensorflow/tfjs";
import { LSTMScratch } from "./lstmScratch";
import { GRUScratch } from "./gruScratch";

/**
 * Mean gate values of `cell` reading `sequences` (S sequences of the same length T, each [T][D]),
 * every step's gates computed from that step's input and the previous state.
 * @returns LSTM: { i, f, o } (and g, the candidate's mean); GRU: { z, r } (and n).
 */
export function gateAverages(cell: LSTMScratch | GRUScratch, sequences: readonly (readonly (readonly number[])[])[]): Record<string, number> {
  const S = sequences.length;
  if (S === 0) throw new Error("gateAverages: sequences is empty");
  const T = sequences[0].length;
  if (T === 0 || !sequences.every((s) => s.length === T)) throw new Error(`gateAverages: all sequences must have the same length ≥ 1, got lengths ${sequences.map((s) => s.length).join(", ")}`);
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  const x = tf.tensor3d(sequences as number[][][]); // [S, T, D] (forward checks the feature count)
  try {
    const out = cell.forward(x);
    const means = tf.tidy(() => {
      // h_{t-1} for every step: zeros before the first, then the states shifted by one step.
      const hPrev = tf.reshape(tf.concat([tf.zeros([S, 1, H]), tf.slice(out.states, [0, 0, 0], [S, T - 1, H])], 1), [S * T, H]) as tf.Tensor2D;
      const gates = cell.gates(tf.reshape(x, [S * T, D]) as tf.Tensor2D, hPrev) as unknown as Record<string, tf.Tensor2D>;
      return Object.fromEntries(Object.entries(gates).map(([name, g]) => [name, tf.mean(g).dataSync()[0]]));
    });
    tf.dispose(Object.values(out));
    return means;
  } finally {
    x.dispose();
  }
}
