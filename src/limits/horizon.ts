/**
 * The memory-horizon experiment: how far back can a recurrent model recall a token?
 *
 * For each model, each lag k and each seed: train on the recall task ("which token came k steps
 * before the last one?", recallTask) until the validation loss stops improving (early stopping,
 * best weights restored), then measure accuracy on fresh test sequences. A model is "at chance"
 * at k when its test accuracy is below chance + 2 standard errors of a coin-flip estimate on the
 * test set; its horizon for one seed is the first k at which it is at chance.
 *
 * Everything is seeded: the weights (the global seed, set at the start of each run), the data
 * (task seeds derived from the run's seed and k) and the batch order.
 */
import { checkInteger, checkPositiveInteger } from "../checks";
import { seed as seedGlobal } from "../random";
import { SequenceModel } from "../models/sequenceModel";
import { ClassificationHead } from "../models/heads";
import type { RecurrentCell } from "../models/recurrentCell";
import { Trainer } from "../training/trainer";
import { SequenceData } from "../training/data";
import { accuracy, oneHotSequences, recallTask } from "./tasks";

/** Builds a cell from (inputSize, hiddenSize); e.g. `(D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H })`. */
export type CellFactory = (inputSize: number, hiddenSize: number) => RecurrentCell<any>;

export interface RecallTraining {
  /** Training, validation (for early stopping) and test sequences per run (defaults 512, 256, 512). */
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  /** Distinct tokens; chance accuracy is 1 / vocabSize (default 4). */
  vocabSize?: number;
  /** Epoch cap (default 60) and early-stopping patience on the validation loss (default 6). */
  maxEpochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  /** Clip gradients to this global norm (default 1). */
  clipNorm?: number;
}

export interface RecallRunOptions extends RecallTraining {
  cell: CellFactory;
  hiddenSize: number;
  /** k: the token to recall came k steps before the last one (sequence length k + 1). */
  lag: number;
  seed: number;
}

export interface RecallRun {
  lag: number;
  seed: number;
  trainAccuracy: number;
  validationAccuracy: number;
  testAccuracy: number;
  /** Epochs run, and the epoch whose weights were kept (lowest validation loss). */
  epochs: number;
  bestEpoch: number;
  /** True when early stopping ended the run (the validation loss had stopped improving), false when the epoch cap did. */
  stoppedEarly: boolean;
  /** Training loss per epoch. */
  trainLoss: number[];
  parameters: number;
  seconds: number;
}

const DEFAULTS: Required<RecallTraining> = {
  trainSize: 512,
  validationSize: 256,
  testSize: 512,
  vocabSize: 4,
  maxEpochs: 60,
  patience: 6,
  batchSize: 64,
  learningRate: 0.01,
  clipNorm: 1,
};

/** Accuracy of a classifier SequenceModel on one-hot sequences. */
export function classifierAccuracy(model: SequenceModel<RecurrentCell<unknown>>, inputs: number[][][], labels: number[]): number {
  const predicted = model.predictBatched(inputs, { batchSize: 256 }).map((p) => p.indexOf(Math.max(...p)));
  return accuracy(predicted, labels);
}

/** Trains one model on the recall task at one lag until early stopping; returns its accuracies. */
export async function trainRecall(options: RecallRunOptions): Promise<RecallRun> {
  const o = { ...DEFAULTS, ...options };
  const where = "trainRecall";
  checkInteger(o.lag, `${where}: lag`, 0);
  for (const key of ["trainSize", "validationSize", "testSize", "maxEpochs", "patience", "batchSize", "hiddenSize"] as const) checkPositiveInteger(o[key], `${where}: ${key}`);
  const started = performance.now();
  const data = (count: number, part: number) => {
    const task = recallTask({ count, lag: o.lag, vocabSize: o.vocabSize, seed: 1_000_003 * o.seed + 1009 * o.lag + part });
    return { inputs: oneHotSequences(task.sequences, o.vocabSize), labels: task.labels };
  };
  const train = data(o.trainSize, 1);
  const validation = data(o.validationSize, 2);
  const test = data(o.testSize, 3);
  seedGlobal(o.seed); // the initial weights
  const model = new SequenceModel({ inputSize: o.vocabSize, hiddenSize: o.hiddenSize, head: (h) => new ClassificationHead(h, o.vocabSize), cell: o.cell });
  const trainer = new Trainer({
    epochs: o.maxEpochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    clipNorm: o.clipNorm,
    earlyStopping: { patience: o.patience },
    shuffleSeed: o.seed,
    progress: false,
  });
  try {
    const result = await trainer.fit(model, new SequenceData(model, train.inputs, train.labels), new SequenceData(model, validation.inputs, validation.labels));
    return {
      lag: o.lag,
      seed: o.seed,
      trainAccuracy: classifierAccuracy(model, train.inputs, train.labels),
      validationAccuracy: classifierAccuracy(model, validation.inputs, validation.labels),
      testAccuracy: classifierAccuracy(model, test.inputs, test.labels),
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      trainLoss: result.history.map((r) => r.train),
      parameters: model.variables.reduce((n, v) => n + v.size, 0),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
    trainer.optimizer.dispose();
  }
}

/** Accuracy below which a model counts as at chance: 1/V + 2 standard errors of a coin flip on `testSize` examples. */
export function chanceThreshold(vocabSize: number, testSize: number): number {
  const p = 1 / vocabSize;
  return p + 2 * Math.sqrt((p * (1 - p)) / testSize);
}

export interface HorizonModel {
  name: string;
  cell: CellFactory;
  hiddenSize: number;
}

export interface HorizonOptions extends RecallTraining {
  models: HorizonModel[];
  /** Increasing lags k. */
  lags: number[];
  seeds: number[];
  /**
   * Once a (model, seed) is at chance at some k, skip its longer lags (default true): its
   * horizon is already known, and the longest lags are the most expensive to train.
   */
  skipAfterChance?: boolean;
  /** Called after every run (for a progress display). */
  onRun?: (run: HorizonRun, done: number, total: number) => void;
}

export interface HorizonRun extends RecallRun {
  model: string;
  atChance: boolean;
}

/** Runs trainRecall for every model, lag and seed (lags in increasing order). */
export async function memoryHorizon(options: HorizonOptions): Promise<HorizonRun[]> {
  const o = { ...DEFAULTS, ...options };
  if (o.lags.some((k, i) => i > 0 && k <= o.lags[i - 1])) throw new Error(`memoryHorizon: lags must increase, got [${o.lags.join(", ")}]`);
  if (o.seeds.length === 0 || o.models.length === 0) throw new Error("memoryHorizon: need at least one model and one seed");
  const threshold = chanceThreshold(o.vocabSize, o.testSize);
  const total = o.models.length * o.seeds.length * o.lags.length;
  const runs: HorizonRun[] = [];
  let done = 0;
  for (const m of o.models) {
    for (const s of o.seeds) {
      let reachedChance = false;
      for (const lag of o.lags) {
        done++;
        if (reachedChance && options.skipAfterChance !== false) continue;
        const run = await trainRecall({ ...o, cell: m.cell, hiddenSize: m.hiddenSize, lag, seed: s });
        const result: HorizonRun = { ...run, model: m.name, atChance: run.testAccuracy < threshold };
        reachedChance ||= result.atChance;
        runs.push(result);
        options.onRun?.(result, done, total);
        await new Promise((resolve) => setImmediate(resolve)); // let a progress display flush
      }
    }
  }
  return runs;
}

export interface HorizonSummary {
  model: string;
  /** Per seed, the first k at chance, or null if the model stayed above chance at every lag run. */
  horizons: (number | null)[];
  /** Mean, min and max of the horizons over seeds (null when some seed never fell to chance). */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** The longest lag run (horizons of null mean "beyond this"). */
  longestLag: number;
  /** Runs that ended by early stopping, out of all runs of this model. */
  stoppedEarly: number;
  runs: number;
}

/** Per model: the lag at which each seed fell to chance, and their mean and range. */
export function summarizeHorizon(runs: readonly HorizonRun[]): HorizonSummary[] {
  const models = [...new Set(runs.map((r) => r.model))];
  return models.map((model) => {
    const mine = runs.filter((r) => r.model === model);
    const seeds = [...new Set(mine.map((r) => r.seed))];
    const horizons = seeds.map((s) => {
      const first = mine.filter((r) => r.seed === s).sort((a, b) => a.lag - b.lag).find((r) => r.atChance);
      return first ? first.lag : null;
    });
    const known = horizons.every((h) => h !== null) ? (horizons as number[]) : null;
    return {
      model,
      horizons,
      mean: known ? known.reduce((a, b) => a + b, 0) / known.length : null,
      min: known ? Math.min(...known) : null,
      max: known ? Math.max(...known) : null,
      longestLag: Math.max(...mine.map((r) => r.lag)),
      stoppedEarly: mine.filter((r) => r.stoppedEarly).length,
      runs: mine.length,
    };
  });
}

/** Per model and lag: mean, min and max test accuracy over the seeds that were run there. */
export function accuracyByLag(runs: readonly HorizonRun[]): { model: string; k: number; mean: number; min: number; max: number; seeds: number }[] {
  const keys = [...new Set(runs.map((r) => `${r.model}\u0000${r.lag}`))];
  return keys.map((key) => {
    const [model, lag] = key.split("\u0000");
    const accs = runs.filter((r) => r.model === model && r.lag === Number(lag)).map((r) => r.testAccuracy);
    return { model, k: Number(lag), mean: accs.reduce((a, b) => a + b, 0) / accs.length, min: Math.min(...accs), max: Math.max(...accs), seeds: accs.length };
  });
}
