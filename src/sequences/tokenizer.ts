/**
 * Text to tokens. A token is a run of letters or digits (any script), optionally joined by
 * apostrophes to more letters/digits: "Ishmael's" and "don't" are one token each, while
 * punctuation, dashes and symbols separate tokens and are dropped. Text is lower-cased first.
 */
import { describeValue } from "../checks";

/** The token pattern: letters/digits, with internal apostrophes (' or ’). */
export const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Splits text into tokens (lower-cased unless `lowercase: false`). "Don't stop—now!" → ["don't", "stop", "now"]. */
export function tokenize(text: string, options: { lowercase?: boolean } = {}): string[] {
  if (typeof text !== "string") throw new Error(`text must be a string, got ${describeValue(text)}`);
  const source = options.lowercase === false ? text : text.toLowerCase();
  return source.match(TOKEN_PATTERN) ?? [];
}

/**
 * Splits prose into sentences: after ., ! or ? (and any closing quotes or brackets), when
 * whitespace follows and the next sentence starts with an optional quote then a capital letter
 * or digit. A heuristic ("Mr. Starbuck" is split), good enough to count sentences.
 */
export function splitSentences(text: string): string[] {
  if (typeof text !== "string") throw new Error(`text must be a string, got ${describeValue(text)}`);
  return text
    .split(/(?<=[.!?]["'”’)\]]*)\s+(?=["'“‘(]?[\p{Lu}\p{N}])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}
