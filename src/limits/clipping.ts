/**
 * Gradient clipping on the recall task (notebook 05): an RNNScratch whose W_hh starts at a chosen
 * spectral radius ρ is trained with plain SGD, with or without clipping by global norm, and the
 * epochs it managed are kept even when the loss blows up.
 *
 * Why one Trainer per epoch: a run without clipping can turn NaN part-way; the Trainer throws on a
 * NaN loss (its default), and training epoch by epoch keeps the records of the epochs before. Each
 * epoch's Trainer shuffles with its own seed (the epoch number), which is what fixes the batch
 * order: one Trainer for all epochs would shuffle differently and give other numbers.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInteger, checkPositiveInteger } from "../checks";
import { seed as seedGlobal } from "../random";
import { SequenceModel } from "../models/sequenceModel";
import { ClassificationHead } from "../models/heads";
import { Trainer, type EpochRecord } from "../training/trainer";
import { SequenceData } from "../training/data";
import { classifierAccuracy } from "./classifierAccuracy";
import { scaleToSpectralRadius } from "./spectral";
import { oneHotSequences, recallTask } from "./tasks";

export interface ClippingRunOptions {
  /** ρ(W_hh) the recurrent weights start at (W_hh is drawn, then rescaled). */
  radius: number;
  /** k of the recall task: the label is the token k steps before the last; sequences have k + 1 steps. */
  lag: number;
  /** Clip gradients to this global norm; Infinity records norms without clipping. */
  clipNorm: number;
  /** Number of distinct tokens (inputs are one-hot [k + 1][symbols]; default 4). */
  symbols?: number;
  /** H (default 32). */
  hiddenSize?: number;
  /** Default 8. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** SGD's learning rate (default 0.5). */
  learningRate?: number;
  /** Training and test examples each (default 256). */
  count?: number;
  /** Seed of the initial weights (`seed`, default 7): the same for a clipped and an unclipped run. */
  weightSeed?: number;
  /** Seeds of the training and the test sequences (default 11 and 12). */
  trainSeed?: number;
  testSeed?: number;
}

export interface ClippingRun {
  /** One record per epoch completed (its `epoch` counts from 1). */
  history: EpochRecord[];
  /** Test accuracy after training; NaN if training failed. */
  accuracy: number;
  /** The first clause of the error that stopped training (a NaN loss), if one did. */
  failure?: string;
}

/** Trains one model on the recall task as described above and reports its epochs and test accuracy. */
export async function clippingRun(options: ClippingRunOptions): Promise<ClippingRun> {
  const o = { symbols: 4, hiddenSize: 32, epochs: 8, batchSize: 32, learningRate: 0.5, count: 256, weightSeed: 7, trainSeed: 11, testSeed: 12, ...options };
  const where = "clippingRun";
  if (!(Number.isFinite(o.radius) && o.radius > 0)) throw new Error(`${where}: radius must be a positive finite number, got ${o.radius}`);
  if (!(o.clipNorm > 0)) throw new Error(`${where}: clipNorm must be positive (Infinity for no clipping), got ${o.clipNorm}`);
  checkInteger(o.lag, `${where}: lag`, 0);
  for (const key of ["symbols", "hiddenSize", "epochs", "batchSize", "count"] as const) checkPositiveInteger(o[key], `${where}: ${key}`);
  seedGlobal(o.weightSeed);
  const data = (dataSeed: number) => {
    const task = recallTask({ count: o.count, lag: o.lag, vocabSize: o.symbols, seed: dataSeed });
    return { inputs: oneHotSequences(task.sequences, o.symbols), labels: task.labels }; // inputs [N][k+1][symbols]
  };
  const train = data(o.trainSeed);
  const test = data(o.testSeed);
  const model = new SequenceModel({ inputSize: o.symbols, hiddenSize: o.hiddenSize, head: (h) => new ClassificationHead(h, o.symbols) });
  const weights = model.rnn.getWeights();
  model.rnn.setWeights({ ...weights, W_hh: scaleToSpectralRadius(weights.W_hh, o.radius) });
  const optimizer = tf.train.sgd(o.learningRate);
  const history: EpochRecord[] = [];
  let failure: string | undefined;
  try {
    const trainData = new SequenceData(model, train.inputs, train.labels);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const trainer = new Trainer({ epochs: 1, batchSize: o.batchSize, optimizer, clipNorm: o.clipNorm, progress: false, shuffleSeed: epoch });
      history.push({ ...(await trainer.fit(model, trainData)).history[0], epoch });
    }
  } catch (error) {
    failure = (error as Error).message.split(";")[0];
  }
  try {
    return { history, accuracy: failure ? Number.NaN : classifierAccuracy(model, test.inputs, test.labels), failure };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** A row of clippingRows. */
export type ClippingRow = {
  run: string;
  /** NaN when the run completed no epoch (so too the two losses). */
  "gradient norm, epoch 1": number;
  "loss, epoch 1": number;
  "loss, last epoch": number;
  "test accuracy": number;
  /** The error that stopped training, or "". */
  failure: string;
}

/**
 * The table of notebook 05's clipping runs: per run, its name, the first epoch's gradient norm
 * and loss, the last epoch's loss, the test accuracy and why it stopped, if it did.
 * @param names one per run, in the same order.
 */
export function clippingRows(names: readonly string[], runs: readonly ClippingRun[]): ClippingRow[] {
  if (names.length !== runs.length) throw new Error(`clippingRows: need one name per run, got ${names.length} names for ${runs.length} runs`);
  return runs.map((r, i) => ({
    run: names[i],
    "gradient norm, epoch 1": r.history[0]?.gradNorm ?? Number.NaN,
    "loss, epoch 1": r.history[0]?.train ?? Number.NaN,
    "loss, last epoch": r.history.at(-1)?.train ?? Number.NaN,
    "test accuracy": r.accuracy,
    failure: r.failure ?? "",
  }));
}
