/**
 * Assignments from instructor notebooks: the marking scheme, the student version and the release
 * manifest, shared by `npm run assign` and `npm run grade`.
 *
 * Marking, in an instructor notebook (nbformat 4.5, tslab kernel):
 * - A code cell that belongs to an exercise carries cell metadata
 *   `{"seqlab": {"exercise": "<id>", "points": N, "role": "solution" | "visible-tests" | "hidden-tests"}}`.
 *   `points` is read from the exercise's first cell that states it (put it on the solution cell).
 * - In a `solution` cell, the lines from `// BEGIN SOLUTION` to `// END SOLUTION` become
 *   `throw new Error("not implemented yet: <id>");` (same indentation). Keep the signature outside
 *   the markers so the stub still type-checks:
 *       function clip(values: number[], limit: number): number[] {
 *         // BEGIN SOLUTION
 *         return values.map((v) => Math.max(-limit, Math.min(limit, v)));
 *         // END SOLUTION
 *       }
 * - In a test cell (`visible-tests` or `hidden-tests`), the lines from `// BEGIN HIDDEN TESTS` to
 *   `// END HIDDEN TESTS` are removed from the student version and put back at grading. A
 *   `hidden-tests` cell keeps only a placeholder comment for students.
 * - An exercise scores its points when every one of its test cells runs without an error.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export type Role = "solution" | "visible-tests" | "hidden-tests";
export const roles: Role[] = ["solution", "visible-tests", "hidden-tests"];

export interface Cell {
  cell_type: string;
  id?: string;
  metadata: Record<string, any>;
  source: string | string[];
  outputs?: { output_type: string; [key: string]: any }[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, any>;
  nbformat: number;
  nbformat_minor: number;
}

export interface Marking {
  exercise: string;
  points?: number;
  role: Role;
}

export interface ReleaseManifest {
  /** File name of the student notebook (and of the instructor notebook it came from). */
  notebook: string;
  /** Path of the instructor notebook, relative to the repository root when inside it. */
  instructorNotebook: string;
  created: string;
  totalPoints: number;
  exercises: { id: string; points: number; solutionCells: string[]; testCells: string[] }[];
  /** Every marked cell by id: its role, exercise and the sha256 of the source students receive. */
  cells: Record<string, { exercise: string; role: Role; sha256: string }>;
}

export const BEGIN_SOLUTION = "// BEGIN SOLUTION";
export const END_SOLUTION = "// END SOLUTION";
export const BEGIN_HIDDEN = "// BEGIN HIDDEN TESTS";
export const END_HIDDEN = "// END HIDDEN TESTS";

export const sourceOf = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** nbformat's multi-line source: one string per line, each but the last ending in "\n". */
export function toSourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? line + "\n" : line)).filter((line) => line !== "");
}

export function readNotebook(file: string): Notebook {
  return parseNotebook(fs.readFileSync(file, "utf8"), file);
}

/** Parses and checks the shape of a notebook; throws a readable message if it is not one. */
export function parseNotebook(text: string, name: string): Notebook {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== "object" || !Array.isArray(value.cells)) throw new Error(`${name} is not a Jupyter notebook (no "cells" list)`);
  if (value.nbformat !== 4) throw new Error(`${name} is not an nbformat 4 notebook (nbformat: ${JSON.stringify(value.nbformat)})`);
  value.cells.forEach((cell: any, i: number) => {
    if (!cell || typeof cell.cell_type !== "string" || !(typeof cell.source === "string" || Array.isArray(cell.source))) {
      throw new Error(`${name}: cell ${i + 1} is malformed (needs cell_type and source)`);
    }
    cell.metadata ??= {};
  });
  value.metadata ??= {};
  return value as Notebook;
}

export function writeNotebook(file: string, notebook: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
}

/** The cell's marking, or null for an ordinary cell; throws on malformed metadata. */
export function markingOf(cell: Cell, where: string): Marking | null {
  const meta = cell.metadata?.seqlab;
  if (meta === undefined || meta.exercise === undefined) return null;
  if (typeof meta.exercise !== "string" || !/^[A-Za-z0-9_.-]+$/.test(meta.exercise)) throw new Error(`${where}: seqlab.exercise must be an id of letters, digits, "_", "." or "-"`);
  if (!roles.includes(meta.role)) throw new Error(`${where}: seqlab.role must be one of ${roles.join(", ")} (got ${JSON.stringify(meta.role)})`);
  if (meta.points !== undefined && !(typeof meta.points === "number" && meta.points >= 0)) throw new Error(`${where}: seqlab.points must be a number >= 0`);
  return { exercise: meta.exercise, points: meta.points, role: meta.role };
}

/**
 * Replaces each region between `begin` and `end` marker lines (markers included) by
 * `replacement(indent)`, or drops it when that returns null. Throws on unbalanced markers.
 */
export function replaceRegions(text: string, begin: string, end: string, replacement: (indent: string) => string | null, where: string): string {
  const out: string[] = [];
  let openIndent: string | null = null;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === begin) {
      if (openIndent !== null) throw new Error(`${where}: "${begin}" inside another "${begin}" region`);
      openIndent = line.slice(0, line.indexOf(begin));
    } else if (trimmed === end) {
      if (openIndent === null) throw new Error(`${where}: "${end}" without "${begin}"`);
      const replaced = replacement(openIndent);
      if (replaced !== null) out.push(replaced);
      openIndent = null;
    } else if (openIndent === null) out.push(line);
  }
  if (openIndent !== null) throw new Error(`${where}: "${begin}" is never closed by "${end}"`);
  return out.join("\n");
}

export const stubLine = (exercise: string) => `throw new Error("not implemented yet: ${exercise}");`;
export const hiddenPlaceholder = (exercise: string) => `// Hidden tests for "${exercise}" run here when your notebook is graded.`;

/** The student version of one marked cell's source. */
export function studentSource(source: string, marking: Marking, where: string): string {
  if (marking.role === "solution") {
    if (source.includes(BEGIN_HIDDEN)) throw new Error(`${where}: hidden tests belong in a test cell, not a solution cell`);
    const out = replaceRegions(source, BEGIN_SOLUTION, END_SOLUTION, (indent) => indent + stubLine(marking.exercise), where);
    if (out === source) throw new Error(`${where}: a solution cell needs a "${BEGIN_SOLUTION}" ... "${END_SOLUTION}" region`);
    return out;
  }
  if (source.includes(BEGIN_SOLUTION)) throw new Error(`${where}: solution markers in a ${marking.role} cell`);
  const visible = replaceRegions(source, BEGIN_HIDDEN, END_HIDDEN, () => null, where);
  if (marking.role === "hidden-tests") {
    return visible.trim() === "" ? hiddenPlaceholder(marking.exercise) : `${visible.replace(/\s+$/, "")}\n${hiddenPlaceholder(marking.exercise)}`;
  }
  return visible;
}

/** Builds the student notebook and its release manifest from an instructor notebook. */
export function makeAssignment(instructor: Notebook, instructorPath: string, repoRoot: string): { student: Notebook; manifest: ReleaseManifest } {
  const name = path.basename(instructorPath);
  const relative = path.relative(repoRoot, instructorPath);
  const manifest: ReleaseManifest = {
    notebook: name,
    instructorNotebook: relative.startsWith("..") || path.isAbsolute(relative) ? instructorPath : relative,
    created: new Date().toISOString(),
    totalPoints: 0,
    exercises: [],
    cells: {},
  };
  const seenIds = new Set<string>();
  const cells = instructor.cells.map((original, index): Cell => {
    const where = `${name}, cell ${index + 1}`;
    const cell: Cell = JSON.parse(JSON.stringify(original));
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    const source = sourceOf(cell);
    const marking = markingOf(cell, where);
    if (!marking) {
      if ([BEGIN_SOLUTION, BEGIN_HIDDEN].some((marker) => source.includes(marker))) throw new Error(`${where}: has markers but no seqlab.exercise/role metadata`);
      return cell;
    }
    if (cell.cell_type !== "code") throw new Error(`${where}: only code cells can be marked`);
    if (!cell.id) throw new Error(`${where}: marked cells need an id (nbformat 4.5)`);
    if (seenIds.has(cell.id)) throw new Error(`${where}: duplicate cell id ${cell.id}`);
    seenIds.add(cell.id);
    const released = studentSource(source, marking, where);
    cell.source = toSourceLines(released);
    let exercise = manifest.exercises.find((e) => e.id === marking.exercise);
    if (!exercise) manifest.exercises.push((exercise = { id: marking.exercise, points: marking.points ?? NaN, solutionCells: [], testCells: [] }));
    if (Number.isNaN(exercise.points) && marking.points !== undefined) exercise.points = marking.points;
    (marking.role === "solution" ? exercise.solutionCells : exercise.testCells).push(cell.id);
    manifest.cells[cell.id] = { exercise: marking.exercise, role: marking.role, sha256: sha256(released) };
    if (marking.role !== "solution") cell.metadata = { ...cell.metadata, editable: false, deletable: false };
    return cell;
  });
  for (const exercise of manifest.exercises) {
    if (Number.isNaN(exercise.points)) throw new Error(`${name}: exercise "${exercise.id}" has no points (set seqlab.points on its solution cell)`);
    if (exercise.testCells.length === 0) throw new Error(`${name}: exercise "${exercise.id}" has no test cells, so it could never be scored`);
  }
  manifest.totalPoints = manifest.exercises.reduce((sum, e) => sum + e.points, 0);
  return { student: { ...instructor, cells }, manifest };
}

export const manifestPath = (outDir: string, notebook: string) => path.join(outDir, notebook.replace(/\.ipynb$/, ".release.json"));
