/**
 * Grades one submission: `node dist/tools/grading/harness.js`, started by `grade` with the job on
 * stdin; the result goes to file descriptor 3. The harness is trusted: it never runs student code.
 *
 * It walks the graded notebook in order. A student cell is sent to the agent in the sandbox
 * (agent.ts) and runs there. A test cell runs here, in a worker thread (testWorker.ts), with the
 * solution names bound to calls into the sandbox; its verdict is decided here.
 *
 * When a student cell or a call runs past its time, or the sandbox dies (process.exit, a limit,
 * a crash, a broken reply), the sandbox is killed with everything it started, a fresh one is
 * started and the student cells before this point are run again, without the cells that stopped;
 * then grading goes on. At most MAX_STARTS sandboxes per submission; the rest is "not run".
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MessageChannel, Worker } from "worker_threads";
import { readNotebook, type Cell, type Notebook, type Output } from "../notebook";
import type { SolutionName } from "./names";
import type { MarkedCell, ReleaseManifest } from "./release";
import { buildGradedNotebook } from "./submission";
import { isWellFormedReply, LineSplitter, type Reply, type RequestBody } from "./protocol";
import { SANDBOX_LAUNCH_PATH, SandboxCgroup, sandboxCommand, sandboxEnvironment, type Limits, type SandboxPlan } from "./sandbox";
import type { CallAnswer, FailureKind, WorkerTest, WorkerVerdict } from "./testWorker";
import type { Tagged } from "./values";

/** Why a sandbox was stopped. */
export type StopReason = "cell-timeout" | "memory" | "processes" | "output" | "exited" | "protocol" | "time-limit" | "start-failed";

export const STOP_REASONS: Record<StopReason, string> = {
  "cell-timeout": "ran past the time limit for one cell",
  memory: "used more memory than the limit",
  processes: "started more processes than the limit",
  output: "printed more output than the limit",
  exited: "ended the kernel process (process.exit, a crash or a signal)",
  protocol: "interfered with the grader's channel",
  "time-limit": "ran past the time limit for the whole submission",
  "start-failed": "could not be started",
};

export interface GradedStudentCell {
  kind: "student";
  cell: Cell;
  /** Position in the submission (1-based), for messages. */
  position: number;
}

export interface GradedTestCell {
  kind: "test";
  cell: Cell;
  cellId: string;
  exercise: string;
  hidden: boolean;
  /** The instructor's source, marker lines removed. */
  code: string;
}

export type GradedCell = GradedStudentCell | GradedTestCell;

export interface HarnessJob {
  student: string;
  runId: string;
  sequence: GradedCell[];
  solutionNames: SolutionName[];
  plan: SandboxPlan;
  limits: Limits;
}

/**
 * What `grade` hands a harness process: the submission's file, not its contents, so that
 * reading and parsing an untrusted notebook (however large or odd) can cost only this process.
 */
export interface SubmissionJob {
  student: string;
  runId: string;
  file: string;
  release: ReleaseManifest;
  instructorCells: MarkedCell[];
  plan: SandboxPlan;
  limits: Limits;
}

export type SubmissionResult =
  | { invalid: string }
  | (HarnessResult & { notes: string[]; solutionPositions: Record<string, number> });

/** Submissions with more cells than this are refused as invalid (no course notebook has 100). */
export const MAX_CELLS = 5000;

/** Reads, checks and grades one submission file (see SubmissionJob). */
export async function gradeSubmissionFile(job: SubmissionJob): Promise<SubmissionResult> {
  let notebook: Notebook;
  try {
    notebook = readNotebook(job.file);
  } catch (error) {
    return { invalid: (error as Error).message };
  }
  if (notebook.cells.length > MAX_CELLS) return { invalid: `the notebook has ${notebook.cells.length} cells; more than ${MAX_CELLS} are refused` };
  const graded = buildGradedNotebook(notebook, job.release, job.instructorCells);
  const result = await gradeJob({ student: job.student, runId: job.runId, sequence: graded.sequence, solutionNames: job.release.solutionNames, plan: job.plan, limits: job.limits });
  return { ...result, notes: graded.notes, solutionPositions: graded.solutionPositions };
}

export interface TestOutcome {
  cellId: string;
  exercise: string;
  passed: boolean;
  kind?: FailureKind | "not-run";
  reason?: StopReason;
  /** Instructor-only. */
  detail?: string;
}

export interface StudentCellOutcome {
  position: number;
  status: "ok" | "error" | "stopped" | "not-run";
  reason?: StopReason;
  /**
   * The cell comes after a hidden test: it may know the hidden inputs, so whether and where it
   * was stopped could spell them out; reports say only that some cell after the hidden tests was.
   */
  afterHidden?: true;
}

export interface HarnessResult {
  tests: TestOutcome[];
  cells: StudentCellOutcome[];
  /** The graded notebook's cells with their outputs (instructor-only: holds the hidden tests). */
  executed: Cell[];
  sandboxStarts: number;
  /** Instructor-only log: what the sandbox printed outside cells, errors, test details. */
  log: string;
}

const MAX_STARTS = 4;
const START_TIMEOUT_MS = 60_000;
const LOG_BYTES_PER_SANDBOX = 16 * 1024;
const MAX_LOG_CHARS = 256 * 1024;

type Fatal = { fatal: StopReason };
const isFatal = (value: unknown): value is Fatal => typeof value === "object" && value !== null && "fatal" in value;

/** The processes under `root` (itself included), from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

/** Resident memory (bytes) and threads of processes, from /proc. */
function usage(pids: number[]): { rss: number; tasks: number } {
  let rss = 0;
  let tasks = 0;
  for (const pid of pids) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      tasks += Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 1);
    } catch {
      // gone
    }
  }
  return { rss, tasks };
}

/** Sandboxes not yet ended, so an orphaned harness can take them down with it (see the end of this file). */
const liveSandboxes = new Set<Sandbox>();

/** One sandbox with the agent in it, and the requests to it. */
class Sandbox {
  stopped: StopReason | null = null;
  private readonly child: ChildProcess;
  private readonly cgroup: SandboxCgroup | null;
  private readonly scratch: string | null;
  private pending: { id: number; op: string; resolve: (reply: Reply | Fatal) => void; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private bytes = 0;
  private logged = 0;
  private watchdog: NodeJS.Timeout | null = null;
  readonly exited: Promise<void>;

  constructor(
    private readonly job: HarnessJob,
    number: number,
    private readonly log: (text: string) => void,
  ) {
    const { plan, limits } = job;
    this.cgroup = plan.cgroup ? new SandboxCgroup(plan.cgroup, `seqlab-grade-${job.runId}-${number}`, limits) : null;
    // Without bubblewrap the agent runs in a scratch folder inside the repository, so "seqlab" resolves.
    const scratchParent = path.join(plan.repoRoot, "build", "grades");
    if (plan.kind === "none") fs.mkdirSync(scratchParent, { recursive: true });
    this.scratch = plan.kind === "none" ? fs.mkdtempSync(path.join(scratchParent, ".scratch-")) : null;
    const agent = path.join(__dirname, "agent.js");
    const { command, args } = sandboxCommand(plan, limits, agent, this.cgroup?.procsFiles ?? []);
    this.child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      cwd: this.scratch ?? "/",
      // bwrap's own environment shows in the sandbox's /proc/1/environ: a fixed one, not the grader's.
      env: plan.kind === "none" ? { ...sandboxEnvironment(plan, limits), HOME: this.scratch!, PATH: process.env.PATH ?? "/usr/bin:/bin" } : { PATH: SANDBOX_LAUNCH_PATH },
      detached: plan.kind === "none", // its own process group, killed as a whole
    });
    this.child.stdin!.on("error", () => {}); // writing to a dead sandbox: its exit is handled below
    const count = (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.bytes > limits.outputMb * 1024 * 1024) this.kill("output");
    };
    for (const [name, stream] of [["stdout", this.child.stdout!], ["stderr", this.child.stderr!]] as const) {
      stream.on("data", (chunk: Buffer) => {
        count(chunk);
        if (this.logged < LOG_BYTES_PER_SANDBOX) {
          this.log(`[sandbox ${number} ${name}] ${chunk.subarray(0, LOG_BYTES_PER_SANDBOX - this.logged).toString("utf8")}`);
          this.logged += chunk.length;
        }
      });
    }
    const splitter = new LineSplitter((line) => this.onReply(line), () => this.kill("output"), limits.outputMb * 1024 * 1024);
    (this.child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      count(chunk);
      if (!this.stopped) splitter.push(chunk);
    });
    liveSandboxes.add(this);
    this.exited = new Promise((resolve) =>
      this.child.on("close", (code, signal) => {
        liveSandboxes.delete(this);
        if (this.watchdog) clearInterval(this.watchdog);
        if (!this.stopped) {
          this.stopped = this.cgroup?.memoryKilled() ? "memory" : "exited";
          this.log(`[sandbox ${number}] ended by itself (exit ${code ?? signal}): ${STOP_REASONS[this.stopped]}`);
        }
        this.settle({ fatal: this.stopped });
        this.cgroup?.destroy();
        if (this.scratch) fs.rmSync(this.scratch, { recursive: true, force: true });
        resolve();
      }),
    );
    if (!plan.cgroup) this.watchdog = setInterval(() => this.watch(), 100);
  }

  /** Without cgroups: the watchdog adds up the sandbox's memory and threads, and stops it past the limits. */
  private watch(): void {
    if (this.child.pid === undefined || this.stopped) return;
    const { rss, tasks } = usage(descendants(this.child.pid));
    if (rss > this.job.limits.memoryMb * 1024 * 1024) this.kill("memory");
    else if (tasks > this.job.limits.processes) this.kill("processes");
  }

  private onReply(line: string): void {
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      return this.kill("protocol");
    }
    // Only a well-formed answer to the one request we wait for is taken; anything else is interference.
    if (!this.pending || !isWellFormedReply(reply, this.pending.op, this.pending.id)) return this.kill("protocol");
    this.settle(reply);
  }

  private settle(result: Reply | Fatal): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  /** Waits for the agent to say it is ready. */
  ready(timeoutMs: number): Promise<Reply | Fatal> {
    return this.await(0, "ready", timeoutMs, "start-failed");
  }

  request(request: RequestBody, timeoutMs: number): Promise<Reply | Fatal> {
    const id = this.nextId++;
    const answer = this.await(id, request.op, timeoutMs, "cell-timeout");
    if (!this.stopped) this.child.stdin!.write(JSON.stringify({ ...request, id }) + "\n");
    return answer;
  }

  private await(id: number, op: string, timeoutMs: number, onTimeout: StopReason): Promise<Reply | Fatal> {
    if (this.stopped) return Promise.resolve({ fatal: this.stopped });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(onTimeout), Math.max(1, timeoutMs));
      this.pending = { id, op, resolve, timer };
    });
  }

  /** Kills the sandbox and removes its cgroups now, synchronously (the harness is about to exit). */
  abandon(): void {
    this.kill("exited");
    this.cgroup?.destroy();
    if (this.scratch) fs.rmSync(this.scratch, { recursive: true, force: true });
  }

  /** Stops the sandbox and everything it started. */
  kill(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    try {
      if (this.job.plan.kind === "none" && this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
      else this.child.kill("SIGKILL"); // bwrap: its PID namespace and everything in it go with it
    } catch {
      // already gone
    }
    this.settle({ fatal: reason });
  }
}

/** Runs test cells in a worker thread; the worker asks for calls into the sandbox through us. */
class TestRunner {
  private worker: Worker | null = null;
  private shared = new SharedArrayBuffer(4);
  private channel: MessageChannel | null = null;

  private start(): Worker {
    this.channel = new MessageChannel();
    this.shared = new SharedArrayBuffer(4);
    const worker = new Worker(path.join(__dirname, "testWorker.js"));
    worker.postMessage({ op: "init", shared: this.shared, replies: this.channel.port2 }, [this.channel.port2]);
    worker.unref();
    return worker;
  }

  run(test: GradedTestCell, names: SolutionName[], repoRoot: string, sandbox: Sandbox, timeoutMs: number): Promise<WorkerVerdict & { stoppedBy?: StopReason }> {
    const worker = (this.worker ??= this.start());
    const deadline = Date.now() + timeoutMs;
    let stoppedBy: StopReason | undefined;
    return new Promise((resolve) => {
      let done = false;
      const finish = (verdict: WorkerVerdict) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        // Fail closed: a test during which the sandbox was stopped never passes.
        resolve(stoppedBy ? { ...verdict, passed: false, kind: stoppedBy === "cell-timeout" ? "timed-out" : "stopped", stoppedBy } : verdict);
      };
      const replace = () => {
        void worker.terminate();
        this.worker = null;
      };
      const timer = setTimeout(() => {
        stoppedBy ??= "cell-timeout";
        sandbox.kill("cell-timeout"); // a call may still be running in there
        replace();
        finish({ passed: false, kind: "timed-out", printed: "" });
      }, timeoutMs);
      const onError = (error: Error) => {
        replace();
        finish({ passed: false, kind: "wrong-value", detail: `the test worker failed: ${error.message}`, printed: "" });
      };
      const onMessage = async (message: { op: "call" | "get"; name: string; args: unknown[] } | { op: "done"; verdict: WorkerVerdict }) => {
        if (message.op === "done") return finish(message.verdict);
        const remaining = Math.max(1, deadline - Date.now());
        const request: RequestBody = message.op === "call" ? { op: "call", name: message.name, args: message.args as Tagged[], timeoutMs: remaining } : { op: "get", name: message.name };
        const reply = await sandbox.request(request, remaining + 2000);
        let answer: CallAnswer;
        if (isFatal(reply)) {
          stoppedBy ??= reply.fatal;
          answer = { ok: false, kind: reply.fatal === "cell-timeout" ? "timed-out" : "stopped" };
        } else if (reply.op === "exec" || reply.op === "ready") answer = { ok: false, kind: "stopped" };
        else answer = reply.ok ? { ok: true, value: reply.value } : { ok: false, kind: reply.kind, error: reply.error };
        if (done) return;
        try {
          this.channel!.port1.postMessage(answer);
        } catch {
          // A value the structured clone cannot copy (nested deeper than its stack): not data a test can check.
          this.channel!.port1.postMessage({ ok: false, kind: "unreadable" } satisfies CallAnswer);
        }
        const view = new Int32Array(this.shared);
        Atomics.store(view, 0, 1);
        Atomics.notify(view, 0);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      const job: WorkerTest = { op: "test", code: test.code, label: `${test.hidden ? "hidden" : "visible"} test ${test.cellId}`, names, timeoutMs, repoRoot };
      worker.postMessage(job);
    });
  }

  close(): void {
    void this.worker?.terminate();
  }
}

const errorOutput = (ename: string, evalue: string): Output => ({ output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] });

/**
 * An output from the sandbox as the executed notebook will hold it: the sandbox's to forge, so one
 * that cannot be written back (nested deeper than JSON.stringify goes) becomes a note instead of
 * failing the whole result.
 */
function storable(output: Output): Output {
  try {
    JSON.stringify(output);
    return output;
  } catch {
    return { output_type: "stream", name: "stderr", text: "[grader] an output that could not be stored was dropped\n" };
  }
}

/** A cell's error from the sandbox, as text fields only (never its other fields or nested values). */
function errorOutputFrom(error: unknown): Output & { ename: string; evalue: string } {
  const info = error as { ename?: unknown; evalue?: unknown; traceback?: unknown };
  const ename = typeof info.ename === "string" ? info.ename : "Error";
  const evalue = typeof info.evalue === "string" ? info.evalue : "";
  const traceback = Array.isArray(info.traceback) ? info.traceback.filter((line): line is string => typeof line === "string").slice(0, 200) : [];
  return { output_type: "error", ename, evalue, traceback };
}

/** Grades one submission (see the file comment). */
export async function gradeJob(job: HarnessJob): Promise<HarnessResult> {
  const { sequence, limits } = job;
  const deadline = Date.now() + limits.timeLimitSeconds * 1000;
  const timeLeft = () => deadline - Date.now();
  const cellTime = () => Math.max(1, Math.min(limits.cellSeconds * 1000, timeLeft()));
  const logLines: string[] = [];
  let logChars = 0;
  const log = (text: string) => {
    if (logChars > MAX_LOG_CHARS) return;
    logLines.push(text.length > 8000 ? text.slice(0, 8000) + "…" : text);
    logChars += text.length;
  };
  const executed: Cell[] = sequence.map((item) => ({ ...item.cell, outputs: [], execution_count: null }));
  const cells: StudentCellOutcome[] = [];
  const tests: TestOutcome[] = [];
  const skipped = new Set<number>();
  const runner = new TestRunner();
  let sandbox: Sandbox | null = null;
  let starts = 0;
  let lastStop: StopReason = "start-failed";
  const stopReason = (reason: StopReason): StopReason => (reason === "cell-timeout" && timeLeft() <= 0 ? "time-limit" : reason);
  const firstHidden = sequence.findIndex((item) => item.kind === "test" && item.hidden);
  const outcome = (index: number, status: StudentCellOutcome["status"], reason?: StopReason): StudentCellOutcome => ({
    position: (sequence[index] as GradedStudentCell).position,
    status,
    ...(reason ? { reason } : {}),
    ...(firstHidden !== -1 && index > firstHidden ? { afterHidden: true as const } : {}),
  });

  /** A running sandbox with every student cell before `upTo` run in it (a fresh one when needed), or why there is none. */
  async function liveSandbox(upTo: number): Promise<Sandbox | StopReason> {
    for (;;) {
      if (sandbox && !sandbox.stopped) return sandbox;
      if (sandbox) await sandbox.exited;
      if (timeLeft() <= 0) return "time-limit";
      if (starts >= MAX_STARTS) return lastStop;
      let current: Sandbox;
      try {
        current = sandbox = new Sandbox(job, ++starts, log);
      } catch (error) {
        log(`[grader] sandbox ${starts} could not be started: ${(error as Error).message}`);
        sandbox = null;
        lastStop = "start-failed";
        continue;
      }
      const ready = await current.ready(Math.min(START_TIMEOUT_MS, timeLeft()));
      if (isFatal(ready)) {
        lastStop = ready.fatal === "memory" || ready.fatal === "output" ? ready.fatal : "start-failed";
        continue;
      }
      if (starts > 1) log(`[grader] sandbox ${starts}: running the student cells before cell ${upTo + 1} again`);
      let replayed = true;
      for (let j = 0; j < upTo && replayed; j++) {
        const item = sequence[j];
        if (item.kind !== "student" || item.cell.cell_type !== "code" || skipped.has(j)) continue;
        const reply = await current.request({ op: "exec", code: sourceText(item.cell), count: j + 1 }, cellTime());
        if (isFatal(reply)) {
          lastStop = stopReason(reply.fatal);
          skipped.add(j);
          cells[j] = outcome(j, "stopped", lastStop);
          replayed = false;
        }
      }
      if (replayed) return current;
    }
  }

  for (let i = 0; i < sequence.length; i++) {
    const item = sequence[i];
    if (item.kind === "student" && (item.cell.cell_type !== "code" || sourceText(item.cell).trim() === "")) continue;
    const live = await liveSandbox(i);
    if (item.kind === "student") {
      if (typeof live === "string") {
        cells[i] = outcome(i, "not-run", live);
        continue;
      }
      const reply = await live.request({ op: "exec", code: sourceText(item.cell), count: i + 1 }, cellTime());
      if (isFatal(reply)) {
        const reason = stopReason(reply.fatal);
        skipped.add(i);
        cells[i] = outcome(i, "stopped", reason);
        executed[i].outputs = [errorOutput("StoppedByGrader", `this cell ${STOP_REASONS[reason]}; it was stopped and skipped`)];
        log(`[grader] student cell ${item.position} ${STOP_REASONS[reason]}`);
        continue;
      }
      if (reply.op !== "exec") continue;
      executed[i].outputs = reply.outputs.slice(0, 500).map(storable);
      executed[i].execution_count = i + 1;
      cells[i] = outcome(i, reply.ok ? "ok" : "error");
      if (!reply.ok && reply.error) {
        const error = errorOutputFrom(reply.error);
        executed[i].outputs!.push(error);
        log(`[grader] student cell ${item.position} raised ${error.ename.slice(0, 100)}: ${error.evalue.split("\n")[0].slice(0, 500)}`);
      }
      continue;
    }
    if (typeof live === "string") {
      tests.push({ cellId: item.cellId, exercise: item.exercise, passed: false, kind: "not-run", reason: live });
      executed[i].outputs = [errorOutput("NotRun", `the sandbox ${STOP_REASONS[live]}`)];
      continue;
    }
    const verdict = await runner.run(item, job.solutionNames, job.plan.repoRoot, live, cellTime());
    tests.push({ cellId: item.cellId, exercise: item.exercise, passed: verdict.passed, kind: verdict.kind, reason: verdict.stoppedBy ? stopReason(verdict.stoppedBy) : undefined, detail: verdict.detail });
    executed[i].execution_count = i + 1;
    executed[i].outputs = [
      ...(verdict.printed ? [{ output_type: "stream", name: "stdout", text: verdict.printed + "\n" }] : []),
      verdict.passed ? { output_type: "stream", name: "stdout", text: "[grader] passed\n" } : errorOutput(`TestFailed (${verdict.kind})`, verdict.detail ?? verdict.kind ?? "failed"),
    ];
    if (!verdict.passed) log(`[grader] ${item.hidden ? "hidden" : "visible"} test ${item.cellId} of "${item.exercise}": ${verdict.kind}${verdict.detail ? ` - ${verdict.detail}` : ""}`);
  }
  runner.close();
  const last = sandbox as Sandbox | null;
  if (last) {
    last.kill("exited");
    await last.exited;
  }
  return { tests, cells: cells.filter(Boolean), executed, sandboxStarts: starts, log: logLines.join("\n") };
}

const sourceText = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

// As a process: the job on stdin, the result on file descriptor 3.
if (require.main === module) {
  // When the grader is gone (killed), no one will read the result: stop at once, and the sandbox
  // with us (bwrap --die-with-parent), rather than run on to --time-limit as an orphan.
  const grader = process.ppid;
  setInterval(() => {
    if (process.ppid === grader) return;
    for (const sandbox of liveSandboxes) sandbox.abandon();
    process.exit(1);
  }, 500).unref();
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => (input += chunk));
  process.stdin.on("end", async () => {
    const result = await gradeSubmissionFile(JSON.parse(input) as SubmissionJob);
    fs.createWriteStream("", { fd: 3 }).end(JSON.stringify(result), () => process.exit(0));
  });
}
