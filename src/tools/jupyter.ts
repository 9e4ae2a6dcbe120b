/**
 * Finding Jupyter and registering the project's tslab kernel, shared by setup, course and lab.
 * The kernelspec lives inside the repository (build/jupyter/kernels/tslab) and Jupyter is
 * pointed at it with JUPYTER_PATH, so no write access outside the repo is needed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./linkPackage";

export const jupyterDataDir = path.join(repoRoot, "build", "jupyter");
export const kernelName = "tslab";
export const kernelSpecPath = path.join(jupyterDataDir, "kernels", kernelName, "kernel.json");
export const tslabBinary = path.join(repoRoot, "node_modules", "tslab", "bin", "tslab");

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
  /** The Python interpreter whose nbconvert/nbclient we run. */
  python: string;
  nbconvert: string;
  nbclient: string;
  /** What `npm run lab` can start: JupyterLab, else the classic notebook, else nothing. */
  lab: "jupyterlab" | "notebook" | null;
}

/** Python interpreters to try: only SEQLAB_PYTHON when set, else Debian's, then those on PATH. */
function candidatePythons(): string[] {
  if (process.env.SEQLAB_PYTHON) return [process.env.SEQLAB_PYTHON];
  const candidates = ["/usr/bin/python3", "python3", "python"];
  return [...new Set(candidates.filter((c): c is string => !!c))];
}

const PROBE = `
import importlib, json
found = {}
for name in ["nbconvert", "nbclient", "jupyter_client", "jupyterlab", "notebook"]:
    try:
        found[name] = importlib.import_module(name).__version__
    except Exception:
        found[name] = None
print(json.dumps(found))
`;

/** The first Python that has nbconvert, nbclient and jupyter_client, or null. */
export function findJupyter(): JupyterInstall | null {
  for (const python of candidatePythons()) {
    const probe = spawnSync(python, ["-c", PROBE], { encoding: "utf8" });
    if (probe.status !== 0) continue;
    let found: Record<string, string | null>;
    try {
      found = JSON.parse(probe.stdout.trim().split("\n").pop() ?? "{}");
    } catch {
      continue;
    }
    if (found.nbconvert && found.nbclient && found.jupyter_client) {
      return {
        python,
        nbconvert: found.nbconvert,
        nbclient: found.nbclient,
        lab: found.jupyterlab ? "jupyterlab" : found.notebook ? "notebook" : null,
      };
    }
  }
  return null;
}

/** How to get Jupyter by hand, for machines where setup cannot install it itself. */
export function installInstructions(): string {
  return [
    "Install Jupyter, then run `npm run setup` again. Any one of:",
    "  pip install jupyterlab nbconvert nbclient        # or: python3 -m pip install --user ...",
    "  conda install -c conda-forge jupyterlab nbconvert nbclient",
    `  sudo apt-get update && sudo apt-get install -y ${debianPackages.join(" ")}   # Debian/Ubuntu`,
    "If Jupyter is installed under a Python that is not on PATH, set SEQLAB_PYTHON=/path/to/python3.",
  ].join("\n");
}

/** Environment for Jupyter processes: finds the project's kernelspec first. */
export function jupyterEnvironment(): NodeJS.ProcessEnv {
  const existing = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: existing ? `${jupyterDataDir}${path.delimiter}${existing}` : jupyterDataDir };
}

/** The kernelspec this project registers: node runs the repository's (patched) tslab. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, tslabBinary, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (seqlab tslab)",
    language: "typescript",
    metadata: { seqlab: "registered by `npm run setup`; runs node_modules/tslab with patches/ applied" },
  };
}

/** Writes the kernelspec (idempotent); returns its path. */
export function registerKernel(): string {
  if (!fs.existsSync(tslabBinary)) {
    throw new Error(`tslab is not installed at ${tslabBinary}. Run \`npm install\` (or \`npm run setup\`) first.`);
  }
  fs.mkdirSync(path.dirname(kernelSpecPath), { recursive: true });
  fs.writeFileSync(kernelSpecPath, JSON.stringify(kernelSpec(), null, 2) + "\n");
  return kernelSpecPath;
}

/** Null when the registered kernel can start, else what is wrong and how to fix it. */
export function kernelProblem(specPath: string = kernelSpecPath): string | null {
  if (!fs.existsSync(specPath)) {
    return `The tslab kernel is not registered for this project (no ${path.relative(repoRoot, specPath)}). Run: npm run setup`;
  }
  try {
    const spec = JSON.parse(fs.readFileSync(specPath, "utf8")) as { argv?: string[] };
    const missing = (spec.argv ?? []).slice(0, 2).find((file) => !fs.existsSync(file));
    if (missing) return `The registered tslab kernel points at ${missing}, which does not exist (moved repo or new Node?). Run: npm run setup`;
  } catch (error) {
    return `${specPath} is not valid JSON (${(error as Error).message}). Run: npm run setup`;
  }
  return null;
}
