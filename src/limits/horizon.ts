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
 * (task seeds derived from the run's seed and k) and the batch order. So a run gives the same
 * numbers wherever it runs, and independent runs can go to worker threads (one per core) with
 * results identical to running them one after another.
 */
import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";
import { checkInteger, checkPositiveInteger } from "../checks";
import { seed as seedGlobal } from "../random";
import { SequenceModel } from "../models/sequenceModel";
import type { SequenceBatch } from "../models/sequenceBatch";
import { ClassificationHead } from "../models/heads";
import type { RecurrentCell } from "../models/recurrentCell";
import { makeCell, type CellSpec } from "../models/cells";
import { Trainer } from "../training/trainer";
import { SequenceData, type BatchSource } from "../training/data";
import { classifierAccuracy } from "./classifierAccuracy";
import { oneHotSequences, recallTask } from "./tasks";

export interface RecallTraining {
  /** Training, validation (for early stopping) and test sequences per run (defaults 512, 256, 512). Defaults: RECALL_TRAINING. */
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  /** Distinct tokens; chance accuracy is 1 / vocabSize (default 4). */
  vocabSize?: number;
  /**
   * Epoch cap (default 40), and early stopping: stop after `patience` epochs (default 10) in which
   * the validation loss did not improve by more than `minDelta` (default 0.001), or as soon as it
   * falls to `targetLoss` (default 0.02: about every validation sequence right and confident).
   */
  maxEpochs?: number;
  patience?: number;
  minDelta?: number;
  targetLoss?: number;
  batchSize?: number;
  learningRate?: number;
  /** Clip gradients to this global norm (default 1). */
  clipNorm?: number;
}

export interface RecallRunOptions extends RecallTraining {
  /** The recurrent cell to train (with a classification head over the vocabulary). */
  model: CellSpec;
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
  /** How the run ended: "solved" (validation loss at targetLoss), "plateau" (patience ran out) or "cap" (maxEpochs). */
  ended: "solved" | "plateau" | "cap";
  /** Training loss per epoch. */
  trainLoss: number[];
  parameters: number;
  seconds: number;
}

/**
 * The training budget of the course's memory-horizon experiments (notebooks 05 and 06 both use
 * it, so their numbers agree): large enough that every run ends by early stopping, solved or
 * with its validation loss no longer improving, rather than at the epoch cap.
 */
export const RECALL_TRAINING: Readonly<Required<RecallTraining>> = Object.freeze({
  trainSize: 512,
  validationSize: 256,
  testSize: 512,
  vocabSize: 4,
  maxEpochs: 40,
  patience: 10,
  minDelta: 0.001,
  targetLoss: 0.02,
  batchSize: 64,
  learningRate: 0.01,
  clipNorm: 1,
});
const DEFAULTS = RECALL_TRAINING;

/**
 * Trains one model on the recall task at one lag until early stopping; returns its accuracies.
 * `inspect`, when given, sees the trained model (best weights restored) before it is disposed.
 */
export async function trainRecall(options: RecallRunOptions, inspect?: (model: SequenceModel<RecurrentCell<unknown>>) => void): Promise<RecallRun> {
  const o = { ...DEFAULTS, ...options };
  const where = "trainRecall";
  checkInteger(o.lag, `${where}: lag`, 0);
  for (const key of ["trainSize", "validationSize", "testSize", "maxEpochs", "patience", "batchSize"] as const) checkPositiveInteger(o[key], `${where}: ${key}`);
  const started = performance.now();
  const data = (count: number, part: number) => {
    const task = recallTask({ count, lag: o.lag, vocabSize: o.vocabSize, seed: 1_000_003 * o.seed + 1009 * o.lag + part });
    return { inputs: oneHotSequences(task.sequences, o.vocabSize), labels: task.labels };
  };
  const train = data(o.trainSize, 1);
  const validation = data(o.validationSize, 2);
  const test = data(o.testSize, 3);
  seedGlobal(o.seed); // the initial weights
  const model: SequenceModel<RecurrentCell<unknown>> = new SequenceModel({
    inputSize: o.vocabSize,
    hiddenSize: o.model.hiddenSize,
    head: (h) => new ClassificationHead(h, o.vocabSize),
    cell: (D) => makeCell(o.model, D),
  });
  const trainer = new Trainer({
    epochs: o.maxEpochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    clipNorm: o.clipNorm,
    earlyStopping: { patience: o.patience, minDelta: o.minDelta, target: o.targetLoss },
    shuffleSeed: o.seed,
    progress: false,
  });
  try {
    const validationData = new SequenceData(model, validation.inputs, validation.labels);
    const wholeValidationSet: BatchSource<SequenceBatch> = {
      // The validation loss in one forward pass per epoch, whatever the training batch size:
      // kernels, not arithmetic, decide the cost at these sizes.
      size: validationData.size,
      batches: () => validationData.batches(validationData.size),
      dispose: (batch) => validationData.dispose(batch),
    };
    const result = await trainer.fit(model, new SequenceData(model, train.inputs, train.labels), wholeValidationSet);
    inspect?.(model);
    return {
      lag: o.lag,
      seed: o.seed,
      trainAccuracy: classifierAccuracy(model, train.inputs, train.labels),
      validationAccuracy: classifierAccuracy(model, validation.inputs, validation.labels),
      testAccuracy: classifierAccuracy(model, test.inputs, test.labels),
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      ended: result.reachedTarget ? "solved" : result.stoppedEarly ? "plateau" : "cap",
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

/** A model of the experiment: a name for tables and charts, and the cell it trains. */
export interface HorizonModel extends CellSpec {
  name: string;
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
  /**
   * Worker threads to spread the independent (model, seed) runs over (default 1: everything in
   * this thread). Each run gives the same numbers in any thread; a worker costs a second or two
   * to start (it loads its own tfjs).
   */
  workers?: number;
  /** Called after every run, in the order runs finish (for a progress display). */
  onRun?: (run: HorizonRun, done: number, total: number) => void;
}

export interface HorizonRun extends RecallRun {
  model: string;
  atChance: boolean;
}

/**
 * A worker running horizonWorker: the compiled script (dist/), or, when this module itself runs
 * from TypeScript source under tsx (the tests), the source loaded through tsx's require hook.
 */
function startWorker(): Worker {
  const compiled = path.join(__dirname, "horizonWorker.js");
  if (fs.existsSync(compiled)) return new Worker(compiled);
  const source = path.join(__dirname, "horizonWorker.ts");
  return new Worker(`require("tsx/cjs"); require(${JSON.stringify(source)});`, { eval: true });
}

/** Runs trainRecall in worker threads: `run(options)` resolves with the worker's result. */
class RecallPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    return worker ? Promise.resolve(worker) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  async run(options: RecallRunOptions): Promise<RecallRun> {
    const worker = await this.acquire();
    const id = this.nextId++;
    try {
      return await new Promise<RecallRun>((resolve, reject) => {
        const onMessage = (message: { id: number; run?: RecallRun; error?: string }) => {
          if (message.id !== id) return;
          cleanup();
          if (message.error !== undefined) reject(new Error(`trainRecall in a worker thread: ${message.error}`));
          else resolve(message.run as RecallRun);
        };
        const onError = (error: Error) => {
          cleanup();
          reject(error);
        };
        const cleanup = () => {
          worker.off("message", onMessage);
          worker.off("error", onError);
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.postMessage({ id, options });
      });
    } finally {
      this.release(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Runs trainRecall for every model, lag and seed; returns the runs ordered by model, seed and lag. */
export async function memoryHorizon(options: HorizonOptions): Promise<HorizonRun[]> {
  const o = { ...DEFAULTS, ...options };
  const where = "memoryHorizon";
  if (o.lags.length === 0 || o.lags.some((k, i) => i > 0 && k <= o.lags[i - 1])) throw new Error(`${where}: lags must be a non-empty increasing list, got [${o.lags.join(", ")}]`);
  if (o.seeds.length === 0 || o.models.length === 0) throw new Error(`${where}: need at least one model and one seed`);
  const workers = checkPositiveInteger(options.workers ?? 1, `${where}: workers`);
  const threshold = chanceThreshold(o.vocabSize, o.testSize);
  const total = o.models.length * o.seeds.length * o.lags.length;
  const training: RecallTraining = {};
  for (const key of Object.keys(DEFAULTS) as (keyof RecallTraining)[]) training[key] = o[key];
  const pool = workers > 1 ? new RecallPool(workers) : null;
  const runs: HorizonRun[] = [];
  let done = 0;
  // One chain per (model, seed): its lags in increasing order, stopping after the first at chance.
  const chain = async (m: HorizonModel, s: number) => {
    let reachedChance = false;
    for (const lag of o.lags) {
      if (reachedChance && options.skipAfterChance !== false) continue; // already counted as done
      const { name, ...spec } = m;
      const runOptions: RecallRunOptions = { ...training, model: spec, lag, seed: s };
      const run = pool ? await pool.run(runOptions) : await trainRecall(runOptions);
      const result: HorizonRun = { ...run, model: name, atChance: run.testAccuracy < threshold };
      reachedChance ||= result.atChance;
      runs.push(result);
      done++;
      if (result.atChance && options.skipAfterChance !== false) done += o.lags.length - 1 - o.lags.indexOf(lag); // the lags this chain now skips
      options.onRun?.(result, done, total);
      await new Promise((resolve) => setImmediate(resolve)); // let a progress display flush
    }
  };
  try {
    const chains = o.models.flatMap((m) => o.seeds.map((s) => ({ kind: m.kind, start: () => chain(m, s) })));
    if (pool) {
      // Gated cells first: they cost about three times as much per step, so starting them early
      // keeps both threads busy to the end (the runs themselves do not depend on the order).
      chains.sort((a, b) => Number(a.kind === "rnn") - Number(b.kind === "rnn"));
      let next = 0;
      await Promise.all(Array.from({ length: workers }, async () => {
        while (next < chains.length) await chains[next++].start();
      }));
    } else {
      for (const c of chains) await c.start();
    }
  } finally {
    await pool?.close();
  }
  const modelOrder = o.models.map((m) => m.name);
  return runs.sort((a, b) => modelOrder.indexOf(a.model) - modelOrder.indexOf(b.model) || o.seeds.indexOf(a.seed) - o.seeds.indexOf(b.seed) || a.lag - b.lag);
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
  /** How this model's runs ended: solved, stopped on a plateau of the validation loss, or at the epoch cap. */
  solved: number;
  plateau: number;
  cap: number;
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
      solved: mine.filter((r) => r.ended === "solved").length,
      plateau: mine.filter((r) => r.ended === "plateau").length,
      cap: mine.filter((r) => r.ended === "cap").length,
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
