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
import { uniqueName, variableFrom } from "./variables";
import { customGradient, timesTransposeOf, transposeTimes } from "./tensorOps";

export type HeadKind = "sequence" | "final";

/**
 * a · b with a gradient whose products read their transposed factor the fast way for the backend
 * (tensorOps.ts): tfjs' own matMul gradient uses transposed-flag matMuls, which run 2-10x slower
 * on `wasm`; for a head over a vocabulary of thousands that dominated the training step.
 * @param a [M, K]; @param b [K, N]; returns [M, N].
 */
export const matMulFastGrad = customGradient<[tf.Tensor2D, tf.Tensor2D], tf.Tensor2D>((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [timesTransposeOf(sb)(dy), transposeTimes(sa)(dy)]; // dy · bᵀ, aᵀ · dy
    },
  };
});

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
    this.W_hq = variableFrom(tf.randomUniform([hiddenSize, outputSize], -limit, limit), `${id}/W_hq`);
    this.b_q = variableFrom(tf.zeros([outputSize]), `${id}/b_q`);
  }

  get variables(): tf.Variable[] {
    return [this.W_hq, this.b_q];
  }

  get params(): HeadParams {
    return { W_hq: this.W_hq, b_q: this.b_q };
  }

  /** Outputs (logits or values) for states h: [M, H] -> [M, Q]. */
  apply(h: tf.Tensor2D, params: HeadParams = this.params): tf.Tensor2D {
    return tf.add(matMulFastGrad(h, params.W_hq), params.b_q) as tf.Tensor2D;
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

/**
 * Mean softmax cross-entropy over rows, optionally weighted: Σ w_m (logsumexp(z_m) − z_m[y_m]) / Σ w.
 * Its gradient is written out, (softmax(z) − onehot(y)) · w / Σ w, which takes a few passes over
 * the [M, Q] logits instead of the dozen that autodiff through logSoftmax takes (on a vocabulary
 * of thousands those passes dominate a training step).
 * @param logits [M, Q]; @param classIds int32 [M]; @param weights float32 [M] (default all 1).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, classIds: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  const [M, Q] = logits.shape;
  const ids = classIds as tf.Tensor1D;
  const w = weights ?? tf.ones([M]);
  const f = customGradient<[tf.Tensor2D], tf.Scalar>((z, save) => {
    const lse = tf.logSumExp(z, 1); // [M]
    const flat = tf.add(tf.mul(tf.range(0, M, 1, "int32"), tf.scalar(Q, "int32")), ids); // row·Q + y
    const picked = tf.gather(tf.reshape(z, [M * Q]), flat); // z_m[y_m]: [M]
    const total = tf.sum(w);
    save([z, lse, total, w]); // w too: it may be created in this scope
    return {
      value: tf.div(tf.sum(tf.mul(tf.sub(lse, picked), w)), total) as tf.Scalar,
      gradFunc: (dy, saved) => {
        const [sz, slse, stotal, sw] = saved;
        const probs = tf.exp(tf.sub(sz, tf.expandDims(slse, 1))); // softmax: [M, Q]
        const scale = tf.expandDims(tf.div(tf.mul(sw, dy), stotal), 1); // [M, 1]
        return tf.mul(tf.sub(probs, tf.oneHot(ids, Q)), scale);
      },
    };
  });
  return f(logits);
}

/** A head whose outputs are logits over classes, trained with softmax cross-entropy. */
abstract class SoftmaxHead extends Head {
  readonly output = "classes" as const;
  lossWith(params: HeadParams, h: tf.Tensor2D, targets: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
    return softmaxCrossEntropy(this.apply(h, params), targets, weights);
  }
}

export class NextTokenHead extends SoftmaxHead {
  readonly kind = "sequence" as const;
  constructor(hiddenSize: number, readonly vocabSize: number) {
    super(hiddenSize, vocabSize, "next_token");
  }
}

export class ClassificationHead extends SoftmaxHead {
  readonly kind = "final" as const;
  constructor(hiddenSize: number, readonly numClasses: number) {
    super(hiddenSize, numClasses, "classify");
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
