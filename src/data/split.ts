/**
 * Seeded train/validation/test splits. The same seed gives the same split on every machine
 * (alea generator from `createRng`), so every notebook trains and reports on the same examples.
 */
import { createRng, shuffleInPlace } from "../random";

/** Indices into the dataset for each part; each list is in increasing order. */
export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

/** The three parts of a dataset after a split. */
export interface Split<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/** Fractions for train, validation and test; they must be non-negative and sum to 1. */
export type SplitFractions = readonly [train: number, validation: number, test: number];

function checkFractions(fractions: SplitFractions): void {
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (fractions.some((f) => !Number.isFinite(f) || f < 0) || Math.abs(sum - 1) > 1e-9) {
    throw new Error(`fractions must be three non-negative numbers that sum to 1, got [${fractions.join(", ")}]`);
  }
}

/**
 * Splits `labels.length` examples into train/validation/test, stratified: each label's
 * examples are shuffled with `createRng(seed)` (labels in sorted order, each continuing the same
 * generator) and cut at round(n·train) and round(n·(train + validation)), so every part keeps
 * the label proportions up to rounding. Pass the same label for all to get a plain random split.
 */
export function stratifiedSplit(
  labels: readonly (string | number)[],
  options: { fractions: SplitFractions; seed: number },
): SplitIndices {
  checkFractions(options.fractions);
  if (labels.length === 0) throw new Error("labels is empty: there is nothing to split");
  const byLabel = new Map<string | number, number[]>();
  labels.forEach((label, index) => {
    const list = byLabel.get(label);
    if (list) list.push(index);
    else byLabel.set(label, [index]);
  });
  const rng = createRng(options.seed);
  const split: SplitIndices = { train: [], validation: [], test: [] };
  const sortedLabels = [...byLabel.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  for (const label of sortedLabels) {
    const indices = shuffleInPlace([...(byLabel.get(label) as number[])], rng);
    const trainEnd = Math.round(indices.length * options.fractions[0]);
    const validationEnd = Math.round(indices.length * (options.fractions[0] + options.fractions[1]));
    split.train.push(...indices.slice(0, trainEnd));
    split.validation.push(...indices.slice(trainEnd, validationEnd));
    split.test.push(...indices.slice(validationEnd));
  }
  for (const part of [split.train, split.validation, split.test]) part.sort((a, b) => a - b);
  return split;
}

/** Picks the items of each part of a split. */
export function applySplit<T>(items: readonly T[], split: SplitIndices): Split<T> {
  return {
    train: split.train.map((i) => items[i]),
    validation: split.validation.map((i) => items[i]),
    test: split.test.map((i) => items[i]),
  };
}
