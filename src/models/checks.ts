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
