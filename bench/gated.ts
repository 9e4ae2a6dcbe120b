/**
 * Gated-cell training speed: ms per epoch for LSTMScratch and GRUScratch trained with their
 * hand-written BPTT, against tf.layers.lstm and tf.layers.gru (configured with sigmoid gates, as
 * our cells), on the same data, in the same run, on the same backend (wasm by default;
 * SEQLAB_BENCH_BACKENDS=wasm,cpu for more). N = 1024 sequences of 8 features, batch 64, Adam,
 * one-step regression from the final state (MSE), as bench/rnn.ts.
 *
 * Target (issue 10): a hand-BPTT LSTM epoch at T=50, H=64 takes ≤ 0.3× tf.layers.lstm's.
 * Only this part: `npm run bench -- gated`. SEQLAB_BENCH_EPOCHS sets the timed epochs per model
 * (default 4); SEQLAB_BENCH_AUTODIFF=1 also times LSTMScratch trained through tfjs autodiff.
 *
 * On a shared machine the speed drifts while a benchmark runs, so the models being compared are
 * timed in alternation, epoch by epoch (after warm-up epochs for each), and each one's median
 * epoch is reported: a slow minute then hits both sides of a ratio alike.
 */
import * as tf from "@tensorflow/tfjs";
import { BATCH, Case, Data, FEATURES, N, makeData, useBackend } from "./rnn";
import { seed } from "../src/random";
import { SequenceModel } from "../src/models/sequenceModel";
import { RegressionHead } from "../src/models/heads";
import { Trainer } from "../src/training/trainer";
import { SequenceData } from "../src/training/data";
import { LSTMScratch } from "../src/models/lstmScratch";
import { GRUScratch } from "../src/models/gruScratch";
import type { RecurrentCell } from "../src/models/recurrentCell";

const TARGET = 0.3;
const WARMUP = 3;
const TIMED = Number(process.env.SEQLAB_BENCH_EPOCHS ?? 4);

/** One model, ready to train one more epoch at a time. */
interface EpochRunner {
  /** Trains one epoch; returns its ms. */
  epoch(): Promise<number>;
  dispose(): void;
}

/** A SequenceModel with the given cell, trained by the Trainer with `method` (hand BPTT by default). */
function scratchRunner(data: Data, hidden: number, cell: (D: number, H: number) => RecurrentCell<unknown>, method: "hand" | "autodiff" = "hand"): EpochRunner {
  seed(1);
  const model = new SequenceModel({ inputSize: FEATURES, hiddenSize: hidden, head: (h) => new RegressionHead(h), cell });
  const trainer = new Trainer({ epochs: 1, batchSize: BATCH, learningRate: 0.001, gradient: { method }, progress: false });
  const source = new SequenceData(model, data.sequences, data.targets);
  return {
    epoch: async () => (await trainer.fit(model, source)).history[0].ms,
    dispose: () => {
      model.dispose();
      trainer.optimizer.dispose();
    },
  };
}

/** A tf.layers model (masking when the case is masked, the recurrent layer, dense), trained by model.fit. */
function layersRunner(c: Case, data: Data, layer: (units: number, inputShape?: number[]) => tf.layers.Layer): EpochRunner {
  seed(1);
  const count = data.sequences.length;
  const padded = new Float32Array(count * c.steps * FEATURES); // zeros = padding, masked out by the Masking layer
  data.sequences.forEach((sequence, i) => sequence.forEach((event, t) => padded.set(event, (i * c.steps + t) * FEATURES)));
  const xs = tf.tensor3d(padded, [count, c.steps, FEATURES]);
  const ys = tf.tensor2d(data.targets, [count, 1]);
  const layers: tf.layers.Layer[] = [];
  if (c.masked) layers.push(tf.layers.masking({ maskValue: 0, inputShape: [c.steps, FEATURES] }));
  layers.push(layer(c.hidden, c.masked ? undefined : [c.steps, FEATURES]));
  layers.push(tf.layers.dense({ units: 1 }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(0.001), loss: "meanSquaredError" });
  return {
    epoch: async () => {
      const started = performance.now();
      await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
      return performance.now() - started;
    },
    dispose: () => {
      const optimizer = model.optimizer;
      model.dispose();
      optimizer.dispose(); // model.dispose() leaves the compiled optimizer's slots
      tf.dispose([xs, ys]);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Warms every runner up, then times them in alternation (the order rotating each round); returns each one's median epoch ms. */
async function interleaved(runners: Record<string, EpochRunner>): Promise<{ ms: Record<string, number>; tensorsGrew: number }> {
  const names = Object.keys(runners);
  for (const name of names) for (let e = 0; e < WARMUP; e++) await runners[name].epoch();
  const tensorsBefore = tf.memory().numTensors;
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < TIMED; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      times[name].push(await runners[name].epoch());
    }
  }
  const tensorsGrew = tf.memory().numTensors - tensorsBefore;
  return { ms: Object.fromEntries(names.map((n) => [n, median(times[n])])), tensorsGrew };
}

interface Row {
  backend: string;
  size: string;
  cell: string;
  hand: number;
  layers: number;
  /** Also timed: autodiff through the same cell (the LSTM at the target size only). */
  autodiff?: number;
}

export async function runGatedBench(backends = (process.env.SEQLAB_BENCH_BACKENDS ?? "wasm").split(",")): Promise<Row[]> {
  const cases: Case[] = [
    { steps: 50, hidden: 64, masked: false },
    { steps: 50, hidden: 64, masked: true },
  ];
  const rows: Row[] = [];
  console.log(`Gated cells: training ms per epoch (N=${N} x ${FEATURES} features, batch ${BATCH}, Adam, regression from the final state); ` +
    `${WARMUP} warm-up epochs each, then ${TIMED} timed epochs each in alternation, median reported`);
  for (const backend of backends) {
    if (!(await useBackend(backend))) {
      console.log(`backend ${backend}: not available, skipped`);
      continue;
    }
    for (const c of cases) {
      const data = makeData(c);
      const size = `T=${c.steps},H=${c.hidden}${c.masked ? " masked (lengths 10..T)" : ""}`;
      const lstm = (D: number, H: number) => new LSTMScratch({ inputSize: D, hiddenSize: H });
      const gruBefore = (D: number, H: number) => new GRUScratch({ inputSize: D, hiddenSize: H });
      const gruAfter = (D: number, H: number) => new GRUScratch({ inputSize: D, hiddenSize: H, resetAfter: true });
      const runners: Record<string, EpochRunner> = {
        "LSTM hand": scratchRunner(data, c.hidden, lstm),
        "tf.layers.lstm": layersRunner(c, data, (units, inputShape) => tf.layers.lstm({ units, recurrentActivation: "sigmoid", ...(inputShape ? { inputShape } : {}) })),
        "GRU (reset before) hand": scratchRunner(data, c.hidden, gruBefore),
        "GRU (reset after) hand": scratchRunner(data, c.hidden, gruAfter),
        "tf.layers.gru": layersRunner(c, data, (units, inputShape) => tf.layers.gru({ units, recurrentActivation: "sigmoid", ...(inputShape ? { inputShape } : {}) })),
      };
      // LSTMScratch through tfjs autodiff instead of its hand BPTT: about as slow as tf.layers, so only on request.
      if (!c.masked && process.env.SEQLAB_BENCH_AUTODIFF) runners["LSTM autodiff"] = scratchRunner(data, c.hidden, lstm, "autodiff");
      const { ms, tensorsGrew } = await interleaved(runners);
      Object.values(runners).forEach((r) => r.dispose());
      const add = (cell: string, hand: number, layers: number, autodiff?: number) => rows.push({ backend, size, cell, hand, layers, autodiff });
      add("LSTM", ms["LSTM hand"], ms["tf.layers.lstm"], ms["LSTM autodiff"]);
      add("GRU (reset before)", ms["GRU (reset before) hand"], ms["tf.layers.gru"]);
      add("GRU (reset after)", ms["GRU (reset after) hand"], ms["tf.layers.gru"]); // tf.layers.gru has no reset-after variant
      for (const r of rows.filter((row) => row.size === size && row.backend === backend)) {
        const layerName = r.cell === "LSTM" ? "tf.layers.lstm" : "tf.layers.gru";
        console.log(
          `${backend.padEnd(5)} ${size.padEnd(30)} ${r.cell.padEnd(19)} hand ${r.hand.toFixed(0).padStart(6)}  ${layerName} ${r.layers.toFixed(0).padStart(6)}  ` +
            `ratio ${(r.hand / r.layers).toFixed(2)}${r.autodiff === undefined ? "" : `  (LSTMScratch with tfjs autodiff: ${r.autodiff.toFixed(0)})`}`,
        );
      }
      console.log(`      numTensors change over the timed epochs (all models): ${tensorsGrew}`);
    }
  }
  console.log("\nAs a markdown table (median ms per epoch; ratio = hand / tf.layers, same run, same backend):\n");
  console.log("| backend | size | cell | hand BPTT | tf.layers (sigmoid gates) | ratio |");
  console.log("|---|---|---|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.backend} | ${r.size} | ${r.cell} | ${r.hand.toFixed(0)} | ${r.layers.toFixed(0)} (${r.cell === "LSTM" ? "lstm" : "gru"}) | ${(r.hand / r.layers).toFixed(2)} |`);
  }
  for (const r of rows.filter((row) => row.cell === "LSTM" && !row.size.includes("masked"))) {
    const ratio = r.hand / r.layers;
    console.log(`target (${r.backend}): hand LSTM / tf.layers.lstm at T=50, H=64 <= ${TARGET}: ${ratio.toFixed(2)} -> ${ratio <= TARGET ? "met" : "NOT met"}`);
  }
  for (const r of rows.filter((row) => row.cell !== "LSTM" && !row.size.includes("masked"))) {
    const ratio = r.hand / r.layers;
    console.log(`reported (${r.backend}): hand ${r.cell} / tf.layers.gru at T=50, H=64: ${ratio.toFixed(2)} (${ratio <= TARGET ? "within" : "NOT within"} ${TARGET})`);
  }
  return rows;
}

if (require.main === module) {
  runGatedBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
