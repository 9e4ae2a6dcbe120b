/** The compiled library in dist/ must be what src/ compiles to: notebooks import dist/. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";

const root = path.resolve(__dirname, "..");

test("dist/ matches a fresh compile of src/ (run `npm run build` if this fails)", () => {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
  });
  assert.ok(config, "tsconfig.json could not be read");
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const stale: string[] = [];
  let emitted = 0;
  const emittedFiles = new Set<string>();
  program.emit(undefined, (fileName, text) => {
    emitted++;
    emittedFiles.add(path.resolve(fileName));
    const onDisk = fs.existsSync(fileName) ? fs.readFileSync(fileName, "utf8") : null;
    if (onDisk !== text) stale.push(path.relative(root, fileName) + (onDisk === null ? " (missing)" : " (differs)"));
  });
  assert.ok(emitted > 10, `expected the library to emit files, got ${emitted}`);
  // Files left in dist/ by a source that no longer exists are stale too.
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of walk(path.join(root, "dist"))) {
    if (!emittedFiles.has(path.resolve(file))) stale.push(path.relative(root, file) + " (no source)");
  }
  assert.deepEqual(stale, [], `dist/ is stale: ${stale.join(", ")}`);
});

test("node_modules/seqlab links to the repository so notebooks can import \"seqlab\"", () => {
  const link = path.join(root, "node_modules", "seqlab");
  assert.equal(fs.realpathSync(link), fs.realpathSync(root));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  assert.equal(manifest.name, "seqlab");
  assert.equal(manifest.main, "dist/index.js");
  assert.equal(manifest.types, "dist/index.d.ts");
});
