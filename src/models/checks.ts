/** Small shape checks shared by the models; each error names the argument, expected and actual shape. */
import * as tf from "@tensorflow/tfjs";

/** "[4, 5, 3]" */
export function shapeString(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "null" : String(d))).join(", ")}]`;
}

/** Throws unless `tensor` has exactly `expected` shape. */
export function checkShape(tensor: tf.Tensor, expected: number[], argument: string, where: string): void {
  const ok = tensor.rank === expected.length && tensor.shape.every((d, i) => d === expected[i]);
  if (!ok) throw new Error(`${where}: ${argument} must have shape ${shapeString(expected)}, got ${shapeString(tensor.shape)}`);
}

/** Throws if `tensor` holds NaN or ±Infinity (reads it back; use on inputs, not inside hot loops). */
export function checkFinite(tensor: tf.Tensor, argument: string, where: string): void {
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${where}: ${argument} holds a non-finite value (${values[i]}) at flat index ${i}`);
  }
}

/** Throws unless `rows` is a numeric matrix of the given shape. */
export function checkMatrix(rows: readonly (readonly number[])[], r: number, c: number, argument: string, where: string): void {
  const actual = Array.isArray(rows) ? [rows.length, Array.isArray(rows[0]) ? rows[0].length : 0] : [0, 0];
  const ok = Array.isArray(rows) && rows.length === r && rows.every((row) => Array.isArray(row) && row.length === c);
  if (!ok) throw new Error(`${where}: ${argument} must be a ${r}×${c} array (shape ${shapeString([r, c])}), got ${shapeString(actual)}`);
  for (const row of rows) for (const v of row) if (!Number.isFinite(v)) throw new Error(`${where}: ${argument} holds a non-finite value (${v})`);
}

let uniqueCounter = 0;
/** A process-unique suffix for variable names (tfjs optimizers find variables by name). */
export function uniqueName(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}_${uniqueCounter}`;
}

/**
 * For notebooks: throws unless `tensor` has the `expected` shape, and returns the tensor, so
 * `assertShape(model.forward(x).final, [batch, hidden])` documents and checks in one line.
 */
export function assertShape<T extends tf.Tensor>(tensor: T, expected: number[], name = "tensor"): T {
  checkShape(tensor, expected, name, "assertShape");
  return tensor;
}

/** A trainable variable holding `initial`; frees `initial` (the variable keeps its own reference). */
export function variableFrom<R extends tf.Rank>(initial: tf.Tensor<R>, name: string): tf.Variable<R> {
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/**
 * The checks every cell's `step` makes on one event: x_t must be [B, inputSize] with B ≥ 1 and
 * finite values. Returns B. (`where` is e.g. "LSTMScratch.step".)
 */
export function checkStepInput(x_t: tf.Tensor, inputSize: number, where: string): number {
  if (x_t.rank !== 2 || x_t.shape[1] !== inputSize) {
    throw new Error(`${where}: x_t must have shape [batch, inputSize=${inputSize}], got ${shapeString(x_t.shape)}`);
  }
  const batch = x_t.shape[0];
  if (batch === 0) throw new Error(`${where}: x_t is an empty batch (shape ${shapeString(x_t.shape)})`);
  checkFinite(x_t, "x_t", where);
  return batch;
}

/** Throws unless `values` is a numeric array of length n with finite values. */
export function checkVector(values: readonly number[], n: number, argument: string, where: string): void {
  if (!Array.isArray(values) || values.length !== n) {
    throw new Error(`${where}: ${argument} must have shape [${n}], got [${Array.isArray(values) ? values.length : typeof values}]`);
  }
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`${where}: ${argument} holds a non-finite value (${v})`);
}
