import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initBackend } from "../../src/backend";
import { createRng } from "../../src/random";
import { SequenceModel } from "../../src/models/sequenceModel";
import { RegressionHead } from "../../src/models/heads";
import { SequenceData } from "../../src/training/data";

before(async () => {
  await initBackend({ quiet: true });
});

test("SequenceData: a token budget caps (sequences × longest length) per batch; every example once", () => {
  const model = new SequenceModel({ inputSize: 2, hiddenSize: 3, head: (h) => new RegressionHead(h) });
  const rng = createRng(12);
  const lengths = Array.from({ length: 50 }, () => 1 + Math.floor(rng() * 40));
  lengths.push(200); // longer than the budget: gets a batch of its own
  const sequences = lengths.map((len) => Array.from({ length: len }, () => [0, 1]));
  const data = new SequenceData(model, sequences, lengths.map(() => 0), { bucketWindow: 2, maxTokensPerBatch: 100 });
  const batches = data.batchIndices(8, createRng(1));
  for (const batch of batches) {
    const longest = Math.max(...batch.map((i) => lengths[i]));
    assert.ok(batch.length <= 8);
    assert.ok(batch.length === 1 || batch.length * longest <= 100, `batch of ${batch.length} with longest ${longest}`);
  }
  assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  // numBatches counts one seeded shuffle: exactly the batches that shuffle yields.
  assert.equal(data.numBatches(8), data.batchIndices(8, createRng(0)).length);
  model.dispose();
});

test("SequenceData: batch counts computed by hand, with and without a token budget", () => {
  const model = new SequenceModel({ inputSize: 1, hiddenSize: 2, head: (h) => new RegressionHead(h) });
  const ofLength = (length: number) => Array.from({ length }, () => [0]);
  // Unshuffled: 20 sequences of 10 steps, 7 of 30, 1 of 200; at most 8 per batch and 100 padded
  // steps. The 10-step ones fill batches of 8 (80 ≤ 100): 8, 8, 4 (a 30-step one would make the
  // third 5 × 30 = 150). The 30-step ones go 3 at a time (4 × 30 = 120): 3, 3, 1. The 200-step one
  // is over the budget on its own and gets a batch of its own.
  const lengths = [...new Array(20).fill(10), ...new Array(7).fill(30), 200];
  const data = new SequenceData(model, lengths.map(ofLength), lengths.map(() => 0), { maxTokensPerBatch: 100 });
  assert.deepEqual(data.batchIndices(8).map((batch) => batch.length), [8, 8, 4, 3, 3, 1, 1]);
  // Equal lengths make the count independent of the shuffle: 51 sequences of 30 steps, 3 per batch.
  const equal = new SequenceData(model, Array.from({ length: 51 }, () => ofLength(30)), new Array(51).fill(0), { maxTokensPerBatch: 100 });
  assert.equal(equal.numBatches(8), 17);
  assert.equal(equal.numBatches(2), 26); // the batch size binds first: ceil(51 / 2)
  // Without a budget: ceil(size / batchSize).
  assert.equal(new SequenceData(model, lengths.map(ofLength), lengths.map(() => 0)).numBatches(8), 4);
  model.dispose();
});
