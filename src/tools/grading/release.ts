/**
 * Releasing an assignment: the student version of an instructor notebook and its release
 * manifest, and the check at grading time that the instructor notebook is still the one released.
 *
 * The student version: solution regions become `throw new Error("not implemented yet: <id>")`,
 * hidden-test regions are removed, `hidden-tests` cells are dropped whole, outputs are cleared and
 * test and read-only cells are marked read-only. Releasing refuses when a marker is misspelled,
 * when any released text (sources, outputs, metadata, markdown) still holds a line from a
 * solution or hidden region, or when a test cell uses a name that the grader cannot give it.
 *
 * The manifest holds, per marked cell, the sha256 of the text students receive (to spot an
 * edited test cell) and an HMAC-SHA256 of the instructor's full cell under a random key kept
 * beside it in `<name>.release.key`, and an HMAC of the manifest itself. Keyed, the manifest
 * alone confirms no guess about hidden text, and grading refuses an instructor notebook edited
 * since the release, and a manifest edited by hand.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { sourceOf, toSourceLines, type Cell, type Notebook } from "../notebook";
import { hasRegion, parseRegions, regionLines, replaceRegions, withoutMarkerLines, type SourceLine } from "./markers";
import { isTestRole, markingOf, type Marking, type Role } from "./marking";
import { topLevelDeclarations, unresolvedNames, type SolutionName } from "./names";

export const RELEASE_FORMAT = "seqlab-release/3";

export interface ReleasedCell {
  exercise: string;
  role: Role;
  /** sha256 of the source students receive; null for a cell they never see (hidden-tests). */
  released: string | null;
  /** HMAC-SHA256 (release key) of the instructor's full cell: role, exercise, points and source. */
  instructorHmac: string;
  /** Id of the nearest earlier cell that is not a test cell (null: the start); test cells are put back after it. */
  after: string | null;
}

export interface ExerciseEntry {
  id: string;
  points: number;
  solutionCells: string[];
  testCells: string[];
}

export interface ReleaseManifest {
  format: typeof RELEASE_FORMAT;
  /** File name of the student notebook (and of the instructor notebook it came from). */
  notebook: string;
  /** Path of the instructor notebook, relative to the repository root when inside it. */
  instructorNotebook: string;
  created: string;
  totalPoints: number;
  exercises: ExerciseEntry[];
  /** Every marked cell by id, in notebook order. */
  cells: Record<string, ReleasedCell>;
  /** What test cells may use from the student's notebook: functions (called) and values (copied). */
  solutionNames: SolutionName[];
  /** HMAC of every marked cell together, so a cell marked after the release is noticed too. */
  instructorHmac: string;
  /**
   * HMAC of everything grading reads here (all but instructorNotebook, created and this), so a
   * manifest edited by hand (points, an exercise's test cells, roles, names) is refused.
   */
  manifestHmac: string;
}

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
export const stubLine = (exercise: string) => `throw new Error("not implemented yet: ${exercise}");`;

/** Where the key of a manifest lives by default: `<name>.release.key` beside `<name>.release.json`. */
export const keyPathFor = (manifestFile: string) => manifestFile.replace(/\.json$/, "") + ".key";
export const manifestPathFor = (outDir: string, notebook: string) => path.join(outDir, notebook.replace(/\.ipynb$/, ".release.json"));

/** A new release key (32 random bytes, hex). */
export const newReleaseKey = () => randomBytes(32).toString("hex");

/**
 * Reads a release key: the file when it was named explicitly (--key), else $SEQLAB_RELEASE_KEY
 * when set, else the file beside the manifest; throws with the fix.
 */
export function readReleaseKey(file: string, named = false): string {
  const fromEnvironment = named ? undefined : process.env.SEQLAB_RELEASE_KEY;
  const key = (fromEnvironment ?? (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "")).trim();
  if (!key) {
    throw new Error(`the release key ${file} is missing. \`npm run assign\` writes it beside the manifest; copy it along with the manifest (it is instructor-only), pass --key FILE, or set SEQLAB_RELEASE_KEY`);
  }
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`the release key ${fromEnvironment !== undefined ? "in SEQLAB_RELEASE_KEY" : file} is not 64 hex digits`);
  return key;
}

function cellHmac(key: string, id: string, marking: Marking, source: string): string {
  return createHmac("sha256", Buffer.from(key, "hex")).update(JSON.stringify([id, marking.role, marking.exercise, marking.points ?? null, source])).digest("hex");
}

const sameHex = (a: string, b: unknown) => {
  if (typeof b !== "string" || a.length !== b.length) return false;
  const [x, y] = [Buffer.from(a, "hex"), Buffer.from(b, "hex")];
  return x.length === y.length && timingSafeEqual(x, y); // b may be anything: not hex decodes shorter
};

/** JSON with object keys sorted, so the manifest's HMAC does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function manifestHmac(key: string, manifest: ReleaseManifest): string {
  const { instructorNotebook: _where, created: _when, manifestHmac: _itself, ...signed } = manifest;
  return createHmac("sha256", Buffer.from(key, "hex")).update(canonicalJson(signed)).digest("hex");
}

export interface MarkedCell {
  id: string;
  index: number;
  marking: Marking;
  source: string;
  lines: SourceLine[];
}

/** The marked cells of an instructor notebook, checked: ids present and unique, markers well formed. */
export function markedCells(notebook: Notebook, name: string): MarkedCell[] {
  const marked: MarkedCell[] = [];
  const seen = new Set<string>();
  notebook.cells.forEach((cell, index) => {
    const where = `${name}, cell ${index + 1}`;
    const marking = markingOf(cell, where);
    const source = sourceOf(cell);
    const lines = parseRegions(source, where); // near-miss markers are refused in every cell
    if (cell.cell_type !== "code") {
      if (lines.some((line) => line.marker !== null)) {
        throw new Error(`${where}: this ${cell.cell_type} cell has solution or hidden-test markers, but regions are removed only from marked code cells, so it would be released as it is; move the text into a marked code cell, or delete it`);
      }
      return;
    }
    if (!marking) {
      if (lines.some((line) => line.marker !== null)) throw new Error(`${where}: has solution or hidden-test markers but no seqlab or nbgrader metadata, so they would be released as they are`);
      return;
    }
    if (!cell.id) throw new Error(`${where}: marked cells need an id (nbformat 4.5); open and save the notebook in JupyterLab 4 to add ids`);
    if (seen.has(cell.id)) throw new Error(`${where}: duplicate cell id ${cell.id}`);
    seen.add(cell.id);
    if (marking.role === "solution") {
      if (hasRegion(lines, "hidden")) throw new Error(`${where}: hidden tests belong in a test cell, not a solution cell`);
      if (!hasRegion(lines, "solution")) throw new Error(`${where}: a solution cell needs a "BEGIN SOLUTION" ... "END SOLUTION" region`);
    } else if (hasRegion(lines, "solution")) throw new Error(`${where}: solution markers in a ${marking.role} cell`);
    if (marking.role === "locked" && hasRegion(lines, "hidden")) throw new Error(`${where}: hidden-test markers in a read-only (locked) cell`);
    marked.push({ id: cell.id, index, marking, source, lines });
  });
  return marked;
}

/** The text students receive for a marked cell; null when the cell is dropped. */
function releasedText(cell: MarkedCell): string | null {
  switch (cell.marking.role) {
    case "solution":
      return replaceRegions(cell.lines, "solution", (indent) => indent + stubLine(cell.marking.exercise));
    case "visible-tests":
      return replaceRegions(cell.lines, "hidden", () => null);
    case "hidden-tests":
      return null;
    case "locked":
      return cell.source;
  }
}

/** The source the grader runs for a marked cell: the instructor's own, marker lines removed. */
export const gradedText = (cell: MarkedCell) => withoutMarkerLines(cell.lines);

/** Every string in a JSON value (sources, outputs, metadata), for the leak check. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => stringsIn(v, into));
  return into;
}

/** Region lines long enough to identify (at least 12 characters, some of them letters or digits). */
const identifying = (line: string) => line.length >= 12 && /[A-Za-z0-9]/.test(line);

/**
 * Throws when the student version still holds a line from a solution or hidden region anywhere
 * (a copy in a markdown cell, an output, metadata). Lines that are also released on purpose (the
 * same assertion in a visible test) do not count.
 */
function checkNoLeak(student: Notebook, origins: number[], marked: MarkedCell[], releasedSources: string[], name: string): void {
  const released = new Set(releasedSources.flatMap((text) => text.split("\n").map((line) => line.trim())));
  const secrets = new Map<string, MarkedCell>();
  for (const cell of marked) for (const line of regionLines(cell.lines)) if (identifying(line) && !released.has(line)) secrets.set(line, cell);
  student.cells.forEach((cell, index) => {
    const texts = stringsIn({ source: cell.source, outputs: cell.outputs ?? [], metadata: cell.metadata, attachments: (cell as any).attachments ?? {} });
    for (const [line, from] of secrets) {
      if (texts.some((text) => text.includes(line))) {
        throw new Error(`${name}, cell ${origins[index] + 1}: the student version still contains ${JSON.stringify(line)} from the ${from.marking.role === "solution" ? "solution" : "hidden tests"} of "${from.marking.exercise}" (cell ${from.index + 1}); remove it there (or its output) and release again`);
      }
    }
  });
  for (const text of stringsIn(student.metadata)) {
    for (const [line, from] of secrets) if (text.includes(line)) throw new Error(`${name}: the notebook metadata contains ${JSON.stringify(line)} from "${from.marking.exercise}"`);
  }
}

/** Test cells may only use their own imports and what solution cells declare; throws naming the cell otherwise. */
function checkTestCellNames(marked: MarkedCell[], solutionNames: SolutionName[], resolveFrom: string, name: string): void {
  const tests = marked.filter((cell) => isTestRole(cell.marking.role));
  const missing = unresolvedNames(tests.map(gradedText), solutionNames, resolveFrom);
  const classes = solutionNames.filter((n) => n.kind === "class").map((n) => n.name);
  tests.forEach((cell, i) => {
    const where = `${name}, cell ${cell.index + 1} (${cell.marking.role} of "${cell.marking.exercise}")`;
    if (missing[i].length > 0) {
      throw new Error(`${where} uses ${missing[i].map((n) => `\`${n}\``).join(", ")}, which neither the cell imports nor a solution cell declares. Test cells run in the grader's own process: import what they need in the cell itself (e.g. \`import * as assert from "assert"\`), and read the student's work only through functions or values that solution cells declare`);
    }
    const usedClass = classes.find((c) => new RegExp(`\\b${c}\\b`).test(gradedText(cell)));
    if (usedClass) throw new Error(`${where} uses the class \`${usedClass}\` from a solution cell; the grader can call the student's functions and copy plain values (numbers, strings, arrays, objects, tensors), not classes. Test a function that uses it instead`);
  });
}

/** Builds the student notebook and its release manifest from an instructor notebook. */
export function makeRelease(instructor: Notebook, instructorPath: string, repoRoot: string, key: string): { student: Notebook; manifest: ReleaseManifest } {
  const name = path.basename(instructorPath);
  const relative = path.relative(repoRoot, instructorPath);
  const marked = markedCells(instructor, name);
  const byIndex = new Map(marked.map((cell) => [cell.index, cell]));
  const exercises = new Map<string, ExerciseEntry & { fromNbgraderSolutionOnly: boolean }>();
  const cells: Record<string, ReleasedCell> = {};
  const releasedSources: string[] = [];
  let anchor: string | null = null;
  const studentCells: Cell[] = [];
  const origins: number[] = []; // instructor cell index of each student cell, for messages
  const nbgraderIds = new Set<string>();
  instructor.cells.forEach((original, index) => {
    const cell: Cell = JSON.parse(JSON.stringify(original));
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    const mark = byIndex.get(index);
    if (!mark || !isTestRole(mark.marking.role)) anchor = cell.id ?? anchor;
    if (!mark) {
      studentCells.push(cell);
      origins.push(index);
      return;
    }
    const { marking } = mark;
    const text = releasedText(mark);
    cells[mark.id] = {
      exercise: marking.exercise,
      role: marking.role,
      released: text === null ? null : sha256(text),
      instructorHmac: cellHmac(key, mark.id, marking, mark.source),
      after: isTestRole(marking.role) ? anchor : null,
    };
    if (marking.role !== "locked") {
      const nbgraderSolution = marking.role === "solution" && !!original.metadata?.nbgrader && !original.metadata?.seqlab;
      let exercise = exercises.get(marking.exercise);
      if (!exercise) exercises.set(marking.exercise, (exercise = { id: marking.exercise, points: NaN, solutionCells: [], testCells: [], fromNbgraderSolutionOnly: true }));
      if (!nbgraderSolution) exercise.fromNbgraderSolutionOnly = false;
      if (original.metadata?.nbgrader && !original.metadata?.seqlab) {
        if (nbgraderIds.has(marking.exercise)) throw new Error(`${name}, cell ${index + 1}: nbgrader grade_id "${marking.exercise}" is used by two cells; grade ids must be unique`);
        nbgraderIds.add(marking.exercise);
      }
      if (marking.points !== undefined && Number.isNaN(exercise.points)) exercise.points = marking.points;
      (marking.role === "solution" ? exercise.solutionCells : exercise.testCells).push(mark.id);
    }
    if (text === null) return; // hidden-tests: dropped whole
    releasedSources.push(text);
    cell.source = toSourceLines(text);
    if (marking.role !== "solution") cell.metadata = { ...cell.metadata, editable: false, deletable: false };
    studentCells.push(cell);
    origins.push(index);
  });
  const entries: ExerciseEntry[] = [];
  for (const { fromNbgraderSolutionOnly, ...exercise } of exercises.values()) {
    if (exercise.testCells.length === 0) {
      if (fromNbgraderSolutionOnly) continue; // nbgrader: answers are scored by their own test cells
      throw new Error(`${name}: exercise "${exercise.id}" has no test cells, so it could never be scored`);
    }
    if (Number.isNaN(exercise.points)) throw new Error(`${name}: exercise "${exercise.id}" has no points (set seqlab.points on its solution cell)`);
    entries.push(exercise);
  }
  // What students can be asked for: names their version of a solution cell declares too (a helper
  // declared inside a solution region is the instructor's; its name is solution text, not for the manifest).
  const solutionCells = marked.filter((c) => c.marking.role === "solution");
  const releasedNames = new Set(solutionCells.flatMap((c) => topLevelDeclarations(releasedText(c) ?? "").map((n) => n.name)));
  const solutionNames = [...new Map(solutionCells.flatMap((c) => topLevelDeclarations(gradedText(c))).filter((n) => releasedNames.has(n.name)).map((n) => [n.name, n])).values()];
  checkTestCellNames(marked, solutionNames, repoRoot, name);
  const student: Notebook = { ...instructor, cells: studentCells };
  checkNoLeak(student, origins, marked, releasedSources, name);
  const manifest: Omit<ReleaseManifest, "manifestHmac"> & { manifestHmac?: string } = {
    format: RELEASE_FORMAT,
    notebook: name,
    instructorNotebook: relative.startsWith("..") || path.isAbsolute(relative) ? instructorPath : relative,
    created: new Date().toISOString(),
    totalPoints: entries.reduce((sum, e) => sum + e.points, 0),
    exercises: entries,
    cells,
    solutionNames,
    instructorHmac: wholeHmac(key, cells),
  };
  manifest.manifestHmac = manifestHmac(key, manifest as ReleaseManifest);
  return { student, manifest: manifest as ReleaseManifest };
}

const wholeHmac = (key: string, cells: Record<string, ReleasedCell>) =>
  createHmac("sha256", Buffer.from(key, "hex")).update(JSON.stringify(Object.entries(cells).map(([id, c]) => [id, c.instructorHmac]))).digest("hex");

/** Checks a parsed manifest's shape; throws naming the file and what is wrong. */
export function parseManifest(text: string, file: string): ReleaseManifest {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (value?.format !== RELEASE_FORMAT) {
    throw new Error(`${file} is not a ${RELEASE_FORMAT} release manifest (format: ${JSON.stringify(value?.format)}); regenerate it with \`npm run assign\``);
  }
  if (!Array.isArray(value.exercises) || typeof value.cells !== "object" || !Array.isArray(value.solutionNames)) throw new Error(`${file} is missing exercises, cells or solutionNames`);
  return value as ReleaseManifest;
}

/**
 * The instructor notebook's marked cells, checked against the release: throws naming the cell
 * when one was edited, removed or newly marked since, or when the key does not match.
 */
export function verifyInstructor(manifest: ReleaseManifest, instructor: Notebook, key: string, name: string): MarkedCell[] {
  const marked = markedCells(instructor, name);
  const ids = new Set(marked.map((c) => c.id));
  for (const id of Object.keys(manifest.cells)) {
    if (!ids.has(id)) throw new Error(`the instructor notebook ${name} has no marked cell ${id} from the release; grade with the notebook the release came from, or release again`);
  }
  for (const cell of marked) {
    const expected = manifest.cells[cell.id];
    if (!expected) throw new Error(`${name}, cell ${cell.index + 1} (${cell.id}) is marked but was not in the release; release again with \`npm run assign\``);
    if (!sameHex(cellHmac(key, cell.id, cell.marking, cell.source), expected.instructorHmac)) {
      throw new Error(`${name}, cell ${cell.index + 1} (${cell.id}, ${cell.marking.role} of "${cell.marking.exercise}") changed since the release (or the release key is not this release's); grade with the notebook the release came from, or release again`);
    }
  }
  if (!sameHex(wholeHmac(key, manifest.cells), manifest.instructorHmac)) throw new Error(`the release manifest's cells were edited after \`npm run assign\` wrote it, or the key is not this release's`);
  if (!sameHex(manifestHmac(key, manifest), manifest.manifestHmac)) {
    throw new Error(`the release manifest was edited after \`npm run assign\` wrote it (its exercises, points, test cells or names), or the key is not this release's; release again rather than editing it`);
  }
  return marked;
}
