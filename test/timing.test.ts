import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { timeSideBySide } from "../src/timing";

test("timeSideBySide takes turns, excludes warm-up, averages per task and disposes what tasks return", async () => {
  await initBackend({ quiet: true });
  // A fake clock: each task advances it by its own cost, so the means are known exactly.
  let clock = 0;
  const calls: string[] = [];
  const cost = { slow: 30, fast: 10 };
  const task = (name: keyof typeof cost) => () => {
    calls.push(name);
    clock += calls.length <= 4 ? 1000 : cost[name]; // the first 4 calls (warm-up) are very slow
    return tf.zeros([2, 2]);
  };
  const before = tf.memory().numTensors;
  const ms = timeSideBySide({ slow: task("slow"), fast: task("fast") }, { warmup: 2, repeats: 3, now: () => clock });
  assert.deepEqual(ms, { slow: 30, fast: 10 });
  assert.deepEqual(calls, ["slow", "fast", "slow", "fast", "slow", "fast", "slow", "fast", "slow", "fast"]);
  assert.equal(tf.memory().numTensors, before);
});

test("timeSideBySide rejects bad options, naming them", () => {
  assert.throws(() => timeSideBySide({}, { repeats: 1 }), { message: "timeSideBySide: tasks is empty; give at least one named task" });
  assert.throws(() => timeSideBySide({ a: () => 0 }, { repeats: 0 }), { message: "timeSideBySide: repeats must be an integer ≥ 1, got 0" });
  assert.throws(() => timeSideBySide({ a: () => 0 }, { repeats: 1, warmup: -1 }), { message: "timeSideBySide: warmup must be an integer ≥ 0, got -1" });
});
