/**
 * `npm run test:browser`: the course as students see it. Every notebook in notebooks/ is opened in
 * JupyterLab 4 (headless Chromium driven by playwright-core), all cells are run through the UI
 * (Run > Run All Cells), and what the page shows is checked against the notebook JupyterLab saved:
 *   - the seqlab kernel is the one running (session and toolbar);
 *   - every code cell ran, with no error output and nothing on stderr;
 *   - every chart is drawn by JupyterLab's vega renderer (an SVG or canvas in .vega-embed), never
 *     the PNG fallback; every 3D figure becomes a live plotly plot once the pointer enters it;
 *   - a training cell's progress bar changes in place while it runs (at least two states seen) and
 *     ends as one output; tables render with all their rows.
 * A screenshot of each notebook goes to build/screenshots/. Then each nbconvert HTML export
 * (build/html, from `npm run course`) is opened and its charts must be visible.
 * Set SEQLAB_NOTEBOOKS=00,03 to run only notebooks whose names start with those prefixes.
 */
/// <reference lib="dom" />
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { findJupyter, hasJupyterLab4, kernelDisplayName, kernelName, kernelProblem, type JupyterInstall } from "../../src/tools/jupyter";
import { launchChromium, startJupyterLab, type RunningLab } from "./jupyterLab";

const root = path.resolve(__dirname, "..", "..");
const notebooksDir = path.join(root, "notebooks");
/** JupyterLab works on copies (it saves outputs into them); inside the repo so "seqlab" resolves. */
const workDir = path.join(root, "build", "browser", "notebooks");
const screenshotDir = path.join(root, "build", "screenshots");
const executedDir = path.join(root, "build", "notebooks");
const htmlDir = path.join(root, "build", "html");

const only = (process.env.SEQLAB_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const notebooks = fs
  .readdirSync(notebooksDir)
  .filter((f) => f.endsWith(".ipynb"))
  .filter((f) => only.length === 0 || only.some((prefix) => f.startsWith(prefix)))
  .sort();

const VEGA_LITE = "application/vnd.vegalite.v5+json";
const PLOTLY = "application/vnd.plotly.v1+json";

interface ModelOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface ModelCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: ModelOutput[];
}
const joined = (value: unknown) => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");

/** What one output looks like in the page. */
interface DomOutput {
  classes: string;
  mime: string | null;
  /** .vega-embed holding an SVG or canvas with a non-zero size. */
  vegaDrawn: boolean;
  /** A live plotly figure (js-plotly-plot); gl3d: with a WebGL scene. */
  plotlyLive: boolean;
  gl3d: boolean;
  tableRows: number;
  progress: boolean;
  text: string;
}

/** What the test saw in one notebook (printed as a table at the end). */
interface Seen {
  notebook: string;
  seconds: number;
  kernel: string;
  codeCells: number;
  ran: number;
  charts: string;
  figures3d: string;
  progress: string;
  tables: string;
  problems: string[];
}
const seen: Seen[] = [];

let jupyter: JupyterInstall;
let lab: RunningLab;
let browser: Browser;

before(async () => {
  const found = findJupyter();
  assert.ok(found && hasJupyterLab4(found), `JupyterLab 4 is not installed (found: ${found ? `${found.python}, JupyterLab ${found.jupyterlab ?? "none"}` : "no Jupyter"}). Run: npm run setup`);
  jupyter = found;
  const problem = kernelProblem();
  assert.equal(problem, null, problem ?? "");
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(screenshotDir, { recursive: true });
  for (const name of notebooks) fs.copyFileSync(path.join(notebooksDir, name), path.join(workDir, name));
  if (only.length > 0) console.log(`test:browser: SEQLAB_NOTEBOOKS=${only.join(",")}: ${notebooks.length} notebook(s) only`);
  lab = await startJupyterLab(jupyter, workDir);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lab?.stop();
  if (seen.length === 0) return;
  const header = ["notebook", "s", "kernel", "cells run", "charts (vega)", "3D (live plotly)", "progress states", "tables", "problems"];
  const rows = seen.map((s) => [s.notebook, s.seconds.toFixed(0), s.kernel, `${s.ran}/${s.codeCells}`, s.charts, s.figures3d, s.progress, s.tables, String(s.problems.length)]);
  const table = [`| ${header.join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  fs.mkdirSync(path.dirname(workDir), { recursive: true });
  fs.writeFileSync(path.join(path.dirname(workDir), "summary.md"), table + "\n");
  console.log(`\nWhat JupyterLab showed (also in build/browser/summary.md):\n${table}\n`);
});

/**
 * A browser context for one page. tsx compiles the functions this file hands to the page with
 * esbuild's keepNames, which calls a `__name` helper the page does not have: define it there.
 */
async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript("globalThis.__name = (target) => target;");
  return context;
}

/** JupyterLab's debugger asks every kernel for a debug session; tslab has none. Harmless, so not counted. */
const IGNORED_PAGE_ERRORS = /No active debugger session/;

/** Polls `probe` until it returns a truthy value; throws `what` after `ms`. */
async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Installed in the page before JupyterLab loads: records every distinct text of every output that
 * holds a <progress> element, keyed by "cell:output" position, as the DOM changes.
 */
function recordProgressStates(): void {
  const states: Record<string, string[]> = {};
  (window as unknown as { __seqlabProgress: typeof states }).__seqlabProgress = states;
  const record = () => {
    const bars = document.querySelectorAll(".jp-Notebook .jp-OutputArea-output progress");
    if (bars.length === 0) return;
    const cells = Array.from(document.querySelectorAll(".jp-Notebook .jp-Cell"));
    bars.forEach((bar) => {
      const output = bar.closest(".jp-OutputArea-output");
      const cell = bar.closest(".jp-Cell");
      if (!output || !cell) return;
      const outputs = Array.from(cell.querySelectorAll(".jp-OutputArea-output"));
      const key = `${cells.indexOf(cell)}:${outputs.indexOf(output)}`;
      const text = (output.textContent ?? "").trim();
      const list = (states[key] ??= []);
      if (list[list.length - 1] !== text && list.length < 1000) list.push(text);
    });
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["value"] });
}

/** Prompts of all code cells ("[3]:", "[*]:", "[ ]:"), in notebook order. */
function prompts(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt")).map((p) => (p.textContent ?? "").trim()));
}

/** Every output of every cell as the page shows it (cells in notebook order, markdown included). */
function domOutputs(page: Page): Promise<DomOutput[][]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".jp-Notebook .jp-Cell")).map((cell) =>
      Array.from(cell.querySelectorAll(".jp-OutputArea-output")).map((output) => {
        const drawn = Array.from(output.querySelectorAll(".vega-embed svg, .vega-embed canvas")).some((el) => {
          const box = el.getBoundingClientRect();
          return box.width > 0 && box.height > 0;
        });
        return {
          classes: output.className,
          mime: output.getAttribute("data-mime-type"),
          vegaDrawn: drawn,
          // jupyterlab-plotly draws into the output element itself (it becomes the .js-plotly-plot).
          plotlyLive: output.matches(".js-plotly-plot") || !!output.querySelector(".js-plotly-plot"),
          gl3d: !!output.querySelector(".gl-container canvas"),
          tableRows: output.querySelectorAll("table tbody tr").length,
          progress: !!output.querySelector("progress"),
          text: (output.textContent ?? "").trim().slice(0, 300),
        };
      }),
    ),
  );
}

async function runNotebookInLab(name: string): Promise<Seen> {
  const started = Date.now();
  const problems: string[] = [];
  const context = await newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => {
    if (!IGNORED_PAGE_ERRORS.test(error.message)) pageErrors.push(error.message);
  });
  await page.addInitScript(recordProgressStates);
  try {
    await page.goto(`${lab.url}/lab/tree/${encodeURIComponent(name)}?reset&token=${lab.token}`);
    await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 120_000 });
    const session = await waitFor(
      async () => ((await lab.api("GET", "/api/sessions")) as { path: string; id: string; kernel: { name: string; execution_state: string } }[]).find((s) => s.path === name && s.kernel.execution_state === "idle"),
      120_000,
      `the kernel of ${name} to start`,
    );
    const toolbarKernel = await waitFor(
      async () => (await page.textContent(".jp-NotebookPanel-toolbar .jp-KernelName").catch(() => null))?.trim(),
      30_000,
      "the kernel name in the notebook toolbar",
    );
    if (session.kernel.name !== kernelName) problems.push(`the running kernel is "${session.kernel.name}", not "${kernelName}"`);
    if (toolbarKernel !== kernelDisplayName) problems.push(`the toolbar shows the kernel "${toolbarKernel}", not "${kernelDisplayName}"`);

    const source = JSON.parse(fs.readFileSync(path.join(workDir, name), "utf8")) as { cells: ModelCell[] };
    const codeCells = source.cells.map((c, i) => ({ cell: c, number: i + 1 })).filter(({ cell }) => cell.cell_type === "code" && joined(cell.source).trim() !== "");

    await page.getByRole("menuitem", { name: "Run", exact: true }).click();
    await page.getByRole("menuitem", { name: /^Run All Cells/ }).click();
    // Running: wait until no cell is queued or running and the kernel is idle (twice in a row).
    let lastReport = Date.now();
    let quiet = 0;
    await waitFor(
      async () => {
        const shown = await prompts(page);
        const busy = shown.some((p) => p.includes("*"));
        const done = shown.filter((p) => /\[\d+\]/.test(p)).length;
        if (Date.now() - lastReport > 20_000) {
          console.log(`  ${name}: ${done}/${codeCells.length} cells done after ${Math.round((Date.now() - started) / 1000)} s`);
          lastReport = Date.now();
        }
        const sessions = (await lab.api("GET", "/api/sessions")) as { id: string; kernel: { execution_state: string } }[];
        const idle = sessions.find((s) => s.id === session.id)?.kernel.execution_state === "idle";
        quiet = !busy && idle && done > 0 ? quiet + 1 : 0;
        return quiet >= 2;
      },
      15 * 60_000,
      `${name} to finish running`,
    );

    // 3D figures: jupyterlab-plotly shows a PNG until the pointer enters the output.
    const plotlyOutputs = page.locator(".jp-OutputArea-output.jp-RenderedPlotly");
    for (let i = 0; i < (await plotlyOutputs.count()); i++) {
      const output = plotlyOutputs.nth(i);
      await output.scrollIntoViewIfNeeded();
      await output.hover();
      await output.locator(".gl-container canvas").first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    }

    // Save, then compare the page with the notebook JupyterLab wrote.
    await page.locator(".jp-NotebookPanel .jp-Notebook").first().click({ position: { x: 5, y: 5 } });
    const before = fs.statSync(path.join(workDir, name)).mtimeMs;
    await page.keyboard.press("Control+s");
    const saved = await waitFor(
      async () => {
        const file = path.join(workDir, name);
        if (fs.statSync(file).mtimeMs === before) return null;
        try {
          return JSON.parse(fs.readFileSync(file, "utf8")) as { cells: ModelCell[] };
        } catch {
          return null; // half written
        }
      },
      60_000,
      `JupyterLab to save ${name}`,
    );
    const dom = await domOutputs(page);
    const states = (await page.evaluate(() => (window as unknown as { __seqlabProgress: Record<string, string[]> }).__seqlabProgress)) ?? {};

    let charts = 0;
    let chartsDrawn = 0;
    let figures = 0;
    let figuresLive = 0;
    let tables = 0;
    let tablesShown = 0;
    const progressSeen: string[] = [];
    let ran = 0;
    saved.cells.forEach((cell, index) => {
      const where = `cell ${index + 1}`;
      if (cell.cell_type !== "code") return;
      const outputs = cell.outputs ?? [];
      const shown = dom[index] ?? [];
      if (joined(cell.source).trim() !== "") {
        if (typeof cell.execution_count === "number") ran++;
        else problems.push(`${where} never ran (no execution count)`);
      }
      if (shown.length !== outputs.length) problems.push(`${where}: the notebook has ${outputs.length} output(s), the page shows ${shown.length}`);
      outputs.forEach((output, o) => {
        const view = shown[o];
        const at = `${where}, output ${o + 1}`;
        if (output.output_type === "error") problems.push(`${at}: error ${output.ename}: ${output.evalue}`);
        if (output.output_type === "stream" && output.name === "stderr") problems.push(`${at}: stderr: ${joined(output.text).trim().slice(0, 200)}`);
        const data = output.data ?? {};
        if (data[VEGA_LITE]) {
          charts++;
          if (view?.vegaDrawn && /jp-RenderedVegaLite/.test(view.classes)) chartsDrawn++;
          else problems.push(`${at}: a vega-lite chart is not drawn by the vega renderer (page shows ${view ? `${view.classes.trim()}, mime ${view.mime}` : "nothing"})`);
        }
        if (data[PLOTLY]) {
          figures++;
          if (view?.plotlyLive && view.gl3d) figuresLive++;
          else problems.push(`${at}: a 3D figure did not become a live plotly plot (page shows ${view ? view.classes.trim() : "nothing"}${view?.plotlyLive ? ", plotly without a WebGL scene" : ""})`);
        }
        const html = joined(data["text/html"]);
        if (html.includes("<table")) {
          tables++;
          const rows = (html.split("<tbody>")[1] ?? "").split("<tr>").length - 1;
          if (view && view.tableRows === rows) tablesShown++;
          else problems.push(`${at}: a table with ${rows} rows shows ${view ? view.tableRows : "no"} rows`);
        }
        if (html.includes("<progress")) {
          const history = states[`${index}:${o}`] ?? [];
          progressSeen.push(String(history.length));
          if (history.length < 2) problems.push(`${at}: the progress bar was seen in ${history.length} state(s) while the cell ran; expected it to change in place at least once`);
          if (!/done|stopped early/.test(view?.text ?? "")) problems.push(`${at}: the progress bar's final state is "${view?.text}", expected it to say done`);
        }
      });
    });
    // Each training ends as one progress output: an update appended instead of replacing would
    // leave several bars with the same title in the cell.
    dom.forEach((cell, index) => {
      const titles = cell.filter((v) => v.progress).map((v) => v.text.split(/\bepoch \d/)[0].trim());
      if (new Set(titles).size !== titles.length) problems.push(`cell ${index + 1}: ${titles.length} progress outputs for ${new Set(titles).size} training run(s): ${titles.join(" | ")}`);
    });
    // Outputs with a PNG only would mean a renderer is missing.
    dom.forEach((cell, index) => cell.forEach((view, o) => {
      if (/jp-RenderedImage/.test(view.classes)) problems.push(`cell ${index + 1}, output ${o + 1}: shown as a static image (${view.mime})`);
    }));
    if (pageErrors.length > 0) problems.push(`page errors: ${pageErrors.slice(0, 3).join(" | ")}`);

    // One screenshot of the whole notebook: hide the file browser, make the window as tall as the notebook.
    await page.keyboard.press("Control+b");
    const height = await page.evaluate(() => {
      const scroller = document.querySelector(".jp-NotebookPanel .jp-WindowedPanel-outer") ?? document.querySelector(".jp-NotebookPanel .jp-Notebook");
      return (scroller?.scrollHeight ?? 900) + 140;
    });
    await page.setViewportSize({ width: 1280, height: Math.min(height, 16_000) });
    await page.waitForTimeout(1_000);
    await page.evaluate(() => {
      const scroller = document.querySelector(".jp-NotebookPanel .jp-WindowedPanel-outer");
      if (scroller) scroller.scrollTop = 0;
    });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshotDir, name.replace(/\.ipynb$/, ".png")) });

    await lab.api("DELETE", `/api/sessions/${session.id}`); // stops the kernel
    return {
      notebook: name,
      seconds: (Date.now() - started) / 1000,
      kernel: `${session.kernel.name} ("${toolbarKernel}")`,
      codeCells: codeCells.length,
      ran,
      charts: `${chartsDrawn}/${charts}`,
      figures3d: `${figuresLive}/${figures}`,
      progress: progressSeen.length ? progressSeen.join(", ") : "none",
      tables: `${tablesShown}/${tables}`,
      problems,
    };
  } finally {
    await context.close();
  }
}

for (const name of notebooks) {
  test(`JupyterLab runs ${name} with the seqlab kernel and draws what it outputs`, { timeout: 20 * 60_000 }, async () => {
    const result = await runNotebookInLab(name);
    seen.push(result);
    assert.deepEqual(result.problems, [], `${name} in JupyterLab:\n  ${result.problems.join("\n  ")}`);
  });
}

test("the course shows at least one live training progress bar and one interactive 3D figure", { skip: only.length > 0 && "SEQLAB_NOTEBOOKS is set" }, () => {
  assert.ok(seen.some((s) => s.progress !== "none"), `no notebook showed a progress bar: ${JSON.stringify(seen.map((s) => [s.notebook, s.progress]))}`);
  assert.ok(seen.some((s) => !s.figures3d.startsWith("0/")), `no notebook showed a 3D figure: ${JSON.stringify(seen.map((s) => [s.notebook, s.figures3d]))}`);
});

test("each nbconvert HTML export (build/html) shows its charts in Chromium", async () => {
  const problems: string[] = [];
  for (const name of notebooks) {
    const html = path.join(htmlDir, name.replace(/\.ipynb$/, ".html"));
    const executed = path.join(executedDir, name);
    if (!fs.existsSync(html) || !fs.existsSync(executed)) {
      problems.push(`${name}: no ${path.relative(root, html)} (run \`npm run course\` first; npm test does)`);
      continue;
    }
    const notebook = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: ModelCell[] };
    const outputs = notebook.cells.flatMap((c) => c.outputs ?? []);
    const pngCharts = outputs.filter((o) => o.data?.[VEGA_LITE]).length;
    const figures = outputs.filter((o) => o.data?.[PLOTLY]).length;
    const context = await newContext();
    const page = await context.newPage();
    try {
      await page.goto(`file://${html}`, { waitUntil: "load", timeout: 60_000 });
      const shown = await page.evaluate(() => {
        const visible = (el: Element) => {
          const box = el.getBoundingClientRect();
          return box.width > 50 && box.height > 50;
        };
        const images = Array.from(document.querySelectorAll(".jp-OutputArea-output img")).filter(
          (img) => !img.closest(".seqlab-plotly") && (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0 && visible(img),
        );
        // plotly draws into the holder itself, which then carries .js-plotly-plot.
        const live = Array.from(document.querySelectorAll(".seqlab-plotly.js-plotly-plot, .seqlab-plotly .js-plotly-plot")).filter(visible);
        return { images: images.length, live: live.length };
      });
      if (shown.images !== pngCharts) problems.push(`${name}: ${pngCharts} chart(s) in the notebook, ${shown.images} visible chart image(s) in its HTML`);
      if (shown.live !== figures) problems.push(`${name}: ${figures} 3D figure(s) in the notebook, ${shown.live} live plotly figure(s) in its HTML`);
      await page.screenshot({ path: path.join(screenshotDir, `html-${name.replace(/\.ipynb$/, ".png")}`), fullPage: true });
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});
