/**
 * Grading the fixture assignment end to end, in the sandbox: one batch of submissions checked
 * from several angles (full marks, one wrong exercise, an untouched stub, an endless loop, a
 * syntax error, an edited test cell, a file that is not JSON), then sharding and merging, the
 * nbgrader-marked notebook, grading without a sandbox, and the command line's answers.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { assign } from "../../src/tools/assign";
import { assignIds, gradeBatch, mergeShards, shardOf, type GradeOptions } from "../../src/tools/grade";
import type { StudentReport } from "../../src/tools/grading/report";
import { readNotebook } from "../../src/tools/notebook";
import { readReleaseKey, verifyInstructor } from "../../src/tools/grading/release";
import { earned, fixturePath, gradeOptions, releaseFixture, root, SECRETS, solved, SOLUTIONS, submission, type Fixture } from "./helpers";

let fixture: Fixture;
let options: GradeOptions;
let reports: Record<string, StudentReport>;

before(async () => {
  fixture = releaseFixture("grade");
  options = gradeOptions(fixture, { cellSeconds: 10 });
  const files = [
    path.join(fixture.work, "submissions", "instructor.ipynb"),
    // clip returns its input: wrong; the student also weakened clip's visible test (the original is used).
    submission(fixture, "wrong-clip", { "truncate-solution": SOLUTIONS.truncate, "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return values;\n}", "clip-tests": "assert.ok(true);" }),
    submission(fixture, "untouched", {}),
    submission(fixture, "endless-loop", { "truncate-solution": "function truncatePost(sequence: number[], maxLength: number): number[] {\n  while (true) {}\n}", "clip-solution": SOLUTIONS.clip }),
    submission(fixture, "syntax-error", { "truncate-solution": SOLUTIONS.truncate, "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return values.map((value) => );\n}" }),
    path.join(fixture.work, "submissions", "not-json.ipynb"),
  ];
  fs.copyFileSync(fixturePath, files[0]);
  fs.writeFileSync(files[5], '{"cells": [');
  const list = await gradeBatch(assignIds(files, "truncate-and-clip.ipynb"), options);
  reports = Object.fromEntries(list.map((r) => [r.student, r]));
});

test("the instructor's own notebook grades full marks with nothing to report", () => {
  assert.deepEqual(earned(reports.instructor), { truncate: 2, clip: 3 });
  assert.equal(reports.instructor.score, 5);
  assert.equal(reports.instructor.status, "graded");
  assert.deepEqual(reports.instructor.notes, []);
});

test("one wrong exercise loses exactly its points; an edited test cell is reported and the original used", () => {
  assert.deepEqual(earned(reports["wrong-clip"]), { truncate: 2, clip: 0 });
  assert.equal(reports["wrong-clip"].score, 2);
  assert.deepEqual(reports["wrong-clip"].notes, ['The visible-tests cell of "clip" (clip-tests) was edited; the original was used.']);
  const clip = reports["wrong-clip"].exercises.find((e) => e.id === "clip")!;
  assert.deepEqual(clip.messages, ["visible test cell 1: wrong value (a check on your result failed)", "hidden test cell 2: wrong value (a check on your result failed)"]);
});

test("the untouched student version type-checks, runs, and scores 0: the stub throws in every test", () => {
  assert.equal(reports.untouched.score, 0);
  assert.equal(reports.untouched.status, "graded");
  assert.deepEqual(reports.untouched.exercises.map((e) => e.messages), [["visible test cell 1: your code threw an error"], ["visible test cell 1: your code threw an error", "hidden test cell 2: your code threw an error"]]);
});

test("an endless loop in a solution is stopped by the cell time limit; the other exercise is graded", () => {
  assert.deepEqual(earned(reports["endless-loop"]), { truncate: 0, clip: 3 });
  assert.equal(reports["endless-loop"].status, "partial");
  assert.deepEqual(reports["endless-loop"].exercises[0].messages, ["visible test cell 1: ran longer than the time limit"]);
});

test("a syntax error costs its exercise only; invalid JSON is reported as invalid; the batch goes on", () => {
  assert.deepEqual(earned(reports["syntax-error"]), { truncate: 2, clip: 0 });
  assert.ok(reports["syntax-error"].notes.includes('The solution cell of "clip" (cell 7) raised an error when it ran; run your notebook to see it.'), reports["syntax-error"].notes.join("\n"));
  assert.deepEqual(reports["syntax-error"].exercises[1].messages, ["visible test cell 1: your notebook does not define what this test uses", "hidden test cell 2: your notebook does not define what this test uses"]);
  assert.equal(reports["not-json"].status, "invalid");
  assert.equal(reports["not-json"].score, 0);
});

test("reports, feedback, the executed notebook and the class CSV are written; feedback never shows hidden text", () => {
  const csv = fs.readFileSync(path.join(options.outDir, "class.csv"), "utf8").trim().split("\n");
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
    const json = JSON.parse(fs.readFileSync(path.join(options.outDir, "reports", `${student}.json`), "utf8")) as StudentReport;
    assert.equal(json.score, reports[student].score);
    assert.equal(json.sandbox.network, "none (own network namespace)");
    const feedback = fs.readFileSync(path.join(options.outDir, "feedback", `${student}.md`), "utf8");
    assert.match(feedback, new RegExp(`\\*\\*Score: ${json.score} / 5\\*\\*`));
    for (const text of [feedback, JSON.stringify(json)]) for (const secret of SECRETS) assert.ok(!text.includes(secret), `${student}'s feedback leaks ${JSON.stringify(secret)}`);
  }
  // The executed notebook (instructor-only) has the hidden tests back in place, and their results.
  const executed = readNotebook(path.join(options.outDir, "executed", "wrong-clip.ipynb"));
  assert.deepEqual(executed.cells.map((c) => c.id), ["intro", "setup", "truncate-md", "truncate-solution", "truncate-tests", "clip-md", "clip-solution", "clip-tests", "clip-hidden", "done"]);
  const hidden = executed.cells.find((c) => c.id === "clip-hidden")!;
  assert.match(hidden.outputs![0].ename, /^TestFailed \(wrong-value\)$/);
  assert.match(hidden.outputs![0].evalue, /Expected values to be strictly deep-equal/);
});

test("--shard I/N takes every N-th student by id; merge puts the shards back into one class CSV", async () => {
  const files = [solved(fixture, "s-a"), submission(fixture, "s-b", {}), solved(fixture, "s-c")];
  const all = assignIds(files, "truncate-and-clip.ipynb");
  assert.deepEqual(shardOf(all, 1, 2).map((s) => s.student), ["s-a", "s-c"]);
  assert.deepEqual(shardOf(all, 2, 2).map((s) => s.student), ["s-b"]);
  const dirs = [1, 2].map((i) => path.join(fixture.work, `shard-${i}`));
  for (const i of [1, 2]) await gradeBatch(shardOf(all, i, 2), { ...options, outDir: dirs[i - 1], releaseHash: "r1" }, undefined, { index: i, count: 2 });
  const merged = mergeShards(dirs, path.join(fixture.work, "merged"));
  assert.equal(merged.students, 3);
  assert.deepEqual(fs.readFileSync(merged.csv, "utf8").trim().split("\n").map((l) => l.split(",").slice(0, 4).join(",")), ["student,truncate (2),clip (3),total (5)", "s-a,2,3,5", "s-b,0,0,0", "s-c,2,3,5"]);
  assert.throws(() => mergeShards([dirs[0]], path.join(fixture.work, "m2")), /expected shards 1, 2 of 2 once each, got 1/);
  assert.throws(() => mergeShards([dirs[0], dirs[0]], path.join(fixture.work, "m3")), /expected shards 1, 2 of 2 once each, got 1, 1/);
});

test("a notebook marked with nbgrader's toolbar grades unchanged: instructor full marks, untouched 0, locked cell restored", async () => {
  const file = path.join(root, "test", "fixtures", "assignments", "nbgrader-squares.ipynb");
  const released = assign(file, path.join(fixture.work, "nbgrader"));
  const student = readNotebook(released.studentPath);
  student.cells.find((c) => c.id === "helper")!.source = "const largestN = 0; // edited by the student";
  const untouched = path.join(fixture.work, "nbgrader-subs", "untouched.ipynb");
  fs.mkdirSync(path.dirname(untouched), { recursive: true });
  fs.writeFileSync(untouched, JSON.stringify(student));
  const instructor = path.join(fixture.work, "nbgrader-subs", "instructor.ipynb");
  fs.copyFileSync(file, instructor);
  const key = readReleaseKey(released.keyPath);
  const nbOptions: GradeOptions = { ...options, release: released.manifest, instructorCells: verifyInstructor(released.manifest, readNotebook(file), key, "nbgrader-squares.ipynb"), outDir: path.join(fixture.work, "nbgrader-grades") };
  const [teacher, blank] = await gradeBatch(assignIds([instructor, untouched], "nbgrader-squares.ipynb"), nbOptions);
  assert.deepEqual(earned(teacher), { correct_squares: 2, squares_empty: 1 });
  assert.deepEqual(earned(blank), { correct_squares: 0, squares_empty: 0 });
  assert.deepEqual(blank.notes, ["The read-only cell helper was edited; the original was used."]);
});

test("the grader never parses a submission itself: one of 6,000 cells is invalid in its own row; one without ids (nbformat 4.4) is graded, with a note", async () => {
  const many = path.join(fixture.work, "submissions", "many-cells.ipynb");
  fs.writeFileSync(many, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: Array.from({ length: 6000 }, () => ({ cell_type: "code", metadata: {}, source: "", outputs: [] })) }));
  const noIds = solved(fixture, "no-ids");
  const notebook = JSON.parse(fs.readFileSync(noIds, "utf8"));
  for (const cell of notebook.cells) delete cell.id;
  notebook.nbformat_minor = 4;
  fs.writeFileSync(noIds, JSON.stringify(notebook));
  const [invalid, graded] = await gradeBatch(assignIds([many, noIds], "truncate-and-clip.ipynb"), { ...options, outDir: path.join(fixture.work, "odd-files") });
  assert.equal(invalid.status, "invalid");
  assert.match(fs.readFileSync(path.join(fixture.work, "odd-files", "logs", "many-cells.log"), "utf8"), /the notebook has 6000 cells; more than 5000 are refused/);
  assert.deepEqual(earned(graded), { truncate: 2, clip: 3 });
  assert.deepEqual(graded.notes, ["The submission's cells have no ids (saved as nbformat 4.4?), so none could be matched to the assignment: every cell ran as the student's, and the tests ran at the end."]);
});

test("without a sandbox (--unsafe-no-sandbox), assert patched in the kernel still changes nothing where the tests run", async () => {
  const unsafe = { ...gradeOptions(fixture, { cellSeconds: 10 }, true), outDir: path.join(fixture.work, "unsafe") };
  assert.equal(unsafe.plan.kind, "none");
  const patched = solved(fixture, "assert-patched-unsafe", [{ source: 'const a = require("assert");\nfor (const k of Object.keys(a)) a[k] = () => {};' }], { "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return values;\n}" });
  const [report] = await gradeBatch(assignIds([patched], "truncate-and-clip.ipynb"), unsafe);
  assert.deepEqual(earned(report), { truncate: 2, clip: 0 });
  assert.match(report.sandbox.sandbox, /^NONE \(--unsafe-no-sandbox\)/);
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(root, "dist", "tools", "grade.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });

test("the grade command: --release is required, bad numbers and shards are refused, --help lists the options", () => {
  let result = cli(["some.ipynb"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^grade: --release is required\nusage: npm run grade -- --release/);
  result = cli(["--release", fixture.released.manifestPath, "--jobs", "zero", fixturePath]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /grade: --jobs must be a positive number \(got "zero"\)/);
  result = cli(["--release", fixture.released.manifestPath, "--shard", "3/2", fixturePath]);
  assert.match(result.stderr, /grade: --shard must be I\/N with 1 <= I <= N \(got "3\/2"\)/);
  result = cli(["--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /--unsafe-no-sandbox +grade without bubblewrap: ONLY for work you trust/);
});

test("with no bubblewrap, grading refuses with the exact fix; the old manifest format is refused", () => {
  const bin = path.join(fixture.work, "bin-without-bwrap");
  fs.mkdirSync(bin, { recursive: true });
  for (const tool of ["sh", "setpriv", "sleep"]) if (fs.existsSync(`/usr/bin/${tool}`)) fs.symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  const result = cli(["--release", fixture.released.manifestPath, fixturePath], { PATH: bin });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /grade: refusing to grade untrusted work: bubblewrap \(bwrap\) is not installed\.\n {2}Fix: install it: sudo apt-get install -y bubblewrap .*--unsafe-no-sandbox/);
  const old = path.join(fixture.work, "old.release.json");
  fs.writeFileSync(old, JSON.stringify({ format: "seqlab-release/2", notebook: "x.ipynb", exercises: [], cells: {} }));
  const refused = cli(["--release", old, fixturePath]);
  assert.match(refused.stderr, /old\.release\.json is not a seqlab-release\/3 release manifest \(format: "seqlab-release\/2"\); regenerate it with `npm run assign`/);
});
