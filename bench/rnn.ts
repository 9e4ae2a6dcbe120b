/**
 * RNN training speed: ms per epoch for RNNScratch (autodiff), RNNScratch (hand-written BPTT) and
 * tf.layers.simpleRNN on the same data, at several sizes, on each available backend, plus a
 * masked variable-length case. N = 1024 sequences of 8 features, batch 64, Adam, one-step
 * regression from the final state (MSE).
 *
 * Warm-up epochs are run first and excluded. Where an epoch is slow (large sizes, the `cpu`
 * backend) the timing uses the first `batches` batches of each epoch and scales to the full 16
 * batches; the output says so.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerMissingWasmKernels } from "../src/wasmKernels";
import { seed, createRng } from "../src/random";
import { SequenceModel } from "../src/models/sequenceModel";
import { RegressionHead } from "../src/models/heads";
import { Trainer } from "../src/training/trainer";
import { SequenceData } from "../src/training/data";

export const N = 1024;
export const FEATURES = 8;
export const BATCH = 64;
export const BATCHES_PER_EPOCH = N / BATCH;

export interface Case {
  steps: number;
  hidden: number;
  masked: boolean;
}

interface Plan {
  warmup: number;
  epochs: number;
  /** Batches timed per epoch (the rest of the epoch is skipped and the time scaled). */
  batches: number;
}

/** Warm-up and measured epochs per backend and size, chosen to keep the whole run near 5 minutes. */
function planFor(backend: string, c: Case): Plan {
  const work = c.steps * c.hidden * (c.hidden + FEATURES);
  if (backend === "wasm") {
    if (work < 100_000) return { warmup: 4, epochs: 3, batches: BATCHES_PER_EPOCH };
    if (work < 1_000_000) return { warmup: 3, epochs: 2, batches: BATCHES_PER_EPOCH };
    return { warmup: 1, epochs: 1, batches: 4 };
  }
  if (work < 100_000) return { warmup: 1, epochs: 2, batches: BATCHES_PER_EPOCH };
  if (work < 1_000_000) return { warmup: 1, epochs: 1, batches: 4 };
  return { warmup: 1, epochs: 1, batches: 2 };
}

export interface Data {
  sequences: number[][][];
  targets: number[];
  lengths: number[];
}

/** Random sequences; the target is the mean of feature 0 over the real steps. */
export function makeData(c: Case): Data {
  const rng = createRng(c.steps * 1000 + c.hidden);
  const lengths = Array.from({ length: N }, () => (c.masked ? 10 + Math.floor(rng() * (c.steps - 9)) : c.steps));
  const sequences = lengths.map((len) => Array.from({ length: len }, () => Array.from({ length: FEATURES }, () => rng() * 2 - 1)));
  const targets = sequences.map((s) => s.reduce((acc, e) => acc + e[0], 0) / s.length);
  return { sequences, targets, lengths };
}

/** A view of the data limited to the first `batches` batches of an epoch. */
function firstBatches(data: SequenceData, batches: number): SequenceData {
  const limited = Object.create(data) as SequenceData;
  limited.batches = function* (batchSize, rng) {
    let i = 0;
    for (const item of data.batches(batchSize, rng)) {
      if (i++ >= batches) {
        data.dispose(item.batch);
        break;
      }
      yield item;
    }
  };
  return limited;
}

interface Timing {
  msPerEpoch: number;
  tensorsAfterWarmup: number;
  tensorsAfter: number;
}

async function timeScratch(method: "hand" | "autodiff", c: Case, data: Data, plan: Plan): Promise<Timing> {
  seed(1);
  const model = new SequenceModel({ inputSize: FEATURES, hiddenSize: c.hidden, head: (h) => new RegressionHead(h) });
  const trainer = new Trainer({ epochs: 1, batchSize: BATCH, learningRate: 0.001, gradient: { method }, progress: false });
  const source = firstBatches(new SequenceData(model, data.sequences, data.targets), plan.batches);
  for (let e = 0; e < plan.warmup; e++) await trainer.fit(model, source);
  const tensorsAfterWarmup = tf.memory().numTensors;
  let ms = 0;
  for (let e = 0; e < plan.epochs; e++) {
    const { history } = await trainer.fit(model, source);
    ms += history[0].ms;
  }
  const tensorsAfter = tf.memory().numTensors;
  model.dispose();
  trainer.optimizer.dispose();
  return { msPerEpoch: ((ms / plan.epochs) * BATCHES_PER_EPOCH) / plan.batches, tensorsAfterWarmup, tensorsAfter };
}

async function timeSimpleRNN(c: Case, data: Data, plan: Plan): Promise<Timing> {
  seed(1);
  const count = plan.batches * BATCH;
  const padded = new Float32Array(count * c.steps * FEATURES); // zeros = padding, masked out by the Masking layer
  for (let i = 0; i < count; i++) {
    data.sequences[i].forEach((event, t) => padded.set(event, (i * c.steps + t) * FEATURES));
  }
  const xs = tf.tensor3d(padded, [count, c.steps, FEATURES]);
  const ys = tf.tensor2d(data.targets.slice(0, count), [count, 1]);
  const layers: tf.layers.Layer[] = [];
  if (c.masked) layers.push(tf.layers.masking({ maskValue: 0, inputShape: [c.steps, FEATURES] }));
  layers.push(tf.layers.simpleRNN({ units: c.hidden, ...(c.masked ? {} : { inputShape: [c.steps, FEATURES] }) }));
  layers.push(tf.layers.dense({ units: 1 }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(0.001), loss: "meanSquaredError" });
  for (let e = 0; e < plan.warmup; e++) await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const tensorsAfterWarmup = tf.memory().numTensors;
  let ms = 0;
  for (let e = 0; e < plan.epochs; e++) {
    const started = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
    ms += performance.now() - started;
  }
  const tensorsAfter = tf.memory().numTensors;
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose(); // model.dispose() leaves the compiled optimizer's slots
  tf.dispose([xs, ys]);
  return { msPerEpoch: ((ms / plan.epochs) * BATCHES_PER_EPOCH) / plan.batches, tensorsAfterWarmup, tensorsAfter };
}

export async function useBackend(name: string): Promise<boolean> {
  if (name === "wasm") registerMissingWasmKernels();
  if (name === "cpu") tf.enableProdMode();
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

export interface RnnBenchRow {
  backend: string;
  size: string;
  autodiff: number;
  hand: number;
  simpleRNN: number;
}

/** Runs the RNN benchmark and prints one table; returns the rows. */
export async function runRnnBench(backends = (process.env.SEQLAB_BENCH_BACKENDS ?? "wasm,cpu").split(",")): Promise<RnnBenchRow[]> {
  const cases: Case[] = [
    { steps: 30, hidden: 32, masked: false },
    { steps: 100, hidden: 64, masked: false },
    { steps: 50, hidden: 256, masked: false },
    { steps: 100, hidden: 64, masked: true },
  ];
  const rows: RnnBenchRow[] = [];
  console.log(`RNN training, ms per epoch (N=${N} sequences x ${FEATURES} features, batch ${BATCH}, Adam, regression from the final state)`);
  for (const backend of backends) {
    if (!(await useBackend(backend))) {
      console.log(`backend ${backend}: not available, skipped`);
      continue;
    }
    for (const c of cases) {
      const plan = planFor(backend, c);
      const data = makeData(c);
      const size = `T=${c.steps},H=${c.hidden}${c.masked ? " masked (lengths 10..T)" : ""}`;
      const autodiff = await timeScratch("autodiff", c, data, plan);
      const hand = await timeScratch("hand", c, data, plan);
      const keras = await timeSimpleRNN(c, data, plan);
      const row = { backend, size, autodiff: autodiff.msPerEpoch, hand: hand.msPerEpoch, simpleRNN: keras.msPerEpoch };
      rows.push(row);
      const scaled = plan.batches < BATCHES_PER_EPOCH ? `, timed on ${plan.batches}/${BATCHES_PER_EPOCH} batches and scaled` : "";
      const tensors = [autodiff, hand, keras].map((t) => `${t.tensorsAfterWarmup}->${t.tensorsAfter}`).join(" ");
      console.log(
        `${backend.padEnd(5)} ${size.padEnd(34)} autodiff ${autodiff.msPerEpoch.toFixed(0).padStart(6)}  hand ${hand.msPerEpoch.toFixed(0).padStart(6)}  ` +
          `simpleRNN ${keras.msPerEpoch.toFixed(0).padStart(6)}  hand/simpleRNN ${(hand.msPerEpoch / keras.msPerEpoch).toFixed(2)}  ` +
          `autodiff/simpleRNN ${(autodiff.msPerEpoch / keras.msPerEpoch).toFixed(2)}  ` +
          `[${plan.warmup} warm-up + ${plan.epochs} timed epochs${scaled}; numTensors after warm-up->after: ${tensors}]`,
      );
    }
  }
  console.log("\nAs a markdown table (ms per epoch):\n");
  console.log("| backend | size | RNNScratch autodiff | RNNScratch hand BPTT | tf.layers.simpleRNN | hand / simpleRNN | autodiff / simpleRNN |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.backend} | ${r.size} | ${r.autodiff.toFixed(0)} | ${r.hand.toFixed(0)} | ${r.simpleRNN.toFixed(0)} | ${(r.hand / r.simpleRNN).toFixed(2)} | ${(r.autodiff / r.simpleRNN).toFixed(2)} |`);
  }
  const worst = rows.length ? Math.max(...rows.map((r) => r.hand / r.simpleRNN)) : Number.NaN;
  console.log(`target hand/simpleRNN <= 0.5 at every size and backend: worst ${worst.toFixed(2)} -> ${worst <= 0.5 ? "met" : "NOT met"}`);
  return rows;
}

if (require.main === module) {
  runRnnBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
