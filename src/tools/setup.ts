/**
 * `npm run setup [-- [--tests] [--no-apt]]`: everything a fresh machine needs after `npm install` (which the
 * npm script runs first): Jupyter with JupyterLab 4, the project's kernel registered inside the
 * repository, and the workspace `.env` that lets VS Code find that kernel.
 *
 * Routes to JupyterLab 4, in order (the one taken is printed):
 *   1. an existing one (active venv/conda, the project's .venv, `jupyter`/`python3` on PATH: see jupyter.ts);
 *   2. pip: a project-local `.venv` (git-ignored, no root needed) with the versions pinned in
 *      binder/environment.yml;
 *   3. where pip cannot reach an index: Debian's packages (Jupyter 6, headless execution and the
 *      classic notebook, no JupyterLab), installed with apt-get when this is Debian/Ubuntu and we
 *      are root, or used as they are when already installed.
 * Safe to rerun: each step checks before it acts.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import {
  chromiumPath,
  debianPackages,
  describeJupyter,
  findJupyter,
  findOnPath,
  hasJupyterLab4,
  installInstructions,
  jupyterDataDir,
  jupyterPinsFile,
  kernelDisplayName,
  kernelName,
  probeAll,
  probePython,
  projectVenv,
  readJupyterPins,
  registerKernel,
  type JupyterInstall,
  type Pin,
} from "./jupyter";
import { packageLinkProblem } from "./packageLink";
import { repoRoot } from "./repository";

const USAGE = `usage: npm run setup [-- [--tests] [--no-apt]]

Installs the npm dependencies (npm install), then makes sure Jupyter with JupyterLab 4 is there,
registers the "${kernelDisplayName}" kernel under build/jupyter and writes .env for VS Code.

  --tests    also what \`npm test\` needs besides Jupyter: Chromium (the browser test) and
             bubblewrap (the grader's sandbox); installed with apt-get as root on Debian/Ubuntu,
             otherwise setup stops and says what to install
  --no-apt   never run apt-get (by default, as root on Debian/Ubuntu, setup installs Debian's
             Jupyter packages when pip cannot reach an index, and fonts when none are found)
  -h, --help this text

Where no JupyterLab 4 is found, setup creates .venv (project-local, git-ignored) and pip-installs
the versions pinned in binder/environment.yml. Set SEQLAB_PYTHON=/path/to/python3 to use exactly
that Python's Jupyter instead.`;

class SetupError extends Error {}

/** The system packages `npm test` needs besides Jupyter, with how to tell each is there. */
export const TEST_SYSTEM_PACKAGES = [
  { apt: "chromium", neededBy: "the browser test, npm run test:browser", present: () => fs.existsSync(chromiumPath()) },
  { apt: "bubblewrap", neededBy: "the grader's sandbox, npm run test:grading and npm run grade", present: () => !!findOnPath("bwrap") },
];

/** Those of `packages` that are not installed. */
export function missingPackages<P extends { present: () => boolean }>(packages: readonly P[]): P[] {
  return packages.filter((p) => !p.present());
}

function isDebianLike(): boolean {
  return fs.existsSync("/etc/debian_version") && !!findOnPath("apt-get");
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function hasFonts(): boolean {
  const dirs = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:\\Windows\\Fonts"];
  const hasFontFile = (dir: string, depth: number): boolean => {
    if (depth > 4 || !fs.existsSync(dir)) return false;
    return fs.readdirSync(dir, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? hasFontFile(path.join(dir, entry.name), depth + 1) : /\.(ttf|otf|ttc)$/i.test(entry.name),
    );
  };
  return dirs.some((dir) => hasFontFile(dir, 0));
}

function aptInstall(packages: string[], why: string): void {
  console.log(`setup: installing Debian packages (${why}; about 80 s): ${packages.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...packages]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) throw new SetupError(`apt-get ${args.join(" ")} failed with exit code ${result.status}. Check the network or apt sources, then rerun: npm run setup`);
  }
}

/** Runs a command, echoing its output indented, with a heartbeat while it is silent. Resolves to its exit code and output. */
function runWithProgress(command: string, args: string[], label: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = "";
    let lastOutput = Date.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      lastOutput = Date.now();
      for (const line of text.split("\n")) if (line.trim()) console.log(`  ${line.trimEnd()}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const heartbeat = setInterval(() => {
      if (Date.now() - lastOutput >= 15_000) console.log(`setup: ${label} still working (${Math.round((Date.now() - started) / 1000)} s so far)`);
    }, 15_000);
    child.on("error", (error) => {
      output += String(error);
    });
    child.on("close", (status) => {
      clearInterval(heartbeat);
      resolve({ status, output });
    });
  });
}

/** pip's output says it could not connect to an index (as opposed to a missing version or a build failure). */
export function isNetworkFailure(pipOutput: string): boolean {
  return /NewConnectionError|Failed to establish a new connection|Connection refused|ConnectTimeout|Read timed out|ProxyError|Temporary failure in name resolution|Name or service not known|Network is unreachable|No route to host|Could not fetch URL|SSLError/i.test(
    pipOutput,
  );
}

/** `message`: the problem and the fix, when nothing else can be done; `short`: the problem alone, when setup falls back. */
type VenvResult = { ok: true } | { ok: false; kind: "no-python" | "no-venv" | "network" | "pip"; message: string; short: string };

function basePython(): string | null {
  return findOnPath("python3") ?? findOnPath("python");
}

function indexDescription(): string {
  return process.env.PIP_INDEX_URL ? `PIP_INDEX_URL=${process.env.PIP_INDEX_URL}` : "the index in pip's configuration (PyPI by default)";
}

/** Creates .venv if needed and pip-installs the pins into it (only what differs). */
async function installIntoVenv(pins: Pin[]): Promise<VenvResult> {
  const venvPython = path.join(projectVenv, "bin", "python");
  const createdNow = !fs.existsSync(venvPython);
  if (createdNow) {
    const base = basePython();
    if (!base) {
      return {
        ok: false,
        kind: "no-python",
        message: "no Python 3 was found (looked for $VIRTUAL_ENV, $CONDA_PREFIX, .venv, and jupyter, python3, python on PATH), and JupyterLab needs one. Install Python 3 (e.g. `sudo apt-get install python3 python3-venv`, or python.org), then rerun: npm run setup",
        short: "no Python 3 was found to create .venv with",
      };
    }
    console.log(`setup: creating .venv with ${base} (python -m venv)`);
    const venv = spawnSync(base, ["-m", "venv", projectVenv], { encoding: "utf8" });
    if (venv.status !== 0) {
      fs.rmSync(projectVenv, { recursive: true, force: true });
      return {
        ok: false,
        kind: "no-venv",
        message: `${base} cannot create a virtual environment (${(venv.stderr || venv.stdout).trim().split("\n").pop()}). Install the venv module (Debian/Ubuntu: \`sudo apt-get install python3-venv\`), or activate a venv/conda environment with Jupyter, then rerun: npm run setup`,
        short: `${base} cannot create a virtual environment`,
      };
    }
  }
  const installed = probePython({ python: venvPython, source: "project .venv" }).versions as Record<string, string | null> | null;
  const missing = pins.filter((pin) => installed?.[pin.name] !== pin.version);
  if (missing.length === 0) {
    console.log(`setup: .venv already has ${pins.map((p) => `${p.name} ${p.version}`).join(", ")}`);
    return { ok: true };
  }
  const specs = pins.map((p) => `${p.name}==${p.version}`);
  console.log(`setup: pip is installing ${specs.join(" ")} into .venv (a minute or two; pip's progress follows)`);
  const pip = await runWithProgress(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "--retries", "1", "--timeout", "20", ...specs], "pip");
  if (pip.status === 0) return { ok: true };
  if (createdNow) fs.rmSync(projectVenv, { recursive: true, force: true });
  if (isNetworkFailure(pip.output)) {
    return {
      ok: false,
      kind: "network",
      message: `pip could not reach a package index (${indexDescription()}), so JupyterLab 4 could not be installed into .venv. Fix the network, proxy or PIP_INDEX_URL and rerun \`npm run setup\`; or, as root on Debian/Ubuntu, let setup install Debian's Jupyter packages (run it without --no-apt).`,
      short: `pip could not reach a package index (${indexDescription()}), so JupyterLab 4 was not installed`,
    };
  }
  const tail = pip.output.trim().split("\n").slice(-3).join(" | ");
  const message = `pip failed to install ${specs.join(" ")} into .venv: ${tail}. Fix what pip reports, then rerun: npm run setup`;
  return { ok: false, kind: "pip", message, short: message };
}

/** Points VS Code's Jupyter extension at the kernel: JUPYTER_PATH in the workspace's .env (other lines kept). */
export function writeVscodeEnv(file: string = path.join(repoRoot, ".env")): void {
  const line = `JUPYTER_PATH=${jupyterDataDir}`;
  const comment = "# written by `npm run setup`: VS Code's Jupyter extension reads JUPYTER_PATH here to list the seqlab kernel";
  const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l, i, all) => !(i === all.length - 1 && l === "")) : [];
  const kept = existing.filter((l) => !/^\s*(export\s+)?JUPYTER_PATH=/.test(l) && l !== comment);
  fs.writeFileSync(file, [...kept, comment, line].join("\n") + "\n");
}

async function main(args: string[]): Promise<number> {
  let noApt: boolean;
  let forTests: boolean;
  try {
    const { values } = parseArgs({ args, options: { "no-apt": { type: "boolean" }, tests: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    noApt = values["no-apt"] ?? false;
    forTests = values.tests ?? false;
  } catch (error) {
    console.error(`setup: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major !== 20 && major !== 22) console.warn(`setup: Node ${process.version} is untested; the course supports Node 20 and 22 (package.json "engines").`);
  const linkProblem = packageLinkProblem();
  if (linkProblem) throw new SetupError(linkProblem);
  const canApt = !noApt && isDebianLike() && isRoot();
  const pins = readJupyterPins();

  let jupyter: JupyterInstall | null = findJupyter();
  let route: string;
  if (jupyter && hasJupyterLab4(jupyter) && jupyter.source === "project .venv") {
    // Ours: keep it at the pinned versions (pip runs only when one differs).
    const result = await installIntoVenv(pins);
    if (!result.ok) console.warn(`setup: could not update .venv to the pinned versions: ${result.message}`);
    route = "the project's .venv, made by an earlier `npm run setup`";
    jupyter = findJupyter();
  } else if (jupyter && hasJupyterLab4(jupyter)) {
    route = `existing Jupyter (${jupyter.source})`;
  } else {
    if (jupyter) console.log(`setup: found Jupyter without JupyterLab 4: ${describeJupyter(jupyter)}`);
    else console.log("setup: no Jupyter found");
    let result = await installIntoVenv(pins);
    if (!result.ok && canApt && (result.kind === "no-python" || result.kind === "no-venv")) {
      aptInstall(["python3", "python3-venv"], "Python for .venv");
      result = await installIntoVenv(pins);
    }
    if (result.ok) {
      route = "pip into the project's .venv";
      jupyter = findJupyter();
    } else if (result.kind === "pip") {
      throw new SetupError(result.message);
    } else if (jupyter) {
      console.warn(`setup: ${result.short}; using the Jupyter that is already installed`);
      route = `Jupyter already installed without JupyterLab 4 (${jupyter.source}), because pip could not be used`;
    } else if (canApt) {
      console.warn(`setup: ${result.short}; installing Debian's Jupyter packages instead`);
      aptInstall(debianPackages, "pip could not be used");
      jupyter = findJupyter();
      route = "Debian's packages (apt-get), because pip could not be used";
    } else {
      throw new SetupError(result.message);
    }
  }
  if (!jupyter) throw new SetupError(`Jupyter is still missing after the route "${route}".\n${installInstructions()}`);

  if (!hasFonts()) {
    if (canApt) aptInstall(["fonts-dejavu-core"], "fonts for chart PNGs");
    else console.warn("setup: no fonts found; chart PNGs will have no text. Install a TrueType font (e.g. fonts-dejavu-core).");
  }

  if (forTests) {
    const missing = missingPackages(TEST_SYSTEM_PACKAGES);
    if (missing.length > 0 && canApt) aptInstall(missing.map((p) => p.apt), "for npm test");
    else if (missing.length > 0) {
      const list = missing.map((p) => `${p.apt} (for ${p.neededBy})`).join(", ");
      throw new SetupError(`npm test needs ${list}. Install ${missing.length > 1 ? "them" : "it"} (Debian/Ubuntu: sudo apt-get install -y ${missing.map((p) => p.apt).join(" ")}), then rerun: npm run setup -- --tests`);
    } else console.log(`setup: for npm test: ${TEST_SYSTEM_PACKAGES.map((p) => p.apt).join(" and ")} are installed`);
  }

  const spec = registerKernel();
  writeVscodeEnv();
  console.log(`setup: route taken: ${route}`);
  console.log(`setup: Jupyter: ${describeJupyter(jupyter)}`);
  if (!hasJupyterLab4(jupyter)) {
    console.warn("setup: without JupyterLab 4, `npm run lab` opens the classic notebook (charts show as PNGs) and `npm run test:browser` cannot run.");
  } else if (!jupyter.plotly) {
    console.warn(`setup: plotly is missing under ${jupyter.python}: JupyterLab shows 3D figures as PNGs. Install it: ${jupyter.python} -m pip install plotly`);
  }
  console.log(`setup: kernel "${kernelName}" ("${kernelDisplayName}", Node ${process.version}) registered at ${path.relative(repoRoot, spec)}`);
  console.log(`       Jupyter finds it through JUPYTER_PATH=${path.relative(repoRoot, jupyterDataDir)} (npm run course/lab set it); VS Code through .env`);
  console.log(`setup: pinned Jupyter versions live in ${path.relative(repoRoot, jupyterPinsFile)} (${pins.map((p) => `${p.name} ${p.version}`).join(", ")})`);
  console.log("setup: done. Next: `npm run lab` opens the course in JupyterLab; `npm run course` executes it headless; `npm test` runs the tests.");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`setup: ${error instanceof SetupError ? error.message : (error as Error).stack ?? String(error)}`);
      process.exitCode = 1;
    },
  );
}
