/**
 * SequenceModel's inference API, the part notebooks call: step (one event at a time),
 * hiddenStates (a batch of trajectories) and predictBatched (many sequences, batched by length).
 * Each is checked against numbers computed independently: by hand, by a plain-array RNN written
 * here, or by reading each sequence alone.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed, createRng } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { ClassificationHead, RegressionHead } from "../../src/models/heads";
import type { RNNWeights } from "../../src/models/rnnScratch";

before(async () => {
  await initBackend({ quiet: true });
  seed(11);
});

/** h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b_h) with plain arrays, from h_0 = 0: [len][H]. */
function referenceStates(events: number[][], w: RNNWeights): number[][] {
  const H = w.b_h.length;
  let h = new Array<number>(H).fill(0);
  return events.map((x) => {
    h = w.b_h.map((b, j) => Math.tanh(b + x.reduce((s, xi, i) => s + xi * w.W_xh[i][j], 0) + h.reduce((s, hi, i) => s + hi * w.W_hh[i][j], 0)));
    return h;
  });
}

function assertRowsClose(actual: number[][], expected: number[][], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - expected[r][c]) < tolerance, `${what}[${r}][${c}]: ${v} vs ${expected[r][c]}`)));
}

test("step: one event with the previous state, against numbers computed by hand", () => {
  // D = 1, H = 1, regression: h_t = tanh(0.5·x_t − 1·h_{t−1} + 0.1), y = 2·h + 0.3.
  const model = new SequenceModel({ inputSize: 1, hiddenSize: 1, head: (h) => new RegressionHead(h) });
  model.rnn.setWeights({ W_xh: [[0.5]], W_hh: [[-1]], b_h: [0.1] });
  model.head.W_hq.assign(tf.tensor2d([[2]]));
  model.head.b_q.assign(tf.tensor1d([0.3]));
  const first = model.step([1]);
  const h1 = Math.tanh(0.5 + 0.1);
  assert.ok(Math.abs(first.h.dataSync()[0] - h1) < 1e-6);
  assert.ok(Math.abs(first.output.dataSync()[0] - (2 * h1 + 0.3)) < 1e-6);
  const second = model.step([-2], first.h);
  const h2 = Math.tanh(0.5 * -2 - h1 + 0.1);
  assert.deepEqual([second.h.shape, second.output.shape], [[1, 1], [1, 1]]);
  assert.ok(Math.abs(second.h.dataSync()[0] - h2) < 1e-6);
  assert.ok(Math.abs(second.output.dataSync()[0] - (2 * h2 + 0.3)) < 1e-6);
  assert.throws(() => model.step([1, 2]), { message: "SequenceModel.step: event must have 1 features, got [1, 2]" });
  tf.dispose([first.h, first.output, second.h, second.output]);
  model.dispose();
});

test("step on tokens: class probabilities = softmax of the head on the state, which follows the embedding", () => {
  const model = new SequenceModel({ vocabSize: 5, embeddingSize: 3, hiddenSize: 4, head: (h) => new ClassificationHead(h, 3) });
  const E = model.embedding!.arraySync();
  const w = model.rnn.getWeights();
  const W_hq = model.head.W_hq.arraySync();
  const b_q = model.head.b_q.arraySync();
  const ids = [4, 0, 2];
  const expectedStates = referenceStates(ids.map((id) => E[id]), w);
  let h: tf.Tensor2D | undefined;
  ids.forEach((id, t) => {
    const next = model.step(id, h);
    assertRowsClose(next.h.arraySync(), [expectedStates[t]], 1e-5, `h after step ${t}`);
    const logits = b_q.map((b, q) => b + expectedStates[t].reduce((s, hi, i) => s + hi * W_hq[i][q], 0));
    const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
    assertRowsClose(next.output.arraySync(), [z.map((v) => v / z.reduce((a, c) => a + c, 0))], 1e-5, `probabilities after step ${t}`);
    tf.dispose([h, next.output]);
    h = next.h;
  });
  h?.dispose();
  model.dispose();
});

test("hiddenStates: [B, T, H] trajectories equal a plain-array RNN; padded steps keep the last state", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 3, head: (h) => new RegressionHead(h) });
  const rng = createRng(4);
  const lengths = [4, 1, 3];
  const sequences = lengths.map((length) => Array.from({ length }, () => [rng() * 2 - 1, rng() * 2 - 1]));
  const before = tf.memory().numTensors;
  const { states, final, lengths: returned } = model.hiddenStates(sequences);
  assert.deepEqual(states.shape, [3, 4, 3]);
  assert.deepEqual(final.shape, [3, 3]);
  assert.deepEqual(returned, lengths);
  const s = states.arraySync();
  const f = final.arraySync();
  const w = model.rnn.getWeights();
  sequences.forEach((sequence, b) => {
    const expected = referenceStates(sequence, w);
    assertRowsClose(s[b].slice(0, sequence.length), expected, 1e-5, `sequence ${b}`);
    for (let t = sequence.length; t < 4; t++) assert.deepEqual(s[b][t], s[b][sequence.length - 1], `sequence ${b}, padded step ${t}`);
    assertRowsClose([f[b]], [expected[expected.length - 1]], 1e-5, `final state of sequence ${b}`);
  });
  tf.dispose([states, final]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => model.hiddenStates([[[1, 2, 3]]]), /SequenceModel\.hiddenStates/);
  model.dispose();
});

test("predictBatched: rows in input order, equal to predicting each sequence alone, whatever the batching", () => {
  const model = new SequenceModel({ vocabSize: 9, embeddingSize: 4, hiddenSize: 5, head: (h) => new ClassificationHead(h, 3) });
  const rng = createRng(8);
  const sequences = Array.from({ length: 11 }, () => Array.from({ length: 1 + Math.floor(rng() * 9) }, () => 1 + Math.floor(rng() * 8)));
  const alone = sequences.map((sequence) => {
    const p = model.predict([sequence]);
    const row = p.arraySync()[0];
    p.dispose();
    return row;
  });
  const before = tf.memory().numTensors;
  for (const options of [{}, { batchSize: 3 }, { batchSize: 4, maxTokensPerBatch: 12 }, { batchSize: 1 }]) {
    const rows = model.predictBatched(sequences, options);
    assert.equal(rows.length, sequences.length);
    assertRowsClose(rows, alone, 1e-5, `predictBatched(${JSON.stringify(options)})`);
    rows.forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, "each row is a probability distribution"));
  }
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test("predictBatched on a regression model returns the head's values, not probabilities", () => {
  const model = new SequenceModel({ inputSize: 1, hiddenSize: 1, head: (h) => new RegressionHead(h) });
  model.rnn.setWeights({ W_xh: [[1]], W_hh: [[0]], b_h: [0] });
  model.head.W_hq.assign(tf.tensor2d([[3]]));
  model.head.b_q.assign(tf.tensor1d([-1]));
  // With W_hh = 0 the final state is tanh(last event), so y = 3·tanh(last) − 1.
  const rows = model.predictBatched([[[0.2], [0.5]], [[-1]], [[0], [0], [2]]], { batchSize: 2 });
  assertRowsClose(rows, [[3 * Math.tanh(0.5) - 1], [3 * Math.tanh(-1) - 1], [3 * Math.tanh(2) - 1]], 1e-5, "regression rows");
  model.dispose();
});
