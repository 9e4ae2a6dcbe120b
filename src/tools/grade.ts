/**
 * `npm run grade -- --release build/assignments/<name>.release.json [options] <submissions...>`:
 * grades student notebooks headless. For each submission: check it is a notebook, compare each
 * protected test cell with the release checksum (an edited one is reported and the original put
 * back), put the hidden tests back, execute it through the tslab kernel (runNotebook, notebook
 * fed on stdin so the hidden tests are never a file in the scratch folder where the kernel
 * runs), score each exercise and write a JSON report, a markdown feedback file and a class CSV.
 * One bad submission never stops the batch; the reason goes in its report.
 *
 * Options: --instructor NB (default: the manifest's instructorNotebook), --out DIR (default
 * build/grades/<name>), --cell-timeout S (60), --time-limit S per submission (600),
 * --memory-mb M for the kernel's JS heap (1024). Submissions may be files or folders
 * (every .ipynb inside); the student id is the file name, or the folder name when the file
 * keeps the assignment's name (submissions/alice/<name>.ipynb -> alice).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  BEGIN_HIDDEN,
  parseNotebook,
  readNotebook,
  sha256,
  sourceOf,
  studentSource,
  toSourceLines,
  type Cell,
  type Notebook,
  type ReleaseManifest,
} from "./assignment";
import { inspectExecutedNotebook, runNotebook } from "./course";
import { findJupyter, installInstructions, kernelProblem, type JupyterInstall } from "./jupyter";
import { repoRoot } from "./linkPackage";

export const gradesDir = path.join(repoRoot, "build", "grades");
/** Scratch folders live inside the repository so the kernel finds node_modules (seqlab, @types). */
export const scratchRoot = path.join(gradesDir, ".scratch");

export interface GradeOptions {
  release: ReleaseManifest;
  instructor: Notebook;
  outDir: string;
  jupyter: JupyterInstall;
  cellTimeoutSeconds: number;
  timeLimitSeconds: number;
  memoryMb: number;
}

export interface ExerciseResult {
  id: string;
  points: number;
  earned: number;
  /** Why points were lost: error name and message only (never hidden test source). */
  messages: string[];
}

export interface StudentReport {
  student: string;
  submission: string;
  notebook: string;
  /** graded: executed to the end; partial: stopped early (timeouts, dead kernel), graded for what ran; invalid: not a notebook. */
  status: "graded" | "partial" | "invalid" | "error";
  score: number;
  maxScore: number;
  exercises: ExerciseResult[];
  /** Problems with the submission as a whole (edited test cells, timeouts, crashes). */
  notes: string[];
  seconds: number;
  gradedAt: string;
}

const TAG = "// seqlab-grade-cell ";
const firstLine = (text: string, max = 200) => {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? line.slice(0, max) + "…" : line;
};

/** Checks that the instructor notebook still matches the release; throws if it changed since. */
export function checkInstructor(release: ReleaseManifest, instructor: Notebook): void {
  for (const [id, expected] of Object.entries(release.cells)) {
    const cell = instructor.cells.find((c) => c.id === id);
    if (!cell) throw new Error(`the instructor notebook has no cell ${id} from the release; regenerate the release with npm run assign`);
    const released = studentSource(sourceOf(cell), { exercise: expected.exercise, role: expected.role }, `instructor cell ${id}`);
    if (sha256(released) !== expected.sha256) throw new Error(`instructor cell ${id} changed since the release was made; grade with the notebook the release came from`);
  }
}

/** Student id from a submission path: the file name, or its folder when it keeps the assignment's name. */
export function studentId(file: string, notebookName: string): string {
  const base = path.basename(file);
  const raw = base === notebookName ? path.basename(path.dirname(path.resolve(file))) : base.replace(/\.ipynb$/, "");
  return raw.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^\.+/, "") || "student";
}

/** Kills processes this grader started for one run (kernels left behind by a killed nbconvert), found by a token in their environment. */
function killStrays(token: string): void {
  let pids: string[] = [];
  try {
    pids = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return; // not Linux: nothing to scan
  }
  for (const pid of pids) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`SEQLAB_GRADE_RUN=${token}`)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already, or not ours to read
    }
  }
}

/** The notebook to execute: the submission with protected cells restored and hidden tests put back. */
function buildGradedNotebook(submission: Notebook, options: GradeOptions, notes: string[], missing: Set<string>): Notebook {
  const { release, instructor } = options;
  const seen = new Set<string>();
  const cells: Cell[] = submission.cells.map((original, index) => {
    const cell: Cell = { ...original, metadata: { ...original.metadata } };
    if (cell.id === undefined || seen.has(cell.id)) cell.id = `cell-${index + 1}-${randomBytes(3).toString("hex")}`;
    seen.add(cell.id);
    const expected = release.cells[cell.id];
    if (expected && expected.role !== "solution") {
      const source = sourceOf(cell);
      const instructorCell = instructor.cells.find((c) => c.id === cell.id)!;
      // The released text, or the instructor's own (grading the instructor notebook itself), is not an edit.
      if (sha256(source) !== expected.sha256 && source !== sourceOf(instructorCell)) {
        notes.push(`The ${expected.role} cell of "${expected.exercise}" (${cell.id}) was edited; the original was put back before grading.`);
      }
      cell.cell_type = "code";
      cell.source = instructorCell.source;
    }
    return cell;
  });
  for (const [id, expected] of Object.entries(release.cells)) {
    if (seen.has(id)) continue;
    if (expected.role === "solution") notes.push(`The solution cell of "${expected.exercise}" (${id}) is missing.`);
    else {
      notes.push(`The ${expected.role} cell of "${expected.exercise}" (${id}) was deleted, so that exercise cannot be scored.`);
      missing.add(expected.exercise);
    }
  }
  cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    cell.outputs = [];
    cell.execution_count = null;
    cell.source = toSourceLines(`${sourceOf(cell).replace(/\s+$/, "")}\n${TAG}${index}`);
  });
  return { ...submission, cells, metadata: { ...submission.metadata, kernelspec: instructor.metadata.kernelspec } };
}

function emptyReport(file: string, student: string, release: ReleaseManifest): StudentReport {
  return {
    student,
    submission: path.relative(repoRoot, path.resolve(file)) || file,
    notebook: release.notebook,
    status: "graded",
    score: 0,
    maxScore: release.totalPoints,
    exercises: release.exercises.map((e) => ({ id: e.id, points: e.points, earned: 0, messages: [] })),
    notes: [],
    seconds: 0,
    gradedAt: new Date().toISOString(),
  };
}

/** Grades one submission; never throws: whatever goes wrong ends up in the report. */
export function gradeSubmission(file: string, student: string, options: GradeOptions): StudentReport {
  const { release } = options;
  const report = emptyReport(file, student, release);
  const started = Date.now();
  const log: string[] = [];
  try {
    gradeInto(report, file, options, log);
  } catch (error) {
    report.status = "error";
    report.notes.push(`The grader could not grade this submission: ${(error as Error).message}`);
    report.exercises.forEach((e) => (e.earned = 0));
  }
  report.score = report.exercises.reduce((sum, e) => sum + e.earned, 0);
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  writeReport(report, options.outDir, log);
  return report;
}

function gradeInto(report: StudentReport, file: string, options: GradeOptions, log: string[]): void {
  const { release } = options;
  let submission: Notebook;
  try {
    submission = parseNotebook(fs.readFileSync(file, "utf8"), path.basename(file));
  } catch (error) {
    report.status = "invalid";
    report.notes.push(`Not gradable: ${(error as Error).message}.`);
    for (const e of report.exercises) e.messages.push("not graded: the submission is not a valid notebook");
    return;
  }
  const missing = new Set<string>();
  const graded = buildGradedNotebook(submission, options, report.notes, missing);
  const timedOut = new Map<string, string>(); // exercise -> message
  const deadline = Date.now() + options.timeLimitSeconds * 1000;
  const executedDir = path.join(options.outDir, "executed");
  let executedPath: string | undefined;
  for (let attempt = 1; attempt <= 4; attempt++) {
    const remaining = Math.floor((deadline - Date.now()) / 1000);
    if (remaining <= 0) break;
    const token = randomBytes(8).toString("hex");
    const scratch = path.join(scratchRoot, `${report.student}-${token}`);
    fs.mkdirSync(scratch, { recursive: true });
    const run = runNotebook(options.jupyter, `${report.student}.ipynb`, {
      source: JSON.stringify(graded),
      cwd: scratch,
      outputDir: executedDir,
      htmlOutputDir: null,
      cellTimeoutSeconds: options.cellTimeoutSeconds,
      timeoutSeconds: remaining,
      env: { NODE_OPTIONS: `--max-old-space-size=${options.memoryMb}`, SEQLAB_GRADE_RUN: token },
    });
    killStrays(token);
    fs.rmSync(scratch, { recursive: true, force: true });
    if (run.executedPath) {
      executedPath = run.executedPath;
      break;
    }
    // nbconvert stopped: find which cell timed out (its tag is in the preview), stub it and run again.
    log.push(`attempt ${attempt}: nbconvert stopped after ${run.seconds.toFixed(1)} s:\n${run.crash ?? ""}`);
    const crash = run.crash ?? "";
    const tagged = crash.includes("timed out") ? crash.match(/seqlab-grade-cell (\d+)/) : null;
    if (crash.startsWith("killed after the wall-clock limit")) {
      report.notes.push(`Grading was stopped after the time limit of ${options.timeLimitSeconds} s; nothing could be scored.`);
      break;
    }
    if (!tagged) {
      const reason = /DeadKernelError|Kernel died|kernel died/i.test(crash)
        ? "the kernel died (process.exit, a crash, or the memory limit)"
        : "the notebook could not be executed";
      report.notes.push(`Execution stopped: ${reason}; nothing could be scored.`);
      break;
    }
    const index = Number(tagged[1]);
    const cell = graded.cells[index];
    const expected = cell.id ? release.cells[cell.id] : undefined;
    const message = `Timeout: a cell ran longer than ${options.cellTimeoutSeconds} s and was stopped`;
    if (expected && expected.role !== "solution") {
      timedOut.set(expected.exercise, message);
      report.notes.push(`A test cell of "${expected.exercise}" ran longer than ${options.cellTimeoutSeconds} s (an endless loop?); that exercise scores 0 and the rest was graded.`);
      for (const c of graded.cells) {
        const e = c.id ? release.cells[c.id] : undefined;
        if (e && e.role !== "solution" && e.exercise === expected.exercise) c.source = toSourceLines(`// stopped by the grader: ${message}`);
      }
    } else {
      report.notes.push(`Cell ${index + 1} ran longer than ${options.cellTimeoutSeconds} s (an endless loop?) and was stopped; the rest was graded.`);
      cell.source = toSourceLines(`throw new Error(${JSON.stringify(`stopped by the grader: this cell ran longer than ${options.cellTimeoutSeconds} s`)});`);
    }
  }
  if (!executedPath) {
    report.status = "partial";
    for (const e of report.exercises) e.messages.push(timedOut.get(e.id) ?? "not scored: execution did not finish");
    return;
  }
  if (timedOut.size > 0) report.status = "partial";
  const executed = readNotebook(executedPath);
  const { failures, skipped } = inspectExecutedNotebook(executed);
  const cellIds = executed.cells.map((c) => c.id);
  for (const result of report.exercises) {
    const exercise = release.exercises.find((e) => e.id === result.id)!;
    if (timedOut.has(result.id)) result.messages.push(timedOut.get(result.id)!);
    if (missing.has(result.id)) result.messages.push("a test cell of this exercise was deleted");
    exercise.testCells.forEach((id, n) => {
      const position = cellIds.indexOf(id) + 1;
      if (position === 0 || timedOut.has(result.id)) return;
      const instructorSource = sourceOf(options.instructor.cells.find((c) => c.id === id)!);
      const hidden = release.cells[id].role === "hidden-tests" || instructorSource.includes(BEGIN_HIDDEN);
      const label = `${release.cells[id].role === "hidden-tests" ? "hidden" : "visible"} test cell ${n + 1}`;
      for (const failure of failures.filter((f) => f.cell === position)) {
        // Hidden tests: the error's name and the first line of its message only, never the source or traceback.
        result.messages.push(`${label}: ${failure.ename}: ${hidden ? firstLine(failure.evalue) : firstLine(failure.evalue, 500)}`);
      }
      if (skipped.includes(position)) result.messages.push(`${label}: was not executed`);
    });
    for (const id of exercise.solutionCells) {
      const position = cellIds.indexOf(id) + 1;
      for (const failure of failures.filter((f) => f.cell === position)) report.notes.push(`The solution cell of "${result.id}" raised ${failure.ename}: ${firstLine(failure.evalue, 500)}`);
    }
    result.earned = result.messages.length === 0 ? result.points : 0;
  }
}

function writeReport(report: StudentReport, outDir: string, log: string[]): void {
  const write = (sub: string, ext: string, text: string) => {
    fs.mkdirSync(path.join(outDir, sub), { recursive: true });
    fs.writeFileSync(path.join(outDir, sub, `${report.student}.${ext}`), text);
  };
  write("reports", "json", JSON.stringify(report, null, 2) + "\n");
  write("feedback", "md", feedbackMarkdown(report));
  if (log.length > 0) write("logs", "log", log.join("\n\n") + "\n"); // instructor-only: may quote hidden test source
}

/** Readable feedback for the student: scores, error names and messages, never hidden test source. */
export function feedbackMarkdown(report: StudentReport): string {
  const lines = [
    `# ${report.notebook}: feedback for ${report.student}`,
    "",
    `**Score: ${report.score} / ${report.maxScore}**${report.status === "graded" ? "" : ` (${report.status})`}`,
    "",
    "| exercise | points | result |",
    "| --- | ---: | --- |",
    ...report.exercises.map((e) => `| ${e.id} | ${e.earned} / ${e.points} | ${e.messages.length === 0 ? "passed" : e.messages.map((m) => m.replace(/\|/g, "\\|")).join("<br>")} |`),
  ];
  if (report.notes.length > 0) lines.push("", "## Notes", "", ...report.notes.map((n) => `- ${n}`));
  return lines.join("\n") + "\n";
}

const csvCell = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** The class CSV: one row per student, one column per exercise, total, status and notes. */
export function classCsv(release: ReleaseManifest, reports: StudentReport[]): string {
  const header = ["student", ...release.exercises.map((e) => `${e.id} (${e.points})`), `total (${release.totalPoints})`, "status", "notes"];
  const rows = reports.map((r) => [r.student, ...r.exercises.map((e) => e.earned), r.score, r.status, r.notes.join(" ")]);
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

/** Grades a batch and writes class.csv; returns the reports in order. */
export function gradeBatch(files: string[], options: GradeOptions, onReport?: (report: StudentReport) => void): StudentReport[] {
  const reports: StudentReport[] = [];
  const used = new Set<string>();
  for (const file of files) {
    let student = studentId(file, options.release.notebook);
    for (let n = 2; used.has(student); n++) student = `${studentId(file, options.release.notebook)}-${n}`;
    used.add(student);
    const report = gradeSubmission(file, student, options);
    reports.push(report);
    onReport?.(report);
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  fs.writeFileSync(path.join(options.outDir, "class.csv"), classCsv(options.release, reports));
  try {
    fs.rmdirSync(scratchRoot); // only when empty: another grading run may be using it
  } catch {
    // not empty or not there
  }
  return reports;
}

/** Files and folders on the command line -> submission files (every .ipynb in a folder, checkpoints skipped). */
export function collectSubmissions(args: string[]): string[] {
  const files: string[] = [];
  const walk = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry).sort()) if (child !== ".ipynb_checkpoints") walk(path.join(entry, child));
    } else if (entry.endsWith(".ipynb") || args.includes(entry)) files.push(entry);
  };
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new Error(`submission not found: ${arg}`);
    walk(arg);
  }
  return files;
}

function main(args: string[]): number {
  const usage = "usage: npm run grade -- --release build/assignments/<name>.release.json [--instructor NB] [--out DIR] [--cell-timeout S] [--time-limit S] [--memory-mb M] <submissions...>";
  const flags: Record<string, string> = {};
  const submissions: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : null;
    if (name === null) submissions.push(args[i]);
    else if (!["release", "instructor", "out", "cell-timeout", "time-limit", "memory-mb"].includes(name) || args[i + 1] === undefined) {
      console.error(`grade: bad option ${args[i]}\n${usage}`);
      return 2;
    } else flags[name] = args[++i];
  }
  if (!flags.release || submissions.length === 0) {
    console.error(`grade: ${!flags.release ? "--release is required" : "no submissions given"}\n${usage}`);
    return 2;
  }
  let options: GradeOptions;
  let files: string[];
  try {
    const release = JSON.parse(fs.readFileSync(flags.release, "utf8")) as ReleaseManifest;
    const instructorPath = flags.instructor ?? path.resolve(repoRoot, release.instructorNotebook);
    const instructor = readNotebook(instructorPath);
    checkInstructor(release, instructor);
    const jupyter = findJupyter();
    if (!jupyter) throw new Error(`Jupyter (nbconvert, nbclient, jupyter_client) was not found.\n${installInstructions()}`);
    const problem = kernelProblem();
    if (problem) throw new Error(problem);
    const number = (flag: string, fallback: number) => {
      const value = flags[flag] === undefined ? fallback : Number(flags[flag]);
      if (!(value > 0)) throw new Error(`--${flag} must be a positive number`);
      return value;
    };
    options = {
      release,
      instructor,
      jupyter,
      outDir: path.resolve(flags.out ?? path.join(gradesDir, release.notebook.replace(/\.ipynb$/, ""))),
      cellTimeoutSeconds: number("cell-timeout", 60),
      timeLimitSeconds: number("time-limit", 600),
      memoryMb: number("memory-mb", 1024),
    };
    files = collectSubmissions(submissions);
  } catch (error) {
    console.error(`grade: ${(error as Error).message}`);
    return 2;
  }
  const reports = gradeBatch(files, options, (r) => console.log(`grade: ${r.student}: ${r.score} / ${r.maxScore} (${r.status}, ${r.seconds} s)${r.notes.length ? " - " + r.notes.join(" ") : ""}`));
  const shown = path.relative(process.cwd(), options.outDir) || options.outDir;
  console.log(`grade: ${reports.length} submission(s); class CSV: ${path.join(shown, "class.csv")}, reports/ and feedback/ beside it`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
