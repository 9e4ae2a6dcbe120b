/**
 * Scores shared by every layer: accuracy of class predictions and the mean errors of numeric
 * forecasts. Plain arrays in, one number out; each checks that its two arguments line up.
 */
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
