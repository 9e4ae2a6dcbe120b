/**
 * Reading the course's dataset files: tab-separated records, optionally Brotli- or
 * gzip-compressed, with a header that says how many records follow. Every way a file can be
 * wrong (missing, empty, cut short, a line with the wrong number of fields) is an Error that
 * names the file and, where there is one, the line — never a silent partial load.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

/**
 * The repository's `datasets/` folder. Resolved from this file's folder, which is `src/data`
 * under tsx and `dist/data` once compiled: both sit two levels below the package root.
 */
export const DATASETS_DIR = path.resolve(__dirname, "..", "..", "datasets");

/** What a dataset file must look like: line 1 `# seqlab-dataset <name> format=<format> records=<n>`, line 2 the columns. */
export interface RecordFileSpec {
  name: string;
  format: number;
  columns: readonly string[];
}

/** One data line of a record file: its 1-based line number in the file and its fields. */
export interface FileRecord {
  line: number;
  fields: string[];
}

/** An Error about a place in a dataset file: the message starts with `file:line:` (or `file:`). */
export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    detail: string,
  ) {
    super(`${file}${line === null ? "" : `:${line}`}: ${detail}`);
    this.name = "DatasetFileError";
  }
}

/** The file's bytes, decompressed by extension (.br Brotli, .gz gzip, anything else as is). */
function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DatasetFileError(file, null, `cannot read the file (${(error as Error).message})`);
  }
  if (bytes.length === 0) throw new DatasetFileError(file, null, "the file is empty (0 bytes)");
  try {
    if (file.endsWith(".br")) bytes = zlib.brotliDecompressSync(bytes);
    else if (file.endsWith(".gz")) bytes = zlib.gunzipSync(bytes);
  } catch (error) {
    throw new DatasetFileError(
      file,
      null,
      `cannot decompress the file: it is truncated or corrupt (${(error as Error).message})`,
    );
  }
  return bytes.toString("utf8");
}

/**
 * Reads and checks a record file; returns its data lines with their line numbers.
 * Checks: the header names `spec.name` and `spec.format` and states a record count; line 2 is
 * exactly `spec.columns`; every data line has one field per column; the file ends with a
 * newline (a last line without one was cut mid-way); the number of data lines equals the count.
 */
export function readRecordFile(file: string, spec: RecordFileSpec): FileRecord[] {
  const text = readText(file);
  if (text.trim() === "") throw new DatasetFileError(file, null, "the file holds no text");
  const lines = text.split("\n");
  const endsWithNewline = lines[lines.length - 1] === "";
  if (endsWithNewline) lines.pop();
  else {
    throw new DatasetFileError(file, lines.length, "the last line has no newline: the file was cut short mid-line");
  }
  const header = /^# seqlab-dataset (\S+) format=(\d+) records=(\d+)$/.exec(lines[0]);
  if (!header) {
    throw new DatasetFileError(
      file,
      1,
      `expected a header "# seqlab-dataset ${spec.name} format=${spec.format} records=<count>", got ${JSON.stringify(lines[0].slice(0, 80))}`,
    );
  }
  if (header[1] !== spec.name || Number(header[2]) !== spec.format) {
    throw new DatasetFileError(
      file,
      1,
      `this is dataset "${header[1]}" format ${header[2]}, expected "${spec.name}" format ${spec.format}`,
    );
  }
  const expectedCount = Number(header[3]);
  const columnLine = lines[1] ?? "";
  if (columnLine !== spec.columns.join("\t")) {
    throw new DatasetFileError(
      file,
      2,
      `expected the tab-separated columns ${spec.columns.join(", ")}, got ${JSON.stringify(columnLine.slice(0, 80))}`,
    );
  }
  const records: FileRecord[] = [];
  for (let index = 2; index < lines.length; index++) {
    const fields = lines[index].split("\t");
    if (fields.length !== spec.columns.length) {
      throw new DatasetFileError(
        file,
        index + 1,
        `expected ${spec.columns.length} tab-separated fields (${spec.columns.join(", ")}), got ${fields.length}`,
      );
    }
    records.push({ line: index + 1, fields });
  }
  if (records.length !== expectedCount) {
    throw new DatasetFileError(
      file,
      null,
      `the header promises ${expectedCount} records but the file holds ${records.length}: it is truncated or was edited`,
    );
  }
  if (records.length === 0) throw new DatasetFileError(file, null, "the file holds no records");
  return records;
}

/** Parses a field that must be an integer in [min, max]; the error names file, line and column. */
export function integerField(file: string, record: FileRecord, column: number, name: string, min: number, max: number): number {
  const raw = record.fields[column];
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new DatasetFileError(file, record.line, `${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Throws unless the field is non-empty after trimming. */
export function nonEmptyField(file: string, record: FileRecord, column: number, name: string): string {
  const value = record.fields[column];
  if (value.trim() === "") throw new DatasetFileError(file, record.line, `${name} is empty`);
  return value;
}
