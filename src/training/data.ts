/**
 * Where a Trainer gets its batches. A BatchSource yields the batches of one epoch (shuffled when
 * given a generator) and disposes each batch after the Trainer used it.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng, createRng, shuffleInPlace } from "../random";
import type { AnySequenceModel } from "../models/sequenceModel";
import { disposeBatch, type SequenceBatch } from "../models/sequenceBatch";
import { cutIntoBatches, sortWithinWindows } from "../sequences/bucketing";

export interface BatchSource<Batch> {
  /** Number of examples. */
  readonly size: number;
  /** The batches of one epoch; `rng` shuffles the examples when given. */
  batches(batchSize: number, rng?: Rng): Iterable<{ batch: Batch; size: number }>;
  /** Batches per epoch, when it is not ceil(size / batchSize). */
  numBatches?(batchSize: number): number;
  dispose(batch: Batch): void;
}

export interface SequenceDataOptions {
  /**
   * Bucketing: after shuffling, sort examples by length inside windows of `bucketWindow` batches,
   * so each batch holds sequences of similar length (little padding). 0 or undefined = off.
   */
  bucketWindow?: number;
  /**
   * Token budget: a batch stops growing before (sequences × its longest length) would exceed
   * this, so batches of long sequences hold fewer of them and memory per batch stays bounded.
   * Works best with bucketWindow (similar lengths side by side).
   */
  maxTokensPerBatch?: number;
}

/** Variable-length sequences with their targets, batched for a SequenceModel. */
export class SequenceData implements BatchSource<SequenceBatch> {
  readonly size: number;
  constructor(
    readonly model: AnySequenceModel,
    readonly sequences: readonly (readonly (readonly number[] | number)[])[],
    readonly targets: readonly (number | readonly number[])[],
    readonly options: SequenceDataOptions = {},
  ) {
    if (sequences.length !== targets.length) {
      throw new Error(`SequenceData: targets must have one entry per sequence: expected ${sequences.length}, got ${targets.length}`);
    }
    if (sequences.length === 0) throw new Error("SequenceData: sequences is empty; need at least one sequence");
    this.size = sequences.length;
  }

  /** Batches of example indices for one epoch (sequences/bucketing.ts cuts them). */
  batchIndices(batchSize: number, rng?: Rng): number[][] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    if (rng) shuffleInPlace(order, rng);
    const lengths = this.sequences.map((sequence) => sequence.length);
    const window = (this.options.bucketWindow ?? 0) * batchSize;
    if (window > 0) sortWithinWindows(order, lengths, window);
    const batches = cutIntoBatches(order, lengths, { batchSize, maxTokensPerBatch: this.options.maxTokensPerBatch });
    if (rng && window > 0) shuffleInPlace(batches, rng);
    return batches;
  }

  /** Batches per epoch (with a token budget, counted for one seeded shuffle; epochs may differ by a few). */
  numBatches(batchSize: number): number {
    if (this.options.maxTokensPerBatch === undefined) return Math.ceil(this.size / batchSize);
    return this.batchIndices(batchSize, createRng(0)).length;
  }

  *batches(batchSize: number, rng?: Rng): Iterable<{ batch: SequenceBatch; size: number }> {
    for (const indices of this.batchIndices(batchSize, rng)) {
      const batch = this.model.makeBatch(
        indices.map((i) => this.sequences[i]),
        indices.map((i) => this.targets[i]),
      );
      yield { batch, size: indices.length };
    }
  }

  dispose(batch: SequenceBatch): void {
    disposeBatch(batch);
  }
}

/** A batch of plain tensors for a tf.LayersModel: xs [B, ...], ys [B, ...]. */
export interface TensorBatch {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/** Fixed-shape examples held as two tensors (first axis = example). */
export class TensorData implements BatchSource<TensorBatch> {
  readonly size: number;
  constructor(readonly xs: tf.Tensor, readonly ys: tf.Tensor) {
    if (xs.shape[0] !== ys.shape[0]) {
      throw new Error(`TensorData: xs and ys must have the same number of examples, got xs [${xs.shape}] and ys [${ys.shape}]`);
    }
    this.size = xs.shape[0];
  }

  *batches(batchSize: number, rng?: Rng): Iterable<{ batch: TensorBatch; size: number }> {
    const order = Array.from({ length: this.size }, (_, i) => i);
    if (rng) shuffleInPlace(order, rng);
    for (let start = 0; start < order.length; start += batchSize) {
      const part = order.slice(start, start + batchSize);
      const batch = tf.tidy(() => {
        const index = tf.tensor1d(part, "int32");
        return { xs: tf.gather(this.xs, index), ys: tf.gather(this.ys, index) };
      });
      yield { batch, size: part.length };
    }
  }

  dispose(batch: TensorBatch): void {
    batch.xs.dispose();
    batch.ys.dispose();
  }
}
