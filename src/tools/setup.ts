/**
 * `npm run setup`: everything a fresh machine needs after `npm install` (which the npm script
 * runs first): Jupyter (installed from Debian's packages when this is Debian/Ubuntu and we are
 * root, else exact instructions), and the tslab kernel registered inside the repository.
 * Safe to rerun: each step checks before it acts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { debianPackages, findJupyter, installInstructions, jupyterDataDir, kernelSpecPath, registerKernel } from "./jupyter";
import { repoRoot } from "./linkPackage";

function isDebianLike(): boolean {
  return fs.existsSync("/etc/debian_version") && fs.existsSync("/usr/bin/apt-get");
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

function aptInstall(packages: string[]): void {
  console.log(`setup: installing Debian packages (about 80 s): ${packages.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...packages]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed with exit code ${result.status}`);
  }
}

function main(): number {
  let jupyter = findJupyter();
  const needFonts = !hasFonts();
  if (!jupyter || needFonts) {
    if (isDebianLike() && isRoot()) {
      aptInstall(jupyter ? ["fonts-dejavu-core"] : debianPackages);
      jupyter = findJupyter();
    } else if (!jupyter) {
      console.error("setup: Jupyter (nbconvert, nbclient, jupyter_client) was not found under any Python on this machine.");
      console.error(installInstructions());
      return 1;
    } else {
      console.warn("setup: no fonts found; chart PNGs will have no text. Install a TrueType font (e.g. fonts-dejavu-core).");
    }
  }
  if (!jupyter) {
    console.error("setup: Jupyter is still missing after installing Debian's packages.");
    console.error(installInstructions());
    return 1;
  }
  console.log(`setup: Jupyter found: ${jupyter.python} (nbconvert ${jupyter.nbconvert}, nbclient ${jupyter.nbclient})`);
  const spec = registerKernel();
  console.log(`setup: tslab kernel "tslab" registered at ${path.relative(repoRoot, spec)}`);
  console.log(`       (Jupyter finds it through JUPYTER_PATH=${jupyterDataDir}; npm run course/lab set it for you)`);
  const lab = jupyter.lab ?? "none (the classic notebook or JupyterLab is needed for `npm run lab`)";
  console.log(`setup: interactive front end: ${lab}`);
  console.log("setup: done. Next: `npm run course` executes every notebook into build/; `npm test` runs the tests.");
  return fs.existsSync(kernelSpecPath) ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`setup: ${(error as Error).message}`);
  process.exitCode = 1;
}
