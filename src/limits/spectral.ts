/**
 * The spectral radius ρ(W) = max |eigenvalue of W|, and rescaling a recurrent matrix to a chosen ρ.
 *
 * Why it matters: backpropagating through k steps multiplies by W_hh (transposed) k times, so,
 * tanh aside, gradients shrink or grow roughly like ρ(W_hh)^k.
 *
 * Plain float64 arrays: W is [n][n] (row-major), small enough for the course (n ≤ a few hundred).
 */
import { createRng } from "../random";

function checkSquare(W: readonly (readonly number[])[], where: string): number {
  const n = W.length;
  if (n === 0 || !W.every((row) => Array.isArray(row) && row.length === n)) {
    throw new Error(`${where}: W must be a non-empty square matrix [n][n], got ${n} rows of lengths ${W.map((r) => r.length).join(",")}`);
  }
  return n;
}

/** y = W · v for W [n][n], v [n]. */
export function matVec(W: readonly (readonly number[])[], v: readonly number[]): number[] {
  return W.map((row) => row.reduce((sum, w, j) => sum + w * v[j], 0));
}

export interface SpectralRadiusOptions {
  /** Power-iteration steps (default 500). */
  iterations?: number;
  /** Steps discarded before averaging the growth rate (default half of them). */
  burnIn?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
}

/**
 * ρ(W) by power iteration: ‖W^k v‖ grows like ρ^k for almost every start v, so the mean of
 * log ‖W v_i‖ over the steps after burn-in (v_i renormalised each step) estimates log ρ. This also
 * works when the largest eigenvalues are a complex pair (the direction rotates, the growth rate
 * does not), where the plain Rayleigh quotient would oscillate.
 */
export function spectralRadius(W: readonly (readonly number[])[], options: SpectralRadiusOptions = {}): number {
  const n = checkSquare(W, "spectralRadius");
  const iterations = options.iterations ?? 500;
  const burnIn = options.burnIn ?? Math.floor(iterations / 2);
  if (!(iterations > burnIn && burnIn >= 0)) throw new Error(`spectralRadius: need iterations > burnIn ≥ 0, got ${iterations} and ${burnIn}`);
  const rng = createRng(options.seed ?? 0);
  let v = Array.from({ length: n }, () => rng() * 2 - 1);
  let logSum = 0;
  for (let i = 0; i < iterations; i++) {
    const norm = Math.hypot(...v);
    if (norm === 0) return 0; // W^i v = 0: W is nilpotent on this start (ρ = 0 for a nilpotent W)
    v = v.map((x) => x / norm);
    const next = matVec(W, v);
    if (i >= burnIn) logSum += Math.log(Math.max(Math.hypot(...next), Number.MIN_VALUE));
    v = next;
  }
  return Math.exp(logSum / (iterations - burnIn));
}

/** A copy of W scaled so that its spectral radius is `target`: W · target / ρ(W). */
export function scaleToSpectralRadius(W: readonly (readonly number[])[], target: number, options: SpectralRadiusOptions = {}): number[][] {
  if (!(target >= 0) || !Number.isFinite(target)) throw new Error(`scaleToSpectralRadius: target must be a finite number ≥ 0, got ${target}`);
  const rho = spectralRadius(W, options);
  if (rho === 0) throw new Error("scaleToSpectralRadius: W has spectral radius 0; it cannot be rescaled to another radius");
  return W.map((row) => row.map((w) => (w * target) / rho));
}
