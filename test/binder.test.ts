/**
 * binder/ as repo2docker uses it (repo2docker itself needs Docker, which is not here): the pinned
 * Jupyter packages, postBuild's one kernel, and binder/start run for real, as a container start on
 * mybinder.org (repository = home) and under JupyterHub with a persistent home (repository in
 * /srv/..., outside $HOME): the student's copy of the notebooks imports "seqlab" through the kernel.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findJupyter, readJupyterPins } from "../src/tools/jupyter";
import { runNotebook } from "../src/tools/notebookRunner";

const root = path.resolve(__dirname, "..");
const binder = (file: string) => path.join(root, "binder", file);

test("environment.yml pins JupyterLab 4, nbconvert 7, nbclient and plotly in its pip list (setup installs the same)", () => {
  const pins = Object.fromEntries(readJupyterPins().map((p) => [p.name, p.version]));
  assert.deepEqual(Object.keys(pins).sort(), ["jupyterlab", "nbclient", "nbconvert", "plotly"]);
  assert.match(pins.jupyterlab, /^4\./);
  assert.match(pins.nbconvert, /^7\./);
  const yml = fs.readFileSync(binder("environment.yml"), "utf8");
  assert.match(yml, /^\s+- python=3\.11\s*$/m);
  assert.match(yml, /^\s+- nodejs=22\b/m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-pins-"));
  fs.writeFileSync(path.join(dir, "environment.yml"), "dependencies:\n  - pip:\n      - jupyterlab>=4\n");
  assert.throws(() => readJupyterPins(path.join(dir, "environment.yml")), /pip requirement "- jupyterlab>=4" must be pinned as name==version/);
});

test("postBuild stops on errors and registers one kernel (no tslab install: no extra TypeScript/JavaScript kernels)", () => {
  const script = fs.readFileSync(binder("postBuild"), "utf8");
  assert.ok(fs.statSync(binder("postBuild")).mode & 0o100, "postBuild must be executable");
  assert.match(script, /^set -euo pipefail$/m);
  assert.match(script, /^npm ci /m);
  assert.match(script, /^node dist\/tools\/setup\.js --no-apt$/m);
  assert.doesNotMatch(script.replace(/#.*/g, ""), /tslab install/);
});

test("start is executable and ends by handing over to the server (exec \"$@\")", () => {
  assert.ok(fs.statSync(binder("start")).mode & 0o100, "start must be executable");
  const lines = fs.readFileSync(binder("start"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  assert.equal(lines.at(-1), 'exec "$@"');
});

/** Runs binder/start with the given HOME and REPO_DIR; the "server" prints its JUPYTER_PATH. */
function start(home: string, repoDir: string): string {
  const run = spawnSync(binder("start"), [process.execPath, "-e", "console.log(process.env.JUPYTER_PATH)"], {
    encoding: "utf8",
    env: { ...process.env, HOME: home, REPO_DIR: repoDir, JUPYTER_PATH: "/elsewhere" },
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test("start on mybinder.org (repository = home): Jupyter sees the kernel, nothing is copied", () => {
  const jupyterPath = start(root, root);
  assert.equal(jupyterPath, `${path.join(root, "build", "jupyter")}:/elsewhere`);
  assert.equal(fs.existsSync(path.join(root, "seqlab")), false);
});

test("start under JupyterHub with a persistent home: the student's notebooks import seqlab through the kernel", () => {
  const jupyter = findJupyter();
  assert.ok(jupyter, "Jupyter is not installed: run `npm run setup`");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-home-"));
  assert.equal(start(home, root), `${path.join(root, "build", "jupyter")}:/elsewhere`);
  const course = path.join(home, "seqlab");
  const shipped = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
  assert.deepEqual(fs.readdirSync(path.join(course, "notebooks")).sort(), shipped);
  assert.equal(fs.realpathSync(path.join(course, "node_modules")), fs.realpathSync(path.join(root, "node_modules")));

  // The student's work survives the next start.
  const first = path.join(course, "notebooks", shipped[0]);
  fs.writeFileSync(first, "student's work");
  start(home, root);
  assert.equal(fs.readFileSync(first, "utf8"), "student's work");

  // A notebook in the student's copy imports the library, through the registered kernel.
  const check = {
    cells: [{ cell_type: "code", source: 'import { seed } from "seqlab";\nconsole.log(`seed is a ${typeof seed}`);', metadata: {}, outputs: [], execution_count: null }],
    metadata: { kernelspec: { name: "seqlab", display_name: "TypeScript (seqlab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const notebook = path.join(course, "notebooks", "check.ipynb");
  fs.writeFileSync(notebook, JSON.stringify(check));
  const report = runNotebook(jupyter, notebook, { outputDir: path.join(home, "executed"), htmlOutputDir: null });
  assert.equal(report.status, "ok", report.crash ?? JSON.stringify(report.failures));
  const executed = JSON.parse(fs.readFileSync(report.executedPath!, "utf8"));
  assert.equal([executed.cells[0].outputs[0].text].flat().join(""), "seed is a function\n");
  fs.rmSync(home, { recursive: true, force: true });
});
