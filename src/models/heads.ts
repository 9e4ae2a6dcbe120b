/**
 * Output heads: what the course's tasks read from the hidden states.
 *
 * - NextTokenHead: at every step, a softmax over the vocabulary for the next token
 *   (logits_t = h_t · W_hq + b_q), loss = mean cross-entropy over the real steps.
 * - ClassificationHead: from the final state, a softmax over classes (logits = h_T · W_hq + b_q),
 *   loss = mean cross-entropy.
 * - RegressionHead: from the final state, the next value(s) of a series (y = h_T · W_hq + b_q),
 *   loss = mean squared error.
 *
 * Each head is written as a pure function of its parameters (`lossWith`), so the hand-written
 * BPTT can ask tfjs for the gradient of the loss with respect to the hidden states and the head's
 * own parameters in one call, then run the recurrence backwards itself.
 */
import * as tf from "@tensorflow/tfjs";
import { uniqueName } from "./checks";

export type HeadKind = "sequence" | "final";

/** Head parameters by name: W_hq [H, Q], b_q [Q]. */
export interface HeadParams {
  W_hq: tf.Tensor2D;
  b_q: tf.Tensor1D;
}

export abstract class Head {
  /** "sequence": reads every step's state; "final": reads the final state only. */
  abstract readonly kind: HeadKind;
  /** "classes": outputs are logits over classes (targets are class ids); "values": regression. */
  abstract readonly output: "classes" | "values";
  readonly W_hq: tf.Variable<tf.Rank.R2>;
  readonly b_q: tf.Variable<tf.Rank.R1>;

  constructor(readonly hiddenSize: number, readonly outputSize: number, name: string) {
    const id = uniqueName(name);
    // Glorot-uniform weights, zero bias (as tf.layers.dense).
    const limit = Math.sqrt(6 / (hiddenSize + outputSize));
    this.W_hq = tf.variable(tf.randomUniform([hiddenSize, outputSize], -limit, limit), true, `${id}/W_hq`);
    this.b_q = tf.variable(tf.zeros([outputSize]), true, `${id}/b_q`);
  }

  get variables(): tf.Variable[] {
    return [this.W_hq, this.b_q];
  }

  get params(): HeadParams {
    return { W_hq: this.W_hq, b_q: this.b_q };
  }

  /** Outputs (logits or values) for states h: [M, H] -> [M, Q]. */
  apply(h: tf.Tensor2D, params: HeadParams = this.params): tf.Tensor2D {
    return tf.add(tf.matMul(h, params.W_hq), params.b_q);
  }

  /**
   * Mean loss of the outputs for states h against targets.
   * @param h [M, H]: the final states (M = B) or all states stacked time-major (M = T·B).
   * @param targets class ids int32 [M], or values float32 [M, Q] for regression.
   * @param weights optional float32 [M]: 1 for rows that count, 0 for padding.
   */
  abstract lossWith(params: HeadParams, h: tf.Tensor2D, targets: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar;

  dispose(): void {
    this.W_hq.dispose();
    this.b_q.dispose();
  }
}

/** Mean softmax cross-entropy over rows, optionally weighted (weights sum must be > 0). */
function crossEntropy(logits: tf.Tensor2D, classIds: tf.Tensor, numClasses: number, weights?: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits); // [M, Q]
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(classIds as tf.Tensor1D, numClasses)), 1); // [M]
  if (!weights) return tf.neg(tf.mean(picked)) as tf.Scalar;
  return tf.neg(tf.div(tf.sum(tf.mul(picked, weights)), tf.sum(weights))) as tf.Scalar;
}

export class NextTokenHead extends Head {
  readonly kind = "sequence" as const;
  readonly output = "classes" as const;
  constructor(hiddenSize: number, readonly vocabSize: number) {
    super(hiddenSize, vocabSize, "next_token");
  }
  lossWith(params: HeadParams, h: tf.Tensor2D, targets: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
    return crossEntropy(this.apply(h, params), targets, this.vocabSize, weights);
  }
}

export class ClassificationHead extends Head {
  readonly kind = "final" as const;
  readonly output = "classes" as const;
  constructor(hiddenSize: number, readonly numClasses: number) {
    super(hiddenSize, numClasses, "classify");
  }
  lossWith(params: HeadParams, h: tf.Tensor2D, targets: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
    return crossEntropy(this.apply(h, params), targets, this.numClasses, weights);
  }
}

export class RegressionHead extends Head {
  readonly kind = "final" as const;
  readonly output = "values" as const;
  constructor(hiddenSize: number, outputSize = 1) {
    super(hiddenSize, outputSize, "regress");
  }
  lossWith(params: HeadParams, h: tf.Tensor2D, targets: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
    const errors = tf.mean(tf.square(tf.sub(this.apply(h, params), targets)), 1); // [M]
    if (!weights) return tf.mean(errors);
    return tf.div(tf.sum(tf.mul(errors, weights)), tf.sum(weights));
  }
}
