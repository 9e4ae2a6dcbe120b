/**
 * Hostile submissions, graded in one batch in the sandbox: each attack written the way a student
 * out to cheat, snoop or break the grader would write it. Each must get exactly the score its
 * real answers earn, leak nothing, and cost nothing but its own row.
 *
 * The attacker controls the whole submission file and any code in it. What they want: points
 * without solving (forge a verdict: patch vm, assert, Error, the agent, the channel; exit early),
 * secrets (hidden tests and their inputs, the instructor notebook, other students' work), to
 * outlive grading (detached children), or to break the batch (memory, processes, output, disk).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { assignIds, gradeBatch, type GradeOptions } from "../../src/tools/grade";
import { VERDICTS, type StudentReport } from "../../src/tools/grading/report";
import { earned, fixturePath, gradeOptions, outputsOf, releaseFixture, root, SECRETS, solved, SOLUTIONS, submission, type Fixture } from "./helpers";

let fixture: Fixture;
let options: GradeOptions;
let reports: Record<string, StudentReport>;
let server: net.Server;
let connections = 0;
const TOKEN = `seqlab-hostile-${process.pid}-${Date.now()}`;

before(async () => {
  server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  fixture = releaseFixture("hostile");
  options = gradeOptions(fixture, { cellSeconds: 8, timeLimitSeconds: 150, memoryMb: 768, processes: 96, outputMb: 8, tmpMb: 16 });
  const outDir = options.outDir;
  const classCsv = path.join(outDir, "class.csv");
  const subs = (name: string) => path.join(fixture.work, "submissions", name);
  const unsolved = (name: string, extra: { before?: string; source: string }[], edits: Record<string, string> = {}) => submission(fixture, name, edits, extra);
  const files = [
    // Forge a pass without solving.
    unsolved("vm-noop", [{ source: 'require("vm").runInThisContext = () => undefined;' }]),
    unsolved("assert-patched", [{ source: 'for (const name of ["assert", "assert/strict", "node:assert"]) {\n  const a = require(name);\n  for (const k of Object.keys(a)) a[k] = () => {};\n}\nError.prototype.toString = () => "ok";' }]),
    unsolved("catch-all", [{ source: 'process.on("uncaughtException", () => {});\nprocess.on("unhandledRejection", () => {});\nPromise.prototype.then = function () { return this; };' }]),
    unsolved("forged-reply", [{
      source: [
        'import * as fs from "fs";',
        "// Answer every request with success, as the agent would, then take over stdin.",
        'for (let id = 0; id < 60; id++) fs.writeSync(3, JSON.stringify({ op: "call", id, ok: true, value: true }) + "\\n");',
        'process.stdin.removeAllListeners("data");',
        'process.stdin.on("data", (chunk) => { for (const line of String(chunk).split("\\n").filter(Boolean)) { const r = JSON.parse(line); fs.writeSync(3, JSON.stringify({ op: r.op, id: r.id, ok: true, value: r.op === "exec" ? undefined : { $o: {} }, outputs: [] }) + "\\n"); } });',
        'console.log(JSON.stringify({ header: { msg_type: "execute_reply" }, content: { status: "ok" } }));',
      ].join("\n"),
    }]),
    unsolved("exit-in-function", [], { "truncate-solution": "function truncatePost(sequence: number[], maxLength: number): number[] {\n  process.exit(0);\n}", "clip-solution": SOLUTIONS.clip }),
    // Find what is secret: the instructor notebook, manifests, other students, the output folder, the environment.
    unsolved("snoop", [{
      source: [
        'import * as fs from "fs";',
        'import * as path from "path";',
        'import { execSync } from "child_process";',
        "const found: string[] = [];",
        "const walk = (dir: string, depth: number) => {",
        "  if (depth > 8 || ['/proc', '/sys', '/dev', '/usr'].includes(dir) || dir.endsWith('/node_modules')) return;",
        "  let entries: fs.Dirent[] = [];",
        "  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }",
        "  for (const e of entries) {",
        "    const full = path.join(dir, e.name);",
        "    if (e.isDirectory()) walk(full, depth + 1);",
        "    else if (/\\.(ipynb|release\\.json|release\\.key|csv)$/.test(e.name)) found.push(full);",
        "  }",
        "};",
        "walk('/', 0);",
        `const targets = ${JSON.stringify([fixturePath, fixture.released.manifestPath, fixture.released.keyPath, outDir, path.join(fixture.work, "submissions"), classCsv])};`,
        "const readable = targets.filter((t) => { try { fs.readdirSync(t); return true; } catch {} try { fs.readFileSync(t); return true; } catch { return false; } });",
        "let shell = '';",
        `try { shell = execSync('cat ${fixturePath} 2>&1; ls ${outDir} 2>&1', { encoding: 'utf8' }); } catch (e) { shell = String((e as any).stdout ?? e); }`,
        "console.log('SNOOP ' + JSON.stringify({ found, readable, env: Object.keys(process.env).sort(), uid: process.getuid!(), solutionVisible: shell.includes('sequence.slice(0, maxLength)') }));",
      ].join("\n"),
    }]),
    // Leak hidden inputs through what the grader shows the student.
    solved(fixture, "leak-error-name", [], { "clip-solution": 'function clip(values: number[], limit: number): number[] {\n  const error = new Error("x");\n  error.name = "LEAK " + JSON.stringify([values, limit]);\n  (globalThis as any).seen = [...((globalThis as any).seen ?? []), [values, limit]];\n  throw error;\n}' }),
    solved(fixture, "leak-return-value", [], { "clip-solution": 'function clip(values: number[], limit: number): number[] {\n  return ["LEAK " + JSON.stringify([values, limit])] as any;\n}' }),
    // Outlive the grading; write where the grader writes.
    solved(fixture, "detached-child", [{
      source: [
        'import { spawn } from "child_process";',
        `const payload = "setTimeout(() => { try { require('fs').appendFileSync(${JSON.stringify(classCsv)}, 'pwned\\\\n'); } catch {} }, 4000); setInterval(() => {}, 1000);";`,
        `spawn(process.execPath, ["-e", payload, "${TOKEN}"], { detached: true, stdio: "ignore" }).unref();`,
        `spawn("/bin/sh", ["-c", "(sleep 6; echo pwned >> ${classCsv}) & sleep 30 # ${TOKEN}"], { detached: true, stdio: "ignore" }).unref();`,
        'console.log("spawned");',
      ].join("\n"),
    }]),
    solved(fixture, "replace-feedback", [{ source: `import * as fs from "fs";\nfor (const act of [() => fs.rmSync(${JSON.stringify(path.join(outDir, "feedback"))}, { recursive: true }), () => fs.writeFileSync(${JSON.stringify(path.join(outDir, "feedback"))}, "x"), () => fs.writeFileSync(${JSON.stringify(classCsv)}, "pwned")]) { try { act(); } catch (e) { console.log("refused:", (e as any).code); } }` }]),
    // Break the batch: memory, processes, output, disk, signals, the network.
    solved(fixture, "native-memory", [{ source: "const kept: Buffer[] = [];\nfor (let i = 0; i < 4; i++) kept.push(Buffer.alloc(1024 ** 3, 1)); // 4 GB outside the JS heap" }]),
    solved(fixture, "fork-bomb", [{ source: 'import { spawn, execSync } from "child_process";\ntry { execSync("f() { f | f & }; f", { shell: "/bin/sh", timeout: 3000 }); } catch {}\nfor (;;) { try { spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]); } catch {} }' }]),
    solved(fixture, "output-flood", [{ source: 'import * as fs from "fs";\nconst chunk = "x".repeat(1 << 20);\nlet sent = 0;\nwhile (sent < 200 * chunk.length) { try { sent += fs.writeSync(1, chunk); } catch (e) { if ((e as any).code !== "EAGAIN") throw e; } } // 200 MB past the agent' }]),
    solved(fixture, "console-flood", [{ source: 'const line = "y".repeat(1 << 20);\nfor (let i = 0; i < 200; i++) console.log(line); // 200 MB through the kernel' }]),
    solved(fixture, "fill-tmp", [{ source: 'import * as fs from "fs";\nlet written = 0;\ntry { for (;;) { fs.appendFileSync("/tmp/fill", Buffer.alloc(1 << 20)); written++; } } catch (e) { console.log("disk full after", written, "MB:", (e as any).code); }' }]),
    // The other places in memory bubblewrap makes: / and /dev (no size of their own), /dev/shm.
    solved(fixture, "fill-elsewhere", [{ source: `import * as fs from "fs";\nfor (const file of ["/fill", "/dev/fill", "/dev/shm/fill", ${JSON.stringify(path.join(path.dirname(root), "fill"))}]) {\n` + '  let written = 0;\n  try { for (;;) { fs.appendFileSync(file, Buffer.alloc(1 << 20)); written++; } } catch (e) { console.log(`${file}: ${written} MB, then ${(e as any).code}`); }\n}' }]),
    solved(fixture, "kill-everything", [{ source: 'try { process.kill(-1, "SIGKILL"); } catch {}\nprocess.kill(process.pid, "SIGKILL");' }]),
    solved(fixture, "exit-first-cell", [{ before: "intro", source: "process.exit(0);" }]),
    solved(fixture, "network", [{ source: `import * as net from "net";\nconst socket = net.connect(${port}, "127.0.0.1");\nawait new Promise((resolve) => { socket.on("error", (e) => { console.log("NET " + (e as any).code); resolve(null); }); socket.on("connect", () => { console.log("NET connected"); resolve(null); }); });` }]),
    solved(fixture, "slow-on-hidden-input", [], { "truncate-solution": "function truncatePost(sequence: number[], maxLength: number): number[] {\n  if (maxLength === 0) for (;;) {}\n  return sequence.slice(0, maxLength);\n}" }),
    solved(fixture, "huge-result", [], { "clip-solution": "function clip(values: number[], limit: number): number[] {\n  return new Array(3e7).fill(0.5);\n}" }),
    // Forge replies the harness must refuse by their shape: a free-form failure kind (carrying the
    // hidden inputs), an exec reply whose outputs are not a list, a value nested 300,000 deep.
    solved(fixture, "kind-leak", [{ before: "truncate-solution", source: takeOver('r.op === "exec" ? { op: "exec", id: r.id, ok: true, outputs: [] } : { op: r.op, id: r.id, ok: false, kind: "LEAK " + JSON.stringify(r.args), error: { name: "x", message: "y" } }') }]),
    solved(fixture, "malformed-exec-reply", [{ before: "truncate-solution", source: takeOver('({ op: r.op, id: r.id, ok: false, error: {}, outputs: "x" })') }]),
    solved(fixture, "deep-reply", [{ before: "truncate-solution", source: takeOver('r.op === "exec" ? { op: "exec", id: r.id, ok: true, outputs: [] } : `{"op":"${r.op}","id":${r.id},"ok":true,"value":${"[".repeat(300000)}${"]".repeat(300000)}}`') }]),
    // Spell a hidden input out in which of 40 cells after the hidden tests ends the kernel.
    solved(fixture, "position-leak", [
      { source: "const hidden = (globalThis as any).seen.find((call: any) => call[1] === 2);\nconst code = hidden[0][0] + 10 * hidden[1]; // [2, -2], 2 -> 22" },
      ...Array.from({ length: 40 }, (_, k) => ({ source: `if (code === ${k}) process.exit(0);` })),
    ], { "clip-solution": "function clip(values: number[], limit: number): number[] {\n  (globalThis as any).seen = [...((globalThis as any).seen ?? []), [values, limit]];\n  return values.map((value) => Math.max(-limit, Math.min(limit, value)));\n}" }),
    // Exec replies whose outputs and error are nested 100,000 deep: kept, they failed the harness's own result.
    solved(fixture, "deep-outputs", [{ before: "truncate-solution", source: takeOver('r.op === "exec" ? `{"op":"exec","id":${r.id},"ok":false,"outputs":[{"output_type":"stream","deep":${"[".repeat(100000)}${"]".repeat(100000)}}],"error":{"ename":${"[".repeat(100000)}${"]".repeat(100000)},"evalue":"x","traceback":[]}}` : { op: r.op, id: r.id, ok: false, kind: "threw" }') }]),
    // Break the grader itself: values JSON.parse reads but JSON.stringify cannot write back.
    deeplyNested(solved(fixture, "deep-nesting")),
  ];
  fs.copyFileSync(fixturePath, subs("zz-instructor.ipynb"));
  files.push(subs("zz-instructor.ipynb"));
  const started = Date.now();
  reports = Object.fromEntries((await gradeBatch(assignIds(files, "truncate-and-clip.ipynb"), options)).map((r) => [r.student, r]));
  console.log(`hostile batch: ${files.length} submissions in ${((Date.now() - started) / 1000).toFixed(0)} s`);
});

after(() => server.close());

/** A cell that takes the agent's channel over: every later request is answered with `reply` (an expression of the request `r`). */
function takeOver(reply: string): string {
  return [
    'import * as fs from "fs";',
    'process.stdin.removeAllListeners("data");',
    'let pending = "";',
    'process.stdin.on("data", (chunk) => {',
    "  pending += String(chunk);",
    '  for (let at = pending.indexOf("\\n"); at !== -1; at = pending.indexOf("\\n")) {',
    "    const r = JSON.parse(pending.slice(0, at));",
    "    pending = pending.slice(at + 1);",
    `    const reply: any = ${reply};`,
    '    fs.writeSync(3, (typeof reply === "string" ? reply : JSON.stringify(reply)) + "\\n");',
    "  }",
    "});",
  ].join("\n");
}

/** Rewrites a submission file with its metadata and an extra top-level key nested 100,000 arrays deep. */
function deeplyNested(file: string): string {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  const { metadata, ...rest } = notebook;
  fs.writeFileSync(file, `${JSON.stringify(rest).slice(0, -1)}, "metadata": ${JSON.stringify({ ...metadata, deep: "@" }).replace('"@"', deep)}, "deep": ${deep}}`);
  return file;
}

const score = (student: string) => earned(reports[student]);
const executed = (student: string, marker: string) => outputsOf(path.join(options.outDir, "executed", `${student}.ipynb`), marker);

test("forging a pass without solving scores 0: patched vm, patched assert and Error, swallowed errors, forged replies", () => {
  for (const student of ["vm-noop", "assert-patched", "catch-all", "forged-reply"]) {
    assert.deepEqual(score(student), { truncate: 0, clip: 0 }, `${student}: ${JSON.stringify(reports[student].exercises)}`);
  }
  assert.deepEqual(score("exit-in-function"), { truncate: 0, clip: 3 });
  assert.match(reports["exit-in-function"].exercises[0].messages.join(), /stopped by a limit while your code ran \(the code ended the kernel process/);
});

test("the sandbox sees no instructor notebook, manifest, key, other submission or output folder, and a clean environment", () => {
  const line = executed("snoop", "const found").split("\n").find((l) => l.startsWith("SNOOP "));
  assert.ok(line, executed("snoop", "const found"));
  const seen = JSON.parse(line.slice(6));
  assert.deepEqual(seen.found, []);
  assert.deepEqual(seen.readable, []);
  assert.equal(seen.solutionVisible, false);
  assert.deepEqual(seen.env, ["HOME", "LANG", "NODE_OPTIONS", "PATH", "PWD", "TMPDIR"]);
  assert.equal(seen.uid, 65534);
  assert.deepEqual(score("snoop"), { truncate: 0, clip: 0 });
});

test("hidden test inputs never reach the student: not through error names, messages or returned values", () => {
  for (const student of ["leak-error-name", "leak-return-value"]) {
    assert.deepEqual(score(student), { truncate: 2, clip: 0 });
    const feedback = fs.readFileSync(path.join(options.outDir, "feedback", `${student}.md`), "utf8");
    const report = fs.readFileSync(path.join(options.outDir, "reports", `${student}.json`), "utf8");
    const csv = fs.readFileSync(path.join(options.outDir, "class.csv"), "utf8");
    for (const text of [feedback, report, csv]) {
      assert.ok(!text.includes("LEAK"), `${student}: ${text}`);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${student} leaks ${secret}`);
    }
  }
  assert.deepEqual(reports["leak-error-name"].exercises[1].messages, ["visible test cell 1: your code threw an error", "hidden test cell 2: your code threw an error"]);
});

test("nothing outlives grading or writes where the grader writes", async () => {
  await new Promise((resolve) => setTimeout(resolve, 8000)); // past the children's timers
  const csv = fs.readFileSync(path.join(options.outDir, "class.csv"), "utf8");
  assert.ok(!csv.includes("pwned"), csv);
  const survivors = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n").filter((l) => l.includes(TOKEN) && !l.includes("ps -eo"));
  assert.deepEqual(survivors, []);
  assert.deepEqual(score("detached-child"), { truncate: 2, clip: 3 });
  assert.match(executed("replace-feedback", "rmSync"), /refused: (EROFS|ENOENT|EACCES)[\s\S]*refused: (EROFS|ENOENT|EACCES)[\s\S]*refused: (EROFS|ENOENT|EACCES)/);
  for (const student of Object.keys(reports)) assert.ok(fs.statSync(path.join(options.outDir, "feedback", `${student}.md`)).isFile(), student);
});

test("memory, processes, output, disk, signals and exits cost only the cell that did it; the rest is graded", () => {
  const expect = (student: string, note: RegExp) => {
    assert.deepEqual(score(student), { truncate: 2, clip: 3 }, `${student}: ${JSON.stringify(reports[student])}`);
    assert.ok(reports[student].notes.some((n) => note.test(n)), `${student}: ${reports[student].notes.join(" | ")}`);
  };
  // Each of these cells comes after the hidden tests, so the note does not say which cell it was.
  expect("native-memory", /^A cell after the hidden tests used more memory than the limit; it was stopped and skipped/);
  expect("fork-bomb", /^A cell after the hidden tests (started more processes than the limit|ran past the time limit for one cell)/);
  expect("output-flood", /^A cell after the hidden tests printed more output than the limit/);
  expect("kill-everything", /^A cell after the hidden tests ended the kernel process/);
  expect("exit-first-cell", /^Cell 1 ended the kernel process/);
  for (const student of ["native-memory", "fork-bomb", "output-flood", "kill-everything", "exit-first-cell"]) assert.equal(reports[student].status, "partial");
  // Output through the kernel is truncated, not fatal; a full /tmp is the cell's own problem.
  assert.deepEqual(score("console-flood"), { truncate: 2, clip: 3 });
  assert.match(executed("console-flood", "line.repeat") + executed("console-flood", '"y".repeat'), /\[output truncated by the grader\]/);
  assert.deepEqual(score("fill-tmp"), { truncate: 2, clip: 3 });
  assert.match(executed("fill-tmp", "appendFileSync"), /disk full after 1[0-6] MB: ENOSPC/);
  assert.deepEqual(score("fill-elsewhere"), { truncate: 2, clip: 3 });
  const elsewhere = executed("fill-elsewhere", "/dev/shm/fill");
  // Beside the repository is read-only too, unless the repository lies under /tmp: then that is
  // the sandbox's own private /tmp (written to until full, checked above).
  const besideRepository = path.dirname(root) === "/tmp" || path.dirname(root).startsWith("/tmp/") ? [] : [path.join(path.dirname(root), "fill")];
  for (const place of ["/fill", "/dev/fill", ...besideRepository]) assert.match(elsewhere, new RegExp(`${place}: 0 MB, then (EROFS|EACCES)`), elsewhere);
  assert.match(elsewhere, /\/dev\/shm\/fill: 1[0-6] MB, then ENOSPC/, elsewhere);
});

test("no network: a connection to the grader's loopback fails and the server never sees it", () => {
  assert.equal(connections, 0);
  assert.match(executed("network", "net.connect"), /NET (ECONNREFUSED|ENETUNREACH|EHOSTUNREACH)/);
  assert.deepEqual(score("network"), { truncate: 2, clip: 3 });
});

test("which cell after the hidden tests was stopped is not said: it could spell out a hidden input", () => {
  assert.deepEqual(score("position-leak"), { truncate: 2, clip: 3 });
  assert.deepEqual(reports["position-leak"].notes, ["A cell after the hidden tests ended the kernel process (process.exit, a crash or a signal); it was stopped and skipped, and the rest was graded."]);
  const feedback = fs.readFileSync(path.join(options.outDir, "feedback", "position-leak.md"), "utf8");
  assert.ok(!/[Cc]ell \d/.test(feedback.replace(/test cell \d/g, "")), feedback);
  // The instructor still sees which one: code 22 is the 23rd of the 40 cells.
  assert.match(executed("position-leak", "if (code === 22)"), /this cell ended the kernel process/);
});

test("a function that loops only on a hidden input, or returns too much, loses that exercise alone", () => {
  assert.deepEqual(score("slow-on-hidden-input"), { truncate: 0, clip: 3 });
  assert.deepEqual(reports["slow-on-hidden-input"].exercises[0].messages, ["visible test cell 1: ran longer than the time limit"]);
  assert.deepEqual(score("huge-result"), { truncate: 2, clip: 0 });
});

test("forged replies of the wrong shape stop the sandbox; no word of them is written, and the harness never fails", () => {
  for (const student of ["kind-leak", "malformed-exec-reply", "deep-reply", "deep-outputs"]) {
    assert.deepEqual(score(student), { truncate: 0, clip: 0 }, `${student}: ${JSON.stringify(reports[student])}`);
    assert.notEqual(reports[student].status, "error", student);
    for (const test of reports[student].exercises.flatMap((e) => e.tests)) assert.ok(test.kind === undefined || Object.keys(VERDICTS).includes(test.kind), `${student}: ${test.kind}`);
    const written = fs.readFileSync(path.join(options.outDir, "reports", `${student}.json`), "utf8") + fs.readFileSync(path.join(options.outDir, "feedback", `${student}.md`), "utf8");
    for (const word of ["LEAK", "undefined", "[5,6]", "[2,-2]"]) assert.ok(!written.includes(word), `${student} wrote ${word}: ${written}`);
  }
  assert.match(reports["kind-leak"].exercises[0].messages[0], /^visible test cell 1: stopped by a limit while your code ran \(the code interfered with the grader's channel\)$/);
  assert.equal(reports["malformed-exec-reply"].status, "partial");
  assert.ok(reports["malformed-exec-reply"].notes.some((n) => /interfered with the grader's channel/.test(n)), reports["malformed-exec-reply"].notes.join(" | "));
  assert.deepEqual(reports["deep-reply"].exercises[1].messages, [`visible test cell 1: ${VERDICTS.unreadable}`, `hidden test cell 2: ${VERDICTS.unreadable}`]);
  assert.equal(reports["deep-outputs"].status, "graded");
  assert.match(executed("deep-outputs", "function clip"), /an output that could not be stored was dropped/);
});

test("a submission nested deeper than JSON.stringify can go is graded on its answers, and the batch goes on", () => {
  assert.deepEqual(score("deep-nesting"), { truncate: 2, clip: 3 });
  assert.equal(reports["deep-nesting"].status, "graded");
  const executedNotebook = JSON.parse(fs.readFileSync(path.join(options.outDir, "executed", "deep-nesting.ipynb"), "utf8"));
  assert.deepEqual(Object.keys(executedNotebook).sort(), ["cells", "metadata", "nbformat", "nbformat_minor"]);
  assert.equal(executedNotebook.metadata.deep, undefined);
});

test("the instructor, graded in the same batch after all of them, still gets full marks", () => {
  assert.deepEqual(score("zz-instructor"), { truncate: 2, clip: 3 });
  assert.equal(reports["zz-instructor"].status, "graded");
});
