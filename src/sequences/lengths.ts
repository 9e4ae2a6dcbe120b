/**
 * What a choice of maxLen costs on a dataset, measured from its sequence lengths alone.
 * Cutting to maxLen throws tokens away; padding to maxLen fills the matrix with positions a model
 * computes on for nothing. One number does not serve both: the curve shows the trade-off.
 */
import { checkInteger, checkLengths } from "../checks";

/** Summary of a list of lengths (a type alias, not an interface, so it fits `showTable` rows). Quantiles use the nearest-rank rule: the ⌈q·n⌉-th smallest. */
export type LengthSummary = {
  count: number;
  total: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
};

/** The nearest-rank q-quantile of values (0 < q ≤ 1): the ⌈q·n⌉-th smallest value. */
export function nearestRankQuantile(values: readonly number[], q: number): number {
  if (!(q > 0 && q <= 1)) throw new Error(`q must be in (0, 1], got ${q}`);
  const sorted = [...checkLengths(values, "values")].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1];
}

export function summarizeLengths(lengths: readonly number[]): LengthSummary {
  const checked = checkLengths(lengths, "lengths");
  const sorted = [...checked].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.ceil(q * sorted.length) - 1];
  const total = sorted.reduce((sum, length) => sum + length, 0);
  return {
    count: sorted.length,
    total,
    min: sorted[0],
    mean: total / sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[sorted.length - 1],
  };
}

/** The cost of cutting and padding every sequence to `maxLen`. */
export type MaxLenCost = {
  maxLen: number;
  /** Tokens beyond maxLen, over all tokens: Σ max(0, L − maxLen) / Σ L. */
  tokensCutFraction: number;
  /** Sequences longer than maxLen, over all sequences. */
  sequencesCutFraction: number;
  /** Padding positions over all positions of the n × maxLen matrix: Σ max(0, maxLen − L) / (n·maxLen). */
  paddingFraction: number;
};

export function maxLenCost(lengths: readonly number[], maxLen: number): MaxLenCost {
  const checked = checkLengths(lengths, "lengths");
  checkInteger(maxLen, "maxLen", 1);
  let tokens = 0;
  let cut = 0;
  let sequencesCut = 0;
  let padding = 0;
  for (const length of checked) {
    tokens += length;
    if (length > maxLen) {
      cut += length - maxLen;
      sequencesCut++;
    } else padding += maxLen - length;
  }
  return {
    maxLen,
    tokensCutFraction: tokens === 0 ? 0 : cut / tokens,
    sequencesCutFraction: sequencesCut / checked.length,
    paddingFraction: padding / (checked.length * maxLen),
  };
}

/** `maxLenCost` for each maxLen: the trade-off curve. */
export function maxLenTradeOff(lengths: readonly number[], maxLens: readonly number[]): MaxLenCost[] {
  if (!Array.isArray(maxLens) || maxLens.length === 0) throw new Error("maxLens is empty: give at least one maxLen");
  return maxLens.map((maxLen, index) => {
    checkInteger(maxLen, `maxLens[${index}]`, 1);
    return maxLenCost(lengths, maxLen);
  });
}

/** Powers of two from `from` up to the first one ≥ `to` (both positive integers): 8, 16, 32, … */
export function powersOfTwo(from: number, to: number): number[] {
  checkInteger(from, "from", 1);
  checkInteger(to, "to", 1);
  const values: number[] = [];
  let value = 2 ** Math.ceil(Math.log2(from));
  for (; value < to; value *= 2) values.push(value);
  values.push(value);
  return values;
}

/** One bar of `lengthHistogram`: lengths in [from, to]. */
export type LengthBin = {
  /** The range as a label, "128–255" (or "0" for empty sequences). */
  tokens: string;
  from: number;
  to: number;
  count: number;
};

/**
 * Counts lengths in doubling ranges, 0, 1, 2–3, 4–7, 8–15, …, up to the range holding the
 * longest: a histogram on a logarithmic axis whose bars line up with power-of-two maxLens.
 * Every range from the shortest to the longest length is listed, empty ones with count 0.
 */
export function lengthHistogram(lengths: readonly number[]): LengthBin[] {
  const checked = checkLengths(lengths, "lengths");
  const rangeOf = (length: number) => (length === 0 ? -1 : Math.floor(Math.log2(length)));
  let lowest = Infinity;
  let highest = -Infinity;
  const counts = new Map<number, number>();
  for (const length of checked) {
    const range = rangeOf(length);
    counts.set(range, (counts.get(range) ?? 0) + 1);
    lowest = Math.min(lowest, range);
    highest = Math.max(highest, range);
  }
  const bins: LengthBin[] = [];
  for (let range = lowest; range <= highest; range++) {
    const from = range === -1 ? 0 : 2 ** range;
    const to = range === -1 ? 0 : 2 ** (range + 1) - 1;
    bins.push({ tokens: from === to ? String(from) : `${from}–${to}`, from, to, count: counts.get(range) ?? 0 });
  }
  return bins;
}
