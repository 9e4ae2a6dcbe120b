/**
 * The tables and chart points of the gradient-by-lag experiments (notebook 05, section 1; notebook
 * 06, section 4): one curve of norms against the lag per setting, and per setting the fitted
 * per-step factor and what is left far back.
 */
import type { RNNWeights } from "../models/rnnScratch";
import { gradientNormByLag, logSlope, runCell, type LagNorm } from "./gradientByLag";
import { scaleToSpectralRadius, spectralRadius } from "./spectral";

/** One point of a norm-against-lag chart, coloured by `series`. */
export type LagPoint = {
  lag: number;
  norm: number;
}

/** A row of the table of gradientByRadius: measured against predicted, per spectral radius. */
export type RadiusSlopeRow = {
  /** ρ of the rescaled W_hh, measured again by power iteration. */
  "ρ(W_hh)": number;
  /** What the eigenvalues alone would give per step, in decades. */
  "log10 ρ": number;
  /** Mean log10 of tanh'(z) = 1 − h² over every unit, step and sequence: what saturation costs per step. */
  "mean log10 tanh'": number;
  /** logSlope of the norms over [fitFrom, fitTo]. */
  "measured slope (decades/step)": number;
  /** 10^slope. */
  "factor per step": number;
  /** The norm at `farLag` (the column is named after it, e.g. "norm at lag 50"). */
  [normAtLag: `norm at lag ${number}`]: number;
}

export interface LagFit {
  /** The lags the slope is fitted on, inclusive. */
  fitFrom: number;
  fitTo: number;
}

/**
 * ‖∂h_T/∂h_t‖ against the lag for the plain cell with W_hh rescaled to each spectral radius in
 * `radii` (notebook 05, section 1), from the same W_xh, bias 0 and inputs.
 * @param baseW_hh [H][H], rescaled to each radius by scaleToSpectralRadius.
 * @param W_xh [D][H].
 * @param inputs S sequences [T][D] (gradientNormByLag takes the geometric mean over them).
 * @param options.farLag the lag whose norm the last column reports (1 ≤ farLag ≤ T).
 * @returns points: one per radius and lag 1..T, labelled "ρ = <radius>"; rows: one per radius.
 */
export function gradientByRadius(
  baseW_hh: readonly (readonly number[])[],
  W_xh: readonly (readonly number[])[],
  inputs: readonly (readonly (readonly number[])[])[],
  radii: readonly number[],
  options: LagFit & { farLag: number },
): { points: (LagPoint & { radius: string })[]; rows: RadiusSlopeRow[] } {
  const where = "gradientByRadius";
  if (radii.length === 0) throw new Error(`${where}: radii is empty`);
  const T = inputs[0]?.length ?? 0;
  if (!(Number.isInteger(options.farLag) && options.farLag >= 1 && options.farLag <= T)) throw new Error(`${where}: farLag must be an integer in [1, ${T}] (the sequence length), got ${options.farLag}`);
  const H = baseW_hh.length;
  const points: (LagPoint & { radius: string })[] = [];
  const rows = radii.map((rho) => {
    const weights: RNNWeights = { W_xh: W_xh.map((row) => [...row]), W_hh: scaleToSpectralRadius(baseW_hh, rho), b_h: new Array<number>(H).fill(0) };
    const norms = gradientNormByLag(weights, inputs);
    norms.forEach((p) => points.push({ lag: p.lag, norm: p.norm, radius: `ρ = ${rho}` }));
    const derivatives = inputs.flatMap((xs) => runCell(weights, xs).flat().map((h) => Math.log10(1 - h * h)));
    const slope = logSlope(norms, options.fitFrom, options.fitTo);
    const row: RadiusSlopeRow = {
      "ρ(W_hh)": spectralRadius(weights.W_hh),
      "log10 ρ": Math.log10(rho),
      "mean log10 tanh'": derivatives.reduce((a, b) => a + b, 0) / derivatives.length,
      "measured slope (decades/step)": slope,
      "factor per step": 10 ** slope,
    };
    row[`norm at lag ${options.farLag}`] = norms[options.farLag - 1].norm;
    return row;
  });
  return { points, rows };
}

/** A row of lagFactorTable: one cell's fitted factor per step and what is left far back. */
export type LagFactorRow = {
  cell: string;
  /** 10^logSlope over [fitFrom, fitTo]. */
  "factor per step": number;
  /** norm at lag k / norm at lag 0, one column per far lag (e.g. "left at lag 30 (× lag 0)"). */
  [leftAtLag: `left at lag ${number} (× lag 0)`]: number;
}

/**
 * Chart points and table for notebook 06, section 4: per named cell, its input-gradient norms by
 * lag (inputJacobianNormsByLag: lag 0 = the last input) as points, and a row with the fitted
 * per-step factor and, for each of `farLags`, the norm there relative to lag 0.
 * @param normsByCell [name, norms] per cell, norms[k].lag = k from 0.
 */
export function lagFactorTable(
  normsByCell: readonly (readonly [string, readonly LagNorm[]])[],
  options: LagFit & { farLags: readonly number[] },
): { points: (LagPoint & { cell: string })[]; rows: LagFactorRow[] } {
  const points: (LagPoint & { cell: string })[] = [];
  const rows = normsByCell.map(([cell, norms]) => {
    const normAt = (lag: number) => {
      const point = norms.find((p) => p.lag === lag);
      if (!point) throw new Error(`lagFactorTable: ${cell} has no norm at lag ${lag} (lags ${norms[0]?.lag}..${norms.at(-1)?.lag})`);
      return point.norm;
    };
    norms.forEach((p) => points.push({ lag: p.lag, norm: p.norm, cell }));
    const row: LagFactorRow = { cell, "factor per step": 10 ** logSlope(norms, options.fitFrom, options.fitTo) };
    for (const lag of options.farLags) row[`left at lag ${lag} (× lag 0)`] = normAt(lag) / normAt(0);
    return row;
  });
  return { points, rows };
}
