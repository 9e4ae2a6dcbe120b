import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { estimateSecondsLeft, formatProgressLine, progressCallbacks, TrainingProgress } from "../../src/display/progress";

before(async () => {
  await initBackend({ quiet: true });
  seed(3);
});

test("progressCallbacks drives a TrainingProgress from model.fit: every batch, every epoch's losses, one finish", async () => {
  const xs = tf.tensor2d(Array.from({ length: 20 }, (_, i) => [i / 20]));
  const ys = tf.tensor2d(Array.from({ length: 20 }, (_, i) => [1 - i / 20]));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
  const epochs = 3;
  const batchSize = 4;
  // validationSplit 0.2 keeps 16 examples for training: 4 batches of 4 per epoch.
  const callbacks = progressCallbacks({ epochs, stepsPerEpoch: 4, quiet: true });
  const steps: [number, number, number][] = [];
  const step = callbacks.progress.onStep.bind(callbacks.progress);
  callbacks.progress.onStep = (epoch, batch, loss) => {
    steps.push([epoch, batch, loss]);
    step(epoch, batch, loss);
  };
  let finished = 0;
  const finish = callbacks.progress.finish.bind(callbacks.progress);
  callbacks.progress.finish = async () => {
    finished++;
    await finish();
  };
  const batchLosses: number[] = [];
  const recorder = { onBatchEnd: async (_batch: number, logs?: tf.Logs) => void batchLosses.push(Number(logs?.loss)) };
  const history = await model.fit(xs, ys, { epochs, batchSize, validationSplit: 0.2, shuffle: false, verbose: 0, callbacks: [callbacks, recorder] });
  assert.deepEqual(steps.map(([epoch, batch]) => [epoch, batch]), [0, 1, 2].flatMap((epoch) => [0, 1, 2, 3].map((batch) => [epoch, batch])));
  assert.deepEqual(steps.map(([, , loss]) => loss), batchLosses);
  assert.deepEqual(callbacks.progress.history, [0, 1, 2].map((epoch) => ({
    epoch: epoch + 1,
    train: history.history.loss[epoch] as number,
    validation: history.history.val_loss[epoch] as number,
  })));
  assert.equal(finished, 1);
  tf.dispose([xs, ys]);
  model.dispose();
});

test("the progress line shows epoch, bar, step, loss, elapsed and ETA", () => {
  const state = { epoch: 1, step: 5, loss: 0.25, elapsedSeconds: 3, finished: false, stoppedEarly: false };
  // 15 of 40 steps done in 3 s -> 25 steps left at 0.2 s each = 5 s.
  assert.equal(estimateSecondsLeft(state, 4, 10), 5);
  assert.equal(formatProgressLine(state, 4, 10, 8), "epoch 2/4 [###-----] step 5/10  loss 0.2500  elapsed 3.0s  ETA 5.0s");
  const stopped = { ...state, finished: true, stoppedEarly: true };
  assert.match(formatProgressLine(stopped, 4, 10, 8), /\[########\] step 5\/10  loss 0\.2500  elapsed 3\.0s  stopped early after epoch 2$/);
  assert.throws(() => new TrainingProgress({ epochs: 0, stepsPerEpoch: 3 }), /TrainingProgress epochs must be a positive integer, got 0/);
});

test("TrainingProgress records the loss history per epoch", async () => {
  const progress = new TrainingProgress({ epochs: 2, stepsPerEpoch: 2, quiet: true });
  progress.onStep(0, 0, 2);
  progress.onEpochEnd(0, { train: 1.5, validation: 1.7 });
  progress.onEpochEnd(1, { train: 1.0 });
  await progress.finish();
  assert.deepEqual(progress.history, [
    { epoch: 1, train: 1.5, validation: 1.7 },
    { epoch: 2, train: 1.0 },
  ]);
});
