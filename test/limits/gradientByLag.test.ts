import { test } from "node:test";
import assert from "node:assert/strict";
import { runCell, jacobiansByLag, jacobianNormsByLag, gradientNormByLag, logSlope, inputJacobianNormsByLag } from "../../src/limits/gradientByLag";
import * as tf from "@tensorflow/tfjs";
import type { RNNWeights } from "../../src/models/rnnScratch";
import { initBackend } from "../../src/backend";
import { forwardWithCache, backwardThroughTime } from "../../src/models/rnnBackward";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("one unit, zero input and bias: h stays 0, tanh' = 1, so the norm at lag k is |w|^k", () => {
  for (const w of [0.5, 0.9, 1.3]) {
    const weights: RNNWeights = { W_xh: [[0]], W_hh: [[w]], b_h: [0] };
    const norms = jacobianNormsByLag(weights, Array.from({ length: 20 }, () => [0]));
    norms.forEach(({ lag, norm }) => close(norm, Math.abs(w) ** lag));
    close(logSlope(norms), Math.log10(Math.abs(w)));
  }
});

test("one unit with input: the norm at lag k is Π |w · (1 − h_s²)| over the last k steps (by hand)", () => {
  const w = 0.8;
  const weights: RNNWeights = { W_xh: [[1.5]], W_hh: [[w]], b_h: [0.1] };
  const xs = [[1], [-0.5], [0.3], [2]];
  const h: number[] = [];
  let prev = 0;
  for (const [x] of xs) {
    prev = Math.tanh(1.5 * x + w * prev + 0.1);
    h.push(prev);
  }
  const norms = jacobianNormsByLag(weights, xs);
  let expected = 1;
  for (let k = 1; k <= 4; k++) {
    expected *= Math.abs(w * (1 - h[4 - k] ** 2));
    close(norms[k - 1].norm, expected);
    assert.equal(norms[k - 1].lag, k);
  }
});

test("matches central finite differences of h_T with respect to h_t (float64, 3 units)", () => {
  const weights: RNNWeights = {
    W_xh: [[0.4, -0.3, 0.2]],
    W_hh: [[0.5, -0.7, 0.1], [0.3, 0.2, -0.6], [-0.4, 0.8, 0.3]],
    b_h: [0.05, -0.1, 0.2],
  };
  const xs = [[0.3], [-1], [0.7], [0.2], [-0.4], [1.1]];
  const norms = jacobianNormsByLag(weights, xs);
  const states = runCell(weights, xs);
  const T = xs.length;
  for (const lag of [1, 3, 5]) {
    const t = T - lag; // perturb h_t (state after step t, 1-based) and rerun the remaining steps
    const eps = 1e-6;
    let sq = 0;
    for (let i = 0; i < 3; i++) {
      const plus = [...states[t - 1]];
      const minus = [...states[t - 1]];
      plus[i] += eps;
      minus[i] -= eps;
      const hp = runCell(weights, xs.slice(t), plus).at(-1) as number[];
      const hm = runCell(weights, xs.slice(t), minus).at(-1) as number[];
      hp.forEach((v, j) => (sq += ((v - hm[j]) / (2 * eps)) ** 2));
    }
    close(norms[lag - 1].norm, Math.sqrt(sq), 1e-6);
  }
});

test("gradientNormByLag is the geometric mean over sequences; logSlope fits a line", () => {
  const weights: RNNWeights = { W_xh: [[0]], W_hh: [[0.5]], b_h: [0] };
  const seqs = [Array.from({ length: 5 }, () => [0]), Array.from({ length: 5 }, () => [0])];
  gradientNormByLag(weights, seqs).forEach(({ lag, norm }) => close(norm, 0.5 ** lag));
  close(logSlope([{ lag: 1, norm: 10 }, { lag: 2, norm: 100 }, { lag: 3, norm: 1000 }]), 1);
  assert.throws(() => gradientNormByLag(weights, [[[0]], [[0], [0]]]), /same length/);
  assert.throws(() => logSlope([{ lag: 1, norm: 1 }]), /at least 2/);
});

test("agrees with the hand-written BPTT in src/training: the gradient reaching x_t is (∂h_T/∂h_t · g) ⊙ (1 − h_t²) · W_xhᵀ", async () => {
  await initBackend({ quiet: true });
  const weights: RNNWeights = {
    W_xh: [[0.6, -0.2, 0.1], [0.3, 0.5, -0.4]],
    W_hh: [[0.9, -0.5, 0.2], [0.4, 0.7, -0.3], [-0.6, 0.3, 0.8]],
    b_h: [0.1, -0.05, 0.02],
  };
  const xs = [[1, 0], [0, 1], [0.5, -0.5], [-1, 0.2], [0.3, 0.3]];
  const g = [0.7, -1.2, 0.4]; // dL/dh_T
  const T = xs.length;
  const dX = tf.tidy(() => {
    const W = tf.tensor2d([...weights.W_xh, ...weights.W_hh]);
    const cache = forwardWithCache(W, tf.tensor1d(weights.b_h), xs.map((x) => tf.tensor2d([x])), xs.map(() => null), tf.zeros([1, 3]));
    return backwardThroughTime(cache, W, 2, () => null, tf.tensor2d([g]), { inputGradients: true }).dX as tf.Tensor2D;
  });
  const fromBptt = dX.arraySync(); // [T, D]: row t = dL/dx_t
  dX.dispose();
  const states = runCell(weights, xs);
  const P = jacobiansByLag(weights, xs);
  for (let t = 0; t < T; t++) {
    const lag = T - 1 - t; // h_{t+1} in 1-based terms is states[t]; lag 0 = the last state
    const gt = lag === 0 ? g : P[lag - 1].map((row) => row.reduce((sum, p, j) => sum + p * g[j], 0)); // dL/dh at step t
    const dz = gt.map((v, j) => v * (1 - states[t][j] ** 2));
    const expected = weights.W_xh.map((row) => row.reduce((sum, w, j) => sum + w * dz[j], 0));
    expected.forEach((v, d) => assert.ok(Math.abs(v - fromBptt[t][d]) < 1e-5, `step ${t}, input ${d}: ${v} vs ${fromBptt[t][d]}`));
  }
});

test("inputJacobianNormsByLag equals ‖∂h_T/∂x_{T−k}‖ from tfjs autodiff, for every cell, and one sequence's geometric mean", async () => {
  await initBackend({ quiet: true });
  const { makeCell } = await import("../../src/models/cells");
  const { seed } = await import("../../src/random");
  seed(8);
  const D = 2;
  const H = 3;
  const T = 6;
  const sequences = [0, 1].map((s) => Array.from({ length: T }, (_, t) => [Math.sin(3 * t + s), Math.cos(2 * t - s)]));
  for (const spec of [{ kind: "rnn" as const, hiddenSize: H }, { kind: "lstm" as const, hiddenSize: H, init: "uniform" as const }, { kind: "gru" as const, hiddenSize: H, resetAfter: true }]) {
    const cell = makeCell(spec, D);
    const reference = sequences.map((seq) => {
      const xs = seq.map((x) => tf.tensor2d([x]));
      const sq = new Array<number>(T).fill(0);
      for (let j = 0; j < H; j++) {
        const grads = tf.grads((...inputs: tf.Tensor[]) => {
          const { final } = cell.forwardSteps({ batchSize: 1, numSteps: T, steps: inputs, stepMasks: inputs.map(() => null), lengths: [T], mask: [new Array(T).fill(1)] });
          return tf.sum(tf.slice(final, [0, j], [1, 1])) as tf.Scalar;
        })(xs);
        grads.forEach((g, t) => (sq[t] += tf.sum(tf.square(g)).dataSync()[0]));
        tf.dispose(grads);
      }
      tf.dispose(xs);
      return sq.map(Math.sqrt); // by step t
    });
    const norms = inputJacobianNormsByLag(cell, sequences);
    assert.deepEqual(norms.map((n) => n.lag), [0, 1, 2, 3, 4, 5]);
    norms.forEach(({ lag, norm }) => {
      const t = T - 1 - lag;
      const expected = Math.sqrt(reference[0][t] * reference[1][t]);
      assert.ok(Math.abs(norm - expected) <= 1e-4 * expected, `${spec.kind} lag ${lag}: ${norm} vs ${expected}`);
    });
    assert.throws(() => inputJacobianNormsByLag(cell, [sequences[0], sequences[1].slice(1)]), /all sequences must have the same length ≥ 1, got lengths 6, 5/);
    assert.throws(() => inputJacobianNormsByLag(cell, [[[1, 2, 3]]]), /sequences\[0\]\[0\] must have inputSize=2 numbers, got 3/);
    cell.dispose();
  }
});
