/**
 * Argument checks shared by the sequence toolkit. Each throws an Error whose message names the
 * argument (with the index of the offending element) and the value it got.
 */

import { checkInteger, describeValue } from "../checks";

export { checkInteger, describeValue };

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
