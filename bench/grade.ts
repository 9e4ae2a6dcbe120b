/**
 * Grading throughput: submissions per minute for notebook 01 (cutting and padding) at --jobs 1
 * and --jobs 2, in the sandbox with the default limits, measured side by side in one run. The
 * class: copies of the instructor's notebook and of the untouched student version, alternating.
 * `npm run bench -- grade` runs only this one; SEQLAB_BENCH_GRADE_CLASS sets the class size (4).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assign } from "../src/tools/assign";
import { assignIds, gradeBatch } from "../src/tools/grade";
import { readReleaseKey, verifyInstructor } from "../src/tools/grading/release";
import { cpuCount, defaultLimits, describeLimits, isRefusal, planSandbox } from "../src/tools/grading/sandbox";
import { readNotebook } from "../src/tools/notebook";

const root = path.resolve(__dirname, "..");
const NOTEBOOK = "01-cutting-and-padding.ipynb";
const CLASS = Number(process.env.SEQLAB_BENCH_GRADE_CLASS ?? 4);

async function main(): Promise<void> {
  const plan = planSandbox(root, false, defaultLimits);
  if (isRefusal(plan)) throw new Error(`${plan.problem}; ${plan.fix}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-bench-grade-"));
  const instructorPath = path.join(root, "notebooks", NOTEBOOK);
  const released = assign(instructorPath, path.join(work, "release"));
  const files = Array.from({ length: CLASS }, (_, i) => {
    const file = path.join(work, "class", `student-${i + 1}.ipynb`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(i % 2 === 0 ? instructorPath : released.studentPath, file);
    return file;
  });
  const base = {
    release: released.manifest,
    releaseHash: "bench",
    instructorCells: verifyInstructor(released.manifest, readNotebook(instructorPath), readReleaseKey(released.keyPath), NOTEBOOK),
    instructorMetadata: readNotebook(instructorPath).metadata,
    plan,
    limits: defaultLimits,
  };
  console.log(`grading ${CLASS} submissions of ${NOTEBOOK} on ${cpuCount()} cores; memory: ${describeLimits(plan, defaultLimits).memory}`);
  const rows: { jobs: number; seconds: number; perMinute: number; scores: string }[] = [];
  for (const jobs of [1, 2]) {
    const started = Date.now();
    const reports = await gradeBatch(assignIds(files, NOTEBOOK), { ...base, jobs, outDir: path.join(work, `jobs-${jobs}`) });
    const seconds = (Date.now() - started) / 1000;
    const wrong = reports.filter((r, i) => r.score !== (i % 2 === 0 ? r.maxScore : 0));
    if (wrong.length > 0) throw new Error(`unexpected scores: ${wrong.map((r) => `${r.student} ${r.score}`).join(", ")}`);
    rows.push({ jobs, seconds, perMinute: (CLASS / seconds) * 60, scores: reports.map((r) => r.score).join(" ") });
  }
  console.log("\n| --jobs | seconds for the class | submissions per minute | scores |\n| ---: | ---: | ---: | --- |");
  for (const row of rows) console.log(`| ${row.jobs} | ${row.seconds.toFixed(1)} | ${row.perMinute.toFixed(2)} | ${row.scores} |`);
  console.log(`\nspeed-up at --jobs 2: ${(rows[0].seconds / rows[1].seconds).toFixed(2)}x; a class of 300 at --jobs 2 takes about ${((300 / rows[1].perMinute) / 60).toFixed(1)} hours on this machine`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(`bench/grade: ${(error as Error).message}`);
  process.exitCode = 1;
});
