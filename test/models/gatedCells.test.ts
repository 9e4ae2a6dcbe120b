import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { LSTMScratch } from "../../src/models/lstmScratch";
import { GRUScratch } from "../../src/models/gruScratch";
import { SequenceModel } from "../../src/models/sequenceModel";
import { ClassificationHead, NextTokenHead } from "../../src/models/heads";
import { runGated64 } from "./gatedFloat64";

before(async () => {
  await initBackend({ quiet: true });
  seed(2);
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** A mask with the given lengths, padded to T: [B, T]. */
function maskFor(lengths: number[], T: number): tf.Tensor2D {
  return tf.tensor2d(lengths.map((len) => Array.from({ length: T }, (_, t) => (t < len ? 1 : 0))));
}

/** Inputs whose padded steps are exact zeros (so a tf.layers Masking layer sees the same lengths). */
function paddedInputs(lengths: number[], T: number, D: number): { x: tf.Tensor3D; mask: tf.Tensor2D } {
  const mask = maskFor(lengths, T);
  const x = tf.tidy(() => tf.mul(tf.add(tf.randomUniform([lengths.length, T, D]), 0.5), tf.expandDims(mask, 2))) as tf.Tensor3D;
  return { x, mask };
}

const cells = {
  lstm: (D: number, H: number) => new LSTMScratch({ inputSize: D, hiddenSize: H, init: "uniform" }),
  "gru (reset before)": (D: number, H: number) => new GRUScratch({ inputSize: D, hiddenSize: H, init: "uniform" }),
  "gru (reset after)": (D: number, H: number) => new GRUScratch({ inputSize: D, hiddenSize: H, init: "uniform", resetAfter: true }),
};

/** A tf.layers model returning all outputs and the final state(s), with weights copied from ours. */
function layersTwin(cell: LSTMScratch | GRUScratch, T: number, masked: boolean, recurrentActivation: "sigmoid" | "hardSigmoid" = "sigmoid"): tf.LayersModel {
  const D = cell.inputSize;
  const H = cell.hiddenSize;
  const input = tf.input({ shape: [T, D] });
  const config = { units: H, returnSequences: true, returnState: true, recurrentActivation } as const;
  const layer = cell instanceof LSTMScratch ? tf.layers.lstm(config) : tf.layers.gru(config);
  const fed = masked ? (tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor) : input;
  const outputs = layer.apply(fed) as tf.SymbolicTensor[];
  const model = tf.model({ inputs: input, outputs });
  const w = cell.getWeights();
  layer.setWeights([tf.tensor2d(w.W_x), tf.tensor2d(w.W_h), tf.tensor1d(w.b)]);
  return model;
}

test("LSTMScratch equals tf.layers.lstm (sigmoid gates) with copied weights: all h, final h and c, masked and not, to 1e-5", () => {
  const D = 3;
  const H = 5;
  const T = 7;
  const lstm = new LSTMScratch({ inputSize: D, hiddenSize: H, init: "uniform" });
  for (const masked of [false, true]) {
    const lengths = masked ? [7, 4, 1, 6] : [7, 7, 7, 7];
    const { x, mask } = paddedInputs(lengths, T, D);
    const model = layersTwin(lstm, T, masked);
    const [states, hT, cT] = model.predict(x) as tf.Tensor[];
    const ours = lstm.forward(x, masked ? mask : undefined);
    assert.deepEqual(ours.states.shape, [4, T, H]);
    for (const [a, b, what] of [[ours.states, states, "states"], [ours.final, hT, "final h"], [ours.finalCell, cT, "final c"]] as const) {
      const diff = maxAbsDiff(a, b);
      assert.ok(diff < 1e-5, `${masked ? "masked" : "unmasked"} ${what}: max difference ${diff}`);
    }
    tf.dispose([x, mask, states, hT, cT, ours.states, ours.final, ours.finalCell]);
    model.dispose();
  }
  lstm.dispose();
});

test("GRUScratch (reset before) equals tf.layers.gru (sigmoid gates) with copied weights, masked and not, to 1e-5", () => {
  const D = 4;
  const H = 3;
  const T = 6;
  const gru = new GRUScratch({ inputSize: D, hiddenSize: H, init: "uniform" });
  for (const masked of [false, true]) {
    const lengths = masked ? [2, 6, 5] : [6, 6, 6];
    const { x, mask } = paddedInputs(lengths, T, D);
    const model = layersTwin(gru, T, masked);
    const [states, hT] = model.predict(x) as tf.Tensor[];
    const ours = gru.forward(x, masked ? mask : undefined);
    assert.ok(maxAbsDiff(ours.states, states) < 1e-5, `states: ${maxAbsDiff(ours.states, states)}`);
    assert.ok(maxAbsDiff(ours.final, hT) < 1e-5, `final: ${maxAbsDiff(ours.final, hT)}`);
    tf.dispose([x, mask, states, hT, ours.states, ours.final]);
    model.dispose();
  }
  gru.dispose();
});

test("tf.layers' own defaults differ: hardSigmoid gates (outputs differ from ours), and its GRU has no reset-after variant", () => {
  const lstm = new LSTMScratch({ inputSize: 2, hiddenSize: 3, init: "uniform" });
  const layer = tf.layers.lstm({ units: 3 });
  assert.equal((layer.getConfig() as { recurrentActivation: string }).recurrentActivation, "hardSigmoid");
  const model = layersTwin(lstm, 4, false, "hardSigmoid");
  const x = tf.randomNormal([2, 4, 2]);
  const [states] = model.predict(x) as tf.Tensor[];
  const ours = lstm.forward(x);
  assert.ok(maxAbsDiff(ours.states, states) > 1e-3, "hardSigmoid gates should give different numbers");
  assert.throws(() => tf.layers.gru({ units: 3, resetAfter: true } as Parameters<typeof tf.layers.gru>[0]), /reset_after/);
  tf.dispose([x, states, ours.states, ours.final, ours.finalCell]);
  model.dispose();
  lstm.dispose();
});

test("the cells equal a plain float64 implementation of their equations (both GRU variants)", () => {
  const D = 2;
  const H = 3;
  const T = 5;
  for (const [name, make] of Object.entries(cells)) {
    const cell = make(D, H);
    const x = tf.randomNormal([2, T, D]);
    const out = cell.forward(x);
    const w = cell.getWeights();
    const params = { W: [...w.W_x, ...w.W_h], b: w.b, b_rec: "b_rec" in w ? (w.b_rec as number[] | undefined) : undefined };
    const xs = x.arraySync() as number[][][];
    const states = out.states.arraySync() as number[][][];
    xs.forEach((seq, b) => {
      const reference = runGated64(name === "lstm" ? "lstm" : "gru", params, seq, H);
      reference.forEach((h, t) => h.forEach((v, j) => assert.ok(Math.abs(v - states[b][t][j]) < 1e-5, `${name} [${b}, ${t}, ${j}]: ${states[b][t][j]} vs ${v}`)));
    });
    tf.dispose([x, ...Object.values(out)]);
    cell.dispose();
  }
});

test("the documented layout: W = [W_x ; W_h] with gate blocks side by side (LSTM i, f, g, o; GRU z, r, n)", () => {
  const lstm = new LSTMScratch({ inputSize: 2, hiddenSize: 3 });
  const w = lstm.getWeights();
  assert.equal(w.W_x.length, 2);
  assert.equal(w.W_h.length, 3);
  assert.equal(w.W_x[0].length, 12);
  assert.deepEqual(lstm.W.arraySync(), [...w.W_x, ...w.W_h]);
  const H = 3;
  const block = (gate: number, value: number) => w.b.map((v, j) => (j >= gate * H && j < (gate + 1) * H ? value : v));
  const x4 = tf.randomNormal([2, 4, 2]);
  // Input gate (block 0) shut: nothing is ever written to c, so h = o ⊙ tanh(0) = 0 throughout.
  lstm.setWeights({ ...w, b: block(0, -50) });
  const shut = lstm.forward(x4);
  assert.ok(tf.tidy(() => tf.max(tf.abs(shut.states)).dataSync()[0]) < 1e-6);
  // Forget gate (block 1) shut: c_t = i ⊙ g depends on step t only; with W_h zero too, h_t equals
  // the state after reading x_t alone.
  lstm.setWeights({ W_x: w.W_x, W_h: w.W_h.map((row) => row.map(() => 0)), b: block(1, -50) });
  const forgetful = lstm.forward(x4);
  const last = tf.slice(x4, [0, 3, 0], [2, 1, 2]);
  const lastAlone = lstm.forward(last);
  assert.ok(maxAbsDiff(forgetful.final, lastAlone.final) < 1e-6);
  tf.dispose([x4, last, ...Object.values(shut), ...Object.values(forgetful), ...Object.values(lastAlone)]);
  const gru = new GRUScratch({ inputSize: 2, hiddenSize: 3, resetAfter: true });
  const g = gru.getWeights();
  assert.equal(g.W_x[0].length, 9);
  assert.equal(g.b_rec?.length, 9);
  // Update gate z (first block) saturated at 1: the state never moves from h_0 = 0.
  gru.setWeights({ ...g, b: [...new Array(3).fill(50), ...g.b.slice(3)] });
  const x = tf.randomNormal([2, 4, 2]);
  const out = gru.forward(x);
  assert.ok(tf.tidy(() => tf.max(tf.abs(out.states)).dataSync()[0]) < 1e-6);
  tf.dispose([x, out.states, out.final]);
  lstm.dispose();
  gru.dispose();
});

test("padded steps leave h (and the LSTM's c) unchanged; the final state is each sequence's own last real step", () => {
  const D = 2;
  const H = 4;
  const T = 5;
  const lengths = [5, 2, 4, 1, 3];
  for (const [name, make] of Object.entries(cells)) {
    const cell = make(D, H);
    const mask = maskFor(lengths, T);
    const x = tf.randomNormal([lengths.length, T, D]);
    const out = cell.forward(x, mask);
    const s = out.states.arraySync();
    const f = out.final.arraySync();
    lengths.forEach((len, b) => {
      for (let t = len; t < T; t++) assert.deepEqual(s[b][t], s[b][len - 1], `${name}: sequence ${b} changed at padded step ${t}`);
      assert.deepEqual(f[b], s[b][len - 1]);
      const alone = tf.slice(x, [b, 0, 0], [1, len, D]);
      const single = cell.forward(alone);
      assert.ok(maxAbsDiff(single.final, tf.tensor2d([f[b]])) < 1e-6, `${name}: sequence ${b} read alone`);
      if (cell instanceof LSTMScratch && "finalCell" in out && "finalCell" in single) {
        const cOwn = tf.slice(out.finalCell as tf.Tensor2D, [b, 0], [1, H]);
        assert.ok(maxAbsDiff(single.finalCell as tf.Tensor2D, cOwn) < 1e-6, `lstm: c of sequence ${b} read alone`);
        cOwn.dispose();
      }
      tf.dispose([alone, ...Object.values(single)]);
    });
    tf.dispose([x, mask, ...Object.values(out)]);
    cell.dispose();
  }
});

test("step() fed event by event reproduces forward()'s trajectory (LSTM carries {h, c})", () => {
  for (const [name, make] of Object.entries(cells)) {
    const cell = make(3, 4);
    const x = tf.randomNormal([2, 5, 3]);
    const out = cell.forward(x);
    let state: ReturnType<typeof cell.step> | undefined;
    for (let t = 0; t < 5; t++) {
      const x_t = tf.squeeze(tf.slice(x, [0, t, 0], [2, 1, 3]), [1]);
      const next = (cell.step as (x: tf.Tensor, s?: unknown) => ReturnType<typeof cell.step>)(x_t, state);
      const h = cell instanceof LSTMScratch ? (next as { h: tf.Tensor2D }).h : (next as tf.Tensor2D);
      const expected = tf.squeeze(tf.slice(out.states, [0, t, 0], [2, 1, 4]), [1]);
      assert.ok(maxAbsDiff(h, expected) < 1e-6, `${name} step ${t}`);
      tf.dispose([x_t, expected]);
      if (state) tf.dispose(state as tf.Tensor | { h: tf.Tensor; c: tf.Tensor } as never);
      state = next;
    }
    tf.dispose([x, ...Object.values(out), state as never]);
    cell.dispose();
  }
});

test("getWeights/setWeights round trip; setWeights checks every shape and the recurrent bias", () => {
  const a = new LSTMScratch({ inputSize: 2, hiddenSize: 3 });
  const b = new LSTMScratch({ inputSize: 2, hiddenSize: 3 });
  b.setWeights(a.getWeights());
  assert.deepEqual(b.getWeights(), a.getWeights());
  const w = a.getWeights();
  assert.throws(() => b.setWeights({ ...w, W_h: [[1, 2, 3]] }), /LSTMScratch.setWeights: W_h must be a 3×12 array \(shape \[3, 12\]\), got \[1, 3\]/);
  assert.throws(() => b.setWeights({ ...w, W_x: w.W_h }), /W_x must be a 2×12 array \(shape \[2, 12\]\), got \[3, 12\]/);
  assert.throws(() => b.setWeights({ ...w, b: [1, 2] }), /b must have shape \[12\], got \[2\]/);
  assert.throws(() => b.setWeights({ ...w, b: w.b.map((v, i) => (i === 4 ? Number.NaN : v)) }), /b holds a non-finite value \(NaN\)/);
  const before = new GRUScratch({ inputSize: 2, hiddenSize: 3 });
  const after = new GRUScratch({ inputSize: 2, hiddenSize: 3, resetAfter: true });
  const gw = after.getWeights();
  const copy = new GRUScratch({ inputSize: 2, hiddenSize: 3, resetAfter: true });
  copy.setWeights(gw);
  assert.deepEqual(copy.getWeights(), gw);
  assert.throws(() => before.setWeights(gw), /b_rec is only used by the reset-after variant/);
  assert.throws(() => after.setWeights({ ...gw, b_rec: undefined }), /b_rec \(the recurrent bias, \[9\]\) is required for the reset-after variant/);
  assert.throws(() => after.setWeights({ ...gw, b_rec: [0] }), /b_rec must have shape \[9\], got \[1\]/);
  for (const cell of [a, b, before, after, copy]) cell.dispose();
});

test("bad input: clear errors naming the argument, expected and actual shapes", () => {
  const lstm = new LSTMScratch({ inputSize: 3, hiddenSize: 4 });
  const gru = new GRUScratch({ inputSize: 3, hiddenSize: 4 });
  const x = tf.zeros([2, 5, 3]);
  const owned: tf.Tensor[] = [x];
  const make = <T extends tf.Tensor>(t: T) => (owned.push(t), t);
  for (const [cell, name] of [[lstm, "LSTMScratch"], [gru, "GRUScratch"]] as const) {
    assert.throws(() => cell.forward(make(tf.zeros([2, 5, 2]))), new RegExp(`${name}.forward: x must have shape \\[batch, time, inputSize=3\\], got \\[2, 5, 2\\]`));
    assert.throws(() => cell.forward(make(tf.zeros([2, 3]))), /x must have shape \[batch, time, inputSize=3\], got \[2, 3\]/);
    assert.throws(() => cell.forward(x, make(tf.ones([2, 4]))), /mask must have shape \[2, 5\] to match x, got \[2, 4\]/);
    assert.throws(() => cell.forward(make(tf.tensor3d([[[0, Number.NaN, 0]]]))), /non-finite value \(NaN\) at sequence 0, step 0/);
    assert.throws(() => cell.forward(make(tf.zeros([0, 5, 3]))), /empty batch \(shape \[0, 5, 3\]\)/);
    assert.throws(() => cell.forward(make(tf.zeros([2, 0, 3]))), /0 time steps \(shape \[2, 0, 3\]\)/);
    assert.throws(() => cell.forward(x, make(tf.tensor2d([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]]))), /sequence 1 has length 0/);
    assert.throws(() => cell.step(make(tf.zeros([2, 4]))), new RegExp(`${name}.step: x_t must have shape \\[batch, inputSize=3\\], got \\[2, 4\\]`));
    assert.throws(() => cell.step(make(tf.zeros([0, 3]))), /x_t is an empty batch \(shape \[0, 3\]\)/);
    assert.throws(() => cell.step(make(tf.tensor2d([[0, Number.POSITIVE_INFINITY, 0]]))), /x_t holds a non-finite value \(Infinity\)/);
  }
  assert.throws(() => lstm.forward(x, undefined, { h: make(tf.zeros([2, 4])), c: make(tf.zeros([2, 5])) }), /initial.c must have shape \[2, 4\], got \[2, 5\]/);
  assert.throws(() => lstm.step(make(tf.zeros([2, 3])), { h: make(tf.zeros([1, 4])), c: make(tf.zeros([2, 4])) }), /LSTMScratch.step: state.h must have shape \[2, 4\], got \[1, 4\]/);
  assert.throws(() => gru.forward(x, undefined, make(tf.zeros([2, 5]))), /GRUScratch.forward: h0 must have shape \[2, 4\], got \[2, 5\]/);
  assert.throws(() => gru.step(make(tf.zeros([2, 3])), make(tf.zeros([2, 7]))), /GRUScratch.step: h_prev must have shape \[2, 4\], got \[2, 7\]/);
  assert.throws(() => new LSTMScratch({ inputSize: 3, hiddenSize: 0 }), /LSTMScratch: hiddenSize must be a positive integer, got 0/);
  assert.throws(() => new GRUScratch({ inputSize: 1.5, hiddenSize: 2 }), /GRUScratch: inputSize must be a positive integer, got 1.5/);
  assert.throws(() => new LSTMScratch({ inputSize: 3, hiddenSize: 2, forgetBias: Number.NaN }), /forgetBias must be a finite number, got NaN/);
  tf.dispose(owned);
  lstm.dispose();
  gru.dispose();
});

test("forward, step and errors leave tf.memory().numTensors flat", () => {
  for (const make of Object.values(cells)) {
    const cell = make(3, 4);
    const x = tf.randomNormal([2, 5, 3]);
    const mask = maskFor([5, 2], 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(Object.values(cell.forward(x, mask)));
      const x_t = tf.zeros([2, 3]);
      const state = cell.step(x_t);
      tf.dispose([x_t, ...(state instanceof tf.Tensor ? [state] : [state.h, state.c])]);
      const bad = tf.zeros([2, 5, 9]);
      assert.throws(() => cell.forward(bad));
      bad.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, mask]);
    cell.dispose();
  }
});

test("initialisation: forget bias 1 (LSTM), zero biases, orthogonal recurrent blocks; 'uniform' stays within ±1/sqrt(H)", () => {
  const H = 5;
  const lstm = new LSTMScratch({ inputSize: 3, hiddenSize: H });
  const { W_h, b } = lstm.getWeights();
  assert.deepEqual(b, [...new Array(H).fill(0), ...new Array(H).fill(1), ...new Array(2 * H).fill(0)]);
  for (let gate = 0; gate < 4; gate++) {
    const block = W_h.map((row) => row.slice(gate * H, (gate + 1) * H));
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) {
        const dot = block[i].reduce((acc, v, k) => acc + v * block[j][k], 0);
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `gate ${gate}: row ${i}·row ${j} = ${dot}`);
      }
    }
  }
  const gru = new GRUScratch({ inputSize: 3, hiddenSize: H, resetAfter: true });
  assert.ok(gru.getWeights().b.every((v) => v === 0) && gru.getWeights().b_rec?.every((v) => v === 0));
  const uniform = new LSTMScratch({ inputSize: 3, hiddenSize: 4, init: "uniform" });
  assert.ok([...uniform.W.arraySync().flat(), ...uniform.b.arraySync()].every((v) => Math.abs(v) <= 0.5));
  const shifted = new LSTMScratch({ inputSize: 3, hiddenSize: 4, init: "uniform", forgetBias: 2 });
  assert.ok(shifted.b.arraySync().slice(4, 8).every((v) => v >= 1.5 && v <= 2.5));
  for (const cell of [lstm, gru, uniform, shifted]) cell.dispose();
});

test("SequenceModel takes any cell: predictions, hidden states, step with an LSTM state, and a clean dispose", () => {
  const start = tf.memory().numTensors;
  const model = new SequenceModel({ inputSize: 3, hiddenSize: 4, head: (h) => new ClassificationHead(h, 2), cell: (D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H }) });
  assert.equal(tf.memory().numTensors - start, model.variables.length);
  assert.equal(model.rnn.kind, "lstm");
  const sequences = [[[1, 0, 0], [0, 1, 0]], [[0, 0, 1]]];
  const out = model.predict(sequences);
  assert.deepEqual(out.shape, [2, 2]);
  const { states, final, lengths } = model.hiddenStates(sequences);
  assert.deepEqual(states.shape, [2, 2, 4]);
  assert.deepEqual(lengths, [2, 1]);
  // Stepping through the first sequence ends in its final state; the LSTM state carries c along.
  let state: { h: tf.Tensor2D; c: tf.Tensor2D } | undefined;
  for (const event of sequences[0]) {
    const next = model.step(event, state);
    next.output.dispose();
    if (state) tf.dispose([state.h, state.c]);
    state = next.state;
    assert.equal(next.h, next.state.h);
  }
  const first = tf.slice(final, [0, 0], [1, 4]);
  assert.ok(maxAbsDiff(state!.h, first) < 1e-6);
  tf.dispose([out, states, final, first, state!.h, state!.c]);
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
  const tokens = new SequenceModel({ vocabSize: 5, embeddingSize: 2, hiddenSize: 3, head: (h) => new NextTokenHead(h, 5), cell: (D, H) => new GRUScratch({ inputSize: D, hiddenSize: H }) });
  const next = tokens.step(3);
  assert.deepEqual(next.output.shape, [1, 5]);
  assert.equal(next.h, next.state);
  tf.dispose([next.h, next.output]);
  tokens.dispose();
  assert.throws(
    () => new SequenceModel({ inputSize: 3, hiddenSize: 4, head: (h) => new ClassificationHead(h, 2), cell: () => new LSTMScratch({ inputSize: 3, hiddenSize: 5 }) }),
    /SequenceModel: cell must be built with inputSize 3 and hiddenSize 4, got 3 and 5/,
  );
  assert.equal(tf.memory().numTensors, start);
});

test("gateAverages: at the start the gates sit near σ(their bias): LSTM f ≈ σ(1), GRU z ≈ σ(updateBias); the candidate averages near 0", async () => {
  const { gateAverages } = await import("../../src/models/gateAverages");
  const sequences = Array.from({ length: 4 }, (_, s) => Array.from({ length: 6 }, (_, t) => [Math.sin(s + t), Math.cos(s * t)]));
  // With all weights zero, every gate is exactly σ(its bias).
  const lstm = new LSTMScratch({ inputSize: 2, hiddenSize: 3 });
  const w = lstm.getWeights();
  lstm.setWeights({ W_x: w.W_x.map((r) => r.map(() => 0)), W_h: w.W_h.map((r) => r.map(() => 0)), b: w.b });
  const zeroed = gateAverages(lstm, sequences);
  assert.ok(Math.abs(zeroed.f - 1 / (1 + Math.exp(-1))) < 1e-6 && Math.abs(zeroed.i - 0.5) < 1e-6 && Math.abs(zeroed.g) < 1e-6);
  const gru = new GRUScratch({ inputSize: 2, hiddenSize: 3, updateBias: 3 });
  const g = gru.getWeights();
  gru.setWeights({ ...g, W_x: g.W_x.map((r) => r.map(() => 0)), W_h: g.W_h.map((r) => r.map(() => 0)) });
  const start = tf.memory().numTensors;
  const z = gateAverages(gru, sequences);
  assert.deepEqual(Object.keys(z).sort(), ["n", "r", "z"]);
  assert.ok(Math.abs(z.z - 1 / (1 + Math.exp(-3))) < 1e-6 && Math.abs(z.r - 0.5) < 1e-6);
  assert.equal(tf.memory().numTensors, start);
  assert.throws(() => gateAverages(gru, [sequences[0], sequences[1].slice(2)]), /all sequences must have the same length ≥ 1, got lengths 6, 4/);
  lstm.dispose();
  gru.dispose();
});
