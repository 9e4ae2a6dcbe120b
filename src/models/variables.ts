/** Trainable variables for the models: unique names and ownership of the initial values. */
import * as tf from "@tensorflow/tfjs";

let uniqueCounter = 0;
/** A process-unique suffix for variable names (tfjs optimizers find variables by name). */
export function uniqueName(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}_${uniqueCounter}`;
}

/** A trainable variable holding `initial`; frees `initial` (the variable keeps its own reference). */
export function variableFrom<R extends tf.Rank>(initial: tf.Tensor<R>, name: string): tf.Variable<R> {
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}
