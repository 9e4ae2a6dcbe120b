import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed, createRng, standardNormal } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { disposeBatch, type SequenceBatch } from "../../src/models/sequenceBatch";
import { ClassificationHead, NextTokenHead, RegressionHead } from "../../src/models/heads";
import { LSTMScratch } from "../../src/models/lstmScratch";
import { GRUScratch } from "../../src/models/gruScratch";
import type { RecurrentCell } from "../../src/models/recurrentCell";
import { Trainer } from "../../src/training/trainer";
import { SequenceData } from "../../src/training/data";
import { runGated64, type GatedParams } from "./gatedFloat64";

before(async () => {
  await initBackend({ quiet: true });
  seed(4);
});

/** max |a − b| / max |b| over one gradient. */
function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

const rng = createRng(17);
const gauss = () => standardNormal(rng);

function denseSequences(lengths: number[], D: number): number[][][] {
  return lengths.map((len) => Array.from({ length: len }, () => Array.from({ length: D }, gauss)));
}

type CellFactory = (D: number, H: number) => RecurrentCell<any>;
/** Random ("uniform") weights, so biases and every gate are away from their starting values. */
const kinds: Record<string, CellFactory> = {
  lstm: (D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H, init: "uniform", forgetBias: 0.5 }),
  "gru (reset before)": (D, H) => new GRUScratch({ inputSize: D, hiddenSize: H, init: "uniform" }),
  "gru (reset after)": (D, H) => new GRUScratch({ inputSize: D, hiddenSize: H, init: "uniform", resetAfter: true }),
};

function compareGradients(model: SequenceModel<RecurrentCell<unknown>>, batch: SequenceBatch, what: string, truncate?: number): void {
  const hand = model.lossAndGradients(batch, { method: "hand", truncate });
  const auto = model.lossAndGradients(batch, { method: "autodiff", truncate });
  assert.ok(Math.abs(hand.loss.dataSync()[0] - auto.loss.dataSync()[0]) < 1e-5, `${what}: losses differ`);
  for (const v of model.variables) {
    const a = hand.grads[v.name];
    const b = auto.grads[v.name];
    assert.ok(a && b, `${what}: missing gradient for ${v.name}`);
    assert.deepEqual(a.shape, v.shape);
    const err = relativeError(a, b);
    assert.ok(err < 1e-4, `${what} ${v.name}: relative error ${err}`);
  }
  tf.dispose([hand.loss, auto.loss, hand.grads, auto.grads]);
}

for (const [name, cell] of Object.entries(kinds)) {
  test(`${name}: hand BPTT equals autodiff (regression head, masked batch whose lengths all differ)`, () => {
    const model = new SequenceModel({ inputSize: 3, hiddenSize: 5, head: (h) => new RegressionHead(h, 2), cell });
    const lengths = [6, 3, 1, 5, 2];
    const batch = model.makeBatch(denseSequences(lengths, 3), lengths.map(() => [gauss(), gauss()]));
    compareGradients(model, batch, name);
    disposeBatch(batch);
    model.dispose();
  });

  test(`${name}: hand BPTT equals autodiff (classification head, and truncated every 2 steps)`, () => {
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new ClassificationHead(h, 3), cell });
    const lengths = [4, 7, 2];
    const batch = model.makeBatch(denseSequences(lengths, 2), [0, 2, 1]);
    compareGradients(model, batch, name);
    compareGradients(model, batch, `${name} truncated`, 2);
    disposeBatch(batch);
    model.dispose();
  });

  test(`${name}: hand BPTT equals autodiff (next-token head on tokens, embedding gradient included)`, () => {
    const V = 7;
    const model = new SequenceModel({ vocabSize: V, embeddingSize: 3, hiddenSize: 4, head: (h) => new NextTokenHead(h, V), cell });
    const lengths = [5, 2, 4];
    const seqs = lengths.map((len) => Array.from({ length: len + 1 }, () => Math.floor(rng() * V)));
    const batch = model.makeBatch(seqs.map((s) => s.slice(0, -1)), seqs.map((s) => s.slice(1)));
    compareGradients(model, batch, name);
    disposeBatch(batch);
    model.dispose();
  });

  test(`${name}: truncated BPTT cuts the recurrent gradient only; truncating beyond T is full BPTT`, () => {
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new NextTokenHead(h, 3), cell });
    const lengths = [9, 7, 8];
    const batch = model.makeBatch(denseSequences(lengths, 2), lengths.map((len) => Array.from({ length: len }, () => Math.floor(rng() * 3))));
    compareGradients(model, batch, `${name} truncated`, 3);
    const full = model.lossAndGradients(batch, { method: "hand" });
    const cut = model.lossAndGradients(batch, { method: "hand", truncate: 3 });
    const long = model.lossAndGradients(batch, { method: "hand", truncate: 100 });
    const W = model.rnn.variables[0].name;
    assert.ok(relativeError(cut.grads[W], full.grads[W]) > 1e-3, "truncation should change dW");
    assert.ok(relativeError(cut.grads[model.head.W_hq.name], full.grads[model.head.W_hq.name]) < 1e-6);
    assert.ok(relativeError(long.grads[W], full.grads[W]) < 1e-6);
    tf.dispose([full, cut, long]);
    disposeBatch(batch);
    model.dispose();
  });
}

// ---- Central finite differences in float64, with the plain-JS cells of gatedFloat64.ts. ----

interface Params64 extends GatedParams {
  W_hq: number[][];
  b_q: number[];
}

function lossF64(kind: "lstm" | "gru", p: Params64, seqs: number[][][], targets: (number | number[])[], head: "regression" | "classes" | "next", H: number): number {
  const out = (h: number[]) => p.b_q.map((bq, q) => bq + h.reduce((acc, s, j) => acc + s * p.W_hq[j][q], 0));
  const ce = (logits: number[], y: number) => {
    const max = Math.max(...logits);
    return max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0)) - logits[y];
  };
  let total = 0;
  let count = 0;
  seqs.forEach((seq, i) => {
    const hs = runGated64(kind, p, seq, H);
    const last = hs[hs.length - 1];
    if (head === "next") {
      hs.forEach((h, t) => (total += ce(out(h), (targets[i] as number[])[t])));
      count += hs.length;
    } else if (head === "classes") {
      total += ce(out(last), targets[i] as number);
      count += 1;
    } else {
      const y = targets[i] as number[];
      total += out(last).reduce((acc, v, q) => acc + (v - y[q]) ** 2, 0) / y.length;
      count += 1;
    }
  });
  return total / count;
}

function checkAgainstFiniteDifferences(name: string, head: "regression" | "classes" | "next"): void {
  const D = 2;
  const H = 3;
  const Q = 3;
  const makeHead = (h: number) => (head === "regression" ? new RegressionHead(h, Q) : head === "classes" ? new ClassificationHead(h, Q) : new NextTokenHead(h, Q));
  const model = new SequenceModel({ inputSize: D, hiddenSize: H, head: makeHead, cell: kinds[name] });
  const kind = name === "lstm" ? "lstm" : "gru";
  const lengths = [4, 2, 3];
  const seqs = denseSequences(lengths, D);
  const targets: (number | number[])[] =
    head === "regression" ? lengths.map(() => [gauss(), gauss(), gauss()]) : head === "classes" ? [0, 2, 1] : lengths.map((len) => Array.from({ length: len }, () => Math.floor(rng() * Q)));
  const batch = model.makeBatch(seqs, targets);
  const [W, b, b_rec] = model.rnn.variables;
  const p: Params64 = {
    W: W.arraySync() as number[][],
    b: b.arraySync() as number[],
    b_rec: b_rec ? (b_rec.arraySync() as number[]) : undefined,
    W_hq: model.head.W_hq.arraySync(),
    b_q: model.head.b_q.arraySync(),
  };
  const eps = 1e-6;
  const numeric = (key: keyof Params64) => {
    const value = p[key] as (number | number[])[];
    const grad = value.map((entry, i) => {
      const bump = (delta: number, j?: number) => {
        const copy: Params64 = JSON.parse(JSON.stringify(p));
        if (j === undefined) (copy[key] as number[])[i] += delta;
        else (copy[key] as number[][])[i][j] += delta;
        return lossF64(kind, copy, seqs, targets, head, H);
      };
      return Array.isArray(entry) ? entry.map((_, j) => (bump(eps, j) - bump(-eps, j)) / (2 * eps)) : (bump(eps) - bump(-eps)) / (2 * eps);
    });
    return tf.tensor(grad as number[]);
  };
  const names: [keyof Params64, tf.Variable][] = [["W", W], ["b", b], ["W_hq", model.head.W_hq], ["b_q", model.head.b_q]];
  if (b_rec) names.push(["b_rec", b_rec]);
  for (const method of ["hand", "autodiff"] as const) {
    const { loss, grads } = model.lossAndGradients(batch, { method });
    assert.ok(Math.abs(loss.dataSync()[0] - lossF64(kind, p, seqs, targets, head, H)) < 1e-5, `${name} ${method}: loss differs from float64`);
    for (const [key, v] of names) {
      const reference = numeric(key);
      const err = relativeError(grads[v.name], reference);
      assert.ok(err < 1e-3, `${name} ${method} ${key}: relative error ${err} against finite differences`);
      reference.dispose();
    }
    tf.dispose([loss, grads]);
  }
  disposeBatch(batch);
  model.dispose();
}

for (const name of Object.keys(kinds)) {
  for (const head of ["regression", "classes", "next"] as const) {
    test(`${name}: hand BPTT and autodiff both agree with float64 central differences (${head}, masked)`, () => checkAgainstFiniteDifferences(name, head));
  }
}

test("hand and autodiff lossAndGradients leave tf.memory().numTensors flat (every cell)", () => {
  for (const cell of Object.values(kinds)) {
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h), cell });
    const batch = model.makeBatch(denseSequences([3, 5], 2), [1, -1]);
    for (const method of ["hand", "autodiff"] as const) {
      const warm = model.lossAndGradients(batch, { method, truncate: 2 });
      tf.dispose([warm.loss, warm.grads]);
      const start = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const { loss, grads } = model.lossAndGradients(batch, { method, truncate: 2 });
        tf.dispose([loss, grads]);
      }
      assert.equal(tf.memory().numTensors, start, `${model.rnn.kind} ${method}`);
    }
    disposeBatch(batch);
    model.dispose();
  }
});

/** Sequences whose target is the mean of their first feature. */
function meanTask(n: number, seedValue: number) {
  const r = createRng(seedValue);
  const sequences = Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(r() * 6) }, () => [r() * 2 - 1, r()]));
  return { sequences, targets: sequences.map((s) => s.reduce((acc, e) => acc + e[0], 0) / s.length) };
}

test("Trainer: hand BPTT and autodiff train an LSTM and a GRU to the same weights; the loss falls", async () => {
  const data = meanTask(48, 3);
  for (const [name, cell] of Object.entries(kinds)) {
    const weightsAfter = async (method: "hand" | "autodiff") => {
      seed(9);
      const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h), cell });
      const result = await new Trainer({ epochs: 3, batchSize: 8, learningRate: 0.02, gradient: { method }, progress: false }).fit(model, new SequenceData(model, data.sequences, data.targets));
      const w = model.rnn.variables[0].arraySync() as number[][];
      model.dispose();
      return { w: w.flat(), losses: result.history.map((r) => r.train) };
    };
    const hand = await weightsAfter("hand");
    const auto = await weightsAfter("autodiff");
    const diff = Math.max(...hand.w.map((v, i) => Math.abs(v - auto.w[i])));
    assert.ok(diff < 1e-4, `${name}: max weight difference ${diff}`);
    assert.ok(hand.losses[2] < hand.losses[0], `${name}: loss ${hand.losses[0]} -> ${hand.losses[2]}`);
  }
});

test("Trainer: clipping by global norm caps every update of a gated cell (SGD, clipNorm 1e-3)", async () => {
  const data = meanTask(16, 5);
  for (const cell of Object.values(kinds)) {
    const model = new SequenceModel({ inputSize: 2, hiddenSize: 4, head: (h) => new RegressionHead(h), cell });
    const before = model.variables.map((v) => v.arraySync() as number | number[]);
    const optimizer = tf.train.sgd(1);
    const result = await new Trainer({ epochs: 1, batchSize: 16, optimizer, clipNorm: 1e-3, progress: false }).fit(model, new SequenceData(model, data.sequences, data.targets));
    const step = Math.sqrt(model.variables.reduce((acc, v, i) => acc + (v.arraySync() as number[]).flat(2).reduce((s, x, j) => s + (x - ([before[i]].flat(2) as number[])[j]) ** 2, 0), 0));
    assert.ok(result.history[0].gradNorm! > 1e-2, `gradient norm before clipping ${result.history[0].gradNorm}`);
    assert.ok(Math.abs(step - 1e-3) < 1e-5, `${model.rnn.kind}: update norm ${step}, expected 1e-3`);
    optimizer.dispose();
    model.dispose();
  }
});
