/** Typed loaders for the course's three datasets, with fixed splits and file validation. */
export { DATASETS_DIR, DatasetFileError, readRecordFile } from "./records";
export type { RecordFileSpec, FileRecord } from "./records";
export { stratifiedSplit, applySplit } from "./split";
export type { SplitIndices, Split, SplitFractions } from "./split";
export {
  loadSpamAssassin,
  SPAM_ASSASSIN_FILE,
  SPAM_ASSASSIN_GROUPS,
  SPAM_LABEL_NAMES,
  SPAM_ASSASSIN_FRACTIONS,
  SPAM_ASSASSIN_SPLIT_SEED,
} from "./spamAssassin";
export type { Email, SpamAssassin, SpamAssassinGroup } from "./spamAssassin";
export { loadMobyDick, MOBY_DICK_FILE, MOBY_DICK_FRACTIONS, MOBY_DICK_SPLIT_SEED } from "./mobyDick";
export type { BookSection, MobyDick } from "./mobyDick";
export { loadUsBirths, US_BIRTHS_FILE, US_BIRTHS_LAST_TRAIN_YEAR, US_BIRTHS_LAST_VALIDATION_YEAR } from "./usBirths";
export type { BirthDay, UsBirths } from "./usBirths";
