/** Padded ids, bags and labels as the tensors the fixed-input classifiers read. */
import * as tf from "@tensorflow/tfjs";
import type { BagMatrix } from "./bagging";
import { checkIdSequences, checkRectangular, describeValue } from "../checks";

/** Padded ids (rows of one length, e.g. `padSequences(...).ids`) → int32 tensor [rows, maxLen]. */
export function idsTensor(ids: readonly (readonly number[])[]): tf.Tensor2D {
  const checked = checkIdSequences(ids, "ids", { allowEmpty: false });
  const columns = checkRectangular(checked, "ids");
  const flat = new Int32Array(checked.length * columns);
  checked.forEach((row, r) => flat.set(row, r * columns));
  return tf.tensor2d(flat, [checked.length, columns], "int32");
}

/** A bag matrix → float32 tensor [rows, columns]. */
export function bagTensor(bag: BagMatrix): tf.Tensor2D {
  if (!bag || !(bag.values instanceof Float32Array) || bag.values.length !== bag.rows * bag.columns) {
    throw new Error(`bag must be a BagMatrix whose values hold rows × columns numbers, got ${describeValue(bag)}`);
  }
  return tf.tensor2d(bag.values, [bag.rows, bag.columns], "float32");
}

/** 0/1 labels → float32 tensor [n, 1], the shape the classifiers output. */
export function labelsTensor(labels: readonly number[]): tf.Tensor2D {
  if (!Array.isArray(labels) || labels.length === 0) throw new Error("labels is empty: it needs at least one label");
  labels.forEach((label, index) => {
    if (label !== 0 && label !== 1) throw new Error(`labels[${index}] must be 0 or 1, got ${describeValue(label)}`);
  });
  return tf.tensor2d(labels as number[], [labels.length, 1], "float32");
}
