/**
 * Two gradients of the same loss, compared weight by weight: how large the reference gradient
 * is and how far the other one is from it (hand-written BPTT against autodiff, for instance).
 */
import * as tf from "@tensorflow/tfjs";

export interface GradientDifference {
  /** The variable's name (the key in both maps). */
  name: string;
  shape: number[];
  /** max |reference|: the scale of the gradient. */
  largest: number;
  /** max |candidate − reference|. */
  difference: number;
  /** difference / largest (0 when both are all zeros). */
  relative: number;
}

/**
 * One row per variable of `reference`, in its key order. Both maps hold gradients keyed by
 * variable name, as `lossAndGradients` returns them; each candidate must have its reference's
 * shape. Tensors stay the caller's.
 */
export function compareGradients(reference: tf.NamedTensorMap, candidate: tf.NamedTensorMap): GradientDifference[] {
  return Object.entries(reference).map(([name, expected]) => {
    const actual = candidate[name];
    if (!actual) throw new Error(`compareGradients: candidate has no gradient for "${name}" (it has ${Object.keys(candidate).join(", ") || "none"})`);
    if (actual.shape.join() !== expected.shape.join()) {
      throw new Error(`compareGradients: "${name}" must have shape [${expected.shape}] as in reference, got [${actual.shape}]`);
    }
    const [largest, difference] = tf.tidy(() => [tf.max(tf.abs(expected)).dataSync()[0], tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]]);
    return { name, shape: [...expected.shape], largest, difference, relative: largest === 0 ? (difference === 0 ? 0 : Infinity) : difference / largest };
  });
}
