/**
 * Bracket counting beyond the training distribution (notebook 05, section 4): a classifier
 * trained on short, shallow balancedTask strings is scored on test sets that are longer, deeper,
 * or both, next to how deep each set's strings nest.
 */
import { accuracy } from "../metrics";
import { balancedTask, maxBracketDepth, oneHotSequences } from "./tasks";

/** One test set: a name for the table and the balancedTask lengths and depth bound it draws from. */
export interface BracketTestSet {
  name: string;
  minLength: number;
  maxLength: number;
  /** Undefined: any depth. */
  maxDepth?: number;
}

/** A row of bracketGeneralization's table. */
export type BracketRow = {
  "test set": string;
  /** Mean over the set's strings of the deepest nesting each reaches. */
  "mean deepest nesting": number;
  "deepest nesting": number;
  /** Share of strings whose predicted class is their label. */
  accuracy: number;
}

/**
 * Draws each test set (balancedTask, `count` strings, seed `firstSeed + i` for set i), classifies
 * it and reports accuracy and nesting depth.
 * @param classify the model: one-hot strings [N][len][2] -> predicted class per string [N]
 *   (1 = closed, 0 = two open, as balancedTask labels them).
 */
export function bracketGeneralization(
  classify: (inputs: number[][][]) => number[],
  sets: readonly BracketTestSet[],
  options: { count: number; firstSeed: number },
): BracketRow[] {
  return sets.map((set, i) => {
    const task = balancedTask({ count: options.count, minLength: set.minLength, maxLength: set.maxLength, maxDepth: set.maxDepth, seed: options.firstSeed + i });
    const predicted = classify(oneHotSequences(task.sequences, 2));
    if (predicted.length !== task.labels.length) throw new Error(`bracketGeneralization: classify must return one class per string: ${task.labels.length} for "${set.name}", got ${predicted.length}`);
    const depths = task.sequences.map(maxBracketDepth);
    return {
      "test set": set.name,
      "mean deepest nesting": depths.reduce((a, b) => a + b, 0) / depths.length,
      "deepest nesting": Math.max(...depths),
      accuracy: accuracy(predicted, task.labels),
    };
  });
}
