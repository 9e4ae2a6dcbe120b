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
