/**
 * The SpamAssassin public mail corpus as labelled text: 5,914 e-mails (ham 4,108, spam 1,806)
 * whose lengths range from a handful of words to thousands — the long tail that makes one
 * fixed input length a poor fit. See datasets/spam-assassin/README.md for how it was derived.
 */
import * as path from "node:path";
import { DATASETS_DIR, DatasetFileError, nonEmptyField, readRecordFile } from "./records";
import { applySplit, stratifiedSplit, type Split, type SplitFractions } from "./split";

export const SPAM_ASSASSIN_FILE = path.join(DATASETS_DIR, "spam-assassin", "spam-assassin.tsv.br");

/** The corpus' message groups: three of ham (legitimate mail), two of spam. */
export const SPAM_ASSASSIN_GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"] as const;
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];

/** Class names by label: `SPAM_LABEL_NAMES[label]`. */
export const SPAM_LABEL_NAMES = ["ham", "spam"] as const;

/** One e-mail. */
export interface Email {
  /** Message number within its group, e.g. "00042". */
  id: string;
  group: SpamAssassinGroup;
  /** 0 = ham, 1 = spam. */
  label: 0 | 1;
  /** Subject and readable body, whitespace collapsed to single spaces. */
  text: string;
}

export interface SpamAssassin extends Split<Email> {
  /** The file it was read from. */
  file: string;
  /** Every e-mail in file order (ham groups first, then spam). */
  all: Email[];
}

/** 70% train, 15% validation, 15% test, stratified by label. */
export const SPAM_ASSASSIN_FRACTIONS: SplitFractions = [0.7, 0.15, 0.15];
/** The seed of the course's fixed split. */
export const SPAM_ASSASSIN_SPLIT_SEED = 2002;

/**
 * Loads and validates the corpus and splits it (stratified by label, seeded): with the defaults
 * every notebook sees the same 4,140 / 887 / 887 e-mails. `file` reads another file of the same
 * format (tests use small fixtures).
 */
export function loadSpamAssassin(options: { file?: string; seed?: number } = {}): SpamAssassin {
  const file = options.file ?? SPAM_ASSASSIN_FILE;
  const records = readRecordFile(file, { name: "spam-assassin", format: 1, columns: ["label", "group", "id", "text"] });
  const all = records.map((record): Email => {
    const [labelName, group, id] = record.fields;
    const label = SPAM_LABEL_NAMES.indexOf(labelName as (typeof SPAM_LABEL_NAMES)[number]);
    if (label === -1) {
      throw new DatasetFileError(file, record.line, `label must be "ham" or "spam", got ${JSON.stringify(labelName)}`);
    }
    if (!(SPAM_ASSASSIN_GROUPS as readonly string[]).includes(group)) {
      throw new DatasetFileError(file, record.line, `group must be one of ${SPAM_ASSASSIN_GROUPS.join(", ")}, got ${JSON.stringify(group)}`);
    }
    if (group.startsWith("spam") !== (label === 1)) {
      throw new DatasetFileError(file, record.line, `group ${group} does not match label ${labelName}`);
    }
    if (!/^\d{5}$/.test(id)) throw new DatasetFileError(file, record.line, `id must be five digits, got ${JSON.stringify(id)}`);
    const text = nonEmptyField(file, record, 3, "text");
    return { id, group: group as SpamAssassinGroup, label: label as 0 | 1, text };
  });
  const split = stratifiedSplit(
    all.map((email) => email.label),
    { fractions: SPAM_ASSASSIN_FRACTIONS, seed: options.seed ?? SPAM_ASSASSIN_SPLIT_SEED },
  );
  return { file, all, ...applySplit(all, split) };
}
