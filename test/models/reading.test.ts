import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { seed } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { NextTokenHead } from "../../src/models/heads";
import { readSequence, predictNext, readWithAndWithoutState, stateTrajectory, topTokens, formatTokenProbabilities } from "../../src/models/reading";

before(async () => {
  await initBackend({ quiet: true });
  seed(21);
});

const newModel = () => new SequenceModel({ vocabSize: 7, embeddingSize: 3, hiddenSize: 4, head: (h) => new NextTokenHead(h, 7) });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

test("readSequence, step by step, ends where the whole-sequence forward pass ends", () => {
  const model = newModel();
  const ids = [3, 5, 2, 6];
  const before = tf.memory().numTensors;
  const { h, output } = readSequence(model, ids);
  const whole = model.hiddenStates([ids]);
  const predicted = model.predict([ids]);
  assert.deepEqual([h.shape, output.shape], [[1, 4], [1, 7]]);
  assert.ok(maxDiff(h.dataSync(), whole.final.dataSync()) < 1e-5);
  assert.ok(maxDiff(output.dataSync(), predicted.dataSync()) < 1e-5);
  // Continuing from a state: reading [3, 5] then [2, 6] equals reading all four; the given state stays alive.
  const half = readSequence(model, ids.slice(0, 2));
  const rest = readSequence(model, ids.slice(2), half.h);
  assert.ok(maxDiff(rest.output.dataSync(), output.dataSync()) < 1e-6);
  assert.ok(!half.h.isDisposed);
  assert.ok(maxDiff(predictNext(model, ids), predicted.dataSync()) < 1e-5);
  tf.dispose([h, output, whole.states, whole.final, predicted, half.h, half.output, rest.h, rest.output]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => readSequence(model, []), { message: "readSequence: events must be a non-empty array of token ids or feature vectors, got an empty array" });
  model.dispose();
});

test("readWithAndWithoutState: the carried state follows the trajectory; the wiped one sees one token", () => {
  const model = newModel();
  const ids = [2, 4, 4, 3];
  const before = tf.memory().numTensors;
  const steps = readWithAndWithoutState(model, ids);
  const path = stateTrajectory(model, ids);
  assert.equal(path.length, 4);
  steps.forEach((step, t) => {
    const previous = t === 0 ? [0, 0, 0, 0] : path[t - 1];
    const moved = Math.hypot(...path[t].map((v, j) => v - previous[j]));
    assert.ok(Math.abs(step.stateMoved - moved) < 1e-5, `step ${t}: moved ${step.stateMoved} vs ${moved}`);
    assert.ok(maxDiff(step.withState, predictNext(model, ids.slice(0, t + 1))) < 1e-5, `step ${t}: with state`);
    assert.ok(maxDiff(step.withoutState, predictNext(model, [ids[t]])) < 1e-6, `step ${t}: without state`);
  });
  // The same token read twice in a row: same prediction without a state, different with one.
  assert.ok(maxDiff(steps[1].withoutState, steps[2].withoutState) === 0);
  assert.ok(maxDiff(steps[1].withState, steps[2].withState) > 1e-4);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => readWithAndWithoutState(model, []), { message: "readWithAndWithoutState: events must be a non-empty array of token ids or feature vectors, got an empty array" });
  model.dispose();
});

test("topTokens ranks by probability, breaks ties by id, leaves out padding and unknown; formatTokenProbabilities", () => {
  const vocabulary = { tokens: ["<pad>", "<unk>", "whale", "sea", "ship", "boat"] };
  const p = [0.3, 0.25, 0.1, 0.2, 0.1, 0.05];
  assert.deepEqual(topTokens(p, vocabulary, 3).map((t) => t.token), ["sea", "whale", "ship"]);
  assert.deepEqual(topTokens(p, vocabulary, 2, { exclude: [] }).map((t) => t.id), [0, 1]);
  const tensor = tf.tensor2d([p]);
  const top = topTokens(tensor, vocabulary, 2);
  assert.deepEqual(top.map((t) => [t.id, t.token]), [[3, "sea"], [2, "whale"]]);
  assert.ok(Math.abs(top[0].probability - 0.2) < 1e-7);
  assert.equal(formatTokenProbabilities(top), "sea 20.0%, whale 10.0%");
  assert.throws(() => topTokens([0.5, 0.5], vocabulary, 1), { message: "topTokens: probabilities must hold one value per token of the vocabulary (6), got 2" });
  assert.throws(() => topTokens(p, vocabulary, 0), { message: "topTokens: k must be a positive integer, got 0" });
  tensor.dispose();
});
