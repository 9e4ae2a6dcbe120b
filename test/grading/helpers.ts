/**
 * Shared set-up for the grading tests: a released copy of the fixture assignment
 * (test/fixtures/assignments/truncate-and-clip.ipynb: truncate 2 points, clip 3 points),
 * submissions made from its student version, and the options to grade them with.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assign, type Released } from "../../src/tools/assign";
import type { GradeOptions } from "../../src/tools/grade";
import { readNotebook, sourceOf, toSourceLines, writeNotebook, type Cell, type Notebook } from "../../src/tools/notebook";
import { verifyInstructor, readReleaseKey } from "../../src/tools/grading/release";
import { defaultLimits, isRefusal, planSandbox, type Limits } from "../../src/tools/grading/sandbox";

export const root = path.resolve(__dirname, "..", "..");
export const fixturePath = path.join(root, "test", "fixtures", "assignments", "truncate-and-clip.ipynb");

/** The fixture's correct solutions, without markers. */
export const SOLUTIONS = {
  truncate: "function truncatePost(sequence: number[], maxLength: number): number[] {\n  return sequence.slice(0, maxLength);\n}",
  clip: "function clip(values: number[], limit: number): number[] {\n  return values.map((value) => Math.max(-limit, Math.min(limit, value)));\n}",
};

/** Text that must never reach a student: solutions, hidden tests, hidden inputs. */
export const SECRETS = ["sequence.slice(0, maxLength)", "Math.max(-limit", "truncatePost([5, 6], 3)", "truncatePost([7, 8, 9], 0)", "clip([2, -2], 2)", "clip([3, -3], 2)", "[5,6],3", "[7,8,9],0", "[2,-2],2", "[3,-3],2", "BEGIN SOLUTION", "BEGIN HIDDEN"];

export interface Fixture {
  work: string;
  released: Released;
  student: Notebook;
  instructor: Notebook;
}

export function releaseFixture(prefix: string): Fixture {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `seqlab-${prefix}-`));
  const released = assign(fixturePath, path.join(work, "release"));
  return { work, released, student: readNotebook(released.studentPath), instructor: readNotebook(fixturePath) };
}

/** Writes a submission: the student version with cells replaced by id, and extra code cells inserted before a cell id (or at the end). */
export function submission(fixture: Fixture, name: string, edits: Record<string, string>, extra: { before?: string; source: string }[] = []): string {
  const copy: Notebook = JSON.parse(JSON.stringify(fixture.student));
  for (const [id, source] of Object.entries(edits)) {
    const cell = copy.cells.find((c) => c.id === id);
    assert.ok(cell, `no cell ${id} in the student version`);
    cell.source = toSourceLines(source);
  }
  extra.forEach(({ before, source }, n) => {
    const cell: Cell = { cell_type: "code", id: `extra-${n}`, metadata: {}, source: toSourceLines(source), outputs: [], execution_count: null };
    const at = before === undefined ? copy.cells.length : copy.cells.findIndex((c) => c.id === before);
    copy.cells.splice(at, 0, cell);
  });
  const file = path.join(fixture.work, "submissions", `${name}.ipynb`);
  writeNotebook(file, copy);
  return file;
}

export const solved = (fixture: Fixture, name: string, extra: { before?: string; source: string }[] = [], edits: Record<string, string> = {}) =>
  submission(fixture, name, { "truncate-solution": SOLUTIONS.truncate, "clip-solution": SOLUTIONS.clip, ...edits }, extra);

export function gradeOptions(fixture: Fixture, limits: Partial<Limits> = {}, unsafe = false): GradeOptions {
  const all: Limits = { ...defaultLimits, cellSeconds: 15, timeLimitSeconds: 180, ...limits };
  const plan = planSandbox(root, unsafe, all);
  assert.ok(!isRefusal(plan), `no sandbox on this machine: ${isRefusal(plan) ? `${plan.problem}; ${plan.fix}` : ""} (CI installs bubblewrap)`);
  const key = readReleaseKey(fixture.released.keyPath);
  return {
    release: fixture.released.manifest,
    releaseHash: "test",
    instructorCells: verifyInstructor(fixture.released.manifest, fixture.instructor, key, "truncate-and-clip.ipynb"),
    instructorMetadata: fixture.instructor.metadata,
    outDir: path.join(fixture.work, "grades"),
    plan,
    limits: all,
    jobs: 2,
  };
}

/** Points per exercise in a report. */
export const earned = (report: { exercises: { id: string; earned: number }[] }) => Object.fromEntries(report.exercises.map((e) => [e.id, e.earned]));

/** The text of every output of the executed notebook's cells whose source contains `marker`. */
export function outputsOf(executedFile: string, marker: string): string {
  const notebook = readNotebook(executedFile);
  return notebook.cells
    .filter((cell) => sourceOf(cell).includes(marker))
    .flatMap((cell) => cell.outputs ?? [])
    .map((o) => (o.text ?? "") + (o.evalue ?? ""))
    .join("");
}
