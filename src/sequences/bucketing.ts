/**
 * Bucketing: batch sequences of similar length together, so each batch is padded only to its own
 * longest member instead of the dataset's. A batch is a list of example indices.
 *
 * `cutIntoBatches` is the course's one length-batcher: the strategies below, the Trainer's
 * SequenceData (training/data.ts) and SequenceModel.predictBatched all cut their batches with it.
 */
import type { Rng } from "../random";
import { shuffleInPlace } from "../random";
import { checkInteger, checkLengths, describeValue } from "../checks";

/**
 * Cuts `order` (example indices, in the order they should be batched) into consecutive batches of
 * at most `batchSize` examples and, with `maxTokensPerBatch`, at most that many padded positions:
 * a batch stops growing before (its examples × its longest length) would exceed the budget, and
 * an example longer than the budget gets a batch of its own. Without a budget: chunks of
 * `batchSize`, the last one smaller. lengths[i] is the length of example i.
 */
export function cutIntoBatches(order: readonly number[], lengths: readonly number[], options: { batchSize: number; maxTokensPerBatch?: number }): number[][] {
  const batchSize = checkInteger(options.batchSize, "batchSize", 1);
  const budget = options.maxTokensPerBatch ?? Number.POSITIVE_INFINITY;
  if (!(budget > 0)) throw new Error(`maxTokensPerBatch must be a positive number, got ${describeValue(options.maxTokensPerBatch)}`);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const i of order) {
    const grown = Math.max(longest, lengths[i]);
    if (current.length > 0 && (current.length >= batchSize || (current.length + 1) * grown > budget)) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(i);
    longest = Math.max(longest, lengths[i]);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The indices 0 … n − 1 ordered by length, shortest first (ties: lower index first). */
export function byLength(lengths: readonly number[]): number[] {
  return lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
}

/**
 * Sorts `order` by length inside consecutive windows of `window` indices, in place (returns it):
 * after a shuffle, neighbours in length end up side by side while the windows keep the shuffle.
 */
export function sortWithinWindows(order: number[], lengths: readonly number[], window: number): number[] {
  checkInteger(window, "window", 1);
  for (let start = 0; start < order.length; start += window) {
    const part = order.slice(start, start + window).sort((a, b) => lengths[a] - lengths[b]);
    order.splice(start, part.length, ...part);
  }
  return order;
}

/** Batches of a random permutation of 0 … count − 1: what `model.fit(shuffle: true)` does. */
export function randomBatches(count: number, batchSize: number, rng: Rng): number[][] {
  checkInteger(count, "count", 1);
  return cutIntoBatches(shuffleInPlace(Array.from({ length: count }, (_, i) => i), rng), new Array<number>(count).fill(0), { batchSize });
}

/**
 * Fixed boundaries, as tf.data's `bucket_by_sequence_length`: with boundaries [b1, …, bk]
 * (strictly increasing), bucket 0 holds lengths < b1, bucket j lengths in [bj, bj+1), the last
 * lengths ≥ bk. Each bucket is shuffled by `rng` (kept in index order without one) and cut into
 * batches; batches are then shuffled together (with `rng`) so training does not see one bucket after another.
 */
export function bucketByBoundaries(
  lengths: readonly number[],
  options: { boundaries: readonly number[]; batchSize: number; rng?: Rng },
): number[][] {
  const checked = checkLengths(lengths, "lengths");
  checkInteger(options.batchSize, "batchSize", 1);
  const { boundaries } = options;
  if (!Array.isArray(boundaries) || boundaries.length === 0) throw new Error(`boundaries must be a non-empty array, got ${describeValue(boundaries)}`);
  boundaries.forEach((boundary, index) => {
    checkInteger(boundary, `boundaries[${index}]`, 1);
    if (index > 0 && boundary <= boundaries[index - 1]) {
      throw new Error(`boundaries must increase strictly: boundaries[${index}] = ${boundary} follows ${boundaries[index - 1]}`);
    }
  });
  const buckets: number[][] = Array.from({ length: boundaries.length + 1 }, () => []);
  checked.forEach((length, index) => {
    let bucket = 0;
    while (bucket < boundaries.length && length >= boundaries[bucket]) bucket++;
    buckets[bucket].push(index);
  });
  const batches = buckets.flatMap((bucket) => cutIntoBatches(options.rng ? shuffleInPlace(bucket, options.rng) : bucket, checked, { batchSize: options.batchSize }));
  return options.rng ? shuffleInPlace(batches, options.rng) : batches;
}

/**
 * Sorted chunks: sort examples by length (ties by index) and cut the sorted list into batches,
 * so each batch holds neighbours in length; batches are shuffled with `rng` when given.
 */
export function sortedChunkBatches(lengths: readonly number[], options: { batchSize: number; rng?: Rng }): number[][] {
  const checked = checkLengths(lengths, "lengths");
  const batches = cutIntoBatches(byLength(checked), checked, { batchSize: options.batchSize });
  return options.rng ? shuffleInPlace(batches, options.rng) : batches;
}

/** How much of the padded batches is padding. */
export type BatchPadding = {
  batches: number;
  /** Positions in all padded batches: Σ over batches of size × padded length. */
  positions: number;
  /** Positions that are padding. */
  paddingPositions: number;
  /** paddingPositions / positions. */
  paddingFraction: number;
};

/**
 * Pads each batch to its own longest member (capped at `maxLen` when given: longer ones are
 * cut) and counts the padding. Every index in 0 … lengths.length − 1 must appear exactly once.
 */
export function batchPadding(lengths: readonly number[], batches: readonly (readonly number[])[], options: { maxLen?: number } = {}): BatchPadding {
  const checked = checkLengths(lengths, "lengths");
  const cap = options.maxLen === undefined ? Infinity : checkInteger(options.maxLen, "maxLen", 1);
  const seen = new Uint8Array(checked.length);
  let positions = 0;
  let paddingPositions = 0;
  batches.forEach((batch, b) => {
    if (!Array.isArray(batch) || batch.length === 0) throw new Error(`batches[${b}] must be a non-empty array of indices, got ${describeValue(batch)}`);
    let longest = 0;
    for (const index of batch) {
      if (!Number.isInteger(index) || index < 0 || index >= checked.length) {
        throw new Error(`batches[${b}] holds ${describeValue(index)}, not an index in [0, ${checked.length})`);
      }
      if (seen[index]) throw new Error(`batches[${b}] repeats example ${index}, already in an earlier batch`);
      seen[index] = 1;
      longest = Math.max(longest, Math.min(checked[index], cap));
    }
    positions += batch.length * longest;
    for (const index of batch) paddingPositions += longest - Math.min(checked[index], cap);
  });
  const missing = seen.indexOf(0);
  if (missing !== -1) throw new Error(`batches leave out example ${missing}: every example must be in one batch`);
  return { batches: batches.length, positions, paddingPositions, paddingFraction: positions === 0 ? 0 : paddingPositions / positions };
}
