/**
 * `npm run assign -- [--out DIR] <notebooks...>`: writes the student version of each instructor
 * notebook (solutions stubbed, hidden tests removed, outputs cleared) and its release manifest
 * (`<name>.release.json`: exercises, points, sha256 of each marked cell) to build/assignments/.
 * The marking scheme is described in assignment.ts and in the README ("Instructors").
 */
import * as path from "path";
import * as fs from "fs";
import { makeAssignment, manifestPath, readNotebook, writeNotebook, type ReleaseManifest } from "./assignment";
import { repoRoot } from "./linkPackage";

export const assignmentsDir = path.join(repoRoot, "build", "assignments");

/** Generates one assignment; returns where the student notebook and manifest were written. */
export function assign(instructorPath: string, outDir: string = assignmentsDir): { studentPath: string; manifestPath: string; manifest: ReleaseManifest } {
  const resolved = path.resolve(instructorPath);
  const { student, manifest } = makeAssignment(readNotebook(resolved), resolved, repoRoot);
  const studentPath = path.join(outDir, path.basename(resolved));
  if (path.resolve(studentPath) === resolved) throw new Error(`refusing to overwrite the instructor notebook ${instructorPath}; choose another --out`);
  writeNotebook(studentPath, student);
  const manifestFile = manifestPath(outDir, manifest.notebook);
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
  return { studentPath, manifestPath: manifestFile, manifest };
}

function main(args: string[]): number {
  let outDir = assignmentsDir;
  const notebooks: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out" && args[i + 1]) outDir = path.resolve(args[++i]);
    else if (args[i].startsWith("--")) {
      console.error(`assign: unknown option ${args[i]} (usage: npm run assign -- [--out DIR] <notebooks...>)`);
      return 2;
    } else notebooks.push(args[i]);
  }
  if (notebooks.length === 0) {
    console.error("assign: name the instructor notebook(s), e.g. npm run assign -- notebooks/00-getting-started.ipynb");
    return 2;
  }
  let failed = 0;
  for (const notebook of notebooks) {
    try {
      const result = assign(notebook, outDir);
      const shown = (file: string) => path.relative(process.cwd(), file) || file;
      const exercises = result.manifest.exercises.map((e) => `${e.id} (${e.points})`).join(", ") || "no exercises";
      console.log(`assign: ${notebook} -> ${shown(result.studentPath)}, ${shown(result.manifestPath)}: ${exercises}; ${result.manifest.totalPoints} points`);
    } catch (error) {
      console.error(`assign: ${(error as Error).message}`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
