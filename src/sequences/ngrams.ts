/**
 * n-grams put a little order back into a bag: "dog bites man" and "man bites dog" share every
 * word but no bigram. The price is vocabulary: distinct bigrams far outnumber distinct words.
 * An n-gram is written as its tokens joined by single spaces (tokens never contain spaces).
 */
import { checkInteger, checkNonEmptyArray, describeValue } from "../checks";
import { Vocabulary, type VocabularyOptions } from "./vocabulary";

/** The n-grams of a token list, in order: ngrams(["a", "b", "c"], 2) → ["a b", "b c"]. */
export function ngrams(tokens: readonly string[], n: number): string[] {
  if (!Array.isArray(tokens)) throw new Error(`tokens must be an array of strings, got ${describeValue(tokens)}`);
  checkInteger(n, "n", 1);
  const grams: string[] = [];
  for (let start = 0; start + n <= tokens.length; start++) grams.push(tokens.slice(start, start + n).join(" "));
  return grams;
}

/** Every run of `size` consecutive tokens, in order: windows(["a", "b", "c"], 2) → [["a", "b"], ["b", "c"]]. */
export function slidingWindows(tokens: readonly string[], size: number): string[][] {
  if (!Array.isArray(tokens)) throw new Error(`tokens must be an array of strings, got ${describeValue(tokens)}`);
  checkInteger(size, "size", 1);
  const windows: string[][] = [];
  for (let start = 0; start + size <= tokens.length; start++) windows.push(tokens.slice(start, start + size));
  return windows;
}

/** All n-grams for n = minN … maxN, shorter first: the "tokens" of a bag-of-n-grams vocabulary. */
export function ngramRange(tokens: readonly string[], minN: number, maxN: number): string[] {
  checkInteger(minN, "minN", 1);
  checkInteger(maxN, "maxN", minN);
  const grams: string[] = [];
  for (let n = minN; n <= maxN; n++) grams.push(...ngrams(tokens, n));
  return grams;
}

/** Distinct n-grams, and how many occur only once, over tokenized documents. */
export type NgramVocabularySize = {
  n: number;
  /** Distinct n-grams: the size of a vocabulary that keeps them all. */
  distinct: number;
  /** Distinct n-grams seen exactly once (a vocabulary with minCount 2 drops these). */
  singletons: number;
  /** n-gram occurrences in all documents. */
  occurrences: number;
};

/**
 * For each n in `ns`, how many distinct n-grams the documents hold. Tokens are numbered first and
 * an n-gram is counted under the number id₁·V^(n−1) + … + idₙ (V = distinct tokens) while that
 * stays exact in a double (V^n ≤ 2^53), which is several times faster than joining strings;
 * beyond that it falls back to joined strings. Both count exactly the same n-grams.
 */
export function ngramVocabularySizes(documents: readonly (readonly string[])[], ns: readonly number[] = [1, 2, 3]): NgramVocabularySize[] {
  checkNonEmptyArray(documents, "documents");
  checkNonEmptyArray(ns, "ns");
  const tokenIds = new Map<string, number>();
  const numbered = documents.map((document, row) => {
    if (!Array.isArray(document)) throw new Error(`documents[${row}] must be an array of tokens, got ${describeValue(document)}`);
    return document.map((token) => {
      let id = tokenIds.get(token);
      if (id === undefined) tokenIds.set(token, (id = tokenIds.size));
      return id;
    });
  });
  if (tokenIds.size === 0) throw new Error("documents holds no tokens: the corpus is empty");
  const base = tokenIds.size;
  return ns.map((n, index) => {
    checkInteger(n, `ns[${index}]`, 1);
    const counts = new Map<number | string, number>();
    const exact = Math.pow(base, n) <= Number.MAX_SAFE_INTEGER;
    let occurrences = 0;
    numbered.forEach((ids, row) => {
      for (let start = 0; start + n <= ids.length; start++) {
        let key: number | string;
        if (exact) {
          key = 0;
          for (let k = 0; k < n; k++) key = key * base + ids[start + k];
        } else key = documents[row].slice(start, start + n).join(" ");
        counts.set(key, (counts.get(key) ?? 0) + 1);
        occurrences++;
      }
    });
    let singletons = 0;
    for (const count of counts.values()) if (count === 1) singletons++;
    return { n, distinct: counts.size, singletons, occurrences };
  });
}

/**
 * A bag-of-n-grams vocabulary: `Vocabulary.build` over the n-grams (n = minN … maxN, default
 * 1 … 2) of tokenized documents, so "the dog" gets an id like any word. minCount and maxSize as
 * in `Vocabulary.build`.
 */
export function buildNgramVocabulary(
  documents: readonly (readonly string[])[],
  options: { minN?: number; maxN?: number } & VocabularyOptions = {},
): Vocabulary {
  checkNonEmptyArray(documents, "documents");
  const { minN = 1, maxN = 2, ...vocabularyOptions } = options;
  return Vocabulary.build(documents.map((tokens) => ngramRange(tokens, minN, maxN)), vocabularyOptions);
}

/** Each document as the ids of its n-grams (n = minN … maxN), ready for countBag, tfidfBag, …. */
export function encodeNgrams(
  documents: readonly (readonly string[])[],
  vocabulary: Vocabulary,
  options: { minN?: number; maxN?: number } = {},
): number[][] {
  checkNonEmptyArray(documents, "documents");
  return documents.map((tokens) => vocabulary.encode(ngramRange(tokens, options.minN ?? 1, options.maxN ?? 2)));
}
