/**
 * The messages between the grader's harness and the agent inside the sandbox: one JSON object
 * per line. Requests go in on the agent's stdin; replies come out on its file descriptor 3, so
 * what the student's code prints (stdout, stderr) never mixes with them.
 *
 * Everything that comes out of the sandbox is the student's to forge. The harness takes a reply
 * only as the answer to the one request it is waiting for, and only as data: a forged reply can
 * say nothing the student's own function could not have returned.
 */
import type { Output } from "../notebook";
import type { Tagged } from "./values";

export type Request =
  | { op: "exec"; id: number; code: string; count: number }
  | { op: "call"; id: number; name: string; args: Tagged[]; timeoutMs: number }
  | { op: "get"; id: number; name: string };

/** A request before the harness numbers it. */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

export interface ErrorInfo {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Reply =
  | { op: "ready"; id: 0 }
  | { op: "exec"; id: number; ok: boolean; error?: ErrorInfo; outputs: Output[] }
  | { op: "call" | "get"; id: number; ok: true; value: Tagged }
  | { op: "call" | "get"; id: number; ok: false; kind: "threw" | "missing" | "unreadable" | "timed-out"; error?: { name: string; message: string } };

/** The kinds of failure a call or get may reply with. */
export const CALL_FAILURES = ["threw", "missing", "unreadable", "timed-out"] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Whether `value` (a parsed line from the sandbox) is a well-formed reply to the request `op`/`id`:
 * the right fields with the right types, and a failure kind from CALL_FAILURES. Anything else is
 * interference, and nothing of it may travel further (a free-form kind would reach the reports).
 */
export function isWellFormedReply(value: unknown, op: string, id: number): value is Reply {
  if (!isObject(value) || value.op !== op || value.id !== id) return false;
  switch (op) {
    case "ready":
      return true;
    case "exec":
      return typeof value.ok === "boolean" && Array.isArray(value.outputs) && value.outputs.every(isObject) && (value.error === undefined || isObject(value.error));
    case "call":
    case "get": {
      if (value.ok === true) return "value" in value;
      const error = value.error;
      const errorOk = error === undefined || (isObject(error) && typeof error.name === "string" && typeof error.message === "string");
      return value.ok === false && (CALL_FAILURES as readonly unknown[]).includes(value.kind) && errorOk;
    }
    default:
      return false;
  }
}

/** Splits a byte stream into lines; a line longer than `maxLineBytes` is reported, not buffered. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      if (this.pendingBytes + piece.length > this.maxLineBytes) return this.overflow();
      const line = Buffer.concat([...this.pending, piece]).toString("utf8");
      this.pending = [];
      this.pendingBytes = 0;
      this.onLine(line);
      start = newline + 1;
    }
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.length > this.maxLineBytes) return this.overflow();
    if (rest.length > 0) {
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
    }
  }

  private overflow(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.onOverflow();
  }
}
