/**
 * Moby-Dick (Herman Melville, 1851), the whole text: a corpus for next-word prediction.
 * 138 sections (Etymology, Extracts, chapters 1–135, Epilogue), 2,513 paragraphs, about
 * 1.2 million characters. See datasets/moby-dick/README.md for how it was derived.
 */
import * as path from "node:path";
import { DATASETS_DIR, DatasetFileError, nonEmptyField, readRecordFile } from "./records";
import { stratifiedSplit, type Split, type SplitFractions } from "./split";

export const MOBY_DICK_FILE = path.join(DATASETS_DIR, "moby-dick", "moby-dick.tsv.br");

/** One section of the book: a chapter ("1" … "135") or "Etymology", "Extracts", "Epilogue". */
export interface BookSection {
  section: string;
  title: string;
  /** The section's paragraphs in order, whitespace collapsed to single spaces. */
  paragraphs: string[];
}

export interface MobyDick extends Split<BookSection> {
  file: string;
  /** Every section in book order. */
  sections: BookSection[];
}

/** Whole sections go to one part, so no paragraph's neighbours leak across parts: 80/10/10 of 138. */
export const MOBY_DICK_FRACTIONS: SplitFractions = [0.8, 0.1, 0.1];
export const MOBY_DICK_SPLIT_SEED = 1851;

const SECTION_NAME = /^(?:\d{1,3}|Etymology|Extracts|Epilogue)$/;

/** Loads and validates the book; splits its sections at random (seeded), each part in book order. */
export function loadMobyDick(options: { file?: string; seed?: number } = {}): MobyDick {
  const file = options.file ?? MOBY_DICK_FILE;
  const records = readRecordFile(file, { name: "moby-dick", format: 1, columns: ["section", "title", "paragraph"] });
  const sections: BookSection[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const [section, title] = record.fields;
    if (!SECTION_NAME.test(section)) {
      throw new DatasetFileError(file, record.line, `section must be a chapter number, Etymology, Extracts or Epilogue, got ${JSON.stringify(section)}`);
    }
    const paragraph = nonEmptyField(file, record, 2, "paragraph");
    const current = sections[sections.length - 1];
    if (current && current.section === section) {
      if (current.title !== title) {
        throw new DatasetFileError(file, record.line, `section ${section} changes title from ${JSON.stringify(current.title)} to ${JSON.stringify(title)}`);
      }
      current.paragraphs.push(paragraph);
      continue;
    }
    if (seen.has(section)) throw new DatasetFileError(file, record.line, `section ${section} appears again after other sections`);
    seen.add(section);
    sections.push({ section, title, paragraphs: [paragraph] });
  }
  const split = stratifiedSplit(
    sections.map(() => "section"),
    { fractions: MOBY_DICK_FRACTIONS, seed: options.seed ?? MOBY_DICK_SPLIT_SEED },
  );
  return {
    file,
    sections,
    train: split.train.map((i) => sections[i]),
    validation: split.validation.map((i) => sections[i]),
    test: split.test.map((i) => sections[i]),
  };
}
