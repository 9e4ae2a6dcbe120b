import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { backendFromEnvironment, initBackend } from "../src/backend";
import { registerMissingWasmKernels } from "../src/wasmKernels";
import { seed } from "../src/random";

const root = path.resolve(__dirname, "..");

test("SEQLAB_BACKEND accepts the three names and rejects anything else with the choices", () => {
  assert.equal(backendFromEnvironment({}), undefined);
  assert.equal(backendFromEnvironment({ SEQLAB_BACKEND: "cpu" }), "cpu");
  assert.equal(backendFromEnvironment({ SEQLAB_BACKEND: " wasm " }), "wasm");
  assert.throws(
    () => backendFromEnvironment({ SEQLAB_BACKEND: "gpu" }),
    /SEQLAB_BACKEND="gpu" is not a backend seqlab knows\. Use one of: tensorflow, wasm, cpu/,
  );
});

/** Runs a snippet in a fresh process (a backend is chosen once per process). */
function runFresh(code: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["-e", code], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const chooseAndPrint = `
const { initBackend, tf } = require("./dist/index.js");
initBackend().then(() => { tf.tensor([1, 2]).add(1).print(); console.log("active:", tf.getBackend()); })
  .catch((e) => { console.error(e.message); process.exit(3); });`;

test("without tfjs-node the fastest backend is wasm, reported once, with no tfjs banner", () => {
  const result = runFresh(chooseAndPrint, { SEQLAB_BACKEND: "" });
  assert.equal(result.status, 0, result.stderr);
  const reports = result.stdout.split("\n").filter((l) => l.startsWith("seqlab: tfjs backend"));
  assert.equal(reports.length, 1);
  assert.match(reports[0], /^seqlab: tfjs backend "wasm" \(fastest available; skipped: @tensorflow\/tfjs-node could not be loaded/);
  assert.match(result.stdout, /active: wasm/);
  assert.doesNotMatch(result.stdout + result.stderr, /looks like you are running TensorFlow\.js in Node\.js/);
});

test("SEQLAB_BACKEND=cpu forces cpu, silently (no banner)", () => {
  const result = runFresh(chooseAndPrint, { SEQLAB_BACKEND: "cpu" });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /seqlab: tfjs backend "cpu" \(forced by SEQLAB_BACKEND\)/);
  assert.doesNotMatch(result.stdout + result.stderr, /looks like you are running/);
});

test("SEQLAB_BACKEND naming a backend that is not installed fails with what to do", () => {
  const result = runFresh(chooseAndPrint, { SEQLAB_BACKEND: "tensorflow" });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /SEQLAB_BACKEND=tensorflow was requested but that backend is not available: @tensorflow\/tfjs-node could not be loaded/);
});

/** d(sum(embedding(ids) * weights))/d(table), via tf.gather's gradient (UnsortedSegmentSum). */
function embeddingGradient(): number[] {
  return tf.tidy(() => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]); // [vocab 4, dim 2]
    const ids = tf.tensor1d([2, 0, 2, 3, 2], "int32"); // id 1 unused, id 2 three times
    const weights = tf.tensor2d([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]); // [5, 2]
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
    return Array.from(grad.dataSync());
  });
}

test("wasm gets a working UnsortedSegmentSum: Embedding gradients equal hand-computed values and cpu's", async () => {
  // Row s of the gradient is the sum of the weight rows whose id is s.
  const expected = [2, 20, 0, 0, 1 + 3 + 5, 10 + 30 + 50, 4, 40];
  await tf.setBackend("cpu");
  assert.deepEqual(embeddingGradient(), expected);
  registerMissingWasmKernels();
  await tf.setBackend("wasm");
  assert.deepEqual(embeddingGradient(), expected);
});

test("an Embedding model trains on wasm and its loss goes down; no tensors leak", async () => {
  await initBackend({ quiet: true });
  registerMissingWasmKernels();
  await tf.setBackend("wasm");
  seed(5);
  const before = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  const optimizer = tf.train.adam(0.05);
  model.compile({ optimizer, loss: "binaryCrossentropy" });
  const ids = tf.tensor2d(Array.from({ length: 64 * 6 }, (_, i) => (i * 7) % 20), [64, 6]);
  const labels = tf.tensor2d(Array.from({ length: 64 }, (_, i) => i % 2), [64, 1]);
  const history = await model.fit(ids, labels, { epochs: 5, batchSize: 16, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[4] < losses[0], `loss did not decrease: ${losses}`);
  tf.dispose([ids, labels]);
  model.dispose();
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before);
});
