/**
 * From labelled texts to ids, the same way in every notebook: tokenize each part of a split,
 * build the vocabulary on the training part only (words seen only in validation or test become
 * unknown, as they would for new text), and encode every part with it.
 */
import { checkInteger, checkNonEmptyArray, describeValue } from "../checks";
import { tokenize } from "./tokenizer";
import { Vocabulary } from "./vocabulary";

/** A labelled text, e.g. an `Email`. */
export interface LabelledText {
  text: string;
  label: number;
}

/** One part of a split, tokenized and encoded: three lists of the same length N. */
export interface EncodedPart {
  /** [N][len] tokens of each text. */
  tokens: string[][];
  /** [N][len] their ids (same lengths as `tokens`). */
  ids: number[][];
  /** [N] labels. */
  labels: number[];
}

/** A whole split, encoded with one vocabulary built from its training part. */
export interface EncodedTextSplit {
  vocabulary: Vocabulary;
  train: EncodedPart;
  validation: EncodedPart;
  test: EncodedPart;
}

function tokenizePart(texts: readonly LabelledText[], name: string): string[][] {
  if (name === "train") checkNonEmptyArray(texts, `encodeTextSplit: split.${name}`);
  else if (!Array.isArray(texts)) throw new Error(`encodeTextSplit: split.${name} must be an array of { text, label }, got ${describeValue(texts)}`);
  return texts.map((item, index) => {
    if (typeof item?.text !== "string") throw new Error(`encodeTextSplit: split.${name}[${index}].text must be a string, got ${describeValue(item?.text)}`);
    return tokenize(item.text);
  });
}

/**
 * Tokenizes the train, validation and test texts, builds a vocabulary of at most
 * `vocabularySize` ids (the reserved padding and unknown ids included) from the training tokens
 * only, and encodes all three parts with it. The training part must hold at least one text.
 */
export function encodeTextSplit(
  split: { train: readonly LabelledText[]; validation: readonly LabelledText[]; test: readonly LabelledText[] },
  options: { vocabularySize: number },
): EncodedTextSplit {
  const vocabularySize = checkInteger(options?.vocabularySize, "encodeTextSplit: vocabularySize", 2);
  const tokens = { train: tokenizePart(split?.train, "train"), validation: tokenizePart(split?.validation, "validation"), test: tokenizePart(split?.test, "test") };
  const vocabulary = Vocabulary.build(tokens.train, { maxSize: vocabularySize });
  const encode = (part: "train" | "validation" | "test"): EncodedPart => ({
    tokens: tokens[part],
    ids: tokens[part].map((row) => vocabulary.encode(row)),
    labels: split[part].map((item) => item.label),
  });
  return { vocabulary, train: encode("train"), validation: encode("validation"), test: encode("test") };
}
