/**
 * Assignments: `assign` strips solutions and hidden tests; `grade` executes submissions through
 * the real tslab kernel and scores each exercise. One batch of submissions, made from the
 * fixture instructor notebook (2 exercises: truncate 2 points, clip 3 points), is graded once
 * and checked from several angles: full marks, one wrong exercise, an untouched stub, an
 * endless loop, a syntax error, an edited test cell and a file that is not JSON.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeAssignment, readNotebook, sourceOf, toSourceLines, writeNotebook, type Notebook, type ReleaseManifest } from "../src/tools/assignment";
import { assign } from "../src/tools/assign";
import { checkInstructor, gradeBatch, type StudentReport } from "../src/tools/grade";
import { findJupyter } from "../src/tools/jupyter";

const root = path.resolve(__dirname, "..");
const instructorPath = path.join(root, "test", "fixtures", "assignments", "truncate-and-clip.ipynb");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-assignments-"));

/** Text that must never reach students: the solutions, the hidden tests and the markers. */
const secrets = ["sequence.slice(0, maxLength)", "Math.max(-limit", "truncatePost([5, 6], 3)", "clip([2, -2], 2)", "hidden: ", "BEGIN SOLUTION", "BEGIN HIDDEN"];

test("the student notebook has stubs, no solution or hidden-test text, no outputs; the manifest has points and checksums", () => {
  const { studentPath, manifestPath, manifest } = assign(instructorPath, path.join(work, "release"));
  const text = fs.readFileSync(studentPath, "utf8");
  for (const secret of secrets) assert.ok(!text.includes(secret), `student notebook leaks ${JSON.stringify(secret)}`);
  const student = readNotebook(studentPath);
  const byId = (id: string) => sourceOf(student.cells.find((c) => c.id === id)!);
  assert.equal(byId("truncate-solution"), 'function truncatePost(sequence: number[], maxLength: number): number[] {\n  throw new Error("not implemented yet: truncate");\n}');
  assert.equal(byId("truncate-tests"), "assert.deepStrictEqual(truncatePost([1, 2, 3, 4], 2), [1, 2]);");
  assert.equal(byId("clip-hidden"), '// Hidden tests for "clip" run here when your notebook is graded.');
  for (const cell of student.cells.filter((c) => c.cell_type === "code")) {
    assert.deepEqual(cell.outputs, []);
    assert.equal(cell.execution_count, null);
  }
  assert.deepEqual(manifest.exercises.map((e) => [e.id, e.points, e.testCells]), [["truncate", 2, ["truncate-tests"]], ["clip", 3, ["clip-tests", "clip-hidden"]]]);
  assert.equal(manifest.totalPoints, 5);
  assert.match(manifest.cells["clip-tests"].sha256, /^[0-9a-f]{64}$/);
  const manifestText = fs.readFileSync(manifestPath, "utf8");
  for (const secret of secrets) assert.ok(!manifestText.includes(secret), `manifest leaks ${JSON.stringify(secret)}`);
});

test("marking mistakes are refused with the cell named", () => {
  const instructor = readNotebook(instructorPath);
  const broken: Notebook = JSON.parse(JSON.stringify(instructor));
  const cell = broken.cells.find((c) => c.id === "clip-solution")!;
  cell.source = sourceOf(cell).replace("  // END SOLUTION\n", "");
  assert.throws(() => makeAssignment(broken, instructorPath, root), /cell 7: "\/\/ BEGIN SOLUTION" is never closed/);
  const unmarked: Notebook = JSON.parse(JSON.stringify(instructor));
  unmarked.cells.find((c) => c.id === "clip-solution")!.metadata = {};
  assert.throws(() => makeAssignment(unmarked, instructorPath, root), /cell 7: has markers but no seqlab/);
});

// --- One graded batch -------------------------------------------------------------------------
let release: ReleaseManifest;
let reports: Record<string, StudentReport>;
const outDir = path.join(work, "grades");

/** A submission: the student notebook with some cells' sources replaced (by cell id). */
function submission(name: string, edits: Record<string, string>, student: Notebook): string {
  const copy: Notebook = JSON.parse(JSON.stringify(student));
  for (const [id, source] of Object.entries(edits)) copy.cells.find((c) => c.id === id)!.source = toSourceLines(source);
  const file = path.join(work, "submissions", `${name}.ipynb`);
  writeNotebook(file, copy);
  return file;
}

before(() => {
  const jupyter = findJupyter();
  assert.ok(jupyter, "Jupyter is not installed: run `npm run setup`");
  const { studentPath, manifest } = assign(instructorPath, path.join(work, "release"));
  release = manifest;
  const student = readNotebook(studentPath);
  const instructor = readNotebook(instructorPath);
  checkInstructor(release, instructor);
  const solution = (id: string) => sourceOf(instructor.cells.find((c) => c.id === id)!).replace(/ *\/\/ (BEGIN|END) SOLUTION\n/g, "");
  const files = [
    path.join(work, "submissions", "instructor.ipynb"),
    // clip returns its input: wrong; the student also weakened clip's visible test (restored by the grader).
    submission("wrong-clip", {
      "truncate-solution": solution("truncate-solution"),
      "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return values;\n}",
      "clip-tests": "assert.ok(true);",
    }, student),
    submission("untouched", {}, student),
    submission("endless-loop", { "truncate-solution": "function truncatePost(sequence: number[], maxLength: number): number[] {\n  while (true) {}\n}", "clip-solution": solution("clip-solution") }, student),
    submission("syntax-error", { "truncate-solution": solution("truncate-solution"), "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return values.map((value) => );\n}" }, student),
    path.join(work, "submissions", "not-json.ipynb"),
  ];
  fs.copyFileSync(instructorPath, files[0]);
  fs.writeFileSync(files[5], '{"cells": [');
  const list = gradeBatch(files, { release, instructor, jupyter, outDir, cellTimeoutSeconds: 10, timeLimitSeconds: 120, memoryMb: 512 });
  reports = Object.fromEntries(list.map((r) => [r.student, r]));
});

const earned = (student: string) => Object.fromEntries(reports[student].exercises.map((e) => [e.id, e.earned]));

test("the instructor's own notebook grades full marks with nothing to report", () => {
  assert.deepEqual(earned("instructor"), { truncate: 2, clip: 3 });
  assert.equal(reports.instructor.score, 5);
  assert.equal(reports.instructor.status, "graded");
  assert.deepEqual(reports.instructor.notes, []);
});

test("one wrong exercise loses exactly its points; an edited test cell is reported and restored", () => {
  assert.deepEqual(earned("wrong-clip"), { truncate: 2, clip: 0 });
  assert.equal(reports["wrong-clip"].score, 2);
  assert.ok(reports["wrong-clip"].notes.some((n) => /visible-tests cell of "clip" \(clip-tests\) was edited; the original was put back/.test(n)), reports["wrong-clip"].notes.join("\n"));
  const clip = reports["wrong-clip"].exercises.find((e) => e.id === "clip")!;
  assert.equal(clip.messages.length, 2); // the restored visible test and the hidden test both failed
  assert.match(clip.messages[0], /^visible test cell 1: AssertionError: /);
  assert.match(clip.messages[1], /^hidden test cell 2: AssertionError: /);
});

test("the untouched student notebook type-checks and scores 0 with a clear 'not implemented yet' per exercise", () => {
  assert.equal(reports.untouched.score, 0);
  assert.deepEqual(reports.untouched.exercises.map((e) => e.messages[0]), ["visible test cell 1: Error: not implemented yet: truncate", "visible test cell 1: Error: not implemented yet: clip"]);
});

test("an endless loop is stopped by the cell timeout, reported, and the rest of that notebook is graded", () => {
  assert.deepEqual(earned("endless-loop"), { truncate: 0, clip: 3 });
  assert.equal(reports["endless-loop"].status, "partial");
  assert.match(reports["endless-loop"].exercises[0].messages[0], /^Timeout: a cell ran longer than 10 s/);
  assert.ok(reports["endless-loop"].notes.some((n) => n.includes('A test cell of "truncate" ran longer than 10 s')));
});

test("a syntax error costs its exercise only; invalid JSON is reported; the batch goes on", () => {
  assert.deepEqual(earned("syntax-error"), { truncate: 2, clip: 0 });
  assert.ok(reports["syntax-error"].notes.some((n) => /The solution cell of "clip" raised TypeScriptError: line 2/.test(n)), reports["syntax-error"].notes.join("\n"));
  assert.equal(reports["not-json"].status, "invalid");
  assert.equal(reports["not-json"].score, 0);
  assert.match(reports["not-json"].notes[0], /not-json\.ipynb is not valid JSON/);
});

test("reports, feedback and the class CSV are written, and feedback never shows hidden test source", () => {
  const csv = fs.readFileSync(path.join(outDir, "class.csv"), "utf8").trim().split("\n");
  assert.equal(csv[0], "student,truncate (2),clip (3),total (5),status,notes");
  assert.deepEqual(csv.slice(1).map((line) => line.split(",").slice(0, 5).join(",")), [
    "instructor,2,3,5,graded",
    "wrong-clip,2,0,2,graded",
    "untouched,0,0,0,graded",
    "endless-loop,0,3,3,partial",
    "syntax-error,2,0,2,graded",
    "not-json,0,0,0,invalid",
  ]);
  for (const student of Object.keys(reports)) {
    const json = JSON.parse(fs.readFileSync(path.join(outDir, "reports", `${student}.json`), "utf8")) as StudentReport;
    assert.equal(json.score, reports[student].score);
    const feedback = fs.readFileSync(path.join(outDir, "feedback", `${student}.md`), "utf8");
    assert.match(feedback, new RegExp(`\\*\\*Score: ${json.score} / 5\\*\\*`));
    for (const text of [feedback, JSON.stringify(json)]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${student}'s feedback leaks ${JSON.stringify(secret)}`);
    }
  }
  assert.ok(!fs.existsSync(path.join(root, "build", "grades", ".scratch")), "scratch folders are removed after the batch");
});

test("the grade command needs --release and exits 2 with usage", () => {
  const cli = spawnSync(process.execPath, [path.join(root, "dist", "tools", "grade.js"), "some.ipynb"], { cwd: root, encoding: "utf8" });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /grade: --release is required\nusage: npm run grade -- --release/);
});
