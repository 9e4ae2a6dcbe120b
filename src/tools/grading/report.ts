/**
 * Scores and what is written for people: the per-student report (gradebook JSON), the student's
 * feedback (markdown) and the class CSV.
 *
 * Feedback is built only from the release (exercise ids, points, which test cell) and fixed
 * words: which test failed and how (wrong value, threw, timed out, ...). No text that a
 * submission controls (error messages, printed output, returned values) ever reaches it, so
 * nothing the student's code saw - hidden test inputs included - can be passed back through it.
 */
import type { HarnessResult, StopReason, TestOutcome } from "./harness";
import { STOP_REASONS } from "./harness";
import type { ReleaseManifest } from "./release";

export type Verdict = NonNullable<TestOutcome["kind"]>;

export const VERDICTS: Record<Verdict, string> = {
  "wrong-value": "wrong value (a check on your result failed)",
  threw: "your code threw an error",
  missing: "your notebook does not define what this test uses",
  unreadable: "your function returned something the grader cannot check (a function, a class instance, a value that contains itself, or too much data)",
  "timed-out": "ran longer than the time limit",
  stopped: "stopped by a limit while your code ran",
  "not-run": "not run",
};

export interface TestReport {
  /** e.g. "visible test cell 1", "hidden test cell 2". */
  test: string;
  passed: boolean;
  kind?: Verdict;
  reason?: StopReason;
}

export interface ExerciseResult {
  id: string;
  points: number;
  earned: number;
  tests: TestReport[];
  /** Why points were lost, in fixed words. */
  messages: string[];
}

export interface StudentReport {
  student: string;
  submission: string;
  notebook: string;
  /** graded: every cell ran; partial: some cells were stopped or not run; invalid: not a notebook; error: the grader failed. */
  status: "graded" | "partial" | "invalid" | "error";
  score: number;
  maxScore: number;
  exercises: ExerciseResult[];
  /** Facts about the submission as a whole, in fixed words. */
  notes: string[];
  seconds: number;
  gradedAt: string;
  /** Which limits and isolation applied (see describeLimits). */
  sandbox: Record<string, string>;
}

export function emptyReport(student: string, submission: string, release: ReleaseManifest, sandbox: Record<string, string>): StudentReport {
  return {
    student,
    submission,
    notebook: release.notebook,
    status: "graded",
    score: 0,
    maxScore: release.totalPoints,
    exercises: release.exercises.map((e) => ({ id: e.id, points: e.points, earned: 0, tests: [], messages: [] })),
    notes: [],
    seconds: 0,
    gradedAt: new Date().toISOString(),
    sandbox,
  };
}

const describe = (test: TestReport) => `${test.test}: ${VERDICTS[test.kind ?? "not-run"]}${test.reason && test.kind !== "timed-out" ? ` (the code ${STOP_REASONS[test.reason]})` : ""}`;

/** Fills a report's scores from the harness result. Fail closed: a test cell without a "passed" verdict scores nothing. */
export function scoreReport(report: StudentReport, release: ReleaseManifest, result: HarnessResult, solutionPositions: Record<string, number>): void {
  for (const exercise of report.exercises) {
    const entry = release.exercises.find((e) => e.id === exercise.id)!;
    exercise.tests = entry.testCells.map((cellId, n) => {
      const outcome = result.tests.find((t) => t.cellId === cellId);
      const label = `${release.cells[cellId].role === "hidden-tests" ? "hidden" : "visible"} test cell ${n + 1}`;
      if (!outcome) return { test: label, passed: false, kind: "not-run" };
      if (outcome.passed === true) return { test: label, passed: true };
      // Only the fixed verdicts and stop reasons are ever written (never a word from elsewhere).
      const kind: Verdict = Object.prototype.hasOwnProperty.call(VERDICTS, outcome.kind ?? "not-run") ? (outcome.kind ?? "not-run") : "wrong-value";
      const reason = outcome.reason !== undefined && Object.prototype.hasOwnProperty.call(STOP_REASONS, outcome.reason) ? outcome.reason : undefined;
      return { test: label, passed: false, kind, reason };
    });
    exercise.messages = exercise.tests.filter((t) => !t.passed).map(describe);
    exercise.earned = exercise.tests.length > 0 && exercise.tests.every((t) => t.passed) ? exercise.points : 0;
  }
  const note = (text: string) => report.notes.includes(text) || report.notes.push(text);
  for (const cell of result.cells) {
    // After a hidden test a cell may know the hidden inputs: where it stopped (one of thousands of
    // cells, say) would spell them out, so only that some cell there stopped, and why, is said.
    const which = cell.afterHidden ? "A cell after the hidden tests" : `Cell ${cell.position}`;
    if (cell.status === "stopped") note(`${which} ${STOP_REASONS[cell.reason ?? "exited"]}; it was stopped and skipped, and the rest was graded.`);
    if (cell.status === "not-run") note(`${cell.afterHidden ? "Cells after the hidden tests were" : `Cell ${cell.position} was`} not run: the sandbox ${STOP_REASONS[cell.reason ?? "start-failed"]}.`);
  }
  const solutionErrors = new Set(result.cells.filter((c) => c.status === "error").map((c) => c.position));
  for (const [id, cell] of Object.entries(release.cells)) {
    if (cell.role !== "solution") continue;
    const position = solutionPositions[id];
    if (position !== undefined && solutionErrors.has(position)) report.notes.push(`The solution cell of "${cell.exercise}" (cell ${position}) raised an error when it ran; run your notebook to see it.`);
  }
  const incomplete = result.cells.some((c) => c.status === "stopped" || c.status === "not-run") || result.tests.some((t) => t.kind === "not-run" || t.kind === "stopped" || t.kind === "timed-out");
  if (incomplete) report.status = "partial";
  report.score = report.exercises.reduce((sum, e) => sum + e.earned, 0);
}

/** Readable feedback for the student (see the file comment for what it never contains). */
export function feedbackMarkdown(report: StudentReport): string {
  const lines = [
    `# ${report.notebook}: feedback for ${report.student}`,
    "",
    `**Score: ${report.score} / ${report.maxScore}**${report.status === "graded" ? "" : ` (${report.status})`}`,
    "",
    "| exercise | points | result |",
    "| --- | ---: | --- |",
    ...report.exercises.map((e) => `| ${e.id} | ${e.earned} / ${e.points} | ${e.messages.length === 0 ? "passed" : e.messages.join("<br>")} |`),
  ];
  if (report.notes.length > 0) lines.push("", "## Notes", "", ...report.notes.map((n) => `- ${n}`));
  return lines.join("\n") + "\n";
}

const csvCell = (value: string | number) => {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // a spreadsheet would run it as a formula
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function classCsv(release: Pick<ReleaseManifest, "totalPoints"> & { exercises: { id: string; points: number }[] }, reports: StudentReport[]): string {
  const header = ["student", ...release.exercises.map((e) => `${e.id} (${e.points})`), `total (${release.totalPoints})`, "status", "notes"];
  const rows = reports.map((r) => [r.student, ...r.exercises.map((e) => e.earned), r.score, r.status, r.notes.join(" ")]);
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}
