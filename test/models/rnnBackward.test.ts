import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed, createRng, standardNormal } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { disposeBatch, type SequenceBatch } from "../../src/models/sequenceBatch";
import { ClassificationHead, NextTokenHead, RegressionHead } from "../../src/models/heads";

before(async () => {
  await initBackend({ quiet: true });
  seed(3);
});

/** max |a − b| / max |b| over one gradient. */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

const rng = createRng(11);
const gauss = () => standardNormal(rng);

/** Dense sequences whose lengths all differ. */
function denseSequences(lengths: number[], D: number): number[][][] {
  return lengths.map((len) => Array.from({ length: len }, () => Array.from({ length: D }, gauss)));
}

function compareGradients(model: SequenceModel, batch: SequenceBatch, truncate?: number): number {
  const hand = model.lossAndGradients(batch, { method: "hand", truncate });
  const auto = model.lossAndGradients(batch, { method: "autodiff", truncate });
  assert.ok(Math.abs(hand.loss.dataSync()[0] - auto.loss.dataSync()[0]) < 1e-5);
  let worst = 0;
  for (const v of model.variables) {
    const a = hand.grads[v.name];
    const b = auto.grads[v.name];
    assert.ok(a && b, `missing gradient for ${v.name}`);
    assert.deepEqual(a.shape, v.shape);
    const err = relativeError(a, b);
    assert.ok(err < 1e-4, `${v.name}: relative error ${err}`);
    worst = Math.max(worst, err);
  }
  tf.dispose([hand.loss, auto.loss, hand.grads, auto.grads]);
  return worst;
}

test("hand BPTT equals autodiff (regression head, masked batch, lengths all differ)", () => {
  const model = new SequenceModel({ inputSize: 3, hiddenSize: 5, head: (h) => new RegressionHead(h, 2) });
  const lengths = [6, 3, 1, 5, 2];
  const batch = model.makeBatch(denseSequences(lengths, 3), lengths.map(() => [gauss(), gauss()]));
  compareGradients(model, batch);
  disposeBatch(batch);
  model.dispose();
});

test("hand BPTT equals autodiff (classification head)", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new ClassificationHead(h, 3) });
  const lengths = [4, 7, 2];
  const batch = model.makeBatch(denseSequences(lengths, 2), [0, 2, 1]);
  compareGradients(model, batch);
  disposeBatch(batch);
  model.dispose();
});

test("hand BPTT equals autodiff (next-token head on tokens, embedding gradient included)", () => {
  const V = 7;
  const model = new SequenceModel({ vocabSize: V, embeddingSize: 3, hiddenSize: 4, head: (h) => new NextTokenHead(h, V) });
  const lengths = [5, 2, 4];
  const seqs = lengths.map((len) => Array.from({ length: len + 1 }, () => Math.floor(rng() * V)));
  const batch = model.makeBatch(seqs.map((s) => s.slice(0, -1)), seqs.map((s) => s.slice(1)));
  compareGradients(model, batch);
  disposeBatch(batch);
  model.dispose();
});

test("truncated BPTT: hand equals autodiff with the same cut, and differs from full BPTT", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new NextTokenHead(h, 3) });
  const lengths = [9, 7, 8];
  const seqs = denseSequences(lengths, 2);
  const targets = lengths.map((len) => Array.from({ length: len }, () => Math.floor(rng() * 3)));
  const batch = model.makeBatch(seqs, targets);
  compareGradients(model, batch, 3);
  const full = model.lossAndGradients(batch, { method: "hand" });
  const cut = model.lossAndGradients(batch, { method: "hand", truncate: 3 });
  const name = model.rnn.W.name;
  assert.ok(relativeError(cut.grads[name], full.grads[name]) > 1e-3, "truncation should change dW");
  // The head's gradients do not depend on how far back the recurrence is differentiated.
  assert.ok(relativeError(cut.grads[model.head.W_hq.name], full.grads[model.head.W_hq.name]) < 1e-6);
  // Truncating every step > T is full BPTT.
  const long = model.lossAndGradients(batch, { method: "hand", truncate: 100 });
  assert.ok(relativeError(long.grads[name], full.grads[name]) < 1e-6);
  tf.dispose([full, cut, long]);
  disposeBatch(batch);
  model.dispose();
});

// ---- Central finite differences in float64, with a plain-JS copy of the model. ----

interface Params {
  W: number[][];
  b: number[];
  W_hq: number[][];
  b_q: number[];
}

/** The model's loss in float64 (dense inputs; head "regression" | "classes" | "next"). */
function lossF64(p: Params, seqs: number[][][], targets: (number | number[])[], head: "regression" | "classes" | "next"): number {
  const H = p.b.length;
  let total = 0;
  let count = 0;
  seqs.forEach((seq, i) => {
    let h = new Array<number>(H).fill(0);
    const out = (state: number[]) => p.b_q.map((bq, q) => bq + state.reduce((acc, s, j) => acc + s * p.W_hq[j][q], 0));
    const ce = (logits: number[], y: number) => {
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0));
      return lse - logits[y];
    };
    seq.forEach((x, t) => {
      const xh = [...x, ...h];
      h = p.b.map((bj, j) => Math.tanh(bj + xh.reduce((acc, v, r) => acc + v * p.W[r][j], 0)));
      if (head === "next") {
        total += ce(out(h), (targets[i] as number[])[t]);
        count += 1;
      }
    });
    if (head === "regression") {
      const y = targets[i] as number[];
      const o = out(h);
      total += o.reduce((acc, v, q) => acc + (v - y[q]) ** 2, 0) / o.length;
      count += 1;
    } else if (head === "classes") {
      total += ce(out(h), targets[i] as number);
      count += 1;
    }
  });
  return total / count;
}

function checkAgainstFiniteDifferences(head: "regression" | "classes" | "next"): void {
  const D = 2;
  const H = 3;
  const Q = 3;
  const makeHead = (h: number) => (head === "regression" ? new RegressionHead(h, Q) : head === "classes" ? new ClassificationHead(h, Q) : new NextTokenHead(h, Q));
  const model = new SequenceModel({ inputSize: D, hiddenSize: H, head: makeHead });
  const lengths = [4, 2, 3];
  const seqs = denseSequences(lengths, D);
  const targets: (number | number[])[] =
    head === "regression" ? lengths.map(() => [gauss(), gauss(), gauss()]) : head === "classes" ? [0, 2, 1] : lengths.map((len) => Array.from({ length: len }, () => Math.floor(rng() * Q)));
  const batch = model.makeBatch(seqs, targets);
  const p: Params = {
    W: model.rnn.W.arraySync(),
    b: model.rnn.b_h.arraySync(),
    W_hq: model.head.W_hq.arraySync(),
    b_q: model.head.b_q.arraySync(),
  };
  const eps = 1e-5;
  const numeric = (key: keyof Params) => {
    const value = p[key];
    const grad = (value as (number | number[])[]).map((entry, i) => {
      const bump = (delta: number, j?: number) => {
        const copy: Params = JSON.parse(JSON.stringify(p));
        if (j === undefined) (copy[key] as number[])[i] += delta;
        else (copy[key] as number[][])[i][j] += delta;
        return lossF64(copy, seqs, targets, head);
      };
      return Array.isArray(entry) ? entry.map((_, j) => (bump(eps, j) - bump(-eps, j)) / (2 * eps)) : (bump(eps) - bump(-eps)) / (2 * eps);
    });
    return tf.tensor(grad as number[]);
  };
  const names: [keyof Params, tf.Variable][] = [
    ["W", model.rnn.W],
    ["b", model.rnn.b_h],
    ["W_hq", model.head.W_hq],
    ["b_q", model.head.b_q],
  ];
  for (const method of ["hand", "autodiff"] as const) {
    const { loss, grads } = model.lossAndGradients(batch, { method });
    assert.ok(Math.abs(loss.dataSync()[0] - lossF64(p, seqs, targets, head)) < 1e-5);
    for (const [key, v] of names) {
      const reference = numeric(key);
      const err = relativeError(grads[v.name], reference);
      assert.ok(err < 1e-3, `${method} ${key}: relative error ${err} against finite differences`);
      reference.dispose();
    }
    tf.dispose([loss, grads]);
  }
  disposeBatch(batch);
  model.dispose();
}

test("hand BPTT and autodiff both agree with float64 central differences (regression)", () => checkAgainstFiniteDifferences("regression"));
test("hand BPTT and autodiff both agree with float64 central differences (classification)", () => checkAgainstFiniteDifferences("classes"));
test("hand BPTT and autodiff both agree with float64 central differences (next token, masked)", () => checkAgainstFiniteDifferences("next"));

test("lossAndGradients leaves tf.memory().numTensors flat (both methods)", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h) });
  const lengths = [3, 5];
  const batch = model.makeBatch(denseSequences(lengths, 2), [1, -1]);
  for (const method of ["hand", "autodiff"] as const) {
    const warm = model.lossAndGradients(batch, { method, truncate: 2 });
    tf.dispose([warm.loss, warm.grads]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { loss, grads } = model.lossAndGradients(batch, { method, truncate: 2 });
      tf.dispose([loss, grads]);
    }
    assert.equal(tf.memory().numTensors, before, method);
  }
  disposeBatch(batch);
  model.dispose();
});
