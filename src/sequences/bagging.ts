/**
 * Bags: throw order away and describe a sequence by which ids it holds. Each function turns n id
 * sequences into an n × vocabSize matrix (row-major Float32Array), ready for `tf.tensor2d`.
 * The padding id (0) is never counted, so padded and unpadded sequences give the same bag.
 */
import { checkIdSequences, checkInteger } from "../checks";
import { PAD_ID } from "./vocabulary";

/** A dense row-major matrix: entry (r, c) is values[r · columns + c]. */
export interface BagMatrix {
  rows: number;
  columns: number;
  values: Float32Array;
}

/** Row r as a plain array (for printing and tests). */
export function bagRow(matrix: BagMatrix, row: number): number[] {
  checkInteger(row, "row", 0);
  if (row >= matrix.rows) throw new Error(`row must be below ${matrix.rows}, got ${row}`);
  return Array.from(matrix.values.subarray(row * matrix.columns, (row + 1) * matrix.columns));
}

function countInto(sequences: readonly (readonly number[])[], vocabSize: number, binary: boolean): BagMatrix {
  checkInteger(vocabSize, "vocabSize", 1);
  const checked = checkIdSequences(sequences, "sequences", { vocabSize });
  const values = new Float32Array(checked.length * vocabSize);
  checked.forEach((sequence, row) => {
    const offset = row * vocabSize;
    for (const id of sequence) {
      if (id === PAD_ID) continue;
      values[offset + id] = binary ? 1 : values[offset + id] + 1;
    }
  });
  return { rows: checked.length, columns: vocabSize, values };
}

/** Multi-hot: entry (r, t) = 1 if id t occurs in sequence r, else 0. */
export function multiHotBag(sequences: readonly (readonly number[])[], vocabSize: number): BagMatrix {
  return countInto(sequences, vocabSize, true);
}

/** Counts: entry (r, t) = how many times id t occurs in sequence r. */
export function countBag(sequences: readonly (readonly number[])[], vocabSize: number): BagMatrix {
  return countInto(sequences, vocabSize, false);
}

/**
 * Inverse document frequency, fitted on training sequences only (N of them):
 *   idf(t) = ln((1 + N) / (1 + df(t))) + 1,   df(t) = number of sequences that contain t
 * (the "smooth" idf of scikit-learn: an id seen nowhere gets ln(1 + N) + 1, not a division by 0).
 * idf of the padding id is 0. Returns a Float32Array of length vocabSize.
 */
export function fitIdf(sequences: readonly (readonly number[])[], vocabSize: number): Float32Array {
  checkInteger(vocabSize, "vocabSize", 1);
  const checked = checkIdSequences(sequences, "sequences", { vocabSize });
  // df by one pass over the ids: lastRow[t] remembers the last sequence that counted t
  const documentFrequency = new Float64Array(vocabSize);
  const lastRow = new Int32Array(vocabSize).fill(-1);
  checked.forEach((sequence, row) => {
    for (const id of sequence) {
      if (lastRow[id] === row) continue;
      lastRow[id] = row;
      documentFrequency[id]++;
    }
  });
  const n = checked.length;
  const idf = new Float32Array(vocabSize);
  for (let t = 0; t < vocabSize; t++) idf[t] = t === PAD_ID ? 0 : Math.log((1 + n) / (1 + documentFrequency[t])) + 1;
  return idf;
}

/**
 * TF-IDF: entry (r, t) = count(t in r) · idf(t), then each row divided by its Euclidean norm
 * (rows of zeros stay zero) unless `normalize: false`. Long and short e-mails then have bags
 * of the same scale.
 */
export function tfidfBag(sequences: readonly (readonly number[])[], idf: Float32Array, options: { normalize?: boolean } = {}): BagMatrix {
  if (!(idf instanceof Float32Array) || idf.length === 0) throw new Error("idf must be a non-empty Float32Array from fitIdf");
  const bag = countBag(sequences, idf.length);
  const { columns, values } = bag;
  // Only the ids a sequence holds are non-zero in its row: visit those, not all `columns`.
  sequences.forEach((sequence, row) => {
    const offset = row * columns;
    const present = [...new Set(sequence)].filter((id) => id !== PAD_ID);
    let squares = 0;
    for (const id of present) {
      values[offset + id] *= idf[id];
      squares += values[offset + id] * values[offset + id];
    }
    if (options.normalize !== false && squares > 0) {
      const norm = Math.sqrt(squares);
      for (const id of present) values[offset + id] /= norm;
    }
  });
  return bag;
}
