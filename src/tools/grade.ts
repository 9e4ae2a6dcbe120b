/**
 * `npm run grade -- --release build/assignments/<name>.release.json [options] <submissions...>`
 * grades student notebooks headless, each in its own sandbox, several at once.
 * `npm run grade -- merge --out DIR <shard folders...>` combines the class CSVs of shards.
 * `npm run grade -- --help` lists the options.
 *
 * For each submission a harness process (grading/harness.ts) runs the student's cells in a
 * sandbox (grading/sandbox.ts) and the instructor's test cells in the harness itself, where the
 * verdict is decided. This process only assembles the graded notebook, starts harnesses, and
 * writes every report: nothing a submission runs can write here.
 */
import { randomBytes, createHash } from "crypto";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { readNotebook, type Notebook } from "./notebook";
import type { SubmissionJob, SubmissionResult } from "./grading/harness";
import { keyPathFor, parseManifest, readReleaseKey, verifyInstructor, type MarkedCell, type ReleaseManifest } from "./grading/release";
import { classCsv, emptyReport, feedbackMarkdown, scoreReport, type StudentReport } from "./grading/report";
import { assertOutsideBinds, cpuCount, defaultLimits, describeLimits, isRefusal, planSandbox, type Limits, type SandboxPlan } from "./grading/sandbox";
import { repoRoot } from "./repository";

export const gradesDir = path.join(repoRoot, "build", "grades");

export interface GradeOptions {
  release: ReleaseManifest;
  /** sha256 of the manifest file, so shards of different releases are never merged. */
  releaseHash: string;
  instructorCells: MarkedCell[];
  instructorMetadata: Notebook["metadata"];
  outDir: string;
  plan: SandboxPlan;
  limits: Limits;
  jobs: number;
}

export interface Submission {
  file: string;
  student: string;
}

/** Student id from a submission path: the file name, or its folder when it keeps the assignment's name. */
export function studentId(file: string, notebookName: string): string {
  const base = path.basename(file);
  const raw = base === notebookName ? path.basename(path.dirname(path.resolve(file))) : base.replace(/\.ipynb$/, "");
  return raw.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[.-]+/, "") || "student";
}

/** Ids for every submission, unique (a repeated id gets -2, -3 ...), in the order given. */
export function assignIds(files: string[], notebookName: string): Submission[] {
  const used = new Set<string>();
  return files.map((file) => {
    const base = studentId(file, notebookName);
    let student = base;
    for (let n = 2; used.has(student); n++) student = `${base}-${n}`;
    used.add(student);
    return { file, student };
  });
}

/** The deterministic slice `index` of `count` (1-based): every count-th submission by student id. */
export function shardOf(submissions: Submission[], index: number, count: number): Submission[] {
  return [...submissions].sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0)).filter((_, i) => i % count === index - 1);
}

/**
 * Files and folders on the command line -> submission files: every regular .ipynb file in a
 * folder (checkpoints skipped; links inside folders are not followed, so a submitted link cannot
 * make the grader read elsewhere). A named path that is not a file or folder is refused.
 */
export function collectSubmissions(args: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const child of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, child.name);
      if (child.isDirectory() && child.name !== ".ipynb_checkpoints") walk(full);
      else if (child.isFile() && child.name.endsWith(".ipynb")) files.push(full);
    }
  };
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new Error(`submission not found: ${arg}`);
    const stat = fs.statSync(arg);
    if (stat.isDirectory()) walk(arg);
    else if (stat.isFile()) files.push(arg);
    else throw new Error(`${arg} is not a file or folder`);
  }
  return files;
}

/**
 * Writes one file of the output, never throwing: a failure is returned for the summary. The text
 * is made here too (`text` may be a function), so a value that cannot be serialised (nested too
 * deep for JSON.stringify, say) costs that file, not the batch.
 */
function writeOutput(file: string, text: string | (() => string)): string | null {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof text === "function" ? text() : text);
    return null;
  } catch (error) {
    return `could not write ${file}: ${(error as Error).message}`;
  }
}

/** Runs the harness for one submission; resolves with its result, or rejects with what went wrong. */
function runHarness(job: SubmissionJob, limits: Limits): Promise<{ result: SubmissionResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The compiled harness, also when this module runs from source (tests).
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "tools", "grading", "harness.js")], { stdio: ["pipe", "ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-20000)));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), (limits.timeLimitSeconds + 120) * 1000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`the harness ended with ${signal ?? `exit code ${code}`}`);
        resolve({ result: JSON.parse(Buffer.concat(chunks).toString("utf8")) as SubmissionResult, stderr });
      } catch (error) {
        reject(new Error(`${(error as Error).message}\n${stderr}`));
      }
    });
    child.stdin!.on("error", () => {});
    child.stdin!.end(JSON.stringify(job));
  });
}

/** Removes cgroups a harness left behind (it was killed): their names start with the run id. */
function removeLeftCgroups(plan: SandboxPlan, runId: string): void {
  if (!plan.cgroup) return;
  const parents = plan.cgroup.version === 1 ? [plan.cgroup.memory, plan.cgroup.pids] : [plan.cgroup.parent];
  for (const parent of parents) {
    for (const name of fs.existsSync(parent) ? fs.readdirSync(parent) : []) {
      if (!name.startsWith(`seqlab-grade-${runId}-`)) continue;
      const procs = path.join(parent, name, "cgroup.procs");
      // Processes killed a moment ago may still be exiting: try for up to a second, as SandboxCgroup.destroy does.
      for (let attempt = 0; attempt < 50; attempt++) {
        for (const pid of fs.existsSync(procs) ? fs.readFileSync(procs, "utf8").split("\n").filter(Boolean) : []) {
          try {
            process.kill(Number(pid), "SIGKILL");
          } catch {
            // gone
          }
        }
        try {
          fs.rmdirSync(path.join(parent, name));
          break;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
  }
}

/** Grades one submission and writes its report, feedback and executed notebook; never throws. */
export async function gradeSubmission(submission: Submission, options: GradeOptions): Promise<StudentReport> {
  const { release, outDir } = options;
  const started = Date.now();
  const shown = path.relative(process.cwd(), path.resolve(submission.file)) || submission.file;
  const report = emptyReport(submission.student, shown, release, describeLimits(options.plan, options.limits));
  const log: string[] = [];
  let executed: Notebook | null = null;
  const runId = randomBytes(6).toString("hex");
  try {
    // The harness reads and parses the submission: however large or odd the file, only this row pays.
    const job: SubmissionJob = { student: submission.student, runId, file: path.resolve(submission.file), release, instructorCells: options.instructorCells, plan: options.plan, limits: options.limits };
    const { result, stderr } = await runHarness(job, options.limits);
    if ("invalid" in result) {
      report.status = "invalid";
      report.notes.push("Not gradable: the file is not a Jupyter notebook (nbformat 4), or it is too large.");
      log.push(`not gradable: ${result.invalid}`);
    } else {
      report.notes.push(...result.notes);
      scoreReport(report, release, result, result.solutionPositions);
      log.push(result.log);
      // Only the graded cells and the instructor's kernel: nothing else of the submission's file
      // (its metadata and extra top-level keys are the student's, of any shape and depth).
      const { kernelspec, language_info } = options.instructorMetadata;
      executed = { nbformat: 4, nbformat_minor: 5, metadata: { ...(kernelspec ? { kernelspec } : {}), ...(language_info ? { language_info } : {}) }, cells: result.executed };
    }
    if (stderr.trim()) log.push(`[harness stderr]\n${stderr}`);
  } catch (error) {
    report.status = "error";
    report.notes.push("The grader could not grade this submission; the instructor has the details.");
    report.exercises.forEach((e) => {
      e.earned = 0;
      e.messages = ["not graded"];
    });
    report.score = 0;
    log.push(`grader error: ${(error as Error).stack ?? error}`);
  } finally {
    removeLeftCgroups(options.plan, runId);
  }
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  const problems = [
    writeOutput(path.join(outDir, "reports", `${report.student}.json`), JSON.stringify(report, null, 2) + "\n"),
    writeOutput(path.join(outDir, "feedback", `${report.student}.md`), feedbackMarkdown(report)),
    log.length > 0 ? writeOutput(path.join(outDir, "logs", `${report.student}.log`), log.join("\n\n") + "\n") : null,
    executed ? writeOutput(path.join(outDir, "executed", `${report.student}.ipynb`), () => JSON.stringify(executed, null, 1) + "\n") : null,
  ].filter((p): p is string => p !== null);
  for (const problem of problems) console.error(`grade: ${problem}`);
  return report;
}

/** Grades submissions `jobs` at a time; calls `onReport` as each finishes; writes class.csv and shard.json. */
export async function gradeBatch(submissions: Submission[], options: GradeOptions, onReport?: (report: StudentReport, done: number) => void, shard?: { index: number; count: number }): Promise<StudentReport[]> {
  const reports: StudentReport[] = new Array(submissions.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < submissions.length) {
      const i = next++;
      try {
        reports[i] = await gradeSubmission(submissions[i], options);
      } catch (error) {
        // gradeSubmission catches what it expects; this is the last line of defence for the batch.
        console.error(`grade: ${submissions[i].student}: ${(error as Error)?.stack ?? error}`);
        reports[i] = emptyReport(submissions[i].student, submissions[i].file, options.release, describeLimits(options.plan, options.limits));
        reports[i].status = "error";
        reports[i].notes.push("The grader could not grade this submission; the instructor has the details.");
        reports[i].exercises.forEach((e) => (e.messages = ["not graded"]));
      }
      onReport?.(reports[i], ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, submissions.length)) }, worker));
  writeOutput(path.join(options.outDir, "class.csv"), classCsv(options.release, reports));
  const summary = {
    release: options.releaseHash,
    notebook: options.release.notebook,
    exercises: options.release.exercises.map((e) => ({ id: e.id, points: e.points })),
    totalPoints: options.release.totalPoints,
    shard: shard ? `${shard.index}/${shard.count}` : "1/1",
    students: reports.map((r) => r.student),
    gradedAt: new Date().toISOString(),
    limits: describeLimits(options.plan, options.limits),
  };
  writeOutput(path.join(options.outDir, "shard.json"), JSON.stringify(summary, null, 2) + "\n");
  return reports;
}

/** Combines shard folders (each with shard.json and reports/) into one class.csv; throws on a mismatch. */
export function mergeShards(dirs: string[], outDir: string): { students: number; csv: string } {
  const shards = dirs.map((dir) => {
    const file = path.join(dir, "shard.json");
    if (!fs.existsSync(file)) throw new Error(`${dir} has no shard.json: is it the --out folder of a grade run?`);
    return { dir, summary: JSON.parse(fs.readFileSync(file, "utf8")) as { release: string; notebook: string; shard: string; students: string[]; exercises: { id: string; points: number }[]; totalPoints: number } };
  });
  const releases = new Set(shards.map((s) => s.summary.release));
  if (releases.size !== 1) throw new Error(`the shards were graded against different releases (${[...releases].map((r) => r.slice(0, 12)).join(", ")}); grade them all with the same manifest`);
  const counts = new Set(shards.map((s) => s.summary.shard.split("/")[1]));
  if (counts.size !== 1) throw new Error(`the shards split the class differently (${shards.map((s) => s.summary.shard).join(", ")})`);
  const count = Number([...counts][0]);
  const indexes = shards.map((s) => Number(s.summary.shard.split("/")[0])).sort((a, b) => a - b);
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  if (indexes.join(",") !== expected.join(",")) throw new Error(`expected shards ${expected.join(", ")} of ${count} once each, got ${indexes.join(", ")}`);
  const reports: StudentReport[] = [];
  const seen = new Set<string>();
  for (const { dir, summary } of shards) {
    for (const student of summary.students) {
      if (seen.has(student)) throw new Error(`student ${student} appears in two shards`);
      seen.add(student);
      reports.push(JSON.parse(fs.readFileSync(path.join(dir, "reports", `${student}.json`), "utf8")) as StudentReport);
    }
  }
  reports.sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
  const csv = path.join(outDir, "class.csv");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(csv, classCsv(shards[0].summary, reports));
  return { students: reports.length, csv };
}

/** A progress line: done/total, problems, ETA; redrawn in place on a terminal, one line per update otherwise. */
function progressReporter(total: number, jobs: number): (report: StudentReport, done: number) => void {
  const started = Date.now();
  let problems = 0;
  const tty = process.stderr.isTTY;
  return (report, done) => {
    if (report.status !== "graded") problems++;
    const elapsed = (Date.now() - started) / 1000;
    const eta = done < total ? Math.round((elapsed / done) * (total - done)) : 0;
    const line = `grade: ${done}/${total} done, ${problems} not fully graded, ${elapsed.toFixed(0)} s elapsed${done < total ? `, about ${eta >= 60 ? `${Math.floor(eta / 60)} min ${eta % 60} s` : `${eta} s`} left` : ""} (${jobs} at a time)`;
    const student = `grade: ${report.student}: ${report.score} / ${report.maxScore} (${report.status}, ${report.seconds} s)`;
    if (tty) process.stderr.write(`\r\x1b[K${student}\n${line}`);
    else console.error(`${student}\n${line}`);
    if (tty && done === total) process.stderr.write("\n");
  };
}

const HELP = `usage: npm run grade -- --release <name>.release.json [options] <submissions...>
       npm run grade -- merge --out DIR <shard folders...>

Grades each submission (a .ipynb file, or a folder of them) in its own sandbox and writes, under
--out: class.csv, reports/<student>.json, feedback/<student>.md (for students),
executed/<student>.ipynb and logs/<student>.log (instructor-only).

options:
  --release FILE        the release manifest written by npm run assign (required)
  --key FILE            the release key (default: beside the manifest, <name>.release.key;
                        or set SEQLAB_RELEASE_KEY)
  --instructor NB       the instructor notebook (default: the one named in the manifest)
  --out DIR             where results go (default: build/grades/<name>)
  --jobs N              submissions graded at once (default: the number of cores, ${cpuCount()} here)
  --shard I/N           grade only slice I of N (by student id), for several machines;
                        combine the folders afterwards with: npm run grade -- merge
  --cell-timeout S      seconds per cell (default ${defaultLimits.cellSeconds})
  --time-limit S        seconds per submission (default ${defaultLimits.timeLimitSeconds})
  --memory-mb M         memory per submission, native memory included (default ${defaultLimits.memoryMb})
  --processes N         processes and threads per submission (default ${defaultLimits.processes})
  --tmp-mb M            size of the sandbox's /tmp, /dev/shm and work folder (default ${defaultLimits.tmpMb})
  --output-mb M         output a submission may produce (default ${defaultLimits.outputMb})
  --unsafe-no-sandbox   grade without bubblewrap: ONLY for work you trust
  -h, --help            this text`;

function positiveNumber(values: Record<string, unknown>, flag: string, fallback: number): number {
  const raw = values[flag];
  const value = raw === undefined ? fallback : Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`--${flag} must be a positive number (got ${JSON.stringify(raw)})`);
  return value;
}

async function mergeMain(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.out || positionals.length === 0) {
    console.error(`grade merge: ${!values.out ? "--out is required" : "name the shard folders"}\n${HELP}`);
    return 2;
  }
  const { students, csv } = mergeShards(positionals, path.resolve(values.out));
  console.log(`grade merge: ${students} student(s) from ${positionals.length} shard(s) -> ${csv}`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "merge") {
    try {
      return await mergeMain(args.slice(1));
    } catch (error) {
      console.error(`grade merge: ${(error as Error).message}`);
      return 2;
    }
  }
  let options: GradeOptions;
  let submissions: Submission[];
  let shard: { index: number; count: number } | undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        release: { type: "string" },
        key: { type: "string" },
        instructor: { type: "string" },
        out: { type: "string" },
        jobs: { type: "string" },
        shard: { type: "string" },
        "cell-timeout": { type: "string" },
        "time-limit": { type: "string" },
        "memory-mb": { type: "string" },
        processes: { type: "string" },
        "tmp-mb": { type: "string" },
        "output-mb": { type: "string" },
        "unsafe-no-sandbox": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.release || positionals.length === 0) throw new Error(`${!values.release ? "--release is required" : "no submissions given"}\n${HELP}`);
    const releaseText = fs.readFileSync(values.release, "utf8");
    const release = parseManifest(releaseText, values.release);
    const keyFile = values.key ?? keyPathFor(values.release);
    const key = readReleaseKey(keyFile, values.key !== undefined);
    const instructorPath = values.instructor ?? path.resolve(repoRoot, release.instructorNotebook);
    const instructor = readNotebook(instructorPath);
    const instructorCells = verifyInstructor(release, instructor, key, path.basename(instructorPath));
    const limits: Limits = {
      cellSeconds: positiveNumber(values, "cell-timeout", defaultLimits.cellSeconds),
      timeLimitSeconds: positiveNumber(values, "time-limit", defaultLimits.timeLimitSeconds),
      memoryMb: positiveNumber(values, "memory-mb", defaultLimits.memoryMb),
      processes: Math.floor(positiveNumber(values, "processes", defaultLimits.processes)),
      tmpMb: positiveNumber(values, "tmp-mb", defaultLimits.tmpMb),
      outputMb: positiveNumber(values, "output-mb", defaultLimits.outputMb),
    };
    const plan = planSandbox(repoRoot, values["unsafe-no-sandbox"] === true, limits);
    if (isRefusal(plan)) throw new Error(`refusing to grade untrusted work: ${plan.problem}.\n  Fix: ${plan.fix}`);
    const outDir = path.resolve(values.out ?? path.join(gradesDir, release.notebook.replace(/\.ipynb$/, "")));
    const files = collectSubmissions(positionals);
    assertOutsideBinds(plan, [
      { label: "the instructor notebook", file: instructorPath },
      { label: "the release manifest", file: values.release },
      { label: "the release key", file: keyFile },
      { label: "the output folder", file: outDir },
      ...files.map((file) => ({ label: "the submission", file })),
    ]);
    if (values.shard !== undefined) {
      const match = /^(\d+)\/(\d+)$/.exec(values.shard);
      if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) throw new Error(`--shard must be I/N with 1 <= I <= N (got ${JSON.stringify(values.shard)})`);
      shard = { index: Number(match[1]), count: Number(match[2]) };
    }
    const all = assignIds(files, release.notebook);
    submissions = shard ? shardOf(all, shard.index, shard.count) : all;
    const jobs = Math.floor(positiveNumber(values, "jobs", cpuCount()));
    options = {
      release,
      releaseHash: createHash("sha256").update(releaseText).digest("hex"),
      instructorCells,
      instructorMetadata: instructor.metadata,
      outDir,
      plan,
      limits,
      jobs,
    };
    if (jobs * limits.memoryMb > os.totalmem() / 1048576) console.warn(`grade: warning: ${jobs} jobs x ${limits.memoryMb} MB is more than this machine's ${Math.round(os.totalmem() / 1048576)} MB; lower --jobs or --memory-mb`);
  } catch (error) {
    console.error(`grade: ${(error as Error).message}`);
    return 2;
  }
  console.log(`grade: ${options.release.notebook}: ${submissions.length} submission(s)${shard ? ` (shard ${shard.index}/${shard.count})` : ""}, ${options.jobs} at a time`);
  for (const [what, how] of Object.entries(describeLimits(options.plan, options.limits))) console.log(`  ${what}: ${how}`);
  const reports = await gradeBatch(submissions, options, progressReporter(submissions.length, options.jobs), shard);
  const shown = path.relative(process.cwd(), options.outDir) || options.outDir;
  console.log(`grade: ${reports.length} submission(s); class CSV: ${path.join(shown, "class.csv")}, reports/ and feedback/ beside it`);
  return 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
