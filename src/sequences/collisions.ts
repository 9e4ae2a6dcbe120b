/**
 * Order lost, counted: two different sequences collide when their bags are equal. With a bag
 * of counts, "the dog bit the man" and "the man bit the dog" collide; a multi-hot bag (a set)
 * collides more ("a a b" and "a b b" too); a bag that adds bigrams separates many of them.
 */
import { checkInteger, checkNonEmptyArray, describeValue } from "../checks";
import { ngramRange, slidingWindows } from "./ngrams";

export type BagKind = "set" | "counts";

export interface BagCollisions {
  /** Distinct sequences examined (exact duplicates count once). */
  distinctSequences: number;
  /** Groups of two or more distinct sequences with the same bag, each group's first-seen sequence first. */
  groups: string[][][];
  /** Distinct sequences that share their bag with another distinct sequence. */
  collidingSequences: number;
}

/** The bag key of a token list: sorted n-grams for n = 1 … maxN (a set when kind is "set"). */
function bagKey(tokens: readonly string[], kind: BagKind, maxN: number): string {
  const grams = ngramRange(tokens, 1, maxN);
  const items = kind === "set" ? [...new Set(grams)] : grams;
  return items.sort().join("\u0000");
}

/**
 * Finds distinct token sequences whose bags are equal. `kind` "counts" compares multisets of
 * n-grams, "set" compares sets; `maxN` (default 1) puts n-grams up to that length in the bag.
 */
export function findBagCollisions(
  documents: readonly (readonly string[])[],
  options: { kind?: BagKind; maxN?: number } = {},
): BagCollisions {
  checkNonEmptyArray(documents, "documents");
  const kind = options.kind ?? "counts";
  if (kind !== "set" && kind !== "counts") throw new Error(`kind must be "set" or "counts", got ${describeValue(kind)}`);
  const maxN = checkInteger(options.maxN ?? 1, "maxN", 1);
  const distinct = new Map<string, readonly string[]>();
  documents.forEach((document, index) => {
    if (!Array.isArray(document)) throw new Error(`documents[${index}] must be an array of tokens, got ${describeValue(document)}`);
    if (document.length === 0) return;
    const key = document.join(" ");
    if (!distinct.has(key)) distinct.set(key, document);
  });
  if (distinct.size === 0) throw new Error("documents holds no tokens: the corpus is empty");
  const byBag = new Map<string, (readonly string[])[]>();
  for (const document of distinct.values()) {
    const key = bagKey(document, kind, maxN);
    const group = byBag.get(key);
    if (group) group.push(document);
    else byBag.set(key, [document]);
  }
  const groups = [...byBag.values()].filter((group) => group.length > 1).map((group) => group.map((tokens) => [...tokens]));
  return {
    distinctSequences: distinct.size,
    groups,
    collidingSequences: groups.reduce((sum, group) => sum + group.length, 0),
  };
}

/** Collisions among the runs of `size` consecutive tokens of a text. */
export interface WindowCollisions {
  /** Tokens per run. */
  size: number;
  /** Distinct runs. */
  distinctWindows: number;
  /** Distinct runs whose bag of words equals another run's. */
  collidingWords: number;
  /** collidingWords / distinctWindows. */
  share: number;
  /** Distinct runs whose bag of words and bigrams equals another run's. */
  collidingWithBigrams: number;
  /** The groups that collide under the bag of words (see BagCollisions.groups). */
  groups: string[][][];
}

/**
 * Which runs of `size` consecutive tokens a bag cannot tell apart ("he was" / "was he"), with a
 * bag of words and with a bag of words and bigrams. tokens: the text as one token list.
 */
export function windowBagCollisions(tokens: readonly string[], size: number): WindowCollisions {
  const windows = slidingWindows(tokens, size);
  const words = findBagCollisions(windows);
  const withBigrams = findBagCollisions(windows, { maxN: 2 });
  return {
    size,
    distinctWindows: words.distinctSequences,
    collidingWords: words.collidingSequences,
    share: words.collidingSequences / words.distinctSequences,
    collidingWithBigrams: withBigrams.collidingSequences,
    groups: words.groups,
  };
}

/** `"he was" = "was he"; "i see" = "see i"`: the first `limit` groups (all by default) as text. */
export function describeCollisionGroups(groups: readonly (readonly (readonly string[])[])[], limit = groups.length): string {
  return groups
    .slice(0, limit)
    .map((group) => group.map((tokens) => `"${tokens.join(" ")}"`).join(" = "))
    .join("; ");
}
