import { test } from "node:test";
import assert from "node:assert/strict";
import type { HorizonRun } from "../../src/limits/horizon";
import { compoundedFactorRows, everySeedAboveChanceLine, firstAtChance, formatHorizon, horizonSummaryRows, meanHorizonText, recallRunRows } from "../../src/limits/horizonReport";

/** A made-up run: at chance when its test accuracy is below 0.3. */
function run(model: string, seed: number, lag: number, testAccuracy: number, more: Partial<HorizonRun> = {}): HorizonRun {
  return { model, seed, lag, testAccuracy, atChance: testAccuracy < 0.3, trainAccuracy: 1, validationAccuracy: testAccuracy, epochs: 12, bestEpoch: 2, ended: testAccuracy > 0.9 ? "solved" : "plateau", trainLoss: [], parameters: 100, seconds: 1, ...more };
}

/**
 * RNN: seed 1 falls at k = 30, seed 2 at k = 10 (so its k = 30 is skipped). LSTM: never falls. GRU:
 * seed 1 falls at 10, seed 2 never. tiny: both seeds fall at 10 (nothing run at 30).
 */
const runs: HorizonRun[] = [
  run("RNN", 1, 10, 0.875, { trainAccuracy: 0.75, seconds: 1.25, ended: "cap", parameters: 1188 }),
  run("RNN", 1, 30, 0.25, { trainAccuracy: 0.5, seconds: 1.5 }),
  run("RNN", 2, 10, 0.25, { trainAccuracy: 0.25, seconds: 1.0 }),
  run("LSTM", 1, 10, 1, { parameters: 1024 }),
  run("LSTM", 1, 30, 0.96875, { parameters: 1024 }),
  run("LSTM", 2, 10, 1, { parameters: 1024 }),
  run("LSTM", 2, 30, 1, { parameters: 1024 }),
  run("GRU", 1, 10, 0.25, { parameters: 999 }),
  run("GRU", 2, 10, 1, { parameters: 999 }),
  run("GRU", 2, 30, 1, { parameters: 999 }),
  run("tiny", 1, 10, 0.25, { parameters: 7 }),
  run("tiny", 2, 10, 0.28125, { parameters: 7 }),
];

test("recallRunRows: one row per run, in order, with the table's column names", () => {
  assert.deepEqual(recallRunRows(runs.slice(0, 2)), [
    { k: 10, epochs: 12, "how it ended": "cap", "training accuracy": 0.75, "test accuracy": 0.875, "at chance": false, seconds: 1.25 },
    { k: 30, epochs: 12, "how it ended": "plateau", "training accuracy": 0.5, "test accuracy": 0.25, "at chance": true, seconds: 1.5 },
  ]);
});

test("firstAtChance: where the first run at chance is, as a sentence; none up to the longest lag otherwise", () => {
  assert.deepEqual(firstAtChance(runs.slice(0, 2), 60), {
    horizon: "k = 30",
    line: "first k at chance: k = 30; there the training accuracy is 0.50 against 0.25 on fresh sequences",
  });
  assert.deepEqual(firstAtChance(runs.slice(3, 5), 60), { horizon: "none up to k = 60", line: "first k at chance: none up to k = 60" });
});

test("formatHorizon and meanHorizonText: every seed fell, none did, some did", () => {
  assert.equal(formatHorizon(30, 60), "30");
  assert.equal(formatHorizon(null, 60), "> 60");
  assert.equal(meanHorizonText([30, 10, 60], 60), "33.3 (10–60)");
  assert.equal(meanHorizonText([null, null], 60), "> 60 (every seed)");
  assert.equal(meanHorizonText([10, null, 30], 60), "≥ 33.3 (10 to > 60)");
});

test("horizonSummaryRows: a row per model with horizons, mean, endings, seconds and accuracy per lag", () => {
  const rows = horizonSummaryRows(runs, [10, 30]);
  assert.deepEqual(rows.map((r) => r.model), ["RNN", "LSTM", "GRU", "tiny"]);
  assert.deepEqual(rows[0], {
    model: "RNN",
    parameters: 1188,
    "first k at chance, per seed": "30, 10",
    "mean (lowest–highest)": "20.0 (10–30)",
    "runs: solved / plateau / cap": "0 / 2 / 1",
    "training seconds (all runs)": 4,
    "k=10: accuracy": "0.56 (0.25–0.88)",
    "k=30: accuracy": "0.25 (0.25–0.25)",
  });
  assert.deepEqual(rows[1], {
    model: "LSTM",
    parameters: 1024,
    "first k at chance, per seed": "> 30, > 30",
    "mean (lowest–highest)": "> 30 (every seed)",
    "runs: solved / plateau / cap": "4 / 0 / 0",
    "training seconds (all runs)": 4,
    "k=10: accuracy": "1.00 (1.00–1.00)",
    "k=30: accuracy": "0.98 (0.97–1.00)",
  });
  assert.equal(rows[2]["first k at chance, per seed"], "10, > 30");
  assert.equal(rows[2]["mean (lowest–highest)"], "≥ 20.0 (10 to > 30)");
  assert.equal(rows[3]["k=10: accuracy"], "0.27 (0.25–0.28)");
  assert.equal(rows[3]["k=30: accuracy"], "not run");
  assert.throws(() => horizonSummaryRows(runs, []), /^Error: horizonSummaryRows: lags is empty$/);
});

test("everySeedAboveChanceLine: the lags each model learned for every seed, or none", () => {
  assert.equal(everySeedAboveChanceLine(runs, ["RNN", "LSTM", "GRU"], [10, 30], 2), "above chance for every seed at k = none (RNN); 10, 30 (LSTM); none (GRU)");
  assert.equal(everySeedAboveChanceLine(runs, ["GRU"], [10, 30], 1), "above chance for every seed at k = 10, 30 (GRU)");
});

test("compoundedFactorRows: each factor to the power k, and one model's runs and mean accuracies (NaN where none ran)", () => {
  const rows = compoundedFactorRows(runs, "RNN", [10, 30, 60], [["RNN", 0.5], ["LSTM", 1]]);
  assert.deepEqual(rows[0], { k: 10, "RNN factor^k": 0.5 ** 10, "LSTM factor^k": 1, "RNN runs": 2, "RNN train accuracy": 0.5, "RNN test accuracy": 0.5625 });
  assert.deepEqual(Object.keys(rows[0]), ["k", "RNN factor^k", "LSTM factor^k", "RNN runs", "RNN train accuracy", "RNN test accuracy"]);
  assert.deepEqual(rows[1], { k: 30, "RNN factor^k": 0.5 ** 30, "LSTM factor^k": 1, "RNN runs": 1, "RNN train accuracy": 0.5, "RNN test accuracy": 0.25 });
  assert.deepEqual(rows[2], { k: 60, "RNN factor^k": 0.5 ** 60, "LSTM factor^k": 1, "RNN runs": 0, "RNN train accuracy": Number.NaN, "RNN test accuracy": Number.NaN });
});
