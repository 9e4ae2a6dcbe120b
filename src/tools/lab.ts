/**
 * `npm run lab`: starts JupyterLab (or the classic notebook when that is what is installed) on
 * notebooks/ with the project's tslab kernel registered.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { findJupyter, installInstructions, jupyterEnvironment, kernelProblem } from "./jupyter";
import { repoRoot } from "./linkPackage";

function main(extraArgs: string[]): number {
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error("lab: Jupyter was not found. Run `npm run setup`, or:\n" + installInstructions());
    return 2;
  }
  const problem = kernelProblem();
  if (problem) {
    console.error(`lab: ${problem}`);
    return 2;
  }
  if (!jupyter.lab) {
    console.error("lab: neither JupyterLab nor the classic notebook is installed under " + jupyter.python + ".");
    console.error("  pip install jupyterlab   (or: sudo apt-get install -y jupyter-notebook)");
    return 2;
  }
  const notebookDir = path.join(repoRoot, "notebooks");
  const module = jupyter.lab === "jupyterlab" ? "jupyterlab" : "notebook";
  console.log(`lab: starting ${module} on ${notebookDir} (kernel "tslab"); stop it with Ctrl+C`);
  // Jupyter refuses to start as root (as in containers and CI machines) without --allow-root.
  const rootFlag = typeof process.getuid === "function" && process.getuid() === 0 ? ["--allow-root"] : [];
  const result = spawnSync(jupyter.python, ["-m", module, `--notebook-dir=${notebookDir}`, ...rootFlag, ...extraArgs], {
    stdio: "inherit",
    env: jupyterEnvironment(),
  });
  return result.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
