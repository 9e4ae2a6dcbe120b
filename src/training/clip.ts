/**
 * Gradient clipping by global norm: if the gradients, seen as one long vector g, have norm
 * ‖g‖ > maxNorm, scale every one of them by maxNorm / ‖g‖ (directions kept, step length capped).
 * This tames the exploding gradients that long products of W_hh can produce in BPTT.
 */
import * as tf from "@tensorflow/tfjs";

/** ‖g‖ over all gradients together (a scalar tensor). */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Returns new gradients scaled so their global norm is at most maxNorm, and the norm before
 * clipping. maxNorm = Infinity measures the norm and changes nothing. Does not dispose the inputs.
 * No read-back: the decision stays on the device.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be a positive number, got ${maxNorm}`);
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.maximum(norm, tf.scalar(1e-12))));
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    return { grads: clipped, norm };
  });
}
