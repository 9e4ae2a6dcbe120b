/**
 * Synthetic tasks that probe what a recurrent network can remember and represent. Each generator
 * is seeded (same seed, same data), returns plain arrays, and balances its labels exactly: every
 * class appears ⌊count / classes⌋ or that plus one times, so chance accuracy is 1 / classes.
 */
import { checkInteger } from "../checks";
import { createRng, shuffleInPlace, type Rng } from "../random";

/** Token sequences with one class label each. */
export interface ClassificationTask {
  /** [N][len] token ids in [0, vocabSize). */
  sequences: number[][];
  /** [N] class ids in [0, numClasses). */
  labels: number[];
  vocabSize: number;
  numClasses: number;
}

/** Labels 0,1,…,classes−1,0,1,… shuffled: exactly balanced. */
function balancedLabels(count: number, classes: number, rng: Rng): number[] {
  return shuffleInPlace(Array.from({ length: count }, (_, i) => i % classes), rng);
}

export interface RecallOptions {
  count: number;
  /** k: how many steps before the last one the token to recall was seen. Sequence length = k + 1. */
  lag: number;
  /** Number of distinct tokens (default 4); chance accuracy = 1 / vocabSize. */
  vocabSize?: number;
  seed?: number;
}

/**
 * "Which token did you see k steps ago?": a sequence of k + 1 random tokens; the label is the
 * first one, i.e. the token seen k steps before the last. The k tokens after it are distractors.
 */
export function recallTask(options: RecallOptions): ClassificationTask {
  const where = "recallTask";
  const V = options.vocabSize ?? 4;
  checkInteger(options.count, `${where}: count`, 1);
  checkInteger(options.lag, `${where}: lag`, 0);
  checkInteger(V, `${where}: vocabSize`, 2);
  const rng = createRng(options.seed ?? 0);
  const labels = balancedLabels(options.count, V, rng);
  const sequences = labels.map((label) => [label, ...Array.from({ length: options.lag }, () => Math.floor(rng() * V))]);
  return { sequences, labels, vocabSize: V, numClasses: V };
}

/** Sequences of numbers with one numeric target each (a regression task). */
export interface RegressionTask {
  /** [N][T][1]: one number per step. */
  sequences: number[][][];
  /** [N] targets. */
  targets: number[];
}

/**
 * "What was the first number?": `count` sequences of `length` numbers, each drawn uniformly from
 * [−1, 1) (one feature per step, [N][length][1]); the target is the sequence's first number.
 * Unlike `recallTask` (classify a token seen k steps back) the answer is a real number, so it is
 * scored by mean squared error; always answering 0 scores about 1/3, the variance of the draws.
 */
export function recallFirstNumberTask(options: { count: number; length: number; seed?: number }): RegressionTask {
  const where = "recallFirstNumberTask";
  checkInteger(options.count, `${where}: count`, 1);
  checkInteger(options.length, `${where}: length`, 1);
  const rng = createRng(options.seed ?? 0);
  const sequences = Array.from({ length: options.count }, () => Array.from({ length: options.length }, () => [rng() * 2 - 1]));
  return { sequences, targets: sequences.map((sequence) => sequence[0][0]) };
}

/** Parity of a bit string: 1 if it holds an odd number of ones. */
export function parity(bits: readonly number[]): number {
  return bits.reduce((p, b) => p ^ (b ? 1 : 0), 0);
}

/** Bracket depth after reading a string of tokens 0 = "(" and 1 = ")". Throws if it goes below 0. */
export function bracketDepth(tokens: readonly number[]): number {
  let depth = 0;
  tokens.forEach((t, i) => {
    depth += t === 0 ? 1 : -1;
    if (depth < 0) throw new Error(`bracketDepth: more ")" than "(" at position ${i}`);
  });
  return depth;
}

/** "(" and ")" for tokens 0 and 1 (for printing examples). */
export function bracketString(tokens: readonly number[]): string {
  return tokens.map((t) => (t === 0 ? "(" : ")")).join("");
}

export interface LengthRange {
  count: number;
  /** Shortest and longest sequence (inclusive); each length in between is equally likely. */
  minLength: number;
  maxLength: number;
  seed?: number;
}

/**
 * Parity: random bit strings (tokens 0/1) whose label is the parity of the number of ones.
 * Labels are exactly balanced; given its label and length, each string is uniformly random.
 */
export function parityTask(options: LengthRange): ClassificationTask {
  const where = "parityTask";
  checkInteger(options.count, `${where}: count`, 1);
  checkInteger(options.minLength, `${where}: minLength`, 1);
  checkInteger(options.maxLength, `${where}: maxLength`, options.minLength);
  const rng = createRng(options.seed ?? 0);
  const labels = balancedLabels(options.count, 2, rng);
  const sequences = labels.map((label) => {
    const length = options.minLength + Math.floor(rng() * (options.maxLength - options.minLength + 1));
    const bits: number[] = Array.from({ length: length - 1 }, () => (rng() < 0.5 ? 1 : 0));
    bits.push(parity(bits) ^ label); // the last bit makes the parity equal to the label
    return bits;
  });
  return { sequences, labels, vocabSize: 2, numClasses: 2 };
}

export interface BracketOptions extends LengthRange {
  /** The depth never exceeds this; labels are depths 0..maxDepth (default 3). */
  maxDepth?: number;
}

/**
 * Bracket depth: strings of "(" (token 0) and ")" (token 1) that never close more than they
 * opened and never nest deeper than maxDepth; the label is the depth after the last token.
 * Labels are exactly balanced. A length with the wrong parity for the label (depth and length
 * are both even or both odd) is moved up by one (or down when at maxLength).
 */
export function bracketTask(options: BracketOptions): ClassificationTask {
  const where = "bracketTask";
  const maxDepth = options.maxDepth ?? 3;
  checkInteger(options.count, `${where}: count`, 1);
  checkInteger(maxDepth, `${where}: maxDepth`, 1);
  checkInteger(options.minLength, `${where}: minLength`, maxDepth + 1);
  checkInteger(options.maxLength, `${where}: maxLength`, options.minLength + 1);
  const rng = createRng(options.seed ?? 0);
  const labels = balancedLabels(options.count, maxDepth + 1, rng);
  const sequences = labels.map((label) => {
    let length = options.minLength + Math.floor(rng() * (options.maxLength - options.minLength + 1));
    if ((length - label) % 2 !== 0) length += length < options.maxLength ? 1 : -1;
    return bracketWalk(length, label, maxDepth, rng);
  });
  return { sequences, labels, vocabSize: 2, numClasses: maxDepth + 1 };
}

/**
 * A random bracket string of `length` tokens whose depth stays in [0, maxDepth] and ends at
 * `target`: at each step choose uniformly among the moves that keep the end reachable
 * (|depth − target| ≤ steps left). Needs length ≥ target and the same parity.
 */
function bracketWalk(length: number, target: number, maxDepth: number, rng: Rng): number[] {
  const tokens: number[] = [];
  let depth = 0;
  for (let left = length; left > 0; left--) {
    const moves = [0, 1].filter((t) => {
      const next = depth + (t === 0 ? 1 : -1);
      return next >= 0 && next <= maxDepth && Math.abs(next - target) <= left - 1;
    });
    const t = moves[Math.floor(rng() * moves.length)];
    tokens.push(t);
    depth += t === 0 ? 1 : -1;
  }
  return tokens;
}

export interface BalancedOptions extends LengthRange {
  /** The depth never exceeds this (default: unbounded, i.e. half the length). */
  maxDepth?: number;
}

/**
 * "Are the brackets closed?": strings of "(" (token 0) and ")" (token 1) that never close more
 * than they opened; label 1 if the final depth is 0, label 0 if it is 2 (so a model has to count
 * exactly, not just notice a trailing "("). Lengths are even (an odd draw is moved up by one, or
 * down at maxLength). Labels are exactly balanced.
 */
export function balancedTask(options: BalancedOptions): ClassificationTask {
  const where = "balancedTask";
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  checkInteger(options.count, `${where}: count`, 1);
  checkInteger(options.minLength, `${where}: minLength`, 2);
  checkInteger(options.maxLength, `${where}: maxLength`, options.minLength + 1);
  if (!(maxDepth >= 2)) throw new Error(`${where}: maxDepth must be ≥ 2, got ${maxDepth}`);
  const rng = createRng(options.seed ?? 0);
  const labels = balancedLabels(options.count, 2, rng);
  const sequences = labels.map((label) => {
    let length = options.minLength + Math.floor(rng() * (options.maxLength - options.minLength + 1));
    if (length % 2 !== 0) length += length < options.maxLength ? 1 : -1;
    return bracketWalk(length, label === 1 ? 0 : 2, maxDepth, rng);
  });
  return { sequences, labels, vocabSize: 2, numClasses: 2 };
}

/** The deepest nesting reached while reading a bracket string. */
export function maxBracketDepth(tokens: readonly number[]): number {
  let depth = 0;
  let deepest = 0;
  for (const t of tokens) {
    depth += t === 0 ? 1 : -1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** Token ids [N][T] to one-hot events [N][T][V] (for models that read dense inputs). */
export function oneHotSequences(sequences: readonly (readonly number[])[], vocabSize: number): number[][][] {
  return sequences.map((s) =>
    s.map((id) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new Error(`oneHotSequences: token ${id} is outside [0, ${vocabSize})`);
      return Array.from({ length: vocabSize }, (_, v) => (v === id ? 1 : 0));
    }),
  );
}
