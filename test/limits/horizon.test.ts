import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { accuracyByLag, chanceThreshold, memoryHorizon, summarizeHorizon, trainRecall, type HorizonRun } from "../../src/limits/horizon";
import { makeCell } from "../../src/models/cells";
import { LSTMScratch } from "../../src/models/lstmScratch";
import { GRUScratch } from "../../src/models/gruScratch";
import { RNNScratch } from "../../src/models/rnnScratch";

before(async () => {
  await initBackend({ quiet: true });
});

test("chanceThreshold: 1/V plus two standard errors of a coin flip", () => {
  assert.ok(Math.abs(chanceThreshold(4, 512) - (0.25 + 2 * Math.sqrt(0.1875 / 512))) < 1e-12);
  assert.ok(Math.abs(chanceThreshold(2, 100) - 0.6) < 1e-12);
});

test("trainRecall learns a short lag, stops when solved, is repeatable, and leaves no tensors", async () => {
  const start = tf.memory().numTensors;
  const options = { model: { kind: "lstm" as const, hiddenSize: 8 }, lag: 2, seed: 3, trainSize: 256, validationSize: 128, testSize: 256, maxEpochs: 40, batchSize: 64, learningRate: 0.05, targetLoss: 0.05 };
  const a = await trainRecall(options);
  assert.ok(a.testAccuracy > 0.95, `test accuracy ${a.testAccuracy}`);
  assert.equal(a.ended, "solved");
  assert.ok(a.epochs < 40);
  assert.equal(a.trainLoss.length, a.epochs);
  assert.equal(a.parameters, (4 + 8) * 32 + 32 + 8 * 4 + 4);
  const b = await trainRecall(options);
  assert.deepEqual(b.trainLoss, a.trainLoss);
  assert.equal(b.testAccuracy, a.testAccuracy);
  assert.equal(tf.memory().numTensors, start);
  await assert.rejects(trainRecall({ ...options, lag: -1 }), /trainRecall: lag must be an integer ≥ 0, got -1/);
});

test("memoryHorizon skips a (model, seed)'s longer lags once it is at chance; runs come back in model, seed, lag order", async () => {
  const seen: string[] = [];
  const runs = await memoryHorizon({
    models: [{ name: "tiny RNN", kind: "rnn", hiddenSize: 2 }, { name: "tiny GRU", kind: "gru", hiddenSize: 2 }],
    lags: [3, 6, 9],
    seeds: [1, 2],
    trainSize: 32,
    validationSize: 32,
    testSize: 256,
    maxEpochs: 1,
    learningRate: 1e-6, // no learning: at chance everywhere
    onRun: (run, done, total) => seen.push(`${run.model}/${run.seed}/${run.lag} ${done}/${total}`),
  });
  assert.deepEqual(runs.map((r) => `${r.model}/${r.seed}/${r.lag}`), ["tiny RNN/1/3", "tiny RNN/2/3", "tiny GRU/1/3", "tiny GRU/2/3"]);
  assert.ok(runs.every((r) => r.atChance && r.testAccuracy < chanceThreshold(4, 256)));
  assert.equal(seen.length, 4);
  assert.match(seen.at(-1)!, / 12\/12$/);
  const summary = summarizeHorizon(runs);
  assert.deepEqual(summary.map((s) => [s.model, s.horizons, s.mean]), [["tiny RNN", [3, 3], 3], ["tiny GRU", [3, 3], 3]]);
  await assert.rejects(memoryHorizon({ models: [], lags: [1], seeds: [1] }), /need at least one model and one seed/);
  await assert.rejects(memoryHorizon({ models: [{ name: "x", kind: "rnn", hiddenSize: 2 }], lags: [4, 2], seeds: [1] }), /lags must be a non-empty increasing list, got \[4, 2\]/);
});

test("memoryHorizon in two worker threads gives the same runs as in this thread", async () => {
  const options = {
    models: [{ name: "RNN", kind: "rnn" as const, hiddenSize: 6 }, { name: "LSTM", kind: "lstm" as const, hiddenSize: 3 }],
    lags: [1, 3],
    seeds: [1, 2],
    trainSize: 64,
    validationSize: 32,
    testSize: 64,
    maxEpochs: 2,
    batchSize: 32,
    skipAfterChance: false,
  };
  const here = await memoryHorizon(options);
  const threads = await memoryHorizon({ ...options, workers: 2 });
  const key = (runs: HorizonRun[]) => runs.map((r) => [r.model, r.seed, r.lag, r.testAccuracy, r.trainLoss]);
  assert.equal(here.length, 8);
  assert.deepEqual(key(threads), key(here));
});

function fakeRun(model: string, seed: number, lag: number, testAccuracy: number): HorizonRun {
  return { model, seed, lag, testAccuracy, atChance: testAccuracy < 0.3, trainAccuracy: 1, validationAccuracy: testAccuracy, epochs: 5, bestEpoch: 5, ended: testAccuracy > 0.9 ? "solved" : "plateau", trainLoss: [], parameters: 10, seconds: 1 };
}

test("summarizeHorizon: first lag at chance per seed, mean and range, null when a seed never fell; accuracyByLag: mean and range per lag", () => {
  const runs = [
    fakeRun("A", 1, 10, 1), fakeRun("A", 1, 20, 0.25), fakeRun("A", 2, 10, 0.26),
    fakeRun("B", 1, 10, 1), fakeRun("B", 1, 20, 0.9), fakeRun("B", 2, 10, 1), fakeRun("B", 2, 20, 0.2),
  ];
  const [a, b] = summarizeHorizon(runs);
  assert.deepEqual([a.horizons, a.mean, a.min, a.max, a.longestLag, a.solved, a.plateau, a.runs], [[20, 10], 15, 10, 20, 20, 1, 2, 3]);
  assert.deepEqual([b.horizons, b.mean, b.min, b.max], [[null, 20], null, null, null]);
  const byLag = accuracyByLag(runs);
  const a10 = byLag.find((r) => r.model === "A" && r.k === 10)!;
  assert.deepEqual([a10.mean, a10.min, a10.max, a10.seeds], [(1 + 0.26) / 2, 0.26, 1, 2]);
  assert.equal(byLag.find((r) => r.model === "A" && r.k === 20)!.seeds, 1);
});

test("makeCell builds each kind with its options, and refuses options of another kind", () => {
  const cells = [makeCell({ kind: "rnn", hiddenSize: 3 }, 2), makeCell({ kind: "lstm", hiddenSize: 3, forgetBias: 2 }, 2), makeCell({ kind: "gru", hiddenSize: 3, resetAfter: true, updateBias: 1 }, 2)];
  assert.ok(cells[0] instanceof RNNScratch && cells[1] instanceof LSTMScratch && cells[2] instanceof GRUScratch);
  assert.deepEqual((cells[1] as LSTMScratch).getWeights().b.slice(3, 6), [2, 2, 2]);
  assert.ok((cells[2] as GRUScratch).resetAfter);
  assert.deepEqual((cells[2] as GRUScratch).getWeights().b.slice(0, 3), [1, 1, 1]);
  assert.throws(() => makeCell({ kind: "rnn", hiddenSize: 3, forgetBias: 1 }, 2), /makeCell: forgetBias does not apply to a cell of kind "rnn"/);
  assert.throws(() => makeCell({ kind: "lstm", hiddenSize: 3, resetAfter: true }, 2), /resetAfter does not apply to a cell of kind "lstm"/);
  assert.throws(() => makeCell({ kind: "cnn" as "rnn", hiddenSize: 3 }, 2), /kind must be one of rnn, lstm, gru, got "cnn"/);
  cells.forEach((c) => c.dispose());
});
