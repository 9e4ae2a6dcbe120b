/**
 * Next-token training examples from long id sequences (paragraphs, documents). A sequence is cut
 * into pieces of at most `windowLength + 1` ids; each piece gives the model `windowLength` inputs
 * (all ids but the last) and the same number of targets (all ids but the first): after reading
 * ids 1…n the model must predict ids 2…n+1, one guess after every id it reads.
 */
import { checkIdSequences, checkInteger, describeValue } from "../checks";

/**
 * Cuts each id sequence into consecutive pieces that start every `windowLength` ids and hold up
 * to `windowLength + 1` ids, so neighbouring pieces share one id (the last target of one piece is
 * the first input of the next). A piece shorter than `minLength` (the tail of a sequence, or a
 * short sequence) is dropped. sequences: [N][len] ids; returns [P][≤ windowLength + 1].
 */
export function cutIntoPieces(sequences: readonly (readonly number[])[], windowLength: number, options: { minLength?: number } = {}): number[][] {
  const checked = checkIdSequences(sequences, "cutIntoPieces: sequences");
  const window = checkInteger(windowLength, "cutIntoPieces: windowLength", 1);
  const minLength = checkInteger(options.minLength ?? 3, "cutIntoPieces: minLength", 2);
  const pieces: number[][] = [];
  for (const ids of checked) {
    for (let start = 0; start + minLength <= ids.length; start += window) pieces.push(ids.slice(start, start + window + 1));
  }
  return pieces;
}

/** Inputs and targets for a next-token model: two lists of [P][len] ids with equal lengths. */
export interface NextTokenExamples {
  inputs: number[][];
  /** targets[p][t] = the id after inputs[p][t], or −1 where that step must not count in the loss. */
  targets: number[][];
}

/**
 * Splits pieces into inputs (all ids but the last) and targets (all ids but the first). A target
 * equal to `noTargetId` (typically the unknown id: the model should not learn that "an unknown
 * word" is a good guess) becomes −1, which the model's loss skips. pieces: [P][≥ 2] ids.
 */
export function nextTokenExamples(pieces: readonly (readonly number[])[], options: { noTargetId?: number } = {}): NextTokenExamples {
  const checked = checkIdSequences(pieces, "nextTokenExamples: pieces");
  checked.forEach((piece, index) => {
    if (piece.length < 2) throw new Error(`nextTokenExamples: pieces[${index}] must hold at least 2 ids (one input, one target), got ${piece.length}`);
  });
  const skip = options.noTargetId;
  if (skip !== undefined && !Number.isInteger(skip)) throw new Error(`nextTokenExamples: noTargetId must be an integer id, got ${describeValue(skip)}`);
  return {
    inputs: checked.map((piece) => piece.slice(0, -1)),
    targets: checked.map((piece) => piece.slice(1).map((id) => (id === skip ? -1 : id))),
  };
}
