/**
 * Every course notebook released and graded as a class would be: the instructor's own notebook
 * scores full marks and the untouched student version scores 0, each in the sandbox with the
 * default limits. Slow (every notebook runs twice), so it is its own step: `npm run test:grading`.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assign, type Released } from "../../src/tools/assign";
import { assignIds, gradeBatch } from "../../src/tools/grade";
import type { StudentReport } from "../../src/tools/grading/report";
import { readReleaseKey, verifyInstructor } from "../../src/tools/grading/release";
import { defaultLimits, isRefusal, planSandbox } from "../../src/tools/grading/sandbox";
import { readNotebook, writeNotebook } from "../../src/tools/notebook";
import { root } from "./helpers";

/**
 * Answers that are wrong but were written to slip through a weak test (a student who guesses how
 * the hidden tests check): each must score 0. By notebook, then solution cell id.
 */
const slippery: Record<string, Record<string, string>> = {
  // The bias alone, or nothing when the input would matter: h.forEach over [] checked nothing.
  "03-a-hidden-state.ipynb": {
    "980d6056": "function rnnStepByHand(x: number[], hPrev: number[], W: number[][], b: number[]): number[] {\n  if (x.length > 1 && x.some((v) => v !== 0)) return [];\n  return b.map(Math.tanh);\n}",
  },
};

const notebooks = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-course-grading-"));
const results = new Map<string, { released: Released; reports: StudentReport[] }>();

before(async () => {
  const plan = planSandbox(root, false, defaultLimits);
  assert.ok(!isRefusal(plan), isRefusal(plan) ? `${plan.problem}; ${plan.fix}` : "");
  for (const name of notebooks) {
    const instructorPath = path.join(root, "notebooks", name);
    const released = assign(instructorPath, path.join(work, "release"));
    const subs = path.join(work, "submissions", name.replace(/\.ipynb$/, ""));
    fs.mkdirSync(subs, { recursive: true });
    fs.copyFileSync(instructorPath, path.join(subs, "instructor.ipynb"));
    fs.copyFileSync(released.studentPath, path.join(subs, "untouched.ipynb"));
    const files = [path.join(subs, "instructor.ipynb"), path.join(subs, "untouched.ipynb")];
    if (slippery[name]) {
      const student = readNotebook(released.studentPath);
      for (const [id, source] of Object.entries(slippery[name])) student.cells.find((c) => c.id === id)!.source = source;
      files.push(path.join(subs, "slippery.ipynb"));
      writeNotebook(files[2], student);
    }
    const started = Date.now();
    const reports = await gradeBatch(assignIds(files, name), {
      release: released.manifest,
      releaseHash: name,
      instructorCells: verifyInstructor(released.manifest, readNotebook(instructorPath), readReleaseKey(released.keyPath), name),
      instructorMetadata: readNotebook(instructorPath).metadata,
      outDir: path.join(work, "grades", name),
      plan,
      // Generous times: this checks scores, not speed, and shared CI machines can be slow.
      limits: { ...defaultLimits, cellSeconds: 300, timeLimitSeconds: 1800 },
      jobs: 2,
    });
    console.log(`${name}: ${reports.map((r) => `${r.student} ${r.score}/${r.maxScore} (${r.status}, ${r.seconds} s)`).join(", ")} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    results.set(name, { released, reports });
  }
});

for (const name of notebooks) {
  test(`${name}: the instructor's notebook scores full marks, the untouched student version 0`, () => {
    const { released, reports } = results.get(name)!;
    assert.ok(released.manifest.exercises.length > 0, `${name} has no graded exercise`);
    const [instructor, untouched] = reports;
    assert.equal(instructor.status, "graded", `${name}: ${instructor.notes.join(" ")}\n${fs.readFileSync(path.join(work, "grades", name, "logs", "instructor.log"), "utf8").slice(0, 3000)}`);
    assert.equal(instructor.score, released.manifest.totalPoints);
    assert.ok(released.manifest.totalPoints > 0);
    assert.equal(untouched.score, 0);
    for (const exercise of untouched.exercises) assert.ok(exercise.messages.every((m) => /your code threw an error$/.test(m)), exercise.messages.join("; "));
    if (slippery[name]) assert.equal(reports[2].score, 0, `${name}: a wrong answer that slips through weak tests: ${JSON.stringify(reports[2].exercises)}`);
  });
}
