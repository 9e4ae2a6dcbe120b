/**
 * LSTMScratch and GRUScratch (reset after) against PyTorch nn.LSTM / nn.GRU numbers stored in
 * test/fixtures/reference/gated-reference.json (made by make_gated_reference.py there; CI needs
 * only the JSON). Outputs, final states and the gradients of the fixture's loss, through both
 * the hand-written BPTT and tfjs autodiff, must match to 1e-5.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { LSTMScratch } from "../../src/models/lstmScratch";
import { GRUScratch } from "../../src/models/gruScratch";
import { stepInputsFromTensor, disposeStepInputs } from "../../src/models/stepInputs";
import { gruGateOrderFromTorch, gruWeightsFromTorch, lstmWeightsFromTorch, type TorchRecurrentWeights } from "../../src/models/torchLayout";

interface Case {
  cell: "lstm" | "gru";
  name: string;
  inputSize: number;
  hiddenSize: number;
  lengths: number[];
  x: number[][][];
  weights: TorchRecurrentWeights;
  V: number[][][];
  U: number[][];
  loss: number;
  outputs: number[][][];
  h_n: number[][];
  c_n?: number[][];
  grads: TorchRecurrentWeights;
  gradX: number[][][];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/reference/gated-reference.json"), "utf8")) as { torch: string; cases: Case[] };
const TOLERANCE = 1e-5;

before(async () => {
  await initBackend({ quiet: true });
});

/** max |ours − reference| over matching entries of two nested arrays (same shapes asserted). */
function maxDiff(ours: unknown, reference: unknown, where: string): number {
  if (Array.isArray(reference)) {
    assert.ok(Array.isArray(ours) && ours.length === reference.length, `${where}: length ${Array.isArray(ours) ? ours.length : typeof ours} vs ${reference.length}`);
    return Math.max(0, ...reference.map((r, i) => maxDiff((ours as unknown[])[i], r, `${where}[${i}]`)));
  }
  return Math.abs((ours as number) - (reference as number));
}

function close(ours: unknown, reference: unknown, what: string): void {
  const diff = maxDiff(ours, reference, what);
  assert.ok(diff < TOLERANCE, `${what}: max difference ${diff} from PyTorch`);
}

function buildCell(c: Case): LSTMScratch | GRUScratch {
  if (c.cell === "lstm") {
    const cell = new LSTMScratch({ inputSize: c.inputSize, hiddenSize: c.hiddenSize });
    cell.setWeights(lstmWeightsFromTorch(c.weights));
    return cell;
  }
  const cell = new GRUScratch({ inputSize: c.inputSize, hiddenSize: c.hiddenSize, resetAfter: true });
  cell.setWeights(gruWeightsFromTorch(c.weights));
  return cell;
}

function maskOf(c: Case): number[][] {
  const T = c.x[0].length;
  return c.lengths.map((len) => Array.from({ length: T }, (_, t) => (t < len ? 1 : 0)));
}

/** PyTorch's gradients in our layout: W = [W_x ; W_h] ([D+H][G·H]), b, and for the GRU b_rec. */
function expectedGradients(c: Case): { W: number[][]; b: number[]; b_rec?: number[] } {
  if (c.cell === "lstm") {
    const mapped = lstmWeightsFromTorch({ ...c.grads, bias_hh: c.grads.bias_hh.map(() => 0) }); // dL/db = dL/dbias_ih
    return { W: [...mapped.W_x, ...mapped.W_h], b: mapped.b };
  }
  const mapped = gruWeightsFromTorch(c.grads);
  return { W: [...mapped.W_x, ...mapped.W_h], b: mapped.b, b_rec: mapped.b_rec };
}

test(`the fixture was made by PyTorch (${fixture.torch}) and holds both cells, padded and not`, () => {
  assert.match(fixture.torch, /^2\./);
  assert.deepEqual(fixture.cases.map((c) => c.cell), ["lstm", "lstm", "gru", "gru"]);
  assert.ok(fixture.cases.some((c) => c.lengths.some((len) => len < c.x[0].length)));
  // The LSTM's two biases get the same gradient: inside the gates only their sum appears.
  const lstm = fixture.cases[0];
  assert.ok(maxDiff(lstm.grads.bias_ih, lstm.grads.bias_hh, "bias grads") < 1e-12);
});

test("the PyTorch-to-seqlab maps: LSTM keeps i, f, g, o and sums the biases; GRU reorders r, z, n to z, r, n", () => {
  const w: TorchRecurrentWeights = { weight_ih: [[1], [2], [3]], weight_hh: [[4], [5], [6]], bias_ih: [7, 8, 9], bias_hh: [10, 11, 12] };
  assert.deepEqual(gruWeightsFromTorch(w), { W_x: [[2, 1, 3]], W_h: [[5, 4, 6]], b: [8, 7, 9], b_rec: [11, 10, 12] });
  assert.deepEqual(gruGateOrderFromTorch(["r1", "r2", "z1", "z2", "n1", "n2"]), ["z1", "z2", "r1", "r2", "n1", "n2"]);
  const l: TorchRecurrentWeights = { weight_ih: [[1, 2], [3, 4], [5, 6], [7, 8]], weight_hh: [[1], [2], [3], [4]], bias_ih: [1, 1, 1, 1], bias_hh: [0, 1, 2, 3] };
  assert.deepEqual(lstmWeightsFromTorch(l), { W_x: [[1, 3, 5, 7], [2, 4, 6, 8]], W_h: [[1, 2, 3, 4]], b: [1, 2, 3, 4] });
  assert.throws(() => lstmWeightsFromTorch({ ...l, weight_ih: l.weight_ih.slice(0, 3) }), /lstmWeightsFromTorch: weight_ih must have 4·H rows \(one block of H per gate\), got 3/);
  assert.throws(() => gruWeightsFromTorch({ ...w, bias_hh: [1] }), /gruWeightsFromTorch: bias_hh must have shape \[3\], got \[1\]/);
  assert.throws(() => gruWeightsFromTorch({ ...w, weight_hh: [[1, 2], [3, 4], [5, 6]] }), /weight_hh must have shape \[3, 1\], got \[3, 2\]/);
});

for (const c of fixture.cases) {
  test(`${c.name}: outputs at every real step and final state(s) equal PyTorch's to ${TOLERANCE}`, () => {
    const cell = buildCell(c);
    const x = tf.tensor3d(c.x);
    const mask = tf.tensor2d(maskOf(c));
    const out = cell.forward(x, mask);
    const states = out.states.arraySync();
    // PyTorch pads the outputs with zeros; ours holds the last real state there. Compare real steps.
    const real = (rows: number[][][]) => rows.map((row, b) => row.slice(0, c.lengths[b]));
    close(real(states), real(c.outputs), "outputs");
    close(out.final.arraySync(), c.h_n, "h_n");
    if (cell instanceof LSTMScratch) close((out as unknown as { finalCell: tf.Tensor2D }).finalCell.arraySync(), c.c_n, "c_n");
    tf.dispose([x, mask, ...Object.values(out)]);
    cell.dispose();
  });

  test(`${c.name}: gradients of the weights and inputs, hand BPTT and autodiff, equal PyTorch's to ${TOLERANCE}`, () => {
    const cell = buildCell(c);
    const B = c.x.length;
    const T = c.x[0].length;
    const H = c.hiddenSize;
    const x = tf.tensor3d(c.x);
    const mask = maskOf(c);
    const maskTensor = tf.tensor2d(mask);
    const inputs = stepInputsFromTensor(x, maskTensor, c.inputSize, "torchReference");
    // dL/dh_t = V[b, t] at real steps (PyTorch's padded outputs are constant zeros), stacked time-major; dL/dh_n = U.
    const dAll = tf.tensor2d(Array.from({ length: T * B }, (_, row) => {
      const [t, b] = [Math.floor(row / B), row % B];
      return t < c.lengths[b] ? c.V[b][t] : new Array(H).fill(0);
    }));
    const U = tf.tensor2d(c.U);
    const expected = expectedGradients(c);
    const names = cell.variables.map((v) => v.name);
    const expectedByName = [expected.W, expected.b, expected.b_rec];

    // Hand-written BPTT, with input gradients.
    const hand = tf.tidy(() => {
      const forward = cell.handForward(inputs.steps as tf.Tensor2D[], mask);
      const loss = tf.add(tf.sum(tf.mul(forward.allStates(), dAll)), tf.sum(tf.mul(forward.final, U)));
      const back = forward.backward(dAll, U, { inputGradients: true });
      return { loss, grads: back.grads, dX: back.dX as tf.Tensor2D };
    });
    assert.ok(Math.abs(hand.loss.dataSync()[0] - c.loss) < TOLERANCE * Math.max(1, Math.abs(c.loss)), `loss ${hand.loss.dataSync()[0]} vs ${c.loss}`);
    names.forEach((name, i) => close(hand.grads[name].arraySync(), expectedByName[i], `hand d${["W", "b", "b_rec"][i]}`));
    const dX = hand.dX.arraySync(); // [T·B, D], time-major
    close(c.x.map((_, b) => Array.from({ length: T }, (_, t) => dX[t * B + b])), c.gradX, "hand dL/dx");

    // tfjs autodiff through the plain forward pass.
    const { grads } = tf.variableGrads(() => {
      const { states, final } = cell.forwardSteps(inputs);
      return tf.add(tf.sum(tf.mul(tf.concat(states, 0), dAll)), tf.sum(tf.mul(final, U))) as tf.Scalar;
    }, cell.variables);
    names.forEach((name, i) => close(grads[name].arraySync(), expectedByName[i], `autodiff d${["W", "b", "b_rec"][i]}`));

    tf.dispose([x, maskTensor, dAll, U, hand.loss, hand.grads, hand.dX, grads]);
    disposeStepInputs(inputs);
    cell.dispose();
  });
}
