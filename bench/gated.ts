/**
 * Gated-cell training speed: ms per epoch for LSTMScratch and GRUScratch trained with their
 * hand-written BPTT, against tf.layers.lstm and tf.layers.gru (configured with sigmoid gates, as
 * our cells), on the same data, in the same run, on the same backend (wasm by default;
 * SEQLAB_BENCH_BACKENDS=wasm,cpu for more). N = 1024 sequences of 8 features, batch 64, Adam,
 * one-step regression from the final state (MSE), as bench/rnn.ts.
 *
 * Target (issue 10): a hand-BPTT LSTM epoch at T=50, H=64 takes ≤ 0.3× tf.layers.lstm's.
 * Only this part: `npm run bench -- gated`. Warm-up epochs are run first and excluded.
 */
import * as tf from "@tensorflow/tfjs";
import { BATCHES_PER_EPOCH, Case, Plan, makeData, timeLayersRNN, timeScratch, useBackend } from "./rnn";
import { LSTMScratch } from "../src/models/lstmScratch";
import { GRUScratch } from "../src/models/gruScratch";

const TARGET = 0.3;

interface Row {
  backend: string;
  size: string;
  cell: string;
  hand: number;
  layers: number;
  /** Also timed: autodiff through the same cell (the LSTM and the target size only). */
  autodiff?: number;
}

function planFor(backend: string, c: Case): Plan {
  if (backend === "wasm") return c.steps * c.hidden <= 50 * 64 ? { warmup: 3, epochs: 2, batches: BATCHES_PER_EPOCH } : { warmup: 2, epochs: 1, batches: 8 };
  return { warmup: 1, epochs: 1, batches: 2 };
}

export async function runGatedBench(backends = (process.env.SEQLAB_BENCH_BACKENDS ?? "wasm").split(",")): Promise<Row[]> {
  const cases: Case[] = [
    { steps: 50, hidden: 64, masked: false },
    { steps: 50, hidden: 64, masked: true },
  ];
  const rows: Row[] = [];
  console.log("Gated cells: training ms per epoch (N=1024 x 8 features, batch 64, Adam, regression from the final state)");
  for (const backend of backends) {
    if (!(await useBackend(backend))) {
      console.log(`backend ${backend}: not available, skipped`);
      continue;
    }
    for (const c of cases) {
      const plan = planFor(backend, c);
      const data = makeData(c);
      const size = `T=${c.steps},H=${c.hidden}${c.masked ? " masked (lengths 10..T)" : ""}`;
      const scaled = plan.batches < BATCHES_PER_EPOCH ? `, timed on ${plan.batches}/${BATCHES_PER_EPOCH} batches and scaled` : "";
      const note = `[${plan.warmup} warm-up + ${plan.epochs} timed epochs${scaled}]`;
      const variants: { cell: string; make: (D: number, H: number) => LSTMScratch | GRUScratch; layer?: (units: number, inputShape?: number[]) => tf.layers.Layer }[] = [
        {
          cell: "LSTM",
          make: (D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H }),
          layer: (units, inputShape) => tf.layers.lstm({ units, recurrentActivation: "sigmoid", ...(inputShape ? { inputShape } : {}) }),
        },
        {
          cell: "GRU (reset before)",
          make: (D, H) => new GRUScratch({ inputSize: D, hiddenSize: H }),
          layer: (units, inputShape) => tf.layers.gru({ units, recurrentActivation: "sigmoid", ...(inputShape ? { inputShape } : {}) }),
        },
        // tf.layers.gru has no reset-after variant: compared with the same tf.layers.gru.
        { cell: "GRU (reset after)", make: (D, H) => new GRUScratch({ inputSize: D, hiddenSize: H, resetAfter: true }) },
      ];
      let layersGRU = Number.NaN;
      for (const v of variants) {
        const hand = await timeScratch("hand", c, data, plan, v.make);
        const layers = v.layer ? (await timeLayersRNN(c, data, plan, v.layer)).msPerEpoch : layersGRU;
        if (v.cell.startsWith("GRU (reset before)")) layersGRU = layers;
        const autodiff = v.cell === "LSTM" && !c.masked ? (await timeScratch("autodiff", c, data, plan, v.make)).msPerEpoch : undefined;
        const row: Row = { backend, size, cell: v.cell, hand: hand.msPerEpoch, layers, autodiff };
        rows.push(row);
        const layerName = v.cell === "LSTM" ? "tf.layers.lstm" : "tf.layers.gru";
        console.log(
          `${backend.padEnd(5)} ${size.padEnd(30)} ${v.cell.padEnd(19)} hand ${row.hand.toFixed(0).padStart(6)}  ${layerName} ${layers.toFixed(0).padStart(6)}  ` +
            `ratio ${(row.hand / layers).toFixed(2)}${autodiff === undefined ? "" : `  (autodiff ${autodiff.toFixed(0)})`}  ` +
            `${note} numTensors after warm-up->after: ${hand.tensorsAfterWarmup}->${hand.tensorsAfter}`,
        );
      }
    }
  }
  console.log("\nAs a markdown table (ms per epoch; ratio = hand / tf.layers, same run, same backend):\n");
  console.log("| backend | size | cell | hand BPTT | tf.layers (sigmoid gates) | ratio |");
  console.log("|---|---|---|---:|---:|---:|");
  for (const r of rows) {
    const layerName = r.cell === "LSTM" ? "lstm" : "gru";
    console.log(`| ${r.backend} | ${r.size} | ${r.cell} | ${r.hand.toFixed(0)} | ${r.layers.toFixed(0)} (${layerName}) | ${(r.hand / r.layers).toFixed(2)} |`);
  }
  const target = rows.filter((r) => r.cell === "LSTM" && r.size === "T=50,H=64");
  for (const r of target) {
    const ratio = r.hand / r.layers;
    console.log(`target (${r.backend}): hand LSTM / tf.layers.lstm at T=50, H=64 <= ${TARGET}: ${ratio.toFixed(2)} -> ${ratio <= TARGET ? "met" : "NOT met"}`);
  }
  for (const r of rows.filter((r) => r.cell === "GRU (reset before)" && r.size === "T=50,H=64")) {
    const ratio = r.hand / r.layers;
    console.log(`reported (${r.backend}): hand GRU / tf.layers.gru at T=50, H=64: ${ratio.toFixed(2)} (${ratio <= TARGET ? "also within" : "NOT within"} ${TARGET})`);
  }
  return rows;
}

if (require.main === module) {
  runGatedBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
