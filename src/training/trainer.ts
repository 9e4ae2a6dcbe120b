/**
 * One training loop for every model of the course: minibatches, an optimizer (Adam by default),
 * optional gradient clipping by global norm, validation after each epoch, early stopping, and
 * progress reported to whatever `progress` factory it is given. The training layer draws nothing
 * itself: src/index.ts gives notebooks a Trainer whose default progress is the display layer's
 * TrainingProgress (a live bar and loss curve).
 *
 * A model plugs in through TrainableModel: it names its variables and returns, for a batch, the
 * mean loss and the gradients. SequenceModel does (hand BPTT or autodiff); `layersModelTrainable`
 * wraps any tf.LayersModel.
 */
import { checkPositiveInteger } from "../checks";
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { clipByGlobalNorm } from "./clip";
import { BatchSource, TensorBatch } from "./data";

export interface TrainableModel<Batch, GradOptions = unknown> {
  readonly variables: tf.Variable[];
  /** Mean loss over the batch and its gradients keyed by variable name (caller disposes). */
  lossAndGradients(batch: Batch, options?: GradOptions): { loss: tf.Scalar; grads: tf.NamedTensorMap };
  /** Mean loss over the batch, no gradients. */
  loss(batch: Batch): tf.Scalar;
}

/** What the Trainer tells a progress display (display/progress.ts's TrainingProgress has this shape). */
export interface ProgressReporter {
  onStep(epoch: number, step: number, loss: number): void;
  onEpochEnd(epoch: number, losses: { train: number; validation?: number }): void;
  finish(): Promise<void>;
}
export type ProgressFactory = (options: { epochs: number; stepsPerEpoch: number; title?: string; quiet?: boolean }) => ProgressReporter;

export interface EarlyStopping {
  /** Stop after this many epochs without improvement of the monitored loss. */
  patience: number;
  /** Smallest decrease that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBest?: boolean;
  /**
   * Also stop as soon as the monitored loss is at or below this value: the task is solved, and
   * further epochs would only wait out the patience (default: none).
   */
  target?: number;
}

export interface TrainerOptions<GradOptions = unknown> {
  epochs: number;
  batchSize: number;
  /** Default: Adam with `learningRate`. */
  optimizer?: tf.Optimizer;
  /** For the default Adam (default 0.01). */
  learningRate?: number;
  /** Clip gradients to this global norm before each update (Infinity: only record the norm). */
  clipNorm?: number;
  /** Passed to the model's lossAndGradients (e.g. {method: "hand", truncate: 10}). */
  gradient?: GradOptions;
  earlyStopping?: EarlyStopping;
  /** Seed for shuffling the training batches (default 0). */
  shuffleSeed?: number;
  /** Progress display: a factory, or false or undefined for none. (The Trainer that src/index.ts exports defaults to TrainingProgress.) */
  progress?: ProgressFactory | false;
  /**
   * When a step's loss is NaN or infinite: "throw" (default) an Error, or "stop" training and
   * report `diverged: true` (to show a run blowing up, e.g. without gradient clipping).
   */
  onDivergence?: "throw" | "stop";
  /** Title of the progress display. */
  title?: string;
  /** Print nothing outside a notebook. */
  quiet?: boolean;
}

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  train: number;
  validation?: number;
  /** Wall time of the epoch's training steps (validation excluded), ms. */
  ms: number;
  /** Mean global gradient norm before clipping (only when clipNorm is set). */
  gradNorm?: number;
}

/** One optimizer step. */
export interface StepRecord {
  /** 1-based epoch and step within it. */
  epoch: number;
  step: number;
  loss: number;
  /** Global gradient norm before clipping (only when clipNorm is set). */
  gradNorm?: number;
}

export interface TrainResult {
  history: EpochRecord[];
  /** Every optimizer step, in order (for loss curves finer than an epoch). */
  steps: StepRecord[];
  /** 1-based epoch with the lowest monitored loss. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Early stopping's `target` was reached (stoppedEarly is then true as well). */
  reachedTarget: boolean;
  /** The loss became NaN or infinite and training stopped (onDivergence: "stop"). */
  diverged: boolean;
}

export class Trainer<GradOptions = unknown> {
  readonly optimizer: tf.Optimizer;

  constructor(readonly options: TrainerOptions<GradOptions>) {
    checkPositiveInteger(options.epochs, "Trainer: epochs");
    checkPositiveInteger(options.batchSize, "Trainer: batchSize");
    if (options.clipNorm !== undefined && !(options.clipNorm > 0)) throw new Error(`Trainer: clipNorm must be positive, got ${options.clipNorm}`);
    this.optimizer = options.optimizer ?? tf.train.adam(options.learningRate ?? 0.01);
  }

  /** Mean loss over a whole data source (weighted by batch size). */
  evaluate<Batch>(model: TrainableModel<Batch, GradOptions>, data: BatchSource<Batch>): number {
    let total = 0;
    let count = 0;
    for (const { batch, size } of data.batches(this.options.batchSize)) {
      try {
        const loss = model.loss(batch);
        total += loss.dataSync()[0] * size;
        loss.dispose();
        count += size;
      } finally {
        data.dispose(batch);
      }
    }
    return total / count;
  }

  /** One optimizer step on one batch; returns the loss (and the gradient norm when clipping). */
  trainStep<Batch>(model: TrainableModel<Batch, GradOptions>, batch: Batch): { loss: number; gradNorm?: number } {
    const { loss, grads } = model.lossAndGradients(batch, this.options.gradient);
    let gradNorm: number | undefined;
    try {
      if (this.options.clipNorm !== undefined) {
        const clipped = clipByGlobalNorm(grads, this.options.clipNorm);
        gradNorm = clipped.norm.dataSync()[0];
        this.optimizer.applyGradients(clipped.grads);
        tf.dispose(clipped);
      } else {
        this.optimizer.applyGradients(grads);
      }
      return { loss: loss.dataSync()[0], gradNorm };
    } finally {
      loss.dispose();
      tf.dispose(grads);
    }
  }

  /** Trains `model` on `train`, reporting validation loss on `validation` after each epoch. */
  async fit<Batch>(model: TrainableModel<Batch, GradOptions>, train: BatchSource<Batch>, validation?: BatchSource<Batch>): Promise<TrainResult> {
    const { epochs, batchSize } = this.options;
    const stepsPerEpoch = train.numBatches?.(batchSize) ?? Math.ceil(train.size / batchSize);
    const factory = this.options.progress || null;
    const progress = factory ? factory({ epochs, stepsPerEpoch, title: this.options.title, quiet: this.options.quiet }) : null;
    const rng = createRng(this.options.shuffleSeed ?? 0);
    const history: EpochRecord[] = [];
    const steps: StepRecord[] = [];
    const stop = this.options.earlyStopping;
    let best = Number.POSITIVE_INFINITY;
    let bestEpoch = 0;
    let bestWeights: tf.Tensor[] | null = null;
    let stoppedEarly = false;
    let reachedTarget = false;
    let diverged = false;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const started = performance.now();
        let total = 0;
        let count = 0;
        let normTotal = 0;
        let step = 0;
        for (const { batch, size } of train.batches(batchSize, rng)) {
          try {
            const { loss, gradNorm } = this.trainStep(model, batch);
            if (!Number.isFinite(loss)) {
              if (this.options.onDivergence !== "stop") {
                throw new Error(`Trainer: the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}; try a smaller learning rate or clipNorm`);
              }
              diverged = true;
              break;
            }
            total += loss * size;
            count += size;
            normTotal += gradNorm ?? 0;
            steps.push({ epoch: epoch + 1, step: step + 1, loss, ...(gradNorm === undefined ? {} : { gradNorm }) });
            progress?.onStep(epoch, step, loss);
          } finally {
            train.dispose(batch);
          }
          step++;
        }
        if (diverged) break; // leaving the batch loop early: the generator makes no further batches
        const ms = performance.now() - started;
        const record: EpochRecord = { epoch: epoch + 1, train: total / count, ms };
        if (this.options.clipNorm !== undefined) record.gradNorm = normTotal / step;
        if (validation) record.validation = this.evaluate(model, validation);
        history.push(record);
        progress?.onEpochEnd(epoch, { train: record.train, validation: record.validation });
        await new Promise((resolve) => setImmediate(resolve)); // let the display flush
        const monitored = record.validation ?? record.train;
        if (monitored < best - (stop?.minDelta ?? 0)) {
          best = monitored;
          bestEpoch = epoch + 1;
          if (stop && stop.restoreBest !== false) {
            tf.dispose(bestWeights ?? []);
            bestWeights = model.variables.map((v) => tf.clone(v));
          }
        } else if (stop && epoch + 1 - bestEpoch >= stop.patience) {
          stoppedEarly = true;
          break;
        }
        if (stop?.target !== undefined && monitored <= stop.target) {
          reachedTarget = true;
          stoppedEarly = epoch + 1 < epochs;
          break;
        }
      }
      if (bestWeights) model.variables.forEach((v, i) => v.assign((bestWeights as tf.Tensor[])[i]));
    } finally {
      tf.dispose(bestWeights ?? []);
      await progress?.finish();
    }
    return { history, steps, bestEpoch, stoppedEarly, reachedTarget, diverged };
  }
}

/** Wraps a tf.LayersModel so the Trainer can train it; `loss` maps (predictions, targets) to a scalar. */
export function layersModelTrainable(
  model: tf.LayersModel,
  /** "sparseCategoricalCrossentropy" expects the model to output logits and targets to be class ids. */
  loss: "meanSquaredError" | "sparseCategoricalCrossentropy" | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar),
): TrainableModel<TensorBatch> {
  const lossFn =
    loss === "meanSquaredError"
      ? (y: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(y, p) as tf.Scalar
      : loss === "sparseCategoricalCrossentropy"
        ? (y: tf.Tensor, logits: tf.Tensor) =>
            tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(tf.reshape(y, [-1]), "int32") as tf.Tensor1D, logits.shape[logits.rank - 1] as number), logits) as tf.Scalar
        : loss;
  return {
    get variables() {
      return model.trainableWeights.map((w) => w.read() as tf.Variable);
    },
    lossAndGradients(batch: TensorBatch) {
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => lossFn(batch.ys, model.apply(batch.xs, { training: true }) as tf.Tensor), vars);
      return { loss: value, grads };
    },
    loss(batch: TensorBatch) {
      return tf.tidy(() => lossFn(batch.ys, model.predict(batch.xs) as tf.Tensor));
    },
  };
}
