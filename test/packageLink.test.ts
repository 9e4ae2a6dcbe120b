/**
 * `import ... from "seqlab"` resolves through an npm workspace (package.json lists the repository
 * itself), which npm records in package-lock.json, so npm's own commands keep the link. The npm
 * commands run in a scratch project with this package.json's name, entry points and workspaces
 * (no dependencies, so nothing is downloaded), next to a control project that uses the old
 * hand-made symlink and loses it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { packageLinkProblem } from "../src/tools/packageLink";

const root = path.resolve(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

test("package.json lists the repository as its own workspace, and the lockfile records the link", () => {
  assert.deepEqual(manifest.workspaces, ["."]);
  assert.equal(manifest.name, "seqlab");
  assert.equal(manifest.main, "dist/index.js");
  assert.equal(manifest.types, "dist/index.d.ts");
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  assert.deepEqual(lock.packages["node_modules/seqlab"], { resolved: "", link: true });
  assert.equal(packageLinkProblem(), null);
});

test('a notebook folder resolves "seqlab" to dist/ for node and for TypeScript (node10, as tslab compiles)', () => {
  const notebooks = path.join(root, "notebooks");
  assert.equal(require.resolve("seqlab", { paths: [notebooks] }), path.join(root, "dist", "index.js"));
  const resolved = ts.resolveModuleName("seqlab", path.join(notebooks, "cell.ts"), { moduleResolution: ts.ModuleResolutionKind.Node10 }, ts.sys);
  assert.ok(resolved.resolvedModule, "TypeScript could not resolve seqlab from notebooks/");
  assert.equal(fs.realpathSync(resolved.resolvedModule.resolvedFileName), path.join(root, "dist", "index.d.ts"));
});

/** npm with the environment of a plain shell (no npm_* variables from the `npm test` running us). */
function npm(cwd: string, ...args: string[]): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const result = spawnSync("npm", [...args, "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `npm ${args.join(" ")} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** A project with this package's identity and a compiled entry point that answers 42. */
function scratchProject(fields: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-link-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ version: "0.0.0", private: true, ...fields }, null, 2));
  fs.mkdirSync(path.join(dir, "dist"));
  fs.writeFileSync(path.join(dir, "dist", "index.js"), "exports.answer = 42;\n");
  fs.writeFileSync(path.join(dir, "dist", "index.d.ts"), "export declare const answer: number;\n");
  fs.mkdirSync(path.join(dir, "notebooks"));
  return dir;
}

/** What a notebook folder of `dir` gets from require("seqlab"), or the error. */
function answerFromNotebooks(dir: string): string {
  const run = spawnSync(process.execPath, ["-e", 'try { console.log(require("seqlab").answer) } catch (e) { console.log(e.code) }'], { cwd: path.join(dir, "notebooks"), encoding: "utf8" });
  return run.stdout.trim();
}

/** A local package tarball (made with npm pack), so `npm install <package>` needs no registry. */
function localPackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-extra-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "seqlab-extra-fixture", version: "1.0.0", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), "module.exports = 'extra';\n");
  const tarball = npm(dir, "pack", "--pack-destination", dir).trim().split("\n").pop()!;
  return path.join(dir, tarball);
}

test("npm install <package>, npm prune, npm uninstall and npm ci all keep node_modules/seqlab", () => {
  const tarball = localPackage();
  const dir = scratchProject({ name: manifest.name, main: manifest.main, types: manifest.types, workspaces: manifest.workspaces });
  const linked = (step: string) => {
    assert.equal(fs.realpathSync(path.join(dir, "node_modules", manifest.name)), fs.realpathSync(dir), `after ${step}: node_modules/seqlab is not the project`);
    assert.equal(answerFromNotebooks(dir), "42", `after ${step}: require("seqlab") from notebooks/ failed`);
  };
  npm(dir, "install");
  linked("npm install");
  npm(dir, "install", tarball);
  assert.equal(require(path.join(dir, "node_modules", "seqlab-extra-fixture")), "extra");
  linked("npm install <package>");
  npm(dir, "prune");
  linked("npm prune");
  npm(dir, "uninstall", "seqlab-extra-fixture");
  linked("npm uninstall <package>");
  fs.rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
  npm(dir, "ci");
  linked("npm ci");
});

test("control: the old hand-made symlink is removed by npm install <package> (what the workspace prevents)", () => {
  const tarball = localPackage();
  const dir = scratchProject({ name: "seqlab", main: "dist/index.js", types: "dist/index.d.ts" });
  npm(dir, "install");
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync("..", path.join(dir, "node_modules", "seqlab"), "dir");
  assert.equal(answerFromNotebooks(dir), "42");
  npm(dir, "install", tarball);
  assert.equal(fs.existsSync(path.join(dir, "node_modules", "seqlab")), false);
  assert.equal(answerFromNotebooks(dir), "MODULE_NOT_FOUND");
});
