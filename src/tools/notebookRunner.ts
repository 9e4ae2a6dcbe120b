/**
 * Executes one notebook headless with the project's tslab kernel (`jupyter nbconvert --execute`)
 * and reports what happened, cell by cell: the course command, the notebook tests and the Binder
 * test all run notebooks through here.
 *
 * Cells run with allow-errors so the executed notebook (and its HTML) always shows the failing
 * cell's error output in place; failure is then decided here, from the executed notebook.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { jupyterEnvironment, kernelName, type JupyterInstall } from "./jupyter";
import { makePlotlyInteractive } from "./interactiveHtml";
import { sourceOf, type Notebook } from "./notebook";
import { buildDir, repoRoot } from "./repository";

/** Where executed notebooks and their HTML go by default. */
export const executedDir = path.join(buildDir, "notebooks");
export const htmlDir = path.join(buildDir, "html");

export interface CellFailure {
  /** 1-based position of the cell in the notebook (markdown cells included). */
  cell: number;
  executionCount: number | null;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface NotebookReport {
  notebook: string;
  codeCells: number;
  seconds: number;
  status: "ok" | "failed" | "crashed";
  failures: CellFailure[];
  /** 1-based positions of code cells that were never executed. */
  skipped: number[];
  /** nbconvert's own error output when it crashed (kernel died, timeout, bad JSON). */
  crash?: string;
  executedPath?: string;
  htmlPath?: string;
}

/** Reads an executed notebook: its code-cell count, error outputs and unexecuted code cells. */
export function inspectExecutedNotebook(notebook: Pick<Notebook, "cells">): Pick<NotebookReport, "codeCells" | "failures" | "skipped"> {
  const failures: CellFailure[] = [];
  const skipped: number[] = [];
  let codeCells = 0;
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || sourceOf(cell).trim() === "") return;
    codeCells++;
    if (cell.execution_count === null || cell.execution_count === undefined) skipped.push(index + 1);
    for (const output of cell.outputs ?? []) {
      if (output.output_type !== "error") continue;
      failures.push({
        cell: index + 1,
        executionCount: cell.execution_count ?? null,
        ename: output.ename ?? "Error",
        evalue: output.evalue ?? "",
        traceback: output.traceback ?? [],
      });
    }
  });
  return { codeCells, failures, skipped };
}

function tail(text: string, lines: number): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** Executes one notebook into `outputDir` (and HTML into `html`); never throws for a bad notebook. */
export function runNotebook(
  jupyter: JupyterInstall,
  notebookPath: string,
  options: {
    outputDir?: string;
    htmlOutputDir?: string | null;
    cellTimeoutSeconds?: number;
    /** Notebook JSON fed to nbconvert on stdin instead of reading `notebookPath` (which then only names the output); the kernel starts in `cwd`. */
    source?: string;
    /** Working directory of nbconvert, and of the kernel when `source` is given. */
    cwd?: string;
    /** Extra environment for nbconvert and the kernel (e.g. NODE_OPTIONS with a memory limit). */
    env?: Record<string, string>;
    /** Wall-clock limit for the whole nbconvert process; it is killed (SIGKILL) past it. */
    timeoutSeconds?: number;
  } = {},
): NotebookReport {
  const outputDir = options.outputDir ?? executedDir;
  const name = path.basename(notebookPath);
  const report: NotebookReport = { notebook: path.relative(repoRoot, notebookPath) || notebookPath, codeCells: 0, seconds: 0, status: "ok", failures: [], skipped: [] };
  fs.mkdirSync(outputDir, { recursive: true });
  const executedPath = path.join(outputDir, name);
  fs.rmSync(executedPath, { force: true });
  const started = Date.now();
  const run = spawnSync(
    jupyter.python,
    [
      "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
      `--ExecutePreprocessor.kernel_name=${kernelName}`,
      `--ExecutePreprocessor.timeout=${options.cellTimeoutSeconds ?? 600}`,
      "--output-dir", outputDir, "--output", name, ...(options.source === undefined ? [notebookPath] : ["--stdin"]),
    ],
    {
      encoding: "utf8",
      env: { ...jupyterEnvironment(), ...options.env },
      maxBuffer: 64 * 1024 * 1024,
      cwd: options.cwd,
      input: options.source,
      timeout: options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000,
      killSignal: "SIGKILL",
    },
  );
  report.seconds = (Date.now() - started) / 1000;
  if (run.status !== 0 || !fs.existsSync(executedPath)) {
    report.status = "crashed";
    const killed = run.signal === "SIGKILL" && options.timeoutSeconds !== undefined && report.seconds >= options.timeoutSeconds ? `killed after the wall-clock limit of ${options.timeoutSeconds} s\n` : "";
    report.crash = killed + tail(`${run.stderr ?? ""}${run.error ? String(run.error) : ""}`, 15);
    return report;
  }
  report.executedPath = executedPath;
  Object.assign(report, inspectExecutedNotebook(JSON.parse(fs.readFileSync(executedPath, "utf8"))));
  if (report.failures.length > 0 || report.skipped.length > 0) report.status = "failed";
  if (options.htmlOutputDir !== null) {
    const htmlOut = options.htmlOutputDir ?? htmlDir;
    fs.mkdirSync(htmlOut, { recursive: true });
    const html = spawnSync(jupyter.python, ["-m", "nbconvert", "--to", "html", "--output-dir", htmlOut, executedPath], {
      encoding: "utf8",
      env: jupyterEnvironment(),
    });
    if (html.status === 0) {
      report.htmlPath = path.join(htmlOut, name.replace(/\.ipynb$/, ".html"));
      makePlotlyInteractive(report.htmlPath, JSON.parse(fs.readFileSync(executedPath, "utf8")));
    }
    else console.warn(`course: HTML export of ${name} failed:\n${tail(html.stderr, 5)}`);
  }
  return report;
}

/** Human-readable lines for each failure of a report. */
export function describeFailures(report: NotebookReport): string[] {
  const lines: string[] = [];
  if (report.crash) lines.push(`${report.notebook}: nbconvert stopped before finishing:\n${report.crash}`);
  for (const failure of report.failures) {
    const count = failure.executionCount === null ? "" : ` [${failure.executionCount}]`;
    lines.push(`${report.notebook}, cell ${failure.cell}${count}: ${failure.ename}: ${failure.evalue}`);
    lines.push(...failure.traceback.slice(1, 6).map((line) => `    ${line}`));
  }
  for (const cell of report.skipped) lines.push(`${report.notebook}, cell ${cell}: was never executed (skipped)`);
  return lines;
}
