/**
 * How `import ... from "seqlab"` resolves from any folder of the repository, and the check that
 * it does (setup runs it).
 *
 * tslab compiles cells with the notebook's folder as rootDir and cannot import `../src/*.ts`, so
 * notebooks import the compiled package: package.json lists the repository itself as an npm
 * workspace (`"workspaces": ["."]`), so npm links `node_modules/seqlab` -> `..` and records the
 * link in package-lock.json (`"node_modules/seqlab": {"link": true}`). `npm install <pkg>`,
 * `npm prune` and `npm ci` therefore keep it (test/packageLink.test.ts proves it). The package's
 * `main`/`types` point at `dist/`, which node and TypeScript (moduleResolution node10) both follow.
 */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./repository";

/** Null when `node_modules/seqlab` resolves to the repository, else what is wrong and the fix. */
export function packageLinkProblem(root: string = repoRoot): string | null {
  const link = path.join(root, "node_modules", "seqlab");
  let target: string;
  try {
    target = fs.realpathSync(link);
  } catch {
    return `node_modules/seqlab is missing, so notebooks cannot import "seqlab". Run: npm install`;
  }
  if (target !== fs.realpathSync(root)) {
    return `node_modules/seqlab points at ${target}, not at this repository (${root}). Run: npm install`;
  }
  return null;
}
