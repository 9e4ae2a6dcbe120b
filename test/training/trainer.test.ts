import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed, createRng } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { RegressionHead } from "../../src/models/heads";
import { clipByGlobalNorm, globalNorm } from "../../src/training/clip";
import { Trainer, layersModelTrainable, ProgressReporter } from "../../src/training/trainer";
import { SequenceData, TensorData } from "../../src/training/data";

before(async () => {
  await initBackend({ quiet: true });
  seed(5);
});

test("clipByGlobalNorm scales large gradients to maxNorm and leaves small ones alone", () => {
  const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) }; // global norm 5
  assert.ok(Math.abs(globalNorm(grads).dataSync()[0] - 5) < 1e-6);
  const clipped = clipByGlobalNorm(grads, 1);
  assert.ok(Math.abs(clipped.norm.dataSync()[0] - 5) < 1e-6);
  assert.ok(Math.abs(globalNorm(clipped.grads).dataSync()[0] - 1) < 1e-6);
  assert.deepEqual(Array.from(clipped.grads.a.dataSync()).map((v) => +v.toFixed(6)), [0.6, 0]);
  const loose = clipByGlobalNorm(grads, 10);
  assert.deepEqual(Array.from(loose.grads.b.dataSync()), [0, 4]);
  assert.throws(() => clipByGlobalNorm(grads, 0), /maxNorm must be a positive number, got 0/);
  tf.dispose([grads, clipped, loose]);
});

/** Sequences whose target is the mean of their first feature: a task an RNN learns quickly. */
function meanTask(n: number, seedValue: number) {
  const rng = createRng(seedValue);
  const sequences = Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(rng() * 6) }, () => [rng() * 2 - 1, rng()]));
  const targets = sequences.map((s) => s.reduce((acc, e) => acc + e[0], 0) / s.length);
  return { sequences, targets };
}

class RecordingProgress implements ProgressReporter {
  steps = 0;
  epochs: number[] = [];
  finished = false;
  onStep(): void {
    this.steps++;
  }
  onEpochEnd(epoch: number): void {
    this.epochs.push(epoch);
  }
  async finish(): Promise<void> {
    this.finished = true;
  }
}

test("Trainer: loss falls, progress is driven, clipping reports norms, memory stays flat", async () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 8, head: (h) => new RegressionHead(h) });
  const train = meanTask(96, 1);
  const valid = meanTask(32, 2);
  const progress = new RecordingProgress();
  const trainer = new Trainer({ epochs: 6, batchSize: 16, learningRate: 0.02, clipNorm: 1, progress: () => progress });
  const before = tf.memory().numTensors;
  const result = await trainer.fit(model, new SequenceData(model, train.sequences, train.targets, { bucketWindow: 2 }), new SequenceData(model, valid.sequences, valid.targets));
  const optimizerTensors = 2 * model.variables.length + 2; // Adam's two moments per variable + its two beta powers
  assert.ok(tf.memory().numTensors <= before + optimizerTensors, `${tf.memory().numTensors - before} tensors more`);
  const h = result.history;
  assert.equal(h.length, 6);
  assert.ok(h[5].validation! < h[0].validation! * 0.7, `validation ${h[0].validation} -> ${h[5].validation}`);
  assert.ok(h.every((r) => r.gradNorm !== undefined && r.gradNorm > 0));
  assert.equal(progress.steps, 6 * 6);
  assert.deepEqual(progress.epochs, [0, 1, 2, 3, 4, 5]);
  assert.ok(progress.finished);
  // A second fit reuses the optimizer's slots: no growth at all.
  const between = tf.memory().numTensors;
  await trainer.fit(model, new SequenceData(model, train.sequences, train.targets));
  assert.equal(tf.memory().numTensors, between);
  model.dispose();
});

test("Trainer: hand BPTT and autodiff train to the same weights", async () => {
  const data = meanTask(32, 3);
  const weightsAfter = async (method: "hand" | "autodiff") => {
    seed(9);
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
    await new Trainer({ epochs: 2, batchSize: 8, gradient: { method }, progress: false }).fit(model, new SequenceData(model, data.sequences, data.targets));
    const w = model.rnn.W.arraySync().flat();
    model.dispose();
    return w;
  };
  const hand = await weightsAfter("hand");
  const auto = await weightsAfter("autodiff");
  const diff = Math.max(...hand.map((v, i) => Math.abs(v - auto[i])));
  assert.ok(diff < 1e-4, `max weight difference ${diff}`);
});

test("Trainer: early stopping stops and restores the best weights", async () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
  const train = meanTask(32, 4);
  // Validation targets unrelated to the inputs: validation loss stops improving early.
  const valid = meanTask(32, 5);
  const noise = createRng(6);
  const shuffled = valid.targets.map(() => noise() * 4 - 2);
  const trainer = new Trainer({ epochs: 30, batchSize: 8, learningRate: 0.05, earlyStopping: { patience: 2 }, progress: false });
  const result = await trainer.fit(model, new SequenceData(model, train.sequences, train.targets), new SequenceData(model, valid.sequences, shuffled));
  assert.ok(result.stoppedEarly);
  assert.equal(result.history.length, result.bestEpoch + 2);
  const restored = trainer.evaluate(model, new SequenceData(model, valid.sequences, shuffled));
  assert.ok(Math.abs(restored - result.history[result.bestEpoch - 1].validation!) < 1e-5);
  model.dispose();
});

test("Trainer trains a tf.LayersModel through layersModelTrainable", async () => {
  const xs = tf.randomNormal([64, 3]);
  const ys = tf.sum(xs, 1, true);
  const dense = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
  const result = await new Trainer({ epochs: 15, batchSize: 16, learningRate: 0.05, progress: false }).fit(layersModelTrainable(dense, "meanSquaredError"), new TensorData(xs, ys));
  assert.ok(result.history[14].train < result.history[0].train * 0.2);
  assert.throws(() => new Trainer({ epochs: 0, batchSize: 4 }), /epochs must be a positive integer, got 0/);
  tf.dispose([xs, ys]);
  dense.dispose();
});

test("Trainer records every step; clipNorm = Infinity records norms without clipping", async () => {
  const data = meanTask(24, 7);
  const run = async (clipNorm?: number) => {
    seed(4);
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
    const result = await new Trainer({ epochs: 2, batchSize: 8, clipNorm, progress: false }).fit(model, new SequenceData(model, data.sequences, data.targets));
    const w = model.rnn.W.arraySync().flat();
    model.dispose();
    return { result, w };
  };
  const plain = await run();
  const measured = await run(Number.POSITIVE_INFINITY);
  assert.equal(measured.result.steps.length, 6);
  assert.deepEqual(measured.result.steps.map((s) => [s.epoch, s.step]), [[1, 1], [1, 2], [1, 3], [2, 1], [2, 2], [2, 3]]);
  assert.ok(measured.result.steps.every((s) => s.gradNorm! > 0));
  assert.ok(plain.result.steps.every((s) => s.gradNorm === undefined));
  assert.ok(Math.max(...plain.w.map((v, i) => Math.abs(v - measured.w[i]))) < 1e-6);
});

test("Trainer: onDivergence 'stop' ends a blown-up run and reports it; the default throws", async () => {
  const data = meanTask(64, 9);
  const explode = async (onDivergence?: "throw" | "stop") => {
    seed(4);
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
    const optimizer = tf.train.sgd(1e6);
    try {
      return await new Trainer({ epochs: 3, batchSize: 8, optimizer, onDivergence, progress: false }).fit(model, new SequenceData(model, data.sequences, data.targets));
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  };
  const before = tf.memory().numTensors;
  const result = await explode("stop");
  assert.ok(result.diverged);
  assert.ok(result.steps.length < 3 * 8);
  await assert.rejects(explode(), /the loss became (NaN|Infinity) at epoch/);
  assert.equal(tf.memory().numTensors, before);
});

test("Trainer: early stopping's target stops once the monitored loss reaches it, and says so", async () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
  const train = meanTask(64, 7);
  const valid = meanTask(32, 8);
  const trainer = new Trainer({ epochs: 40, batchSize: 16, learningRate: 0.05, earlyStopping: { patience: 40, target: 0.02 }, progress: false });
  const result = await trainer.fit(model, new SequenceData(model, train.sequences, train.targets), new SequenceData(model, valid.sequences, valid.targets));
  const h = result.history;
  assert.ok(result.reachedTarget && result.stoppedEarly, `validation ${h.map((r) => r.validation!.toFixed(3)).join(" ")}`);
  assert.ok(h.at(-1)!.validation! <= 0.02);
  assert.ok(h.slice(0, -1).every((r) => r.validation! > 0.02), "it stops at the first epoch at the target");
  const plain = await new Trainer({ epochs: 2, batchSize: 16, progress: false }).fit(model, new SequenceData(model, train.sequences, train.targets));
  assert.equal(plain.reachedTarget, false);
  model.dispose();
});
