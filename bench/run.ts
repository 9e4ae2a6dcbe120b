/**
 * `npm run bench`: runs every benchmark in bench/ (each file but this one), one after another
 * in its own process so backends and memory start fresh. Benchmarks print ratios measured side
 * by side in one run; they are never timed unit tests.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const benchDir = __dirname;
const only = process.argv.slice(2);
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no benchmark matches ${only.join(", ")}; available: ${fs.readdirSync(benchDir).join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file} ===`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(benchDir, file)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
