/**
 * Mean of embeddings: a bag that keeps some meaning. Each id becomes a learned vector and the
 * sequence becomes the average of its vectors — over real positions only, so a short e-mail
 * padded to 500 positions is not averaged with 480 padding vectors.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Masked mean over time.
 * embedded: [batch, time, dim]; mask: [batch, time] (1/true = real position, 0/false = padding).
 * Returns [batch, dim]: Σ_t mask[b,t]·embedded[b,t,:] / max(1, Σ_t mask[b,t]) — a row with no
 * real position gives zeros, not NaN.
 */
export function maskedMean(embedded: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  if (embedded.rank !== 3) throw new Error(`embedded must have shape [batch, time, dim], got [${embedded.shape}]`);
  if (mask.rank !== 2 || mask.shape[0] !== embedded.shape[0] || mask.shape[1] !== embedded.shape[1]) {
    throw new Error(`mask must have shape [${embedded.shape.slice(0, 2)}] to match embedded [${embedded.shape}], got [${mask.shape}]`);
  }
  return tf.tidy(() => {
    const weights = tf.cast(mask, "float32"); // [batch, time]
    const summed = tf.sum(tf.mul(embedded, tf.expandDims(weights, 2)), 1); // [batch, dim]
    const counts = tf.maximum(tf.sum(weights, 1, true), 1); // [batch, 1]
    return tf.div(summed, counts) as tf.Tensor2D;
  });
}

/**
 * A layer that averages its [batch, time, dim] input over the positions the incoming mask marks
 * real (put it after `tf.layers.embedding({maskZero: true})`); without a mask it averages all
 * positions. Output [batch, dim]. tfjs' own globalAveragePooling1d ignores the mask.
 */
export class MaskedGlobalAveragePooling1D extends tf.layers.Layer {
  static className = "MaskedGlobalAveragePooling1D";

  constructor(args: { name?: string } = {}) {
    super(args);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[2]];
  }

  override computeMask(): tf.Tensor | tf.Tensor[] {
    return null as unknown as tf.Tensor; // the time axis is gone, and with it the mask (tfjs' typing omits null)
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    const embedded = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const mask = kwargs.mask ? (kwargs.mask as tf.Tensor2D) : null;
    return tf.tidy(() => (mask ? maskedMean(embedded, mask) : tf.mean(embedded, 1)));
  }
}
tf.serialization.registerClass(MaskedGlobalAveragePooling1D);
