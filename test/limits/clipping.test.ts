import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { clippingRows, clippingRun, type ClippingRun } from "../../src/limits/clipping";

before(async () => {
  await initBackend({ quiet: true });
});

const small = { lag: 4, hiddenSize: 8, count: 64, epochs: 3, batchSize: 16 };

test("clippingRun: a clip that never fires changes nothing (same seed, same batches); a clip that fires does", async () => {
  const unclipped = await clippingRun({ ...small, radius: 0.5, clipNorm: Infinity });
  const loose = await clippingRun({ ...small, radius: 0.5, clipNorm: 1e6 });
  const tight = await clippingRun({ ...small, radius: 0.5, clipNorm: 1e-3 });
  assert.deepEqual(unclipped.history.map((r) => r.epoch), [1, 2, 3]);
  assert.equal(unclipped.failure, undefined);
  assert.deepEqual(loose.history.map((r) => r.train), unclipped.history.map((r) => r.train));
  assert.equal(loose.accuracy, unclipped.accuracy);
  // Norms are recorded before clipping: the same with a clip of 1e6 and none.
  assert.deepEqual(loose.history.map((r) => r.gradNorm), unclipped.history.map((r) => r.gradNorm));
  // Clipped to 1e-3, SGD (lr 0.5) moves the weights at most 5e-4 per step: the loss hardly moves,
  // while the unclipped run's does.
  const moved = (run: typeof tight) => Math.abs(run.history[2].train - run.history[0].train);
  assert.ok(moved(tight) < 0.01, `clipped loss moved ${moved(tight)}`);
  assert.ok(moved(unclipped) > 10 * moved(tight), `unclipped moved ${moved(unclipped)}, clipped ${moved(tight)}`);
  assert.ok(unclipped.accuracy >= 0 && unclipped.accuracy <= 1);
});

test("clippingRun: a run whose loss overflows stops there, reports why in one clause, and scores NaN", async () => {
  // A learning rate of 1e38 sends the head's weights past float32's range within the first steps.
  const run = await clippingRun({ ...small, epochs: 4, radius: 3, clipNorm: Infinity, learningRate: 1e38 });
  assert.match(run.failure ?? "", /^Trainer: the loss became (NaN|Infinity) at epoch 1, step \d+$/);
  assert.deepEqual(run.history, []); // the epochs after the failure do not run
  assert.ok(Number.isNaN(run.accuracy));
  // At 1e20 the losses are huge but finite: every epoch runs and is kept.
  const large = await clippingRun({ ...small, epochs: 4, radius: 3, clipNorm: Infinity, learningRate: 1e20 });
  assert.equal(large.failure, undefined);
  assert.deepEqual(large.history.map((r) => r.epoch), [1, 2, 3, 4]);
  assert.ok(large.history.every((r) => Number.isFinite(r.train) && r.train > 1e18), "huge but finite losses");
});

test("clippingRun: bad options are named", async () => {
  await assert.rejects(clippingRun({ radius: -1, lag: 3, clipNorm: 1 }), { message: "clippingRun: radius must be a positive finite number, got -1" });
  await assert.rejects(clippingRun({ radius: 1, lag: 3, clipNorm: 0 }), { message: "clippingRun: clipNorm must be positive (Infinity for no clipping), got 0" });
  await assert.rejects(clippingRun({ radius: 1, lag: 2.5, clipNorm: 1 }), { message: "clippingRun: lag must be an integer ≥ 0, got 2.5" });
  await assert.rejects(clippingRun({ radius: 1, lag: 3, clipNorm: 1, epochs: 0 }), { message: "clippingRun: epochs must be a positive integer, got 0" });
});

test("clippingRun leaks no tensors, whether it finishes or fails", async () => {
  const before = tf.memory().numTensors;
  await clippingRun({ ...small, epochs: 1, radius: 1, clipNorm: 1 });
  await clippingRun({ ...small, epochs: 2, radius: 3, clipNorm: Infinity, learningRate: 1e38 });
  assert.equal(tf.memory().numTensors, before);
});

test("clippingRows: first-epoch gradient norm and loss, last loss, accuracy and failure per run; NaN where no epoch ran", () => {
  const runs: ClippingRun[] = [
    { history: [{ epoch: 1, train: 1.5, ms: 3, gradNorm: 12 }, { epoch: 2, train: 0.5, ms: 3, gradNorm: 2 }], accuracy: 0.75 },
    { history: [{ epoch: 1, train: 1.25, ms: 3 }], accuracy: 0.25 },
    { history: [], accuracy: Number.NaN, failure: "training loss is NaN at epoch 1" },
  ];
  assert.deepEqual(clippingRows(["clipped", "no norm recorded", "failed"], runs), [
    { run: "clipped", "gradient norm, epoch 1": 12, "loss, epoch 1": 1.5, "loss, last epoch": 0.5, "test accuracy": 0.75, failure: "" },
    { run: "no norm recorded", "gradient norm, epoch 1": Number.NaN, "loss, epoch 1": 1.25, "loss, last epoch": 1.25, "test accuracy": 0.25, failure: "" },
    { run: "failed", "gradient norm, epoch 1": Number.NaN, "loss, epoch 1": Number.NaN, "loss, last epoch": Number.NaN, "test accuracy": Number.NaN, failure: "training loss is NaN at epoch 1" },
  ]);
  assert.throws(() => clippingRows(["one"], runs), /^Error: clippingRows: need one name per run, got 1 names for 3 runs$/);
});
