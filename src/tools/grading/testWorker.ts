/**
 * Runs the instructor's test cells in the grader's own process (a worker thread of the harness),
 * never in the student's. Each name a solution cell declares is bound to a proxy: calling it
 * sends the arguments, as plain data, to the student's kernel in the sandbox and blocks until
 * the result comes back as plain data (Atomics.wait on shared memory; the harness's main thread
 * does the talking). So `assert.deepStrictEqual(padEnd([1], 3), [1, 0, 0])` asserts, here, on
 * the value the student's function returned; nothing the student's code did to its own process
 * can reach this one.
 *
 * A test cell passes when its code finishes without throwing. The verdict kind says why not:
 * "threw" when the student's function threw, "missing" when the submission does not define it,
 * "unreadable" when its result could not be carried as data, "timed-out", "stopped" when the
 * sandbox was stopped during the call (a limit), or "wrong-value" for anything the test raised.
 */
import { createRequire } from "module";
import * as path from "path";
import * as vm from "vm";
import { parentPort, receiveMessageOnPort, type MessagePort } from "worker_threads";
import ts from "typescript";
import type { SolutionName } from "./names";
import { decode, encode, UnreadableValue } from "./values";

export type FailureKind = "wrong-value" | "threw" | "missing" | "unreadable" | "timed-out" | "stopped";

export interface WorkerTest {
  op: "test";
  code: string;
  label: string;
  names: SolutionName[];
  timeoutMs: number;
  repoRoot: string;
}

export interface WorkerVerdict {
  passed: boolean;
  kind?: FailureKind;
  /** Instructor-only detail (may quote values the student's code returned). */
  detail?: string;
  printed: string;
}

/** What the main thread answers to a call or get: the reply of the sandbox, or why there is none. */
export type CallAnswer = { ok: true; value: unknown } | { ok: false; kind: "threw" | "missing" | "unreadable" | "timed-out" | "stopped"; error?: { name: string; message: string } };

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
/** Errors thrown into test code for failed calls, with why the call failed. */
const studentErrors = new WeakMap<Error, FailureKind>();

/**
 * The error thrown into test code when a call into the student's kernel did not return a value:
 * with the student's error name and message, and an instance of the built-in class of that name
 * when there is one, so tests may check what the student's function threw as they would in the
 * notebook: assert.throws(() => clip([1], -1), /limit/) or assert.throws(..., RangeError).
 */
export function studentCallError(kind: FailureKind, name: string, message: string): Error {
  const Base = Object.prototype.hasOwnProperty.call(BUILTIN_ERRORS, name) ? BUILTIN_ERRORS[name] : Error;
  const error = new Base(message);
  error.name = name;
  studentErrors.set(error, kind);
  return error;
}

/** Why a call failed, when `error` is one of ours (test code may catch it and throw something else). */
export const failureOf = (error: unknown): FailureKind | undefined => (error instanceof Error ? studentErrors.get(error) : undefined);

let shared: Int32Array | null = null;
let replies: MessagePort | null = null;
let deadline = 0;

function askSandbox(op: "call" | "get", name: string, args: unknown[]): unknown {
  const encoded = args.map((arg) => encode(arg));
  Atomics.store(shared!, 0, 0);
  parentPort!.postMessage({ op, name, args: encoded });
  Atomics.wait(shared!, 0, 0, Math.max(1, deadline - Date.now()) + 1000);
  const answer = receiveMessageOnPort(replies!)?.message as CallAnswer | undefined;
  if (!answer) throw studentCallError("timed-out", "Timeout", "no answer from the student's kernel in time");
  if (answer.ok) {
    return decode(answer.value, { tensor: (values, shape, dtype) => requireFromRepo("@tensorflow/tfjs").tensor(values, shape, dtype) });
  }
  const message = answer.kind === "missing" ? `${name} is not defined in the submission` : answer.error?.message ?? answer.kind;
  throw studentCallError(answer.kind, answer.kind === "missing" ? "ReferenceError" : answer.error?.name ?? "Error", message);
}

let requireFromRepo: NodeRequire;

async function runTest(test: WorkerTest): Promise<WorkerVerdict> {
  deadline = Date.now() + test.timeoutMs;
  requireFromRepo = createRequire(path.join(test.repoRoot, "package.json"));
  const printed: string[] = [];
  const print = (...values: unknown[]) => printed.push(values.map((v) => (typeof v === "string" ? v : require("util").inspect(v))).join(" "));
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  Object.assign(console, { log: print, info: print, warn: print, error: print });
  try {
    const js = ts.transpileModule(test.code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: "test-cell.ts",
    }).outputText;
    const used = test.names.filter((n) => n.kind !== "type" && new RegExp(`(^|[^\\w$.])${n.name.replace(/\$/g, "\\$")}(?![\\w$])`).test(js));
    const bindings = used.map((n) =>
      n.kind === "function"
        ? (...args: unknown[]) => askSandbox("call", n.name, args)
        : (() => {
            try {
              return askSandbox("get", n.name, []);
            } catch (error) {
              if (failureOf(error) === "timed-out") throw error;
              return undefined; // a missing or unreadable value fails the assertions that use it
            }
          })(),
    );
    // Two functions: the outer binds the solution names, so the cell may still declare its own.
    const factory = vm.runInThisContext(`(function (${used.map((n) => n.name).join(", ")}) { return async function (exports, require, module) {\n${js}\n}; })`, { filename: test.label });
    const module = { exports: {} };
    await factory(...bindings)(module.exports, requireFromRepo, module);
    return { passed: true, printed: printed.join("\n") };
  } catch (error) {
    const failure = failureOf(error);
    if (failure) return { passed: false, kind: failure, detail: `${(error as Error).name}: ${(error as Error).message}`, printed: printed.join("\n") };
    if (error instanceof UnreadableValue) return { passed: false, kind: "wrong-value", detail: `the test's own arguments could not be sent: ${error.message}`, printed: printed.join("\n") };
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { passed: false, kind: "wrong-value", detail: detail.slice(0, 4000), printed: printed.join("\n") };
  } finally {
    Object.assign(console, saved);
  }
}

parentPort?.on("message", async (message: { op: "init"; shared: SharedArrayBuffer; replies: MessagePort } | WorkerTest) => {
  if (message.op === "init") {
    shared = new Int32Array(message.shared);
    replies = message.replies;
    return;
  }
  parentPort!.postMessage({ op: "done", verdict: await runTest(message) });
});
