/**
 * The command-line tools' answers to a broken environment: one clear message naming the problem
 * and the fix, and a non-zero exit. The setup cases run in a scratch copy of the checkout (dist/,
 * package.json, binder/, node_modules linked in) so they never touch this checkout's .venv or
 * build/, with PATH and pip's settings narrowed to simulate the machine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import {
  candidatePythons,
  findJupyter,
  findOnPath,
  hasJupyterLab4,
  kernelProblem,
  kernelSpec,
  readJupyterPins,
  type PythonProbe,
} from "../src/tools/jupyter";
import { parseArguments } from "../src/tools/course";
import { requestedPort } from "../src/tools/lab";
import { isNetworkFailure, missingPackages, TEST_SYSTEM_PACKAGES, writeVscodeEnv } from "../src/tools/setup";

const root = path.resolve(__dirname, "..");
const fixture = path.join(root, "test", "fixtures", "notebooks", "shorthand.ipynb");

/** The environment without anything that would pick a Python for the tools. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["SEQLAB_PYTHON", "VIRTUAL_ENV", "CONDA_PREFIX"]) delete env[name];
  return { ...env, ...extra };
}

const tool = (name: string, args: string[], env: NodeJS.ProcessEnv, cwd = root) =>
  spawnSync(process.execPath, [path.join(cwd, "dist", "tools", `${name}.js`), ...args], { cwd, encoding: "utf8", env, timeout: 120_000 });

/** A copy of this checkout somewhere else: dist/, package.json, binder/, and node_modules linked entry by entry (seqlab -> ..). */
function scratchCheckout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-checkout-"));
  for (const entry of ["package.json", "dist", "binder"]) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const entry of fs.readdirSync(path.join(root, "node_modules"))) {
    if (entry === "seqlab" || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(root, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  fs.symlinkSync("..", path.join(dir, "node_modules", "seqlab"));
  return dir;
}

/** A folder holding only links to the given programs, to use as PATH. */
function binDir(programs: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-bin-"));
  for (const [name, target] of Object.entries(programs)) fs.symlinkSync(target, path.join(dir, name));
  return dir;
}

test("course and lab without Jupyter say so and how to install it", () => {
  for (const name of ["course", "lab"]) {
    const result = tool(name, [], cleanEnv({ SEQLAB_PYTHON: "/nonexistent/python3" }));
    assert.equal(result.status, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, /Jupyter .*not found\. Run `npm run setup`/);
    const pins = readJupyterPins().map((p) => `${p.name}==${p.version}`.replace(/\./g, "\\.")).join(" ");
    assert.match(result.stderr, new RegExp(`pip install ${pins}`));
    assert.match(result.stderr, /sudo apt-get update && sudo apt-get install -y jupyter-nbconvert/);
  }
});

test("a missing, broken, moved or foreign kernelspec is reported with the fix", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-kernel-"));
  const spec = path.join(dir, "kernel.json");
  assert.match(kernelProblem(spec) ?? "", /The seqlab kernel is not registered for this project .*Run: npm run setup/);
  fs.writeFileSync(spec, "{not json");
  assert.match(kernelProblem(spec) ?? "", /kernel\.json is not valid JSON .*Run: npm run setup/);
  fs.writeFileSync(spec, JSON.stringify({ argv: [process.execPath, "/moved/away/tslab", "kernel"] }));
  assert.equal(kernelProblem(spec), "The registered seqlab kernel points at /moved/away/tslab, which does not exist (the checkout moved, or Node was removed). Run: npm run setup");
  fs.writeFileSync(spec, JSON.stringify({ argv: [process.execPath, process.execPath, "kernel"] }));
  assert.match(kernelProblem(spec) ?? "", /runs .* from another checkout than this one .*Run: npm run setup/);
  fs.writeFileSync(spec, JSON.stringify(kernelSpec()));
  assert.equal(kernelProblem(spec), null);
});

test("course and lab in a checkout whose kernelspec still points at the old place: one message, exit 2", () => {
  const jupyter = findJupyter();
  assert.ok(jupyter, "Jupyter is not installed: run `npm run setup`");
  const dir = scratchCheckout();
  const specFile = path.join(dir, "build", "jupyter", "kernels", "seqlab", "kernel.json");
  fs.mkdirSync(path.dirname(specFile), { recursive: true });
  fs.writeFileSync(specFile, JSON.stringify({ ...kernelSpec(), argv: [process.execPath, "/old/checkout/node_modules/tslab/bin/tslab", "kernel", "--config-path", "{connection_file}"] }));
  for (const [name, args] of [["course", [fixture]], ["lab", ["--no-browser"]]] as const) {
    const result = tool(name, [...args], cleanEnv({ SEQLAB_PYTHON: jupyter.python }), dir);
    assert.equal(result.status, 2, `${name}: ${result.stdout}${result.stderr}`);
    assert.equal(
      result.stderr.trim(),
      `${name}: The registered seqlab kernel points at /old/checkout/node_modules/tslab/bin/tslab, which does not exist (the checkout moved, or Node was removed). Run: npm run setup`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test("setup with no Python at all: one message naming the problem and the fix, exit 1", () => {
  const dir = scratchCheckout();
  const result = tool("setup", ["--no-apt"], cleanEnv({ PATH: binDir({ node: process.execPath }) }), dir);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.equal(
    result.stderr.trim(),
    "setup: no Python 3 was found (looked for $VIRTUAL_ENV, $CONDA_PREFIX, .venv, and jupyter, python3, python on PATH), and JupyterLab needs one. Install Python 3 (e.g. `sudo apt-get install python3 python3-venv`, or python.org), then rerun: npm run setup",
  );
  assert.ok(!fs.existsSync(path.join(dir, ".venv")));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("setup when pip cannot reach an index: one message naming the index and the fix, exit 1, no half-made .venv", () => {
  const python3 = findOnPath("python3");
  assert.ok(python3, "python3 is not on PATH");
  const real = spawnSync(python3, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
  const dir = scratchCheckout();
  // PIP_CONFIG_FILE=/dev/null: this machine's pip configuration adds a local mirror as an extra index.
  const env = cleanEnv({ PATH: binDir({ node: process.execPath, python3: real }), PIP_CONFIG_FILE: os.devNull, PIP_INDEX_URL: "http://127.0.0.1:9/", PIP_EXTRA_INDEX_URL: "", PIP_FIND_LINKS: "" });
  const result = tool("setup", ["--no-apt"], env, dir);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.equal(
    result.stderr.trim(),
    "setup: pip could not reach a package index (PIP_INDEX_URL=http://127.0.0.1:9/), so JupyterLab 4 could not be installed into .venv. Fix the network, proxy or PIP_INDEX_URL and rerun `npm run setup`; or, as root on Debian/Ubuntu, let setup install Debian's Jupyter packages (run it without --no-apt).",
  );
  assert.match(result.stdout, /setup: pip is installing jupyterlab==4\.6\.4 nbconvert==7\.17\.1 nbclient==0\.11\.0 plotly==7\.1\.0 into \.venv/);
  assert.ok(!fs.existsSync(path.join(dir, ".venv")), "the .venv pip could not fill was left behind");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("setup as root on Debian when pip cannot reach an index: falls back to Debian's packages with apt-get", { skip: (process.getuid?.() !== 0 || !fs.existsSync("/etc/debian_version")) && "needs root on Debian" }, () => {
  const python3 = findOnPath("python3");
  assert.ok(python3, "python3 is not on PATH");
  const real = spawnSync(python3, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
  const dir = scratchCheckout();
  // A stand-in apt-get that records its arguments: the route is checked without changing the machine.
  const log = path.join(dir, "apt-get.log");
  const fakeApt = path.join(dir, "apt-get");
  fs.writeFileSync(fakeApt, `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
  const env = cleanEnv({ PATH: binDir({ node: process.execPath, python3: real, "apt-get": fakeApt }), PIP_CONFIG_FILE: os.devNull, PIP_INDEX_URL: "http://127.0.0.1:9/", PIP_EXTRA_INDEX_URL: "", PIP_FIND_LINKS: "" });
  const result = tool("setup", [], env, dir);
  assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), [
    "update -qq",
    "install -y -qq jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client jupyter-core python3-ipykernel jupyter-notebook fonts-dejavu-core",
  ]);
  assert.match(result.stderr, /^setup: pip could not reach a package index \(PIP_INDEX_URL=http:\/\/127\.0\.0\.1:9\/\), so JupyterLab 4 was not installed; installing Debian's Jupyter packages instead$/m);
  // The stand-in installed nothing, so setup ends with the route it took and what is still missing.
  assert.equal(result.status, 1);
  assert.match(result.stderr, /setup: Jupyter is still missing after the route "Debian's packages \(apt-get\), because pip could not be used"\./);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("lab refuses a port that is in use, with the fix, before starting anything", async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, "dist", "tools", "lab.js"), "--no-browser", "--port", String(port)], { cwd: root });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("close", (status: number | null) => resolve({ status, stderr }));
    });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr.trim(),
      `lab: port ${port} is already in use (another Jupyter or program listens on it). Stop that program, or choose a free port: npm run lab -- --port ${port + 1}`,
    );
  } finally {
    server.close();
  }
});

test("lab's --port parsing: all of JupyterLab's spellings, and bad values named", () => {
  assert.equal(requestedPort(["--no-browser"]), null);
  assert.equal(requestedPort(["--port", "8890"]), 8890);
  assert.equal(requestedPort(["--port=8891", "--no-browser"]), 8891);
  assert.equal(requestedPort(["--ServerApp.port=8892"]), 8892);
  assert.throws(() => requestedPort(["--port"]), /--port needs a port number, e\.g\. --port 8890/);
  assert.throws(() => requestedPort(["--port", "eighty"]), /--port must be a whole number from 1 to 65535, got "eighty"/);
  assert.throws(() => requestedPort(["--port=70000"]), /got "70000"/);
});

test("setup --help and an unknown option", () => {
  const help = tool("setup", ["--help"], cleanEnv({}));
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: npm run setup \[-- \[--tests\] \[--no-apt\]\]\n/);
  const bad = tool("setup", ["--fast"], cleanEnv({}));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^setup: Unknown option '--fast'/);
});

test("Jupyter precedence: VIRTUAL_ENV, CONDA_PREFIX, the project's .venv, then jupyter and python3 on PATH", () => {
  const python3 = findOnPath("python3");
  assert.ok(python3);
  const prefix = (name: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `seqlab-${name}-`));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.symlinkSync(python3, path.join(dir, "bin", "python"));
    return dir;
  };
  const venv = prefix("venv");
  const conda = prefix("conda");
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-path-"));
  fs.writeFileSync(path.join(bin, "jupyter"), `#!${path.join(conda, "bin", "python")}\n`, { mode: 0o755 });
  fs.symlinkSync(python3, path.join(bin, "python3"));
  const sources = candidatePythons({ PATH: bin, VIRTUAL_ENV: venv, CONDA_PREFIX: conda }).map((c) => c.source.replace(/ \(.*\)$/, ""));
  const hasVenv = fs.existsSync(path.join(root, ".venv", "bin", "python"));
  // The jupyter script's interpreter is CONDA_PREFIX's, already listed: not repeated.
  assert.deepEqual(sources, ["VIRTUAL_ENV", "CONDA_PREFIX", ...(hasVenv ? ["project .venv"] : []), "python3 on PATH"]);
  assert.deepEqual(candidatePythons({ SEQLAB_PYTHON: "/x/python", PATH: bin, VIRTUAL_ENV: venv }), [{ python: "/x/python", source: "SEQLAB_PYTHON" }]);
});

test("a Jupyter with JupyterLab 4 beats an earlier one without it (Debian's Jupyter 6)", () => {
  const versions = (lab: string | null, nbconvert: string) => ({ nbconvert, nbclient: "0.7.2", jupyter_client: "7.4.9", jupyterlab: lab, notebook: lab ? null : "6.4.12", plotly: null });
  const debian: PythonProbe = { python: "/usr/bin/python3", source: "jupyter on PATH", versions: versions(null, "6.5.3") };
  const venv: PythonProbe = { python: "/repo/.venv/bin/python", source: "project .venv", versions: versions("4.6.4", "7.17.1") };
  const lab3: PythonProbe = { python: "/old/bin/python", source: "VIRTUAL_ENV", versions: versions("3.6.8", "7.0.0") };
  const broken: PythonProbe = { python: "/gone/python", source: "CONDA_PREFIX", versions: null };
  assert.equal(findJupyter([broken, lab3, debian, venv])?.python, "/repo/.venv/bin/python");
  assert.equal(findJupyter([broken, debian])?.python, "/usr/bin/python3");
  assert.equal(findJupyter([broken])?.python, undefined);
  assert.equal(hasJupyterLab4(venv), true);
  assert.equal(hasJupyterLab4(lab3), false);
});

test("pip's connection failures are told apart from other pip failures", () => {
  assert.equal(isNetworkFailure("WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError(... Connection refused')': /jupyterlab/\nERROR: No matching distribution found for jupyterlab==4.6.4"), true);
  assert.equal(isNetworkFailure("WARNING: Retrying ... 'ProxyError('Cannot connect to proxy.')'"), true);
  assert.equal(isNetworkFailure("ERROR: Could not find a version that satisfies the requirement jupyterlab==99 (from versions: 4.6.3, 4.6.4)"), false);
  assert.equal(isNetworkFailure("error: subprocess-exited-with-error\n  × Building wheel for pyzmq did not run successfully."), false);
});

test("setup's .env for VS Code: JUPYTER_PATH replaced, the user's other lines kept", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-env-")), ".env");
  fs.writeFileSync(file, "API_KEY=abc\nJUPYTER_PATH=/old/place\n# mine\n");
  writeVscodeEnv(file);
  writeVscodeEnv(file); // idempotent
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, 2), ["API_KEY=abc", "# mine"]);
  assert.equal(lines.filter((l) => l.startsWith("JUPYTER_PATH=")).length, 1);
  assert.equal(lines.at(-1), `JUPYTER_PATH=${path.join(root, "build", "jupyter")}`);
});

test("course options: --out takes a folder; --help; unknown options are refused", () => {
  assert.deepEqual(parseArguments(["a.ipynb", "--out", "/tmp/x", "b.ipynb"]), { notebooks: ["a.ipynb", "b.ipynb"], outDir: "/tmp/x", help: false });
  assert.equal(parseArguments(["-h"]).help, true);
  assert.throws(() => parseArguments(["--out"]), /Option '--out <value>' argument missing/);
  assert.throws(() => parseArguments(["--fast"]), /Unknown option '--fast'/);
});

test("every command answers --help with its usage and exits 0; course refuses an unknown option with it", () => {
  for (const name of ["course", "lab", "setup", "assign", "grade"]) {
    const help = tool(name, ["--help"], cleanEnv({}));
    assert.equal(help.status, 0, `${name} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^usage: npm run ${name}\\b`), name);
  }
  const bad = tool("course", ["--fast"], cleanEnv({}));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^course: Unknown option '--fast'.*\nusage: npm run course -- \[--out DIR\] \[notebooks\.\.\.\]/s);
});

test("setup --tests knows what npm test needs besides Jupyter: Chromium and bubblewrap, each found or reported missing", () => {
  const saved = { PATH: process.env.PATH, SEQLAB_CHROMIUM: process.env.SEQLAB_CHROMIUM };
  try {
    process.env.PATH = "/nonexistent";
    process.env.SEQLAB_CHROMIUM = "/nonexistent/chromium";
    assert.deepEqual(missingPackages(TEST_SYSTEM_PACKAGES).map((p) => p.apt), ["chromium", "bubblewrap"]);
    process.env.PATH = saved.PATH;
    process.env.SEQLAB_CHROMIUM = process.execPath; // any file that exists
    assert.deepEqual(missingPackages(TEST_SYSTEM_PACKAGES).map((p) => p.apt), findOnPath("bwrap") ? [] : ["bubblewrap"]);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const help = tool("setup", ["--help"], process.env, root);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--tests {4}also what `npm test` needs besides Jupyter: Chromium \(the browser test\) and\n {13}bubblewrap/);
});
