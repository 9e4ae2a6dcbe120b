/**
 * Cutting and padding: give every sequence the same length so a fixed-input model can take it.
 * Same semantics as Keras' `pad_sequences` (padding and truncating default to "pre", the pad
 * value to 0, maxLen to the longest sequence; an empty sequence becomes a row of padding).
 */
import { checkIdSequences, checkInteger, describeValue } from "../checks";

export type PadSide = "pre" | "post";

export interface PadOptions {
  /** Length of every output row; default: the longest input sequence. */
  maxLen?: number;
  /** Where padding goes: "pre" (before the sequence, Keras' default) or "post" (after). */
  padding?: PadSide;
  /** Which end a longer sequence loses: "pre" (its start, Keras' default) or "post" (its end). */
  truncating?: PadSide;
  /** The value padding positions take (default 0, the course's PAD_ID). */
  value?: number;
}

/** The result of `padSequences`: two [sequences.length, maxLen] matrices. */
export interface Padded {
  /** ids[i][t]: the id at position t of row i, or the pad value. */
  ids: number[][];
  /** mask[i][t]: 1 where a real id sits, 0 where padding does (by position, not by value). */
  mask: number[][];
  maxLen: number;
}

function checkSide(value: unknown, name: string): PadSide {
  if (value !== "pre" && value !== "post") throw new Error(`${name} must be "pre" or "post", got ${describeValue(value)}`);
  return value;
}

/**
 * Pads and truncates id sequences to one length.
 * `padSequences([[1], [2, 3], [4, 5, 6]])` → ids [[0, 0, 1], [0, 2, 3], [4, 5, 6]].
 */
export function padSequences(sequences: readonly (readonly number[])[], options: PadOptions = {}): Padded {
  const checked = checkIdSequences(sequences, "sequences");
  const padding = checkSide(options.padding ?? "pre", "padding");
  const truncating = checkSide(options.truncating ?? "pre", "truncating");
  const value = options.value ?? 0;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`value must be a finite number, got ${describeValue(value)}`);
  const longest = checked.reduce((max, sequence) => Math.max(max, sequence.length), 0);
  const maxLen = options.maxLen === undefined ? longest : checkInteger(options.maxLen, "maxLen", 1);
  if (maxLen === 0) throw new Error("sequences are all empty and no maxLen was given: the padded length would be 0");
  const ids: number[][] = [];
  const mask: number[][] = [];
  for (const sequence of checked) {
    const kept = sequence.length <= maxLen ? sequence : truncating === "pre" ? sequence.slice(sequence.length - maxLen) : sequence.slice(0, maxLen);
    const fill = maxLen - kept.length;
    const row: number[] = new Array(maxLen).fill(value);
    const rowMask: number[] = new Array(maxLen).fill(0);
    const start = padding === "pre" ? fill : 0;
    for (let t = 0; t < kept.length; t++) {
      row[start + t] = kept[t];
      rowMask[start + t] = 1;
    }
    ids.push(row);
    mask.push(rowMask);
  }
  return { ids, mask, maxLen };
}
