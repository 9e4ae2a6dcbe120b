/** The command-line tools' answers to a broken environment: one clear message, non-zero exit. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kernelProblem, kernelSpec } from "../src/tools/jupyter";
import { parseArguments } from "../src/tools/course";

const root = path.resolve(__dirname, "..");
const tool = (name: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(root, "dist", "tools", `${name}.js`), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });

test("course and lab without Jupyter say so and how to install it", () => {
  for (const name of ["course", "lab"]) {
    const result = tool(name, [], { SEQLAB_PYTHON: "/nonexistent/python3" });
    assert.equal(result.status, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, /Jupyter .*not found\. Run `npm run setup`/);
    assert.match(result.stderr, /pip install jupyterlab nbconvert nbclient/);
    assert.match(result.stderr, /sudo apt-get update && sudo apt-get install -y jupyter-nbconvert/);
  }
});

test("a missing, broken or stale kernelspec is reported with the fix", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-kernel-"));
  const spec = path.join(dir, "kernel.json");
  assert.match(kernelProblem(spec) ?? "", /The seqlab kernel is not registered for this project .*Run: npm run setup/);
  fs.writeFileSync(spec, "{not json");
  assert.match(kernelProblem(spec) ?? "", /kernel\.json is not valid JSON .*Run: npm run setup/);
  fs.writeFileSync(spec, JSON.stringify({ argv: [process.execPath, "/moved/away/tslab", "kernel"] }));
  assert.match(kernelProblem(spec) ?? "", /points at \/moved\/away\/tslab, which does not exist .*Run: npm run setup/);
  fs.writeFileSync(spec, JSON.stringify(kernelSpec()));
  assert.equal(kernelProblem(spec), null);
});

test("course options: --out takes a folder; unknown options are refused", () => {
  assert.deepEqual(parseArguments(["a.ipynb", "--out", "/tmp/x", "b.ipynb"]), { notebooks: ["a.ipynb", "b.ipynb"], outDir: "/tmp/x" });
  assert.throws(() => parseArguments(["--out"]), /--out needs a folder/);
  assert.throws(() => parseArguments(["--fast"]), /unknown option --fast \(usage: npm run course -- \[--out DIR\] \[notebooks\.\.\.\]\)/);
});
