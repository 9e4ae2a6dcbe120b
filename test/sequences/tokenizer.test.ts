import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/random";
import { splitSentences, tokenize } from "../../src/sequences/tokenizer";
import { PAD_ID, UNKNOWN_ID, Vocabulary } from "../../src/sequences/vocabulary";

test("tokenize lower-cases, keeps inner apostrophes and digits, drops punctuation", () => {
  assert.deepEqual(tokenize("Call me Ishmael. Don't stop—now!"), ["call", "me", "ishmael", "don't", "stop", "now"]);
  assert.deepEqual(tokenize("WIN $1,000 at http://x.com ’tis"), ["win", "1", "000", "at", "http", "x", "com", "tis"]);
  assert.deepEqual(tokenize("Ahab’s café"), ["ahab’s", "café"]);
  assert.deepEqual(tokenize("Keep Case", { lowercase: false }), ["Keep", "Case"]);
  assert.deepEqual(tokenize(" ... "), []);
  assert.throws(() => tokenize(42 as unknown as string), { message: "text must be a string, got 42" });
});

test("splitSentences cuts after . ! ? before a capital, keeping closing quotes", () => {
  assert.deepEqual(splitSentences('He said "Aye!" Then he left. "Who?" asked Ahab. and so on'), [
    'He said "Aye!"',
    "Then he left.",
    '"Who?" asked Ahab. and so on',
  ]);
});

test("Vocabulary.build: reserved ids, then by count, ties in code-point order", () => {
  const vocabulary = Vocabulary.build([["b", "a", "c", "a"], ["c", "d", "a"]]);
  // counts: a 3, c 2, b 1, d 1 → ids 2 a, 3 c, 4 b, 5 d
  assert.deepEqual(vocabulary.tokens, ["<pad>", "<unk>", "a", "c", "b", "d"]);
  assert.deepEqual(vocabulary.counts, [0, 0, 3, 2, 1, 1]);
  assert.equal(vocabulary.size, 6);
  assert.deepEqual(vocabulary.encode(["a", "zebra", "d"]), [2, UNKNOWN_ID, 5]);
  assert.deepEqual(vocabulary.decode([PAD_ID, 2, 1, 5]), ["<pad>", "a", "<unk>", "d"]);
  assert.deepEqual(vocabulary.decode([0, 0, 3], { skipPadding: true }), ["c"]);
  assert.deepEqual(vocabulary.encodeText("A c, Z!"), [2, 3, UNKNOWN_ID]);
});

test("Vocabulary.build honours minCount and maxSize (reserved ids included)", () => {
  const documents = [["x", "x", "x", "y", "y", "z", "w"]];
  assert.deepEqual(Vocabulary.build(documents, { minCount: 2 }).tokens, ["<pad>", "<unk>", "x", "y"]);
  assert.deepEqual(Vocabulary.build(documents, { maxSize: 3 }).tokens, ["<pad>", "<unk>", "x"]);
  // ties at the cut (w, z both 1) are broken in code-point order: w before z
  assert.deepEqual(Vocabulary.build(documents, { maxSize: 5 }).tokens, ["<pad>", "<unk>", "x", "y", "w"]);
  const unlimited = Vocabulary.build(documents);
  assert.equal(unlimited.unknownRate([["x", "q", "q", "y"]]), 0.5);
});

test("a maxSize vocabulary is exactly the prefix of the unlimited one (the fast selection agrees with a full sort)", () => {
  const rng = createRng(11);
  const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
  // skewed counts with many ties (low-numbered words drawn far more often)
  const documents = Array.from({ length: 50 }, () =>
    Array.from({ length: 40 }, () => words[Math.floor(words.length * rng() ** 3)]),
  );
  const unlimited = Vocabulary.build(documents);
  for (const maxSize of [2, 3, 10, 57, 200, 10_000]) {
    assert.deepEqual(Vocabulary.build(documents, { maxSize }).tokens, unlimited.tokens.slice(0, maxSize), `maxSize ${maxSize}`);
  }
  assert.deepEqual(Vocabulary.build(documents, { maxSize: 20, minCount: 30 }).tokens, unlimited.tokens.filter((_, id) => id < 2 || unlimited.counts[id] >= 30).slice(0, 20));
});

test("Vocabulary round-trips through JSON", () => {
  const vocabulary = Vocabulary.build([["sea", "whale", "sea"]]);
  const json = JSON.stringify(vocabulary);
  const restored = Vocabulary.fromJSON(json);
  assert.deepEqual(restored.tokens, vocabulary.tokens);
  assert.deepEqual(restored.counts, vocabulary.counts);
  assert.deepEqual(restored.encode(["whale", "sea"]), vocabulary.encode(["whale", "sea"]));
});

test("Vocabulary rejects an empty corpus, bad options, bad JSON and ids outside it", () => {
  assert.throws(() => Vocabulary.build([]), { message: "documents is empty: it needs at least one element" });
  assert.throws(() => Vocabulary.build([[], []]), { message: "documents holds no tokens: the corpus is empty" });
  assert.throws(() => Vocabulary.fromTexts(["...", "!"]), { message: "documents holds no tokens: the corpus is empty" });
  assert.throws(() => Vocabulary.build([["a"]], { minCount: 0 }), { message: "minCount must be an integer ≥ 1, got 0" });
  assert.throws(() => Vocabulary.build([["a"]], { maxSize: 2.5 }), { message: "maxSize must be an integer ≥ 2, got 2.5" });
  assert.throws(() => Vocabulary.build([["a", 7 as unknown as string]]), { message: "documents[0] holds 7; tokens must be non-empty strings" });
  const vocabulary = Vocabulary.build([["a", "b"]]);
  assert.throws(() => vocabulary.decode([2, 9]), { message: "ids[0][1] is 9, outside the vocabulary [0, 4)" });
  assert.throws(() => vocabulary.decode([2, 1.5]), { message: "ids[0][1] must be an integer id, got 1.5" });
  assert.throws(() => vocabulary.decode([2, "3" as unknown as number]), { message: 'ids[0][1] must be an integer id, got "3"' });
  assert.throws(() => Vocabulary.fromJSON({ format: "other" } as never), {
    message: 'json must be a seqlab-vocabulary version 1 object, got format "other" version undefined',
  });
  assert.throws(
    () => Vocabulary.fromJSON({ format: "seqlab-vocabulary", version: 1, tokens: ["<pad>", "<unk>", "a", "a"], counts: [0, 0, 1, 1] }),
    { message: 'json.tokens[3] must be a new non-empty string, got "a"' },
  );
});
