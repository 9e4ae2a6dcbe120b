/**
 * Daily US births as forecasting examples: predict day i from the `windowDays` days before it.
 *
 * Births trend upwards over the years, so raw counts in the test years are larger than any seen
 * in training. Each window is therefore described relative to its own level (the mean births of
 * its days): a day becomes the event [(births / level − 1) · 10, one-hot day of week (7)], 8
 * numbers; the target is day i in the same units, and `toBirths` maps a prediction back.
 */
import type { BirthDay, UsBirths } from "../data/usBirths";
import { checkInteger } from "../checks";

/** Numbers per day in a window: the scaled relative count and a one-hot of the day of week. */
export const BIRTH_EVENT_SIZE = 8;

/** Scale of the relative count: (births / level − 1) · RELATIVE_SCALE. */
const RELATIVE_SCALE = 10;

/** The integers from ≤ i < to, in order. */
export function dayRange(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export class BirthWindows {
  readonly windowDays: number;

  /** days: the whole series in date order (`loadUsBirths().days`). */
  constructor(readonly days: readonly BirthDay[], windowDays: number) {
    this.windowDays = checkInteger(windowDays, "BirthWindows: windowDays", 1);
    if (!Array.isArray(days) || days.length <= this.windowDays) {
      throw new Error(`BirthWindows: days must hold more than windowDays = ${this.windowDays} days, got ${Array.isArray(days) ? days.length : typeof days}`);
    }
  }

  /**
   * Indices of the days each part can forecast: training days start once a full window lies
   * before them; validation and test days are those of `births.validation` and `births.test`.
   */
  splitDays(births: Pick<UsBirths, "train" | "validation">): { train: number[]; validation: number[]; test: number[] } {
    const trainEnd = births.train.length;
    const validationEnd = trainEnd + births.validation.length;
    return { train: dayRange(this.windowDays, trainEnd), validation: dayRange(trainEnd, validationEnd), test: dayRange(validationEnd, this.days.length) };
  }

  private checkDay(i: number, where: string): void {
    if (!Number.isInteger(i) || i < this.windowDays || i >= this.days.length) {
      throw new Error(`BirthWindows.${where}: day index must be an integer in [${this.windowDays}, ${this.days.length}) (a full window before it), got ${i}`);
    }
  }

  /** The level of day i's window: mean births over days i − windowDays … i − 1. */
  level(i: number): number {
    this.checkDay(i, "level");
    return dayRange(i - this.windowDays, i).reduce((sum, k) => sum + this.days[k].births, 0) / this.windowDays;
  }

  /** The window before day i: [windowDays][8] events, oldest first. */
  window(i: number): number[][] {
    const level = this.level(i);
    return dayRange(i - this.windowDays, i).map((k) => [
      (this.days[k].births / level - 1) * RELATIVE_SCALE,
      ...dayRange(1, 8).map((weekday) => (this.days[k].dayOfWeek === weekday ? 1 : 0)),
    ]);
  }

  /** Day i's window flattened for a fixed-input model: [windowDays · 8] numbers. */
  flatWindow(i: number): number[] {
    return this.window(i).flat();
  }

  /** The target for day i: (births_i / level − 1) · 10. */
  target(i: number): number {
    return (this.days[i].births / this.level(i) - 1) * RELATIVE_SCALE;
  }

  /** A prediction in target units for day i, back in births. */
  toBirths(i: number, value: number): number {
    return (value / RELATIVE_SCALE + 1) * this.level(i);
  }

  /** Predictions in target units for these days ([N] values, aligned), back in births: [N]. */
  forecastInBirths(indices: readonly number[], values: ArrayLike<number>): number[] {
    if (values.length !== indices.length) throw new Error(`BirthWindows.forecastInBirths: values must hold one prediction per day index (${indices.length}), got ${values.length}`);
    return indices.map((i, k) => this.toBirths(i, values[k]));
  }

  /** The births actually recorded on these days: [N]. */
  births(indices: readonly number[]): number[] {
    return indices.map((i) => this.days[i].births);
  }

  /** The naive forecast "same as `lag` days before" for these days: [N] births. */
  naiveForecast(indices: readonly number[], lag: number): number[] {
    checkInteger(lag, "BirthWindows.naiveForecast: lag", 1);
    return indices.map((i) => {
      if (!Number.isInteger(i) || i - lag < 0 || i >= this.days.length) throw new Error(`BirthWindows.naiveForecast: day index ${i} has no day ${lag} before it in the series`);
      return this.days[i - lag].births;
    });
  }
}
