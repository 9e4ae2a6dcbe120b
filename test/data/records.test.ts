import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DATASETS_DIR, readRecordFile } from "../../src/data/records";
import { loadSpamAssassin, SPAM_ASSASSIN_FILE } from "../../src/data/spamAssassin";
import { loadMobyDick, MOBY_DICK_FILE } from "../../src/data/mobyDick";
import { loadUsBirths, US_BIRTHS_FILE } from "../../src/data/usBirths";

const FIXTURES = path.resolve(__dirname, "..", "fixtures");
const SPAM_MINI = path.join(FIXTURES, "spam-assassin-mini.tsv");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-records-"));

/** Writes `content` to a temp file named `name` and returns its path. */
function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

const spamText = fs.readFileSync(SPAM_MINI, "utf8");
const spamSpec = { name: "spam-assassin", format: 1, columns: ["label", "group", "id", "text"] };

test("DATASETS_DIR is the repository's datasets folder (the same from src/ and dist/)", () => {
  assert.equal(DATASETS_DIR, path.resolve(__dirname, "..", "..", "datasets"));
  assert.ok(fs.existsSync(path.join(DATASETS_DIR, "spam-assassin")));
});

test("readRecordFile returns data lines with their 1-based line numbers", () => {
  const records = readRecordFile(SPAM_MINI, spamSpec);
  assert.equal(records.length, 4);
  assert.deepEqual(records[0], { line: 3, fields: ["ham", "easy-ham-1", "00001", "Re: meeting on Monday Let us meet at noon."] });
  assert.equal(records[3].line, 6);
});

test("a Brotli and a gzip copy read the same as the plain file", () => {
  const plain = readRecordFile(SPAM_MINI, spamSpec);
  assert.deepEqual(readRecordFile(tempFile("mini.tsv.br", zlib.brotliCompressSync(spamText)), spamSpec), plain);
  assert.deepEqual(readRecordFile(tempFile("mini.tsv.gz", zlib.gzipSync(spamText)), spamSpec), plain);
});

test("a missing file is an error naming it", () => {
  const missing = path.join(tmp, "nope.tsv.br");
  assert.throws(() => readRecordFile(missing, spamSpec), (error: Error) => error.message.startsWith(`${missing}: cannot read the file`));
});

test("an empty file is an error naming it", () => {
  const file = tempFile("empty.tsv", "");
  assert.throws(() => readRecordFile(file, spamSpec), { message: `${file}: the file is empty (0 bytes)` });
});

test("a compressed file cut short is an error, not a partial load", () => {
  const compressed = zlib.brotliCompressSync(spamText);
  const file = tempFile("cut.tsv.br", compressed.subarray(0, compressed.length - 10));
  assert.throws(() => readRecordFile(file, spamSpec), (error: Error) => error.message.startsWith(`${file}: cannot decompress the file: it is truncated or corrupt`));
});

test("a plain file cut mid-line names the last line", () => {
  const file = tempFile("cut-mid-line.tsv", spamText.slice(0, spamText.length - 12));
  assert.throws(() => readRecordFile(file, spamSpec), { message: `${file}:6: the last line has no newline: the file was cut short mid-line` });
});

test("a file cut at a line boundary fails the header's record count", () => {
  const lines = spamText.split("\n");
  const file = tempFile("cut-at-line.tsv", lines.slice(0, 4).join("\n") + "\n");
  assert.throws(() => readRecordFile(file, spamSpec), {
    message: `${file}: the header promises 4 records but the file holds 2: it is truncated or was edited`,
  });
});

test("a malformed line (wrong number of fields) is an error naming file and line", () => {
  const file = tempFile("malformed.tsv", spamText.replace("spam\tspam-1\t00003\t", "spam\tspam-1 00003\t"));
  assert.throws(() => readRecordFile(file, spamSpec), {
    message: `${file}:5: expected 4 tab-separated fields (label, group, id, text), got 3`,
  });
});

test("a wrong header or column line is an error on line 1 or 2", () => {
  const noHeader = tempFile("no-header.tsv", spamText.split("\n").slice(1).join("\n"));
  assert.throws(() => readRecordFile(noHeader, spamSpec), (error: Error) => error.message.startsWith(`${noHeader}:1: expected a header`));
  const otherDataset = tempFile("other.tsv", spamText.replace("spam-assassin format=1", "moby-dick format=1"));
  assert.throws(() => readRecordFile(otherDataset, spamSpec), { message: `${otherDataset}:1: this is dataset "moby-dick" format 1, expected "spam-assassin" format 1` });
  const columns = tempFile("columns.tsv", spamText.replace("label\tgroup", "label\tgroups"));
  assert.throws(() => readRecordFile(columns, spamSpec), (error: Error) => error.message.startsWith(`${columns}:2: expected the tab-separated columns label, group, id, text`));
});

test("loadSpamAssassin reads the fixture and rejects a bad label, group or empty text by line", () => {
  const data = loadSpamAssassin({ file: SPAM_MINI });
  assert.deepEqual(
    data.all.map((email) => [email.label, email.group, email.id]),
    [[0, "easy-ham-1", "00001"], [0, "hard-ham-1", "00002"], [1, "spam-1", "00003"], [1, "spam-2", "00004"]],
  );
  const badLabel = tempFile("bad-label.tsv", spamText.replace("spam\tspam-2", "junk\tspam-2"));
  assert.throws(() => loadSpamAssassin({ file: badLabel }), { message: `${badLabel}:6: label must be "ham" or "spam", got "junk"` });
  const mismatch = tempFile("mismatch.tsv", spamText.replace("ham\thard-ham-1", "spam\thard-ham-1"));
  assert.throws(() => loadSpamAssassin({ file: mismatch }), { message: `${mismatch}:4: group hard-ham-1 does not match label spam` });
  const emptyText = tempFile("empty-text.tsv", spamText.replace("Cheap meds, no prescription", " "));
  assert.throws(() => loadSpamAssassin({ file: emptyText }), { message: `${emptyText}:6: text is empty` });
});

test("loadMobyDick groups paragraphs into sections and rejects a section that comes back", () => {
  const book = loadMobyDick({ file: path.join(FIXTURES, "moby-dick-mini.tsv") });
  assert.deepEqual(
    book.sections.map((s) => [s.section, s.paragraphs.length]),
    [["Etymology", 1], ["1", 2], ["2", 1], ["Epilogue", 1]],
  );
  const text = fs.readFileSync(path.join(FIXTURES, "moby-dick-mini.tsv"), "utf8");
  // A fourth paragraph of section 1 right after the others is fine; one after section 2 is not.
  const continued = tempFile("continued.tsv", text.replace("2\tThe Carpet-Bag.", "1\tLoomings."));
  assert.equal(loadMobyDick({ file: continued }).sections.length, 3);
  const back = tempFile("back.tsv", text.replace("Epilogue\tJob.", "1\tLoomings."));
  assert.throws(() => loadMobyDick({ file: back }), { message: `${back}:7: section 1 appears again after other sections` });
});

test("loadUsBirths checks dates, consecutive days and day of week, and splits by year", () => {
  const series = loadUsBirths({ file: path.join(FIXTURES, "us-births-mini.tsv") });
  assert.deepEqual(series.days[0], { date: "1984-12-30", year: 1984, month: 12, day: 30, dayOfWeek: 7, births: 8000 });
  assert.deepEqual([series.train.length, series.validation.length, series.test.length], [2, 3, 0]);
  const gap = path.join(FIXTURES, "us-births-bad-gap.tsv");
  assert.throws(() => loadUsBirths({ file: gap }), { message: `${gap}:6: 1987-01-01 does not follow the previous line's date: days must be consecutive` });
  const text = fs.readFileSync(path.join(FIXTURES, "us-births-mini.tsv"), "utf8");
  const wrongDay = tempFile("wrong-day.tsv", text.replace("1985-01-02\t3", "1985-01-02\t5"));
  assert.throws(() => loadUsBirths({ file: wrongDay }), { message: `${wrongDay}:6: day_of_week of 1985-01-02 must be 3, got 5` });
  const badDate = tempFile("bad-date.tsv", text.replace("1984-12-31", "1984-12-32"));
  assert.throws(() => loadUsBirths({ file: badDate }), { message: `${badDate}:4: date must be a valid yyyy-mm-dd date, got "1984-12-32"` });
  const badBirths = tempFile("bad-births.tsv", text.replace("\t9300", "\tmany"));
  assert.throws(() => loadUsBirths({ file: badBirths }), { message: `${badBirths}:7: births must be an integer in [1, 1000000], got "many"` });
});

test("the committed datasets load whole, with the documented sizes and splits", () => {
  const spam = loadSpamAssassin();
  assert.equal(spam.file, SPAM_ASSASSIN_FILE);
  assert.equal(spam.all.length, 5914);
  assert.equal(spam.all.filter((e) => e.label === 1).length, 1806);
  assert.deepEqual([spam.train.length, spam.validation.length, spam.test.length], [4140, 887, 887]);
  assert.deepEqual([spam.train, spam.validation, spam.test].map((part) => part.filter((e) => e.label === 1).length), [1264, 271, 271]);

  const book = loadMobyDick();
  assert.equal(book.file, MOBY_DICK_FILE);
  assert.equal(book.sections.length, 138);
  assert.equal(book.sections.reduce((sum, s) => sum + s.paragraphs.length, 0), 2513);
  assert.equal(book.sections[2].paragraphs[0].slice(0, 16), "Call me Ishmael.");
  assert.deepEqual([book.train.length, book.validation.length, book.test.length], [110, 14, 14]);

  const births = loadUsBirths();
  assert.equal(births.file, US_BIRTHS_FILE);
  assert.equal(births.days.length, 7305);
  assert.deepEqual(births.days[0], { date: "1969-01-01", year: 1969, month: 1, day: 1, dayOfWeek: 3, births: 8486 });
  assert.equal(births.days[7304].date, "1988-12-31");
  assert.deepEqual([births.train.length, births.validation.length, births.test.length], [5844, 730, 731]);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
