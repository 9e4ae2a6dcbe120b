/**
 * Notebooks: committed clean, and executed through the real kernel with errors that surface.
 * The fixtures in test/fixtures/notebooks hold a deliberate type error, a runtime throw and a
 * chart; they run through the same runner as `npm run course`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findJupyter, kernelDisplayName, kernelName } from "../src/tools/jupyter";
import { resolveNotebooks } from "../src/tools/course";
import { runNotebook, type NotebookReport } from "../src/tools/notebookRunner";
import { readNotebook, type Cell } from "../src/tools/notebook";

const root = path.resolve(__dirname, "..");
const fixtures = path.join(root, "test", "fixtures", "notebooks");

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : value ?? "");

test("committed notebooks have no outputs, no execution counts, and the seqlab kernelspec", () => {
  const notebooks = [
    ...fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(root, "notebooks", f)),
    ...fs.readdirSync(fixtures).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(fixtures, f)),
  ];
  assert.ok(notebooks.length >= 4);
  for (const file of notebooks) {
    const notebook = readNotebook(file);
    const name = path.relative(root, file);
    assert.deepEqual(
      { name: notebook.metadata.kernelspec?.name, display_name: notebook.metadata.kernelspec?.display_name },
      { name: kernelName, display_name: kernelDisplayName },
      `${name}: metadata.kernelspec must be {"name": "${kernelName}", "display_name": "${kernelDisplayName}", "language": "typescript"}`,
    );
    notebook.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      assert.deepEqual(cell.outputs, [], `${name} cell ${i + 1} was committed with outputs`);
      assert.equal(cell.execution_count, null, `${name} cell ${i + 1} was committed with an execution count`);
    });
  }
});

test("a notebook path that does not exist gets a clear error", () => {
  assert.throws(() => resolveNotebooks(["notebooks/99-missing.ipynb"]), /notebook not found: notebooks\/99-missing\.ipynb\n  available in notebooks\/: .*00-getting-started\.ipynb/);
  const cli = spawnSync(process.execPath, [path.join(root, "dist", "tools", "course.js"), "notebooks/99-missing.ipynb"], { cwd: root, encoding: "utf8" });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /course: notebook not found: notebooks\/99-missing\.ipynb/);
});

const jupyter = findJupyter();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-notebooks-"));
const run = (fixture: string): { report: NotebookReport; executed: { cells: Cell[] } } => {
  assert.ok(jupyter, "Jupyter is not installed: run `npm run setup`");
  const report = runNotebook(jupyter, path.join(fixtures, fixture), { outputDir: scratch, htmlOutputDir: null });
  assert.ok(report.executedPath, `nbconvert crashed: ${report.crash}`);
  return { report, executed: readNotebook(report.executedPath) };
};

test("a type error shows as an error output with its message and line; later cells still run", () => {
  const { report, executed } = run("type-error.ipynb");
  assert.equal(report.status, "failed");
  assert.equal(report.failures.length, 1);
  const failure = report.failures[0];
  assert.equal(failure.cell, 3);
  assert.equal(failure.ename, "TypeScriptError");
  assert.equal(failure.evalue, "line 2, column 7: Type 'string' is not assignable to type 'number'. (TS2322)");
  assert.ok(failure.traceback.includes('    const label: number = "not a number";'), failure.traceback.join("\n"));
  // Every code cell ran, carries an execution count, and the cell after the error printed.
  const counts = executed.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
  assert.deepEqual(counts, [1, 2, 3]);
  assert.equal(text(executed.cells[3].outputs?.[0]?.text), "after the type error\n");
  assert.deepEqual(report.skipped, []);
});

test("a runtime throw shows its name, message and the cell line that threw", () => {
  const { report, executed } = run("runtime-error.ipynb");
  assert.equal(report.status, "failed");
  const [failure] = report.failures;
  assert.equal(failure.cell, 3);
  assert.equal(failure.executionCount, 2);
  assert.equal(failure.ename, "RangeError");
  assert.equal(failure.evalue, "value must be positive, got -2");
  const traceback = failure.traceback.join("\n");
  assert.match(traceback, /in cell \[1\], line 3:\n    throw new RangeError/);
  assert.match(traceback, /at cell \[2\], line 3/);
  const streams = executed.cells[2].outputs?.filter((o) => o.output_type === "stream").map((o) => text(o.text)).join("");
  assert.equal(streams, "ok 3\n"); // ran up to the throw, not past it
  assert.equal(text(executed.cells[3].outputs?.[0]?.text), "after the runtime error\n");
});

test("npm run course fails on a broken notebook and prints notebook, cell and message", () => {
  const cli = spawnSync(process.execPath, [path.join(root, "dist", "tools", "course.js"), "--out", scratch, path.join(fixtures, "runtime-error.ipynb")], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(cli.status, 1, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /runtime-error\.ipynb, cell 3 \[2\]: RangeError: value must be positive, got -2/);
  assert.match(cli.stdout, /runtime-error\.ipynb\s+3\s+[\d.]+\s+FAILED \(1 error\)/);
});

test("show() stores ONE output per chart with vega-lite, PNG and text; progress keeps its final state", () => {
  const { report, executed } = run("display.ipynb");
  assert.equal(report.status, "ok", JSON.stringify(report.failures));
  const chartOutputs = executed.cells[2].outputs ?? [];
  assert.equal(chartOutputs.length, 1);
  const data = chartOutputs[0].data ?? {};
  assert.deepEqual(Object.keys(data).sort(), ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
  assert.equal((data["application/vnd.vegalite.v5+json"] as { mark: { type: string } }).mark.type, "line");
  assert.equal(Buffer.from(String(data["image/png"]), "base64").subarray(1, 4).toString(), "PNG");
  assert.equal(text(data["text/plain"] as string), "[line chart] fixture line: 3 points");
  // Progress: exactly two outputs (bar + loss chart), each in its final state.
  const progressOutputs = executed.cells[3].outputs ?? [];
  assert.equal(progressOutputs.length, 2);
  assert.match(text(progressOutputs[0].data?.["text/plain"] as string), /^fixture run: epoch 3\/3 \[#+\] step 4\/4  loss 0\.3333  elapsed [\d.]+s  done$/);
  assert.equal(text(progressOutputs[1].data?.["text/plain"] as string), "[loss chart] 3 epochs; last: train 0.3333, validation 0.4000");
  // A 3D trajectory: plotly figure + static PNG + text, still one output.
  const plotly = executed.cells[4].outputs ?? [];
  assert.equal(plotly.length, 1);
  assert.deepEqual(Object.keys(plotly[0].data ?? {}).sort(), ["application/vnd.plotly.v1+json", "image/png", "text/plain"]);
  assert.deepEqual((plotly[0].data?.["application/vnd.plotly.v1+json"] as { data: { z: number[] }[] }).data[0].z, [0, 1, 2, 3]);
});

test("`{ name }` shorthand works for variables declared in earlier cells (patched tslab)", () => {
  const { report, executed } = run("shorthand.ipynb");
  assert.equal(report.status, "ok", JSON.stringify(report.failures));
  assert.equal(text(executed.cells[2].outputs?.[0]?.text), '{"epochs":3,"extra":2}\n');
  assert.equal(text(executed.cells[3].outputs?.[0]?.text), '{"epochs":3,"counter":5}\n');
});
