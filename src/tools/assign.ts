/**
 * `npm run assign -- [--out DIR] <notebooks...>`: releases each instructor notebook as an
 * assignment into build/assignments/: the student version (`<name>.ipynb`), the release manifest
 * (`<name>.release.json`) and its key (`<name>.release.key`, instructor-only, like the notebook
 * with the solutions). The marking scheme is in grading/marking.ts and the README ("Instructors").
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { readNotebook, writeNotebook } from "./notebook";
import { keyPathFor, makeRelease, manifestPathFor, newReleaseKey, type ReleaseManifest } from "./grading/release";
import { repoRoot } from "./repository";

export const assignmentsDir = path.join(repoRoot, "build", "assignments");

export interface Released {
  studentPath: string;
  manifestPath: string;
  keyPath: string;
  manifest: ReleaseManifest;
}

/** Releases one instructor notebook; throws, naming the notebook and cell, when it cannot be released safely. */
export function assign(instructorPath: string, outDir: string = assignmentsDir): Released {
  const resolved = path.resolve(instructorPath);
  const key = newReleaseKey();
  const { student, manifest } = makeRelease(readNotebook(resolved), resolved, repoRoot, key);
  const studentPath = path.join(outDir, path.basename(resolved));
  if (path.resolve(studentPath) === resolved) throw new Error(`refusing to overwrite the instructor notebook ${instructorPath}; choose another --out`);
  writeNotebook(studentPath, student);
  const manifestPath = manifestPathFor(outDir, manifest.notebook);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  const keyPath = keyPathFor(manifestPath);
  fs.writeFileSync(keyPath, key + "\n", { mode: 0o600 });
  fs.chmodSync(keyPath, 0o600);
  return { studentPath, manifestPath, keyPath, manifest };
}

const HELP = `usage: npm run assign -- [--out DIR] <instructor notebooks...>

Writes, for each notebook, to --out (default build/assignments):
  <name>.ipynb          the student version: solutions stubbed, hidden tests removed, outputs cleared
  <name>.release.json   the release manifest (no solution or test text): give it to npm run grade
  <name>.release.key    the key that ties the manifest to the instructor notebook: instructor-only
Refuses (exit 1, naming the cell) a misspelled marker, a test cell that uses a name no solution
cell declares, or a student version that would still contain solution or hidden-test text.`;

function main(args: string[]): number {
  let values: { out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`assign: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`assign: name the instructor notebook(s), e.g. npm run assign -- notebooks/00-getting-started.ipynb\n${HELP}`);
    return 2;
  }
  const outDir = path.resolve(values.out ?? assignmentsDir);
  let failed = 0;
  for (const notebook of positionals) {
    try {
      const result = assign(notebook, outDir);
      const shown = (file: string) => path.relative(process.cwd(), file) || file;
      const exercises = result.manifest.exercises.map((e) => `${e.id} (${e.points})`).join(", ") || "no exercises";
      console.log(`assign: ${notebook} -> ${shown(result.studentPath)}, ${shown(result.manifestPath)}, ${shown(result.keyPath)}: ${exercises}; ${result.manifest.totalPoints} points`);
    } catch (error) {
      console.error(`assign: ${(error as Error).message}`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
