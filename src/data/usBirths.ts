/**
 * Daily US births, 1969-01-01 to 1988-12-31: all 7,305 days, with a weekly rhythm (fewer births
 * at weekends) and a yearly one. See datasets/us-births/README.md for how it was derived.
 */
import * as path from "node:path";
import { DATASETS_DIR, DatasetFileError, integerField, readRecordFile } from "./records";
import type { Split } from "./split";

export const US_BIRTHS_FILE = path.join(DATASETS_DIR, "us-births", "us-births.tsv.br");

export interface BirthDay {
  /** ISO date, "1969-01-01". */
  date: string;
  year: number;
  /** 1 = January. */
  month: number;
  /** Day of the month, 1-31. */
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  dayOfWeek: number;
  births: number;
}

export interface UsBirths extends Split<BirthDay> {
  file: string;
  /** Every day in date order, consecutive. */
  days: BirthDay[];
}

/**
 * A time series is split by time, not at random: a random split would let a model peek at the
 * days on both sides of the one it predicts. Train 1969–1984, validation 1985–1986,
 * test 1987–1988 (the split needs no seed).
 */
export const US_BIRTHS_LAST_TRAIN_YEAR = 1984;
export const US_BIRTHS_LAST_VALIDATION_YEAR = 1986;

const DAY_MS = 86_400_000;

/** Loads and validates the series: every date valid, consecutive, and its day of week right. */
export function loadUsBirths(options: { file?: string } = {}): UsBirths {
  const file = options.file ?? US_BIRTHS_FILE;
  const records = readRecordFile(file, { name: "us-births", format: 1, columns: ["date", "day_of_week", "births"] });
  let previousTime: number | null = null;
  const days = records.map((record): BirthDay => {
    const date = record.fields[0];
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
    if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
      throw new DatasetFileError(file, record.line, `date must be a valid yyyy-mm-dd date, got ${JSON.stringify(date)}`);
    }
    if (previousTime !== null && time - previousTime !== DAY_MS) {
      throw new DatasetFileError(file, record.line, `${date} does not follow the previous line's date: days must be consecutive`);
    }
    previousTime = time;
    const dayOfWeek = integerField(file, record, 1, "day_of_week", 1, 7);
    const expectedDayOfWeek = ((new Date(time).getUTCDay() + 6) % 7) + 1;
    if (dayOfWeek !== expectedDayOfWeek) {
      throw new DatasetFileError(file, record.line, `day_of_week of ${date} must be ${expectedDayOfWeek}, got ${dayOfWeek}`);
    }
    const births = integerField(file, record, 2, "births", 1, 1_000_000);
    return { date, year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), dayOfWeek, births };
  });
  return {
    file,
    days,
    train: days.filter((d) => d.year <= US_BIRTHS_LAST_TRAIN_YEAR),
    validation: days.filter((d) => d.year > US_BIRTHS_LAST_TRAIN_YEAR && d.year <= US_BIRTHS_LAST_VALIDATION_YEAR),
    test: days.filter((d) => d.year > US_BIRTHS_LAST_VALIDATION_YEAR),
  };
}
