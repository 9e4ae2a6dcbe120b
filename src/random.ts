/**
 * Repeatable randomness. `seed(n)` makes a notebook's results identical from run to run on the
 * same backend: tfjs weight initialisers, `model.fit` shuffling and dropout all draw from
 * `Math.random` when no per-op seed is given, so seeding it covers all of them; the course's own
 * data splits and batching take an explicit generator from `createRng`.
 */
import seedrandom from "seedrandom";

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

let currentSeed: number | null = null;

function checkSeed(value: number, argument: string): void {
  if (!Number.isFinite(value)) {
    throw new Error(`${argument} must be a finite number, got ${value}`);
  }
}

/**
 * Seeds the global `Math.random` (and with it tfjs' initialisers, shuffling and dropout).
 * Call once at the top of a notebook, before building models. Returns the seed.
 */
export function seed(value: number): number {
  checkSeed(value, "seed");
  seedrandom(String(value), { global: true });
  currentSeed = value;
  return value;
}

/** The last value passed to `seed`, or null if the global generator is unseeded. */
export function getSeed(): number | null {
  return currentSeed;
}

/** An independent, seeded generator (alea) that leaves `Math.random` alone. */
export function createRng(seedValue: number): Rng {
  checkSeed(seedValue, "createRng(seed)");
  return seedrandom.alea(String(seedValue));
}

/** Fisher–Yates shuffle of `items` in place, driven by `rng`; returns `items`. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * One draw from the standard normal distribution N(0, 1), from two uniform draws of `rng`
 * (Box–Muller): √(−2 ln(1 − u₁)) · cos(2π u₂). 1 − u₁ is in (0, 1], so the log is finite.
 */
export function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A rows × cols matrix of independent N(0, std²) numbers, drawn row by row from `rng`: [rows][cols]. */
export function gaussianMatrix(rows: number, cols: number, rng: Rng, std = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => std * standardNormal(rng)));
}
