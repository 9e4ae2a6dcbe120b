/**
 * `npm run course [-- [--out DIR] notebooks...]`: executes notebooks headless, in order, with the
 * project's tslab kernel (notebookRunner.ts), writes executed notebooks to build/notebooks and
 * standalone HTML to build/html, prints a table (notebook, cells, seconds, status) and exits
 * non-zero if any cell failed or was skipped. Errors are printed with notebook, cell and line.
 * `npm run course -- --help` says so.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { findJupyter, installInstructions, kernelProblem } from "./jupyter";
import { describeFailures, executedDir, htmlDir, runNotebook, type NotebookReport } from "./notebookRunner";
import { notebooksDir, repoRoot } from "./repository";

const HELP = `usage: npm run course -- [--out DIR] [notebooks...]

Executes the notebooks (default: every notebook in notebooks/, in order) headless with the
"seqlab" kernel, writes the executed notebooks to build/notebooks/ and standalone HTML to
build/html/, prints a table (notebook, cells, seconds, status) and exits 1 if any cell failed or
was skipped, naming the notebook, the cell and the line.

  --out DIR    write the executed notebooks to DIR/notebooks and the HTML to DIR/html instead
  -h, --help   this text`;

export function formatTable(reports: NotebookReport[]): string {
  const rows = reports.map((r) => [
    r.notebook,
    String(r.codeCells),
    r.seconds.toFixed(1),
    r.status === "ok" ? "ok" : r.status === "crashed" ? "CRASHED" : `FAILED (${r.failures.length} error${r.failures.length === 1 ? "" : "s"}${r.skipped.length ? `, ${r.skipped.length} skipped` : ""})`,
  ]);
  const header = ["notebook", "cells", "seconds", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Resolves command-line arguments to notebook paths; throws with a clear message if one is missing. */
export function resolveNotebooks(args: string[]): string[] {
  if (args.length === 0) {
    return fs
      .readdirSync(notebooksDir)
      .filter((f) => f.endsWith(".ipynb"))
      .sort()
      .map((f) => path.join(notebooksDir, f));
  }
  return args.map((arg) => {
    const resolved = path.resolve(arg);
    if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
      const available = fs.existsSync(notebooksDir) ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")) : [];
      throw new Error(`notebook not found: ${arg}\n  available in notebooks/: ${available.join(", ") || "(none)"}`);
    }
    if (!resolved.endsWith(".ipynb")) throw new Error(`not a notebook (expected a .ipynb file): ${arg}`);
    return resolved;
  });
}

/** The command line: `--out DIR` (where executed notebooks and HTML go; default build/), `--help`, and notebook paths. Throws on an unknown option. */
export function parseArguments(args: string[]): { notebooks: string[]; outDir: string | null; help: boolean } {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
  return { notebooks: positionals, outDir: values.out === undefined ? null : path.resolve(values.out), help: values.help === true };
}

function main(args: string[]): number {
  let notebooks: string[];
  let outDir: string | null;
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(args);
  } catch (error) {
    console.error(`course: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  try {
    outDir = parsed.outDir;
    notebooks = resolveNotebooks(parsed.notebooks);
  } catch (error) {
    console.error(`course: ${(error as Error).message}`);
    return 2;
  }
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error("course: Jupyter (nbconvert, nbclient, jupyter_client) was not found. Run `npm run setup`, or:");
    console.error(installInstructions());
    return 2;
  }
  const problem = kernelProblem();
  if (problem) {
    console.error(`course: ${problem}`);
    return 2;
  }
  const reports: NotebookReport[] = [];
  notebooks.forEach((notebook, i) => {
    process.stdout.write(`course: [${i + 1}/${notebooks.length}] ${path.relative(repoRoot, notebook)} ... `);
    const report = runNotebook(jupyter, notebook, outDir ? { outputDir: path.join(outDir, "notebooks"), htmlOutputDir: path.join(outDir, "html") } : {});
    console.log(`${report.status} in ${report.seconds.toFixed(1)} s`);
    for (const line of describeFailures(report)) console.error(line);
    reports.push(report);
  });
  console.log("\n" + formatTable(reports));
  const shown = (dir: string) => (path.relative(repoRoot, dir).startsWith("..") ? dir : path.relative(repoRoot, dir));
  console.log(`\nexecuted notebooks: ${shown(outDir ? path.join(outDir, "notebooks") : executedDir)}/   HTML: ${shown(outDir ? path.join(outDir, "html") : htmlDir)}/`);
  const failed = reports.filter((r) => r.status !== "ok").length;
  if (failed > 0) console.error(`course: ${failed} of ${reports.length} notebook(s) failed`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
