/**
 * Scores shared by every layer: accuracy of class predictions (and of a binary classifier's
 * probabilities, and of always answering the majority label) and the mean errors of numeric
 * forecasts. One number out; each checks that its two arguments line up.
 */
import type * as tf from "@tensorflow/tfjs";
import { describeValue } from "./checks";

function checkPaired(predicted: unknown, actual: unknown, where: string, predictedName: string, actualName: string): void {
  if (!Array.isArray(predicted)) throw new Error(`${where}: ${predictedName} must be an array, got ${describeValue(predicted)}`);
  if (!Array.isArray(actual)) throw new Error(`${where}: ${actualName} must be an array, got ${describeValue(actual)}`);
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(`${where}: ${predictedName} and ${actualName} must have the same, non-zero length, got ${predicted.length} and ${actual.length}`);
  }
}

/** Share of positions where the predicted class equals the label. predicted, labels: [N]. */
export function accuracy(predicted: readonly number[], labels: readonly number[]): number {
  checkPaired(predicted, labels, "accuracy", "predicted", "labels");
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * The class each row votes for: the index of its largest entry (the first one on a tie).
 * rows: [N][classes] scores or probabilities; returns [N] class ids.
 */
export function predictedClasses(rows: readonly (readonly number[])[]): number[] {
  if (!Array.isArray(rows)) throw new Error(`predictedClasses: rows must be an array of rows, got ${describeValue(rows)}`);
  return rows.map((row, r) => {
    if (!Array.isArray(row) || row.length === 0) throw new Error(`predictedClasses: rows[${r}] must be a non-empty array of numbers, got ${describeValue(row)}`);
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
    return best;
  });
}

/** mean |predicted − actual|, in the units of the data. predicted, actual: [N]. */
export function meanAbsoluteError(predicted: readonly number[], actual: readonly number[]): number {
  checkPaired(predicted, actual, "meanAbsoluteError", "predicted", "actual");
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(predicted[i] - actual[i]);
  return sum / actual.length;
}

/** mean (predicted − actual)², in squared units. predicted, actual: [N]. */
export function meanSquaredError(predicted: readonly number[], actual: readonly number[]): number {
  checkPaired(predicted, actual, "meanSquaredError", "predicted", "actual");
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (predicted[i] - actual[i]) ** 2;
  return sum / actual.length;
}

/**
 * Share of examples where (P(label = 1) > 0.5) equals the label.
 * probabilities: [n, 1] (or [n]); labels: n values 0/1.
 */
export function binaryAccuracy(probabilities: tf.Tensor, labels: readonly number[]): number {
  if (probabilities.size !== labels.length) {
    throw new Error(`probabilities holds ${probabilities.size} values but labels holds ${labels.length}`);
  }
  labels.forEach((label, index) => {
    if (label !== 0 && label !== 1) throw new Error(`labels[${index}] must be 0 or 1, got ${describeValue(label)}`);
  });
  const predicted = Array.from(probabilities.dataSync(), (p) => (p > 0.5 ? 1 : 0));
  return accuracy(predicted, labels);
}

/** Accuracy of always answering the training set's most frequent label (ties → 0). */
export function majorityBaselineAccuracy(trainLabels: readonly number[], evaluationLabels: readonly number[]): number {
  if (trainLabels.length === 0 || evaluationLabels.length === 0) throw new Error("trainLabels and evaluationLabels must be non-empty");
  const ones = trainLabels.filter((label) => label === 1).length;
  const majority = ones > trainLabels.length - ones ? 1 : 0;
  return accuracy(evaluationLabels.map(() => majority), evaluationLabels);
}
