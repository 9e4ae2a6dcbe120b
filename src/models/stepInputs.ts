/**
 * A batch of variable-length sequences laid out the way a recurrent loop reads it: one tensor per
 * time step (time-major), plus a mask saying which rows are real at each step.
 *
 * Why one tensor per step instead of one [batch, time, features] tensor: the loop needs x_t at
 * every step, and slicing a big tensor once per step is costly on the `wasm` backend (each slice
 * reads the whole source). Building the step tensors straight from JavaScript arrays costs one
 * small copy each.
 */
import * as tf from "@tensorflow/tfjs";
import { shapeString } from "../checks";

export interface StepInputs {
  /** Number of sequences B. */
  readonly batchSize: number;
  /** Number of time steps T (the longest sequence in the batch). */
  readonly numSteps: number;
  /**
   * T tensors, time-major. Dense inputs: float32 [B, inputSize] (x_t for every sequence).
   * Token inputs: int32 [B] (the token id at step t; 0 at padded steps).
   */
  readonly steps: tf.Tensor[];
  /**
   * Per step: float32 [B, 1] with 1 where step t is real for that row and 0 where it is padding,
   * or null when every row is real at that step (no masking work needed).
   */
  readonly stepMasks: (tf.Tensor2D | null)[];
  /** Number of real steps of each sequence (B numbers, each >= 1). */
  readonly lengths: number[];
  /** The 0/1 mask as plain numbers, mask[b][t]. */
  readonly mask: number[][];
}

/** Disposes every tensor of a StepInputs. */
export function disposeStepInputs(inputs: StepInputs): void {
  for (const s of inputs.steps) s.dispose();
  for (const m of inputs.stepMasks) m?.dispose();
}

function checkMaskValues(mask: number[][], batchSize: number, numSteps: number, where: string): number[] {
  const lengths: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    let length = 0;
    for (let t = 0; t < numSteps; t++) {
      const v = mask[b][t];
      if (v !== 0 && v !== 1) {
        throw new Error(`${where}: mask must hold only 0 and 1, got ${v} at [${b}, ${t}]`);
      }
      length += v;
    }
    if (length === 0) {
      throw new Error(
        `${where}: sequence ${b} has length 0 (its mask row is all zeros); every sequence needs at least one real step`,
      );
    }
    lengths.push(length);
  }
  return lengths;
}

function stepMaskTensors(mask: number[][], batchSize: number, numSteps: number): (tf.Tensor2D | null)[] {
  const out: (tf.Tensor2D | null)[] = [];
  for (let t = 0; t < numSteps; t++) {
    const column = new Float32Array(batchSize);
    let all = true;
    for (let b = 0; b < batchSize; b++) {
      column[b] = mask[b][t];
      if (column[b] === 0) all = false;
    }
    out.push(all ? null : tf.tensor2d(column, [batchSize, 1]));
  }
  return out;
}

/**
 * Builds StepInputs from a dense batch tensor.
 * @param x float32 [B, T, inputSize]: the events of B sequences, padded to T steps.
 * @param mask optional [B, T] of 0/1 (1 = real step); omitted means every step is real.
 * @param inputSize the feature count the model expects (checked against x).
 * @param where the caller's name, used in error messages.
 */
export function stepInputsFromTensor(
  x: tf.Tensor,
  mask: tf.Tensor | undefined,
  inputSize: number,
  where: string,
): StepInputs {
  if (x.rank !== 3) {
    throw new Error(`${where}: x must have shape [batch, time, inputSize=${inputSize}], got ${shapeString(x.shape)}`);
  }
  const [batchSize, numSteps, features] = x.shape;
  if (batchSize === 0) throw new Error(`${where}: x is an empty batch (shape ${shapeString(x.shape)}); need at least one sequence`);
  if (numSteps === 0) {
    throw new Error(`${where}: x has 0 time steps (shape ${shapeString(x.shape)}); a sequence of length 0 cannot be read`);
  }
  if (features !== inputSize) {
    throw new Error(
      `${where}: x must have shape [batch, time, inputSize=${inputSize}], got ${shapeString(x.shape)} (inputSize ${features} != ${inputSize})`,
    );
  }
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const b = Math.floor(i / (numSteps * features));
      const t = Math.floor(i / features) % numSteps;
      throw new Error(`${where}: x holds a non-finite value (${values[i]}) at sequence ${b}, step ${t}`);
    }
  }
  let maskRows: number[][];
  if (mask === undefined) {
    maskRows = Array.from({ length: batchSize }, () => new Array<number>(numSteps).fill(1));
  } else {
    if (mask.rank !== 2 || mask.shape[0] !== batchSize || mask.shape[1] !== numSteps) {
      throw new Error(`${where}: mask must have shape [${batchSize}, ${numSteps}] to match x, got ${shapeString(mask.shape)}`);
    }
    maskRows = mask.arraySync() as number[][];
  }
  const lengths = checkMaskValues(maskRows, batchSize, numSteps, where);
  const steps: tf.Tensor[] = [];
  for (let t = 0; t < numSteps; t++) {
    const step = new Float32Array(batchSize * features);
    for (let b = 0; b < batchSize; b++) {
      const from = (b * numSteps + t) * features;
      step.set(values.subarray(from, from + features) as Float32Array, b * features);
    }
    steps.push(tf.tensor2d(step, [batchSize, features]));
  }
  return { batchSize, numSteps, steps, stepMasks: stepMaskTensors(maskRows, batchSize, numSteps), lengths, mask: maskRows };
}

/**
 * Builds StepInputs from plain arrays of variable-length sequences, padding at the end.
 * Dense: `sequences[b][t]` is a feature vector of `inputSize` numbers.
 * Tokens (`inputSize` = "tokens"): `sequences[b][t]` is a token id.
 */
export function stepInputsFromSequences(
  sequences: readonly (readonly (readonly number[] | number)[])[],
  inputSize: number | "tokens",
  where = "stepInputsFromSequences",
): StepInputs {
  const batchSize = sequences.length;
  if (batchSize === 0) throw new Error(`${where}: sequences is an empty batch; need at least one sequence`);
  const lengths = sequences.map((s) => s.length);
  const zero = lengths.indexOf(0);
  if (zero >= 0) throw new Error(`${where}: sequence ${zero} has length 0; every sequence needs at least one real step`);
  const numSteps = Math.max(...lengths);
  const mask = lengths.map((len) => Array.from({ length: numSteps }, (_, t) => (t < len ? 1 : 0)));
  const steps: tf.Tensor[] = [];
  for (let t = 0; t < numSteps; t++) {
    if (inputSize === "tokens") {
      const ids = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        if (t >= lengths[b]) continue;
        const id = sequences[b][t];
        if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
          throw new Error(`${where}: token ids must be non-negative integers, got ${String(id)} at sequence ${b}, step ${t}`);
        }
        ids[b] = id;
      }
      steps.push(tf.tensor1d(ids, "int32"));
    } else {
      const step = new Float32Array(batchSize * inputSize);
      for (let b = 0; b < batchSize; b++) {
        if (t >= lengths[b]) continue;
        const event = sequences[b][t];
        if (!Array.isArray(event) || event.length !== inputSize) {
          const got = Array.isArray(event) ? `[${event.length}]` : typeof event;
          throw new Error(`${where}: event at sequence ${b}, step ${t} must have inputSize=${inputSize} features, got ${got}`);
        }
        for (let i = 0; i < inputSize; i++) {
          const v = (event as readonly number[])[i];
          if (!Number.isFinite(v)) throw new Error(`${where}: non-finite value (${v}) at sequence ${b}, step ${t}, feature ${i}`);
          step[b * inputSize + i] = v;
        }
      }
      steps.push(tf.tensor2d(step, [batchSize, inputSize]));
    }
  }
  return { batchSize, numSteps, steps, stepMasks: stepMaskTensors(mask, batchSize, numSteps), lengths, mask };
}

/**
 * x_t for every step: T × [B, D]. Dense inputs are their steps; token inputs become embedding
 * lookups, rows of E: [V, D] (`embedding`, null for dense inputs).
 */
export function embedSteps(inputs: StepInputs, embedding: tf.Tensor2D | null): tf.Tensor2D[] {
  if (!embedding) return inputs.steps as tf.Tensor2D[];
  return inputs.steps.map((ids) => tf.gather(embedding, ids) as tf.Tensor2D);
}
