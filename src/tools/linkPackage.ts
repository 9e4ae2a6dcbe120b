/**
 * Makes `import ... from "seqlab"` resolve from any folder of the repository (run after each
 * build). tslab compiles cells with the notebook's folder as rootDir and cannot import
 * `../src/*.ts`, so notebooks import the compiled package instead: this links
 * `node_modules/seqlab` to the repository root, whose package.json points `main`/`types` at
 * `dist/`. Node and TypeScript then find it by ordinary node_modules lookup.
 */
import * as fs from "fs";
import * as path from "path";

export const repoRoot = path.resolve(__dirname, "..", "..");

export function linkPackage(root: string = repoRoot): string {
  const link = path.join(root, "node_modules", "seqlab");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  let current: string | null = null;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = null;
  }
  if (current !== "..") {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync("..", link, "dir");
  }
  return link;
}

if (require.main === module) linkPackage();
