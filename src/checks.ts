/**
 * Argument checks shared across the library. Each throws an Error whose message names the
 * argument (callers prefix it with where it was passed, e.g. "Trainer: epochs") and the value.
 */

/** A short, readable rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a ${typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value}`;
}

/** Throws unless `value` is an integer ≥ `min` (default 1); returns it typed. */
export function checkInteger(value: unknown, name: string, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ 1 (sizes, counts, epochs); returns it typed. */
export function checkPositiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}
