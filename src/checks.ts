/**
 * Argument checks, one module for the whole library. Each throws an Error whose message names the
 * argument (callers prefix it with where it was passed, e.g. "Trainer: epochs"), what was
 * expected and the value it got: plain values first, then id sequences and lengths, then tensor
 * shapes and weight arrays.
 */
import type * as tf from "@tensorflow/tfjs";

/** A short, readable rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a ${typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value}`;
}

/** Throws unless `value` is an integer ≥ `min` (default 1); returns it typed. */
export function checkInteger(value: unknown, name: string, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ 1 (sizes, counts, epochs); returns it typed. */
export function checkPositiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-empty array; returns it typed. */
export function checkNonEmptyArray<T>(value: readonly T[] | unknown, name: string): readonly T[] {
  if (!Array.isArray(value)) throw new Error(`${name} must be an array, got ${describeValue(value)}`);
  if (value.length === 0) throw new Error(`${name} is empty: it needs at least one element`);
  return value;
}

/**
 * Checks a list of id sequences: `sequences` is a non-empty array, each element an array of
 * integer ids, each id in [0, vocabSize) when `vocabSize` is given. Empty sequences are allowed
 * unless `allowEmpty` is false. Returns the sequences typed.
 */
export function checkIdSequences(
  sequences: unknown,
  name: string,
  options: { vocabSize?: number; allowEmpty?: boolean } = {},
): readonly (readonly number[])[] {
  const list = checkNonEmptyArray<unknown>(sequences, name);
  list.forEach((sequence, row) => {
    if (!Array.isArray(sequence) && !ArrayBuffer.isView(sequence)) {
      throw new Error(`${name}[${row}] must be an array of ids, got ${describeValue(sequence)}`);
    }
    const ids = sequence as ArrayLike<unknown>;
    if (ids.length === 0 && options.allowEmpty === false) throw new Error(`${name}[${row}] is an empty sequence`);
    for (let position = 0; position < ids.length; position++) {
      const id = ids[position];
      if (typeof id !== "number" || !Number.isInteger(id)) {
        throw new Error(`${name}[${row}][${position}] must be an integer id, got ${describeValue(id)}`);
      }
      if (options.vocabSize !== undefined && (id < 0 || id >= options.vocabSize)) {
        throw new Error(`${name}[${row}][${position}] is ${id}, outside the vocabulary [0, ${options.vocabSize})`);
      }
    }
  });
  return list as readonly (readonly number[])[];
}

/** Checks that every row of a matrix has `columns` entries (default: the first row's length). */
export function checkRectangular(rows: readonly (ArrayLike<unknown>)[], name: string, columns = rows[0]?.length): number {
  rows.forEach((row, index) => {
    if (row.length !== columns) {
      throw new Error(`${name} is ragged: row ${index} has ${row.length} entries, row 0 has ${columns}`);
    }
  });
  return columns ?? 0;
}

/** Throws unless every entry is a non-negative integer; used for lengths. */
export function checkLengths(lengths: unknown, name: string): readonly number[] {
  const list = checkNonEmptyArray<unknown>(lengths, name);
  list.forEach((length, index) => {
    if (typeof length !== "number" || !Number.isInteger(length) || length < 0) {
      throw new Error(`${name}[${index}] must be a length (an integer ≥ 0), got ${describeValue(length)}`);
    }
  });
  return list as readonly number[];
}

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

/**
 * For notebooks: throws unless `tensor` has the `expected` shape, and returns the tensor, so
 * `assertShape(model.forward(x).final, [batch, hidden])` documents and checks in one line.
 */
export function assertShape<T extends tf.Tensor>(tensor: T, expected: number[], name = "tensor"): T {
  checkShape(tensor, expected, name, "assertShape");
  return tensor;
}
