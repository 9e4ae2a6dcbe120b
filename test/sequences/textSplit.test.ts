import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { encodeTextSplit } from "../../src/sequences/textSplit";
import { tokenize } from "../../src/sequences/tokenizer";
import { Vocabulary, UNKNOWN_ID } from "../../src/sequences/vocabulary";
import { loadSpamAssassin } from "../../src/data/spamAssassin";

test("encodeTextSplit: vocabulary from the training texts only, every part encoded with it", () => {
  const split = {
    train: [{ text: "Spam spam eggs", label: 1 }, { text: "eggs and ham", label: 0 }],
    validation: [{ text: "ham and toast", label: 0 }],
    test: [{ text: "SPAM", label: 1 }],
  };
  // Training counts: spam 2, eggs 2, and 1, ham 1. A size of 4 keeps the two reserved ids and the
  // two most frequent words (eggs → 2, spam → 3: a tie goes by code-point order).
  const encoded = encodeTextSplit(split, { vocabularySize: 4 });
  assert.deepEqual(encoded.vocabulary.tokens, ["<pad>", "<unk>", "eggs", "spam"]);
  assert.deepEqual(encoded.train.tokens, [["spam", "spam", "eggs"], ["eggs", "and", "ham"]]);
  assert.deepEqual(encoded.train.ids, [[3, 3, 2], [2, UNKNOWN_ID, UNKNOWN_ID]]);
  assert.deepEqual(encoded.validation.ids, [[UNKNOWN_ID, UNKNOWN_ID, UNKNOWN_ID]]); // "toast" was never seen; "ham" did not make the cut
  assert.deepEqual(encoded.test.ids, [[3]]);
  assert.deepEqual([encoded.train.labels, encoded.validation.labels, encoded.test.labels], [[1, 0], [0], [1]]);
});

test("encodeTextSplit on the SpamAssassin fixture equals tokenizing and encoding by hand", () => {
  const mail = loadSpamAssassin({ file: path.join(__dirname, "..", "fixtures", "spam-assassin-mini.tsv") });
  const encoded = encodeTextSplit(mail, { vocabularySize: 30 });
  const trainTokens = mail.train.map((email) => tokenize(email.text));
  const vocabulary = Vocabulary.build(trainTokens, { maxSize: 30 });
  assert.deepEqual(encoded.vocabulary.tokens, vocabulary.tokens);
  for (const part of ["train", "validation", "test"] as const) {
    assert.deepEqual(encoded[part].ids, mail[part].map((email) => vocabulary.encode(tokenize(email.text))), part);
    assert.deepEqual(encoded[part].labels, mail[part].map((email) => email.label), part);
  }
});

test("encodeTextSplit names the bad argument", () => {
  const ok = [{ text: "a b", label: 0 }];
  assert.throws(() => encodeTextSplit({ train: ok, validation: ok, test: ok }, { vocabularySize: 1 }), { message: "encodeTextSplit: vocabularySize must be an integer ≥ 2, got 1" });
  assert.throws(() => encodeTextSplit({ train: [], validation: ok, test: ok }, { vocabularySize: 5 }), { message: "encodeTextSplit: split.train is empty: it needs at least one element" });
  assert.throws(
    () => encodeTextSplit({ train: ok, validation: [{ text: 7 as unknown as string, label: 0 }], test: ok }, { vocabularySize: 5 }),
    { message: "encodeTextSplit: split.validation[0].text must be a string, got 7" },
  );
});
