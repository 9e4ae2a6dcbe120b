/**
 * Finding Jupyter and registering the project's kernel, shared by setup, course, lab and the tests.
 *
 * The kernelspec lives inside the repository (build/jupyter/kernels/seqlab) and Jupyter is pointed
 * at it with JUPYTER_PATH, so no write access outside the repo is needed. One kernel, one name:
 * `seqlab`, shown as "TypeScript (seqlab)" in JupyterLab, VS Code and every notebook's metadata.
 *
 * Which Python's Jupyter is used (first match wins, see findJupyter):
 *   1. $SEQLAB_PYTHON, if set (only that one);
 *   2. the active virtual environment ($VIRTUAL_ENV), then the active conda environment ($CONDA_PREFIX);
 *   3. the project's own .venv (created by `npm run setup`);
 *   4. the Python behind `jupyter` on PATH, then `python3` and `python` on PATH.
 * A candidate with JupyterLab 4 and nbconvert beats one without (e.g. Debian's Jupyter 6 under
 * /usr/bin/python3), whatever its place in that list; without any JupyterLab 4, the first one that
 * can execute notebooks headless (nbconvert, nbclient, jupyter_client) is used.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repository";

export const jupyterDataDir = path.join(repoRoot, "build", "jupyter");
/** The kernel's name: notebooks' `metadata.kernelspec.name`, nbconvert's kernel_name. */
export const kernelName = "seqlab";
/** What JupyterLab, VS Code and the notebooks' metadata show. */
export const kernelDisplayName = "TypeScript (seqlab)";
export const kernelSpecPath = path.join(jupyterDataDir, "kernels", kernelName, "kernel.json");
export const tslabBinary = path.join(repoRoot, "node_modules", "tslab", "bin", "tslab");
/** The project-local virtual environment `npm run setup` creates when no Jupyter is found. */
export const projectVenv = path.join(repoRoot, ".venv");
/** The pinned Jupyter packages, shared with Binder: the pip section of binder/environment.yml. */
export const jupyterPinsFile = path.join(repoRoot, "binder", "environment.yml");

/** Debian's packages that provide headless execution (see FIELD-NOTES) and fonts for PNG text. */
export const debianPackages = [
  "jupyter-nbconvert",
  "python3-nbconvert",
  "python3-nbclient",
  "jupyter-client",
  "jupyter-core",
  "python3-ipykernel",
  "jupyter-notebook",
  "fonts-dejavu-core",
];

export interface JupyterInstall {
  /** The Python interpreter whose nbconvert/nbclient/JupyterLab we run. */
  python: string;
  /** Where it was found: "SEQLAB_PYTHON", "VIRTUAL_ENV", "CONDA_PREFIX", "project .venv", "jupyter on PATH", ... */
  source: string;
  nbconvert: string;
  nbclient: string;
  jupyterlab: string | null;
  notebook: string | null;
  plotly: string | null;
  /** What `npm run lab` can start: JupyterLab, else the classic notebook, else nothing. */
  lab: "jupyterlab" | "notebook" | null;
}

/** What one candidate Python has (null: the interpreter did not run). */
export interface PythonProbe {
  python: string;
  source: string;
  versions: Record<"nbconvert" | "nbclient" | "jupyter_client" | "jupyterlab" | "notebook" | "plotly", string | null> | null;
}

/** The Chromium that `npm run test:browser` drives: $SEQLAB_CHROMIUM, else Debian's package. */
export const chromiumPath = (): string => process.env.SEQLAB_CHROMIUM ?? "/usr/bin/chromium";

/** `command` as found on PATH (an executable file), or null. */
export function findOnPath(command: string, searchPath: string = process.env.PATH ?? ""): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return null;
}

/** The interpreter a script's `#!` line names (`#!/usr/bin/env python3` is looked up on PATH). */
function shebangPython(script: string): string | null {
  let first: string;
  try {
    const fd = fs.openSync(script, "r");
    const buffer = Buffer.alloc(256);
    const read = fs.readSync(fd, buffer, 0, 256, 0);
    fs.closeSync(fd);
    first = buffer.subarray(0, read).toString("utf8").split("\n")[0];
  } catch {
    return null;
  }
  if (!first.startsWith("#!")) return null;
  const parts = first.slice(2).trim().split(/\s+/);
  if (path.basename(parts[0]) === "env") return parts[1] ? findOnPath(parts[1]) : null;
  return parts[0] || null;
}

/** Candidate interpreters in precedence order (see the module comment). */
export function candidatePythons(env: NodeJS.ProcessEnv = process.env): { python: string; source: string }[] {
  if (env.SEQLAB_PYTHON) return [{ python: env.SEQLAB_PYTHON, source: "SEQLAB_PYTHON" }];
  const bin = (prefix: string) => path.join(prefix, "bin", "python");
  const list: { python: string; source: string }[] = [];
  if (env.VIRTUAL_ENV) list.push({ python: bin(env.VIRTUAL_ENV), source: "VIRTUAL_ENV" });
  if (env.CONDA_PREFIX) list.push({ python: bin(env.CONDA_PREFIX), source: "CONDA_PREFIX" });
  list.push({ python: bin(projectVenv), source: "project .venv" });
  const jupyter = findOnPath("jupyter", env.PATH);
  const jupyterPython = jupyter ? shebangPython(jupyter) : null;
  if (jupyterPython) list.push({ python: jupyterPython, source: `jupyter on PATH (${jupyter})` });
  for (const name of ["python3", "python"]) {
    const found = findOnPath(name, env.PATH);
    if (found) list.push({ python: found, source: `${name} on PATH` });
  }
  const seen = new Set<string>();
  return list.filter((c) => fs.existsSync(c.python) && !seen.has(c.python) && !!seen.add(c.python));
}

const PROBE = `
import json
from importlib import metadata
found = {}
for name in ["nbconvert", "nbclient", "jupyter_client", "jupyterlab", "notebook", "plotly"]:
    try:
        found[name] = metadata.version(name)
    except Exception:
        found[name] = None
print(json.dumps(found))
`;

/** Which Jupyter packages `python` has. */
export function probePython(candidate: { python: string; source: string }): PythonProbe {
  const probe = spawnSync(candidate.python, ["-c", PROBE], { encoding: "utf8", timeout: 30_000 });
  if (probe.status !== 0) return { ...candidate, versions: null };
  try {
    return { ...candidate, versions: JSON.parse(probe.stdout.trim().split("\n").pop() ?? "null") };
  } catch {
    return { ...candidate, versions: null };
  }
}

const major = (version: string | null) => (version ? Number(version.split(".")[0]) : 0);

/** True when the probe can execute notebooks headless (nbconvert, nbclient, jupyter_client). */
export function canExecute(probe: PythonProbe): boolean {
  return !!(probe.versions?.nbconvert && probe.versions.nbclient && probe.versions.jupyter_client);
}

/** True when this is what students use: JupyterLab 4 or newer, plus headless execution. */
export function hasJupyterLab4(found: PythonProbe | JupyterInstall): boolean {
  if ("versions" in found) return canExecute(found) && major(found.versions?.jupyterlab ?? null) >= 4;
  return major(found.jupyterlab) >= 4;
}

function toInstall(probe: PythonProbe): JupyterInstall {
  const v = probe.versions!;
  return {
    python: probe.python,
    source: probe.source,
    nbconvert: v.nbconvert!,
    nbclient: v.nbclient!,
    jupyterlab: v.jupyterlab,
    notebook: v.notebook,
    plotly: v.plotly,
    lab: v.jupyterlab ? "jupyterlab" : v.notebook ? "notebook" : null,
  };
}

/** Every candidate, probed, in precedence order. */
export function probeAll(env: NodeJS.ProcessEnv = process.env): PythonProbe[] {
  return candidatePythons(env).map(probePython);
}

/** The Jupyter to use: the first candidate with JupyterLab 4, else the first that can execute notebooks, else null. */
export function findJupyter(probes: PythonProbe[] = probeAll()): JupyterInstall | null {
  const best = probes.find(hasJupyterLab4) ?? probes.find(canExecute);
  return best ? toInstall(best) : null;
}

/** One line naming a Jupyter: where, and which versions. */
export function describeJupyter(jupyter: JupyterInstall): string {
  const lab = jupyter.jupyterlab ? `JupyterLab ${jupyter.jupyterlab}` : jupyter.notebook ? `classic notebook ${jupyter.notebook}, no JupyterLab` : "no JupyterLab";
  return `${jupyter.python} [${jupyter.source}]: ${lab}, nbconvert ${jupyter.nbconvert}, nbclient ${jupyter.nbclient}${jupyter.plotly ? `, plotly ${jupyter.plotly}` : ""}`;
}

export interface Pin {
  name: string;
  version: string;
}

/**
 * The pinned Jupyter packages: the `pip:` list of binder/environment.yml, one `name==version` per
 * line (Binder installs them from there; `npm run setup` pip-installs the same into .venv).
 */
export function readJupyterPins(file: string = jupyterPinsFile): Pin[] {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const pins: Pin[] = [];
  let pipIndent = -1;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const text = line.replace(/#.*/, "").trim();
    if (text === "") continue;
    if (pipIndent >= 0 && indent <= pipIndent) pipIndent = -1;
    if (/^-\s*pip:$/.test(text)) {
      pipIndent = indent;
      continue;
    }
    if (pipIndent < 0) continue;
    const match = /^-\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][^\s]*)$/.exec(text);
    if (!match) throw new Error(`${path.relative(repoRoot, file)}: pip requirement "${text}" must be pinned as name==version`);
    pins.push({ name: match[1], version: match[2] });
  }
  if (pins.length === 0) throw new Error(`${path.relative(repoRoot, file)}: no pinned packages under "- pip:"`);
  return pins;
}

/** How to get Jupyter by hand, for machines where setup cannot install it itself. */
export function installInstructions(): string {
  let pins = "jupyterlab nbconvert nbclient plotly";
  try {
    pins = readJupyterPins().map((p) => `${p.name}==${p.version}`).join(" ");
  } catch {
    // keep the unpinned list
  }
  return [
    "Install Jupyter, then run `npm run setup` again. Any one of:",
    `  python3 -m pip install ${pins}     # in an active venv or conda env`,
    "  conda install -c conda-forge jupyterlab=4 nbconvert nbclient plotly",
    `  sudo apt-get update && sudo apt-get install -y ${debianPackages.join(" ")}   # Debian/Ubuntu: headless only, no JupyterLab`,
    "If Jupyter is installed under a Python that is not on PATH, set SEQLAB_PYTHON=/path/to/python3.",
  ].join("\n");
}

/** Environment for Jupyter processes: finds the project's kernelspec first. */
export function jupyterEnvironment(): NodeJS.ProcessEnv {
  const existing = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: existing ? `${jupyterDataDir}${path.delimiter}${existing}` : jupyterDataDir };
}

/** The kernelspec this project registers: the current node runs the repository's (patched) tslab. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, tslabBinary, "kernel", "--config-path", "{connection_file}"],
    display_name: kernelDisplayName,
    language: "typescript",
    metadata: { seqlab: `registered by \`npm run setup\` with Node ${process.version}; runs node_modules/tslab with patches/ applied` },
  };
}

/** Writes the kernelspec (idempotent) and removes any other kernel under build/jupyter; returns its path. */
export function registerKernel(): string {
  if (!fs.existsSync(tslabBinary)) {
    throw new Error(`tslab is not installed at ${tslabBinary}. Run \`npm install\` (or \`npm run setup\`) first.`);
  }
  const kernelsDir = path.dirname(path.dirname(kernelSpecPath));
  if (fs.existsSync(kernelsDir)) {
    for (const other of fs.readdirSync(kernelsDir)) {
      if (other !== kernelName) fs.rmSync(path.join(kernelsDir, other), { recursive: true, force: true });
    }
  }
  fs.mkdirSync(path.dirname(kernelSpecPath), { recursive: true });
  fs.writeFileSync(kernelSpecPath, JSON.stringify(kernelSpec(), null, 2) + "\n");
  return kernelSpecPath;
}

/** Null when the registered kernel can start, else what is wrong and how to fix it. */
export function kernelProblem(specPath: string = kernelSpecPath): string | null {
  if (!fs.existsSync(specPath)) {
    return `The ${kernelName} kernel is not registered for this project (no ${path.relative(repoRoot, specPath)}). Run: npm run setup`;
  }
  try {
    const spec = JSON.parse(fs.readFileSync(specPath, "utf8")) as { argv?: string[] };
    const [node, tslab] = spec.argv ?? [];
    const missing = [node, tslab].find((file) => !file || !fs.existsSync(file));
    if (missing !== undefined) {
      return `The registered ${kernelName} kernel points at ${missing}, which does not exist (the checkout moved, or Node was removed). Run: npm run setup`;
    }
    if (path.resolve(tslab) !== tslabBinary) {
      return `The registered ${kernelName} kernel runs ${tslab}, from another checkout than this one (${repoRoot}). Run: npm run setup`;
    }
  } catch (error) {
    return `${specPath} is not valid JSON (${(error as Error).message}). Run: npm run setup`;
  }
  return null;
}
