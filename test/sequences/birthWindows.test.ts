import { test } from "node:test";
import assert from "node:assert/strict";
import { BirthWindows, BIRTH_EVENT_SIZE, dayRange } from "../../src/sequences/birthWindows";
import type { BirthDay } from "../../src/data/usBirths";

/** Ten days starting on a Monday: births 100, 101, …, 109. */
const days: BirthDay[] = Array.from({ length: 10 }, (_, k) => ({
  date: `1987-01-${String(5 + k).padStart(2, "0")}`, year: 1987, month: 1, day: 5 + k, dayOfWeek: (k % 7) + 1, births: 100 + k,
}));
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

test("BirthWindows: level, relative window with a weekday one-hot, target, and the way back to births", () => {
  const windows = new BirthWindows(days, 2);
  // Day 2 (a Wednesday) is predicted from days 0 and 1: level (100 + 101) / 2 = 100.5.
  close(windows.level(2), 100.5, "level");
  const window = windows.window(2);
  assert.equal(window.length, 2);
  assert.equal(window[0].length, BIRTH_EVENT_SIZE);
  close(window[0][0], (100 / 100.5 - 1) * 10, "day 0 relative");
  close(window[1][0], (101 / 100.5 - 1) * 10, "day 1 relative");
  assert.deepEqual(window[0].slice(1), [1, 0, 0, 0, 0, 0, 0]); // Monday
  assert.deepEqual(window[1].slice(1), [0, 1, 0, 0, 0, 0, 0]); // Tuesday
  assert.deepEqual(windows.flatWindow(2), window.flat());
  close(windows.target(2), (102 / 100.5 - 1) * 10, "target");
  close(windows.toBirths(2, windows.target(2)), 102, "round trip");
  close(windows.toBirths(2, 0), 100.5, "a prediction of 0 means 'the level'");
  const back = windows.forecastInBirths([2, 3], [0, 0]);
  close(back[0], 100.5, "forecast day 2");
  close(back[1], 101.5, "forecast day 3");
});

test("BirthWindows: naive forecasts, actual births, and day indices per part", () => {
  const windows = new BirthWindows(days, 2);
  assert.deepEqual(windows.naiveForecast([3, 9], 1), [102, 108]);
  assert.deepEqual(windows.naiveForecast([7, 9], 7), [100, 102]);
  assert.deepEqual(windows.births([3, 9]), [103, 109]);
  // 6 training days, 2 validation, 2 test: training forecasts start after a full window.
  const parts = windows.splitDays({ train: days.slice(0, 6), validation: days.slice(6, 8) });
  assert.deepEqual(parts, { train: [2, 3, 4, 5], validation: [6, 7], test: [8, 9] });
  assert.deepEqual(dayRange(3, 6), [3, 4, 5]);
  assert.deepEqual(dayRange(6, 3), []);
});

test("BirthWindows names bad arguments", () => {
  assert.throws(() => new BirthWindows(days, 0), { message: "BirthWindows: windowDays must be an integer ≥ 1, got 0" });
  assert.throws(() => new BirthWindows(days.slice(0, 3), 3), { message: "BirthWindows: days must hold more than windowDays = 3 days, got 3" });
  const windows = new BirthWindows(days, 2);
  assert.throws(() => windows.window(1), { message: "BirthWindows.level: day index must be an integer in [2, 10) (a full window before it), got 1" });
  assert.throws(() => windows.naiveForecast([3], 7), { message: "BirthWindows.naiveForecast: day index 3 has no day 7 before it in the series" });
  assert.throws(() => windows.forecastInBirths([2, 3], [0]), { message: "BirthWindows.forecastInBirths: values must hold one prediction per day index (2), got 1" });
});
