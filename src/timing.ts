/**
 * Timing several ways of doing the same work, side by side: the tasks take turns, so a machine
 * that speeds up (the wasm backend warms up over its first few hundred operations) or slows down
 * (other work running alongside) affects them all alike, and their ratios stay meaningful.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Mean milliseconds per call of each task. Runs every task `warmup` times (not timed), then
 * `repeats` rounds in which each task runs once in turn. What a task returns is disposed (return
 * the tensors it made). A task must finish its work before it returns: true of the cpu, wasm and
 * tensorflow backends; on an asynchronous one (webgl) read a value back with dataSync inside it.
 * `now` is the clock (performance.now by default).
 */
export function timeSideBySide(
  tasks: Record<string, () => tf.TensorContainer>,
  options: { warmup?: number; repeats: number; now?: () => number },
): Record<string, number> {
  const names = Object.keys(tasks);
  if (names.length === 0) throw new Error("timeSideBySide: tasks is empty; give at least one named task");
  const warmup = options.warmup ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`timeSideBySide: warmup must be an integer ≥ 0, got ${warmup}`);
  if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error(`timeSideBySide: repeats must be an integer ≥ 1, got ${options.repeats}`);
  const now = options.now ?? (() => performance.now());
  for (let i = 0; i < warmup; i++) for (const name of names) tf.dispose(tasks[name]());
  const total: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (let i = 0; i < options.repeats; i++) {
    for (const name of names) {
      const started = now();
      const result = tasks[name]();
      total[name] += now() - started;
      tf.dispose(result);
    }
  }
  return Object.fromEntries(names.map((name) => [name, total[name] / options.repeats]));
}
