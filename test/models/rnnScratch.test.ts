import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { RNNScratch } from "../../src/models/rnnScratch";
import { SequenceModel } from "../../src/models/sequenceModel";
import { ClassificationHead } from "../../src/models/heads";

before(async () => {
  await initBackend({ quiet: true });
  seed(1);
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A mask with the given lengths, padded to T: [B, T]. */
function maskFor(lengths: number[], T: number): tf.Tensor2D {
  return tf.tensor2d(lengths.map((len) => Array.from({ length: T }, (_, t) => (t < len ? 1 : 0))));
}

test("W's layout is [W_xh ; W_hh]: both forms of the cell give numbers computed by hand", () => {
  // D = 2, H = 2, weights chosen by hand.
  const rnn = new RNNScratch({ inputSize: 2, hiddenSize: 2 });
  const W_xh = [[0.5, -1], [0.25, 0]];
  const W_hh = [[1, 0.5], [-0.5, 2]];
  const b_h = [0.1, -0.2];
  rnn.setWeights({ W_xh, W_hh, b_h });
  // The documented layout: W's first D rows are W_xh, the other H rows W_hh.
  assert.deepEqual(rnn.W.arraySync(), [...W_xh, ...W_hh]);
  // x = [1, 2], h = [0.4, -0.2]:
  //   unit 0: 1·0.5 + 2·0.25 + 0.4·1 + (−0.2)·(−0.5) + 0.1 = 1.6
  //   unit 1: 1·(−1) + 2·0 + 0.4·0.5 + (−0.2)·2 − 0.2 = −1.4
  const x = tf.tensor2d([[1, 2]]);
  const h = tf.tensor2d([[0.4, -0.2]]);
  const expected = [Math.tanh(1.6), Math.tanh(-1.4)];
  for (const [form, out] of [["[x ; h]·W", rnn.cell(x, h)], ["x·W_xh + h·W_hh", rnn.cellSplit(x, h)]] as const) {
    const values = out.dataSync();
    expected.forEach((value, j) => assert.ok(Math.abs(values[j] - value) < 1e-6, `${form}, unit ${j}: ${values[j]} vs ${value}`));
    out.dispose();
  }
  tf.dispose([x, h]);
  rnn.dispose();
});

test("RNNScratch matches tf.layers.simpleRNN with copied weights to 1e-5", () => {
  const D = 4;
  const H = 6;
  const T = 7;
  const rnn = new RNNScratch({ inputSize: D, hiddenSize: H });
  const layer = tf.layers.simpleRNN({ units: H, returnSequences: true, inputShape: [T, D] });
  const model = tf.sequential({ layers: [layer] });
  const w = rnn.getWeights();
  layer.setWeights([tf.tensor2d(w.W_xh), tf.tensor2d(w.W_hh), tf.tensor1d(w.b_h)]);
  const x = tf.randomNormal([3, T, D]);
  const ours = rnn.forward(x);
  const theirs = model.predict(x) as tf.Tensor;
  assert.deepEqual(ours.states.shape, [3, T, H]);
  assert.deepEqual(ours.final.shape, [3, H]);
  assert.ok(maxAbsDiff(ours.states, theirs) < 1e-5, `max difference ${maxAbsDiff(ours.states, theirs)}`);
  tf.dispose([x, ours.states, ours.final, theirs]);
  model.dispose();
  rnn.dispose();
});

test("masked final states match simpleRNN behind a Masking layer", () => {
  const D = 3;
  const H = 5;
  const T = 6;
  const lengths = [6, 4, 1, 3];
  const rnn = new RNNScratch({ inputSize: D, hiddenSize: H });
  const layer = tf.layers.simpleRNN({ units: H });
  const model = tf.sequential({ layers: [tf.layers.masking({ maskValue: 0, inputShape: [T, D] }), layer] });
  const w = rnn.getWeights();
  layer.setWeights([tf.tensor2d(w.W_xh), tf.tensor2d(w.W_hh), tf.tensor1d(w.b_h)]);
  const mask = maskFor(lengths, T);
  const x = tf.mul(tf.add(tf.randomUniform([4, T, D]), 0.5), tf.expandDims(mask, 2)); // padding = exact zeros
  const ours = rnn.forward(x, mask);
  const theirs = model.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(ours.final, theirs) < 1e-5);
  tf.dispose([x, mask, ours.states, ours.final, theirs]);
  model.dispose();
  rnn.dispose();
});

test("a batch whose lengths all differ: padded steps leave h unchanged, final = own last real step", () => {
  const D = 2;
  const H = 4;
  const T = 5;
  const lengths = [5, 2, 4, 1, 3];
  const rnn = new RNNScratch({ inputSize: D, hiddenSize: H });
  const mask = maskFor(lengths, T);
  const x = tf.randomNormal([lengths.length, T, D]);
  const { states, final } = rnn.forward(x, mask);
  const s = states.arraySync();
  const f = final.arraySync();
  lengths.forEach((len, b) => {
    for (let t = len; t < T; t++) assert.deepEqual(s[b][t], s[b][len - 1], `sequence ${b} changed at padded step ${t}`);
    assert.deepEqual(f[b], s[b][len - 1]);
    // The same sequence read alone, unpadded, ends in the same state.
    const alone = tf.slice(x, [b, 0, 0], [1, len, D]);
    const single = rnn.forward(alone);
    const diff = maxAbsDiff(single.final, tf.tensor2d([f[b]]));
    assert.ok(diff < 1e-6, `sequence ${b}: ${diff}`);
    tf.dispose([alone, single.states, single.final]);
  });
  tf.dispose([x, mask, states, final]);
  rnn.dispose();
});

test("step() fed event by event reproduces forward()'s trajectory", () => {
  const rnn = new RNNScratch({ inputSize: 3, hiddenSize: 4 });
  const x = tf.randomNormal([2, 5, 3]);
  const { states, final } = rnn.forward(x);
  let h: tf.Tensor2D | undefined;
  for (let t = 0; t < 5; t++) {
    const x_t = tf.squeeze(tf.slice(x, [0, t, 0], [2, 1, 3]), [1]);
    const next = rnn.step(x_t, h);
    const expected = tf.squeeze(tf.slice(states, [0, t, 0], [2, 1, 4]), [1]);
    assert.ok(maxAbsDiff(next, expected) < 1e-6);
    tf.dispose([x_t, expected, h]);
    h = next;
  }
  tf.dispose([x, states, final, h]);
  rnn.dispose();
});

test("getWeights/setWeights round trip; setWeights checks shapes", () => {
  const a = new RNNScratch({ inputSize: 2, hiddenSize: 3 });
  const b = new RNNScratch({ inputSize: 2, hiddenSize: 3 });
  b.setWeights(a.getWeights());
  assert.deepEqual(b.getWeights(), a.getWeights());
  const w = a.getWeights();
  assert.throws(() => b.setWeights({ ...w, W_hh: [[1, 2, 3]] }), /setWeights: W_hh must be a 3×3 array \(shape \[3, 3\]\), got \[1, 3\]/);
  assert.throws(() => b.setWeights({ ...w, b_h: [1] }), /b_h must have shape \[3\], got \[1\]/);
  a.dispose();
  b.dispose();
});

test("bad input: clear errors naming the argument, expected and actual shapes", () => {
  const rnn = new RNNScratch({ inputSize: 3, hiddenSize: 4 });
  const x = tf.zeros([2, 5, 3]);
  const wrongFeatures = tf.zeros([2, 5, 2]);
  assert.throws(() => rnn.forward(wrongFeatures), /x must have shape \[batch, time, inputSize=3\], got \[2, 5, 2\]/);
  const rank2 = tf.zeros([2, 3]);
  assert.throws(() => rnn.forward(rank2), /x must have shape \[batch, time, inputSize=3\], got \[2, 3\]/);
  const badMask = tf.ones([2, 4]);
  assert.throws(() => rnn.forward(x, badMask), /mask must have shape \[2, 5\] to match x, got \[2, 4\]/);
  const h0 = tf.zeros([2, 5]);
  assert.throws(() => rnn.forward(x, undefined, h0), /h0 must have shape \[2, 4\], got \[2, 5\]/);
  const nan = tf.tensor3d([[[0, Number.NaN, 0]]]);
  assert.throws(() => rnn.forward(nan), /non-finite value \(NaN\) at sequence 0, step 0/);
  const inf = tf.tensor2d([[0, Number.POSITIVE_INFINITY, 0]]);
  assert.throws(() => rnn.step(inf), /x_t holds a non-finite value \(Infinity\)/);
  const empty = tf.zeros([0, 5, 3]);
  assert.throws(() => rnn.forward(empty), /empty batch \(shape \[0, 5, 3\]\)/);
  const noSteps = tf.zeros([2, 0, 3]);
  assert.throws(() => rnn.forward(noSteps), /0 time steps \(shape \[2, 0, 3\]\)/);
  const zeroRow = tf.tensor2d([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]]);
  assert.throws(() => rnn.forward(x, zeroRow), /sequence 1 has length 0/);
  const x_t = tf.zeros([2, 3]);
  const hWrong = tf.zeros([2, 7]);
  assert.throws(() => rnn.step(x_t, hWrong), /step: h_prev must have shape \[2, 4\], got \[2, 7\]/);
  const xWrong = tf.zeros([2, 4]);
  assert.throws(() => rnn.step(xWrong), /x_t must have shape \[batch, inputSize=3\], got \[2, 4\]/);
  assert.throws(() => new RNNScratch({ inputSize: 3, hiddenSize: 0 }), /hiddenSize must be a positive integer, got 0/);
  tf.dispose([x, wrongFeatures, rank2, badMask, h0, nan, inf, empty, noSteps, zeroRow, x_t, hWrong, xWrong]);
  rnn.dispose();
});

test("forward, step and errors leave tf.memory().numTensors flat", () => {
  const rnn = new RNNScratch({ inputSize: 3, hiddenSize: 4 });
  const x = tf.randomNormal([2, 5, 3]);
  const mask = maskFor([5, 2], 5);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const out = rnn.forward(x, mask);
    tf.dispose([out.states, out.final]);
    const x_t = tf.zeros([2, 3]);
    const h = rnn.step(x_t);
    tf.dispose([x_t, h]);
    const bad = tf.zeros([2, 5, 9]);
    assert.throws(() => rnn.forward(bad));
    bad.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, mask]);
  rnn.dispose();
});

test("default initialisation: W_hh orthogonal (W_hh·W_hhᵀ = I), b_h zero; 'uniform' stays within ±1/sqrt(H)", () => {
  const rnn = new RNNScratch({ inputSize: 3, hiddenSize: 6 });
  const { W_hh, b_h } = rnn.getWeights();
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      const dot = W_hh[i].reduce((acc, x, k) => acc + x * W_hh[j][k], 0);
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `row ${i}·row ${j} = ${dot}`);
    }
  }
  assert.deepEqual(b_h, [0, 0, 0, 0, 0, 0]);
  const uniform = new RNNScratch({ inputSize: 3, hiddenSize: 4, init: "uniform" });
  assert.ok(uniform.W.arraySync().flat().every((v) => Math.abs(v) <= 0.5));
  rnn.dispose();
  uniform.dispose();
});

test("building a SequenceModel keeps only its variables; dispose leaves nothing", () => {
  const start = tf.memory().numTensors;
  const model = new SequenceModel({ inputSize: 3, hiddenSize: 4, head: (h) => new ClassificationHead(h, 2) });
  assert.equal(tf.memory().numTensors - start, model.variables.length);
  const out = model.predict([[[1, 0, 0], [0, 1, 0]]]);
  assert.deepEqual(out.shape, [1, 2]);
  out.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});
