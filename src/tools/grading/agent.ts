/**
 * The student's kernel, inside the sandbox: `node dist/tools/grading/agent.js`.
 *
 * It runs the student's cells with tslab's own compiler and executor (the code the tslab kernel
 * runs, with the project's patch), so a cell behaves as it did in the student's notebook: the
 * same TypeScript checks, top-level await, names shared between cells, charts and progress as
 * display outputs. Instead of Jupyter's sockets it reads requests from stdin and writes replies
 * to file descriptor 3 (see protocol.ts):
 *
 *   exec: run one cell, reply with its outputs and its error, if any;
 *   call: call a function the cells declared, with arguments decoded from plain data, and
 *         reply with its result encoded as plain data (or that it threw, or is missing);
 *   get:  copy out a value the cells declared.
 *
 * Nothing here is trusted: the student's code shares this process and may rewrite any of it.
 * The harness assumes so (see harness.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import type { Output } from "../notebook";
import type { ErrorInfo, Reply, Request } from "./protocol";
import { decode, encode, UnreadableValue, type Tagged } from "./values";

// Our own references, taken before any student code runs.
const { stringify } = JSON;
const writeSync = fs.writeSync;
const REPLY_FD = 3;
const MAX_STREAM_CHARS_PER_CELL = 2 * 1024 * 1024;

const pause = new Int32Array(new SharedArrayBuffer(4));
function reply(message: Reply): void {
  const bytes = Buffer.from(stringify(message) + "\n", "utf8");
  for (let written = 0; written < bytes.length; ) {
    try {
      written += writeSync(REPLY_FD, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 2); // the harness is reading: try again shortly
    }
  }
}

// tslab, from the node_modules the sandbox can read.
const tslabDir = path.dirname(require.resolve("tslab/package.json"));
const { createConverter } = require(path.join(tslabDir, "dist", "converter.js"));
const { createExecutor } = require(path.join(tslabDir, "dist", "executor.js"));
const jupyter = require(path.join(tslabDir, "dist", "jupyter.js"));

/** The outputs of the cell being run; async output after a cell ends goes to the last cell, as in tslab. */
let outputs: Output[] = [];
let streamChars = 0;

function writeStream(name: "stdout" | "stderr", chunk: unknown): boolean {
  const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
  if (streamChars >= MAX_STREAM_CHARS_PER_CELL) return true;
  const kept = text.slice(0, MAX_STREAM_CHARS_PER_CELL - streamChars);
  streamChars += kept.length;
  const last = outputs[outputs.length - 1];
  if (last?.output_type === "stream" && last.name === name) last.text += kept;
  else outputs.push({ output_type: "stream", name, text: kept });
  if (streamChars >= MAX_STREAM_CHARS_PER_CELL) outputs.push({ output_type: "stream", name: "stderr", text: "\n[output truncated by the grader]\n" });
  return true;
}
process.stdout.write = ((chunk: unknown) => writeStream("stdout", chunk)) as typeof process.stdout.write;
process.stderr.write = ((chunk: unknown) => writeStream("stderr", chunk)) as typeof process.stderr.write;

jupyter.lastWriteDisplayData = (message: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean) => {
  const displayId = message.transient?.display_id;
  const existing = displayId ? outputs.find((o) => o.output_type === "display_data" && o.transient?.display_id === displayId) : undefined;
  if (update && existing) {
    existing.data = message.data;
    existing.metadata = message.metadata;
  } else if (!update || !existing) {
    outputs.push({ output_type: "display_data", data: message.data, metadata: message.metadata ?? {}, ...(displayId ? { transient: { display_id: displayId } } : {}) });
  }
};

process.on("uncaughtException", (error) => writeStream("stderr", `Uncaught exception: ${String((error as Error)?.stack ?? error)}\n`));
process.on("unhandledRejection", (reason) => writeStream("stderr", `Unhandled promise rejection: ${String((reason as Error)?.stack ?? reason)}\n`));

const converter = createConverter({ isJS: false, isBrowser: false });
const executor = createExecutor(process.cwd(), { node: converter, browser: converter, close: () => converter.close() }, { log: console.log, error: console.error });

/** A safe one-line description of whatever was thrown (the student's own error objects may throw on access). */
function describeThrown(error: unknown): { name: string; message: string } {
  try {
    const name = String((error as Error)?.name ?? "Error");
    const message = String((error as Error)?.message ?? error);
    return { name: name.slice(0, 200), message: message.slice(0, 2000) };
  } catch {
    return { name: "Error", message: "(the thrown value could not be read)" };
  }
}

let tf: { tensor(values: unknown, shape: number[], dtype: string): unknown } | null = null;
function decodeArguments(args: Tagged[]): unknown[] {
  return args.map((arg) =>
    decode(arg, {
      tensor: (values, shape, dtype) => {
        tf ??= require("@tensorflow/tfjs");
        return tf!.tensor(values, shape, dtype);
      },
    }),
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function handle(request: Request): Promise<Reply> {
  if (request.op === "exec") {
    outputs = [];
    streamChars = 0;
    const ok: boolean = await executor.execute(request.code, request.count);
    const error: ErrorInfo | undefined = ok ? undefined : executor.lastError ?? { ename: "Error", evalue: "the cell failed", traceback: [] };
    return { op: "exec", id: request.id, ok, ...(error ? { error } : {}), outputs };
  }
  const locals = executor.locals as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(locals, request.name)) return { op: request.op, id: request.id, ok: false, kind: "missing" };
  let result: unknown;
  if (request.op === "get") result = locals[request.name];
  else {
    const fn = locals[request.name];
    if (typeof fn !== "function") return { op: "call", id: request.id, ok: false, kind: "missing" };
    let args: unknown[];
    try {
      args = decodeArguments(request.args);
    } catch (error) {
      return { op: "call", id: request.id, ok: false, kind: "unreadable", error: describeThrown(error) };
    }
    const started = Date.now();
    try {
      // vm's timeout stops a synchronous endless loop inside the call without killing the sandbox.
      (globalThis as any).__seqlabGradeCall = () => fn(...args);
      result = vm.runInThisContext("__seqlabGradeCall()", { timeout: Math.max(1, request.timeoutMs), filename: "grader call" });
      if (result && typeof (result as Promise<unknown>).then === "function") {
        result = await withTimeout(Promise.resolve(result), Math.max(1, request.timeoutMs - (Date.now() - started)));
      }
    } catch (error) {
      const timedOut = Date.now() - started >= request.timeoutMs - 5;
      return { op: "call", id: request.id, ok: false, kind: timedOut ? "timed-out" : "threw", error: describeThrown(error) };
    }
  }
  try {
    return { op: request.op, id: request.id, ok: true, value: encode(result) };
  } catch (error) {
    return { op: request.op, id: request.id, ok: false, kind: "unreadable", error: describeThrown(error instanceof UnreadableValue ? error : new UnreadableValue(String(error))) };
  }
}

// Requests arrive one per line on stdin and are answered in order.
let buffered = "";
let queue = Promise.resolve();
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  buffered += chunk;
  let newline: number;
  while ((newline = buffered.indexOf("\n")) !== -1) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    const request = JSON.parse(line) as Request;
    queue = queue.then(async () => {
      try {
        reply(await handle(request));
      } catch (error) {
        const { name, message } = describeThrown(error);
        if (request.op === "exec") reply({ op: "exec", id: request.id, ok: false, error: { ename: name, evalue: message, traceback: [] }, outputs });
        else reply({ op: request.op, id: request.id, ok: false, kind: "threw", error: { name, message } });
      }
    });
  }
});
process.stdin.on("end", () => process.exit(0));
reply({ op: "ready", id: 0 });
