/**
 * Tables and sentences about memory-horizon runs (horizon.ts), for notebooks 05 and 06: what the
 * notebooks print is computed here from the runs, so that it follows the numbers when they change.
 */
import { accuracyByLag, summarizeHorizon, type HorizonRun } from "./horizon";

/** A table row keyed by column name (what display's showTable takes; limits/ draws nothing itself). */
export type ReportRow = Record<string, string | number>;

/** A row of recallRunRows: one run. */
export type RecallRunRow = {
  k: number;
  epochs: number;
  "how it ended": HorizonRun["ended"];
  "training accuracy": number;
  "test accuracy": number;
  "at chance": boolean;
  seconds: number;
}

/** One row per run, in the order given (notebook 05's table of the plain RNN's runs). */
export function recallRunRows(runs: readonly HorizonRun[]): RecallRunRow[] {
  return runs.map((r) => ({
    k: r.lag,
    epochs: r.epochs,
    "how it ended": r.ended,
    "training accuracy": r.trainAccuracy,
    "test accuracy": r.testAccuracy,
    "at chance": r.atChance,
    seconds: r.seconds,
  }));
}

/**
 * The first of `runs` at chance (in the order given, so one model and seed by increasing lag):
 * `horizon` says where ("k = 30", or "none up to k = <longestLag>"), `line` says it as a sentence
 * and, where it is at chance, compares the accuracy on the training sequences with the test one.
 */
export function firstAtChance(runs: readonly HorizonRun[], longestLag: number): { horizon: string; line: string } {
  const first = runs.find((r) => r.atChance);
  if (!first) {
    const horizon = `none up to k = ${longestLag}`;
    return { horizon, line: `first k at chance: ${horizon}` };
  }
  const horizon = `k = ${first.lag}`;
  return { horizon, line: `first k at chance: ${horizon}; there the training accuracy is ${first.trainAccuracy.toFixed(2)} against ${first.testAccuracy.toFixed(2)} on fresh sequences` };
}

/** A horizon of summarizeHorizon as a table shows it: the lag, or "> <longestLag>" for none (null). */
export function formatHorizon(horizon: number | null, longestLag: number): string {
  return horizon === null ? `> ${longestLag}` : String(horizon);
}

/**
 * The mean horizon over seeds with its range: "30.0 (10–60)" when every seed fell to chance;
 * "> 60 (every seed)" when none did; otherwise a lower bound, counting a seed that never fell as
 * falling at `longestLag`: "≥ 43.3 (10 to > 60)".
 */
export function meanHorizonText(horizons: readonly (number | null)[], longestLag: number): string {
  const known = horizons.filter((h): h is number => h !== null);
  if (known.length === 0) return `> ${longestLag} (every seed)`;
  const mean = horizons.reduce((sum: number, h) => sum + (h ?? longestLag), 0) / horizons.length;
  if (known.length === horizons.length) return `${mean.toFixed(1)} (${Math.min(...known)}–${Math.max(...known)})`;
  return `≥ ${mean.toFixed(1)} (${Math.min(...known)} to > ${longestLag})`;
}

/**
 * Notebook 06's memory-horizon table, one row per model (in the order of the runs): parameters,
 * the horizon per seed, their mean and range, how the runs ended, the training time (whole
 * seconds, summed over runs), and per lag the test accuracy over seeds, "mean (lowest–highest)",
 * or "not run" where every seed had fallen to chance earlier.
 * @param lags the lags of the experiment, increasing (the last is the longest).
 */
export function horizonSummaryRows(runs: readonly HorizonRun[], lags: readonly number[]): ReportRow[] {
  if (lags.length === 0) throw new Error("horizonSummaryRows: lags is empty");
  const longest = Math.max(...lags);
  const byLag = accuracyByLag(runs);
  return summarizeHorizon(runs).map((s) => {
    const mine = runs.filter((r) => r.model === s.model);
    const row: ReportRow = {
      model: s.model,
      parameters: mine[0].parameters,
      "first k at chance, per seed": s.horizons.map((h) => formatHorizon(h, longest)).join(", "),
      "mean (lowest–highest)": meanHorizonText(s.horizons, longest),
      "runs: solved / plateau / cap": `${s.solved} / ${s.plateau} / ${s.cap}`,
      "training seconds (all runs)": Math.round(mine.reduce((sum, r) => sum + r.seconds, 0)),
    };
    for (const k of lags) {
      const at = byLag.find((r) => r.model === s.model && r.k === k);
      row[`k=${k}: accuracy`] = at ? `${at.mean.toFixed(2)} (${at.min.toFixed(2)}–${at.max.toFixed(2)})` : "not run";
    }
    return row;
  });
}

/**
 * Which lags each model learned for every seed: "above chance for every seed at k = 10, 30 (RNN);
 * none (LSTM)". A lag counts when `seedCount` runs of the model there are above chance.
 */
export function everySeedAboveChanceLine(runs: readonly HorizonRun[], models: readonly string[], lags: readonly number[], seedCount: number): string {
  const solved = (model: string) => lags.filter((k) => runs.filter((r) => r.model === model && r.lag === k && !r.atChance).length === seedCount);
  return `above chance for every seed at k = ${models.map((m) => `${solved(m).join(", ") || "none"} (${m})`).join("; ")}`;
}

/**
 * Per lag k: each cell's starting per-step factor compounded over k ("<name> factor^k"), next to
 * `model`'s runs there ("<model> runs") and their mean train and test accuracy (NaN when none).
 * @param factors [name, per-step factor] per cell, in column order.
 */
export function compoundedFactorRows(runs: readonly HorizonRun[], model: string, lags: readonly number[], factors: readonly (readonly [string, number])[]): ReportRow[] {
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
  return lags.map((k) => {
    const mine = runs.filter((r) => r.model === model && r.lag === k);
    const row: ReportRow = { k };
    for (const [name, factor] of factors) row[`${name} factor^k`] = factor ** k;
    row[`${model} runs`] = mine.length;
    row[`${model} train accuracy`] = mean(mine.map((r) => r.trainAccuracy));
    row[`${model} test accuracy`] = mean(mine.map((r) => r.testAccuracy));
    return row;
  });
}
