/**
 * A training batch for a SequenceModel: the inputs as StepInputs and the targets as the tensors
 * its head's loss reads. Building one is where batches are validated: every target is checked
 * against the head (one id per step for a next-token head, a class id, or Q values) and every
 * event against the model's input (a token id, or inputSize finite numbers).
 */
import * as tf from "@tensorflow/tfjs";
import type { Head } from "./heads";
import { StepInputs, disposeStepInputs, stepInputsFromSequences } from "./stepInputs";

/** One prepared batch. Dispose with disposeBatch. */
export interface SequenceBatch {
  inputs: StepInputs;
  /**
   * Sequence heads: int32 [T·B] next-token ids, time-major (row t·B + b is sequence b, step t).
   * Final heads: int32 [B] class ids, or float32 [B, Q] values for regression.
   */
  targets: tf.Tensor;
  /** Sequence heads: float32 [T·B], 1 at real steps and 0 at padding. */
  targetWeights?: tf.Tensor1D;
}

export function disposeBatch(batch: SequenceBatch): void {
  disposeStepInputs(batch.inputs);
  batch.targets.dispose();
  batch.targetWeights?.dispose();
}

/** What a batch must fit: the model's input (token ids, or events of inputSize numbers) and its head. */
export interface BatchShape {
  /** "tokens" for token ids, else the number of features per event. */
  input: number | "tokens";
  head: Pick<Head, "kind" | "output" | "outputSize">;
}

/**
 * Prepares a batch from plain arrays.
 * @param sequences dense: [B][len][inputSize]; tokens: [B][len] ids.
 * @param targets sequence head: [B][len] next-token ids (same lengths as the inputs; -1 = this
 *   step has no target, e.g. an unknown word the model should not learn to predict);
 *   classification: [B] class ids; regression: [B] numbers or [B][Q].
 */
export function makeSequenceBatch(
  sequences: readonly (readonly (readonly number[] | number)[])[],
  targets: readonly (number | readonly number[])[],
  shape: BatchShape,
  where = "makeSequenceBatch",
): SequenceBatch {
  if (targets.length !== sequences.length) {
    throw new Error(`${where}: targets must have one entry per sequence: expected ${sequences.length}, got ${targets.length}`);
  }
  const inputs = stepInputsFromSequences(sequences, shape.input, where);
  try {
    return { inputs, ...targetTensors(targets, inputs, shape.head, where) };
  } catch (error) {
    disposeStepInputs(inputs);
    throw error;
  }
}

/** The targets as the tensors the head's loss reads (see SequenceBatch), checked against the head. */
function targetTensors(
  targets: readonly (number | readonly number[])[],
  inputs: StepInputs,
  head: BatchShape["head"],
  where: string,
): Pick<SequenceBatch, "targets" | "targetWeights"> {
  const { batchSize: B, numSteps: T } = inputs;
  if (head.kind === "sequence") {
    const ids = new Int32Array(T * B);
    const weights = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      const row = targets[b];
      if (!Array.isArray(row) || row.length !== inputs.lengths[b]) {
        throw new Error(`${where}: targets[${b}] must have one id per step: expected [${inputs.lengths[b]}], got ${Array.isArray(row) ? `[${row.length}]` : typeof row}`);
      }
      for (let t = 0; t < row.length; t++) {
        const id = row[t];
        if (!Number.isInteger(id) || id >= head.outputSize) {
          throw new Error(`${where}: targets[${b}][${t}] must be a token id in [0, ${head.outputSize}) or -1 (no target), got ${id}`);
        }
        ids[t * B + b] = Math.max(0, id);
        weights[t * B + b] = id < 0 ? 0 : 1; // a negative id: this step does not count in the loss
      }
    }
    return { targets: tf.tensor1d(ids, "int32"), targetWeights: tf.tensor1d(weights) };
  }
  if (head.output === "classes") {
    targets.forEach((y, b) => {
      if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= head.outputSize) {
        throw new Error(`${where}: targets[${b}] must be a class id in [0, ${head.outputSize}), got ${String(y)}`);
      }
    });
    return { targets: tf.tensor1d(targets as number[], "int32") };
  }
  const rows = targets.map((y) => (typeof y === "number" ? [y] : [...y]));
  const Q = head.outputSize;
  rows.forEach((row, b) => {
    if (row.length !== Q) throw new Error(`${where}: targets[${b}] must have ${Q} value(s), got ${row.length}`);
    if (!row.every(Number.isFinite)) throw new Error(`${where}: targets[${b}] holds a non-finite value`);
  });
  return { targets: tf.tensor2d(rows, [B, Q]) };
}
