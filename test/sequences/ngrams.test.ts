import { test } from "node:test";
import assert from "node:assert/strict";
import { buildNgramVocabulary, encodeNgrams, ngramRange, ngrams, ngramVocabularySizes, slidingWindows } from "../../src/sequences/ngrams";
import { bagRow, countBag } from "../../src/sequences/bagging";
import { describeCollisionGroups, findBagCollisions, windowBagCollisions } from "../../src/sequences/collisions";

test("ngrams, ngramRange and slidingWindows", () => {
  assert.deepEqual(ngrams(["a", "b", "c"], 2), ["a b", "b c"]);
  assert.deepEqual(ngrams(["a", "b"], 3), []);
  assert.deepEqual(ngramRange(["a", "b", "c"], 1, 2), ["a", "b", "c", "a b", "b c"]);
  assert.deepEqual(slidingWindows(["a", "b", "c"], 2), [["a", "b"], ["b", "c"]]);
});

test("ngramVocabularySizes counts distinct n-grams, singletons and occurrences", () => {
  const documents = [["to", "be", "or", "not", "to", "be"], ["to", "be"]];
  // unigrams: to 3, be 3, or 1, not 1 → 4 distinct, 2 singletons, 8 occurrences
  // bigrams: "to be" 3, "be or" 1, "or not" 1, "not to" 1 → 4 distinct, 3 singletons, 6 occurrences
  // trigrams: "to be or", "be or not", "or not to", "not to be" → 4 distinct, all singletons, 4 occurrences
  assert.deepEqual(ngramVocabularySizes(documents), [
    { n: 1, distinct: 4, singletons: 2, occurrences: 8 },
    { n: 2, distinct: 4, singletons: 3, occurrences: 6 },
    { n: 3, distinct: 4, singletons: 4, occurrences: 4 },
  ]);
  // the string fallback (used when V^n would overflow) counts the same: n = 60 forces it
  assert.deepEqual(ngramVocabularySizes([Array.from({ length: 61 }, (_, i) => `w${i % 3}`)], [60]), [
    { n: 60, distinct: 2, singletons: 2, occurrences: 2 },
  ]);
});

test("findBagCollisions: count bags collide on reordering; bigrams separate them", () => {
  const documents = [
    ["the", "dog", "bit", "the", "man"],
    ["the", "man", "bit", "the", "dog"],
    ["the", "dog", "bit", "the", "man"], // exact duplicate: counted once
    ["a", "a", "b"],
    ["a", "b", "b"],
    ["he", "was"],
    ["was", "he"],
    [],
  ];
  const counts = findBagCollisions(documents);
  assert.equal(counts.distinctSequences, 6);
  assert.deepEqual(counts.groups, [
    [["the", "dog", "bit", "the", "man"], ["the", "man", "bit", "the", "dog"]],
    [["he", "was"], ["was", "he"]],
  ]);
  assert.equal(counts.collidingSequences, 4);
  // a set bag also confuses "a a b" with "a b b"
  const sets = findBagCollisions(documents, { kind: "set" });
  assert.equal(sets.groups.length, 3);
  assert.equal(sets.collidingSequences, 6);
  // with bigrams in the bag nothing collides any more
  assert.equal(findBagCollisions(documents, { maxN: 2 }).collidingSequences, 0);
});

test("a bag of words and bigrams tells 'the dog bit the man' from 'the man bit the dog'", () => {
  const documents = [["the", "dog", "bit", "the", "man"], ["the", "man", "bit", "the", "dog"]];
  const vocabulary = buildNgramVocabulary(documents);
  // count 4: the; count 2: bit, dog, man, "bit the", "the dog", "the man" (code-point order); count 1: "dog bit", "man bit"
  assert.deepEqual(vocabulary.tokens, ["<pad>", "<unk>", "the", "bit", "bit the", "dog", "man", "the dog", "the man", "dog bit", "man bit"]);
  const ids = encodeNgrams(documents, vocabulary);
  // the dog bit the man | the dog, dog bit, bit the, the man
  assert.deepEqual(ids[0], [2, 5, 3, 2, 6, 7, 9, 4, 8]);
  const bags = countBag(ids, vocabulary.size);
  assert.deepEqual(bagRow(bags, 0), [0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 0]); // has "dog bit", not "man bit"
  assert.deepEqual(bagRow(bags, 1), [0, 0, 2, 1, 1, 1, 1, 1, 1, 0, 1]); // has "man bit", not "dog bit"
  assert.deepEqual(buildNgramVocabulary(documents, { minN: 2, maxN: 2, minCount: 2 }).tokens, ["<pad>", "<unk>", "bit the", "the dog", "the man"]);
});

test("bad input: empty corpus, bad n, bad kind", () => {
  assert.throws(() => ngramVocabularySizes([[], []]), { message: "documents holds no tokens: the corpus is empty" });
  assert.throws(() => ngramVocabularySizes([]), { message: "documents is empty: it needs at least one element" });
  assert.throws(() => ngrams(["a"], 0), { message: "n must be an integer ≥ 1, got 0" });
  assert.throws(() => ngramRange(["a"], 2, 1), { message: "maxN must be an integer ≥ 2, got 1" });
  assert.throws(() => findBagCollisions([[]]), { message: "documents holds no tokens: the corpus is empty" });
  assert.throws(() => findBagCollisions([["a"]], { kind: "bag" as "set" }), { message: 'kind must be "set" or "counts", got "bag"' });
});

test("windowBagCollisions counts runs that share a bag, with and without bigrams", () => {
  // Runs of 2: "he was", "was here", "here was", "was he", "he was" (a duplicate, counted once).
  const tokens = ["he", "was", "here", "was", "he", "was"];
  const pairs = windowBagCollisions(tokens, 2);
  assert.equal(pairs.size, 2);
  assert.equal(pairs.distinctWindows, 4);
  assert.equal(pairs.collidingWords, 4); // {he, was} twice and {was, here} twice
  assert.equal(pairs.share, 1);
  assert.equal(pairs.collidingWithBigrams, 0); // each run is its own bigram
  assert.deepEqual(pairs.groups, [[["he", "was"], ["was", "he"]], [["was", "here"], ["here", "was"]]]);
  // Runs of 3: "he was here", "was here was", "here was he", "was he was": only the first and third share a bag.
  const triples = windowBagCollisions(tokens, 3);
  assert.deepEqual([triples.distinctWindows, triples.collidingWords, triples.share], [4, 2, 0.5]);
  assert.equal(describeCollisionGroups(pairs.groups), '"he was" = "was he"; "was here" = "here was"');
  assert.equal(describeCollisionGroups(pairs.groups, 1), '"he was" = "was he"');
});
