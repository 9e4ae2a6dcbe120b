/**
 * The public API (src/index.ts) is deliberate: every name it exports is imported by a notebook
 * (graded cells included) or a fixture notebook the tests run, or is on the short list of names
 * kept for instructors below; every name a notebook imports is exported. And the Trainer it
 * exports is the one place where training meets the display layer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { readNotebook, sourceOf } from "../src/tools/notebook";
import { Trainer } from "../src";
import { TrainingProgress } from "../src/display/progress";

const root = path.resolve(__dirname, "..");

/** Exported for instructors writing another notebook, though no notebook imports them yet. */
const FOR_INSTRUCTORS = ["scatterChart", "vegaLite", "Chart", "TableRow", "Rng", "TrainResult", "EpochRecord", "HorizonRun", "GRUWeights"];

/** The names `src/index.ts` exports (it exports by name only: no `export *`). */
function exportedNames(): string[] {
  const file = ts.createSourceFile("index.ts", fs.readFileSync(path.join(root, "src", "index.ts"), "utf8"), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement)) {
      assert.ok(statement.exportClause && ts.isNamedExports(statement.exportClause), `src/index.ts: ${statement.getText(file)} is not an export by name`);
      names.push(...statement.exportClause.elements.map((element) => element.name.text));
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      names.push(statement.name.text);
    }
  }
  return names;
}

/** Every name imported from "seqlab" by the cells of `notebook`. */
function importedNames(notebook: string): string[] {
  const names: string[] = [];
  for (const cell of readNotebook(notebook).cells) {
    if (cell.cell_type !== "code") continue;
    const file = ts.createSourceFile("cell.ts", sourceOf(cell), ts.ScriptTarget.ES2022, true);
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement) || (statement.moduleSpecifier as ts.StringLiteral).text !== "seqlab") continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((element) => (element.propertyName ?? element.name).text));
    }
  }
  return names;
}

const notebooks = [
  ...fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(root, "notebooks", f)),
  ...fs.readdirSync(path.join(root, "test", "fixtures", "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(root, "test", "fixtures", "notebooks", f)),
];

test("src/index.ts exports by name exactly what the notebooks import, plus the instructors' short list", () => {
  const exported = exportedNames();
  assert.equal(new Set(exported).size, exported.length, "a name is exported twice");
  const imported = new Set(notebooks.flatMap(importedNames));
  assert.ok(imported.has("tf") && imported.has("LSTMScratch"), "the notebooks' imports were not read");
  const missing = [...imported].filter((name) => !exported.includes(name));
  assert.deepEqual(missing, [], `notebooks import names src/index.ts does not export`);
  const unused = exported.filter((name) => !imported.has(name) && !FOR_INSTRUCTORS.includes(name));
  assert.deepEqual(unused, [], "exported but imported by no notebook: make it internal (tests import it by path) or list it for instructors");
  const stale = FOR_INSTRUCTORS.filter((name) => !exported.includes(name));
  assert.deepEqual(stale, [], "listed for instructors but not exported");
});

test("no file in src/ re-exports with `export *` (a namespace `export * as x` would still name what it exports)", () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && /^\s*export\s*\*\s*from\b/m.test(fs.readFileSync(full, "utf8"))) offenders.push(path.relative(root, full));
    }
  };
  walk(path.join(root, "src"));
  assert.deepEqual(offenders, []);
});

test("the Trainer notebooks import shows TrainingProgress by default; false or a factory of their own is kept", () => {
  const factory = new Trainer({ epochs: 1, batchSize: 1 }).options.progress;
  assert.equal(typeof factory, "function");
  const progress = (factory as Exclude<typeof factory, false | undefined>)({ epochs: 1, stepsPerEpoch: 1, quiet: true });
  assert.ok(progress instanceof TrainingProgress);
  assert.equal(new Trainer({ epochs: 1, batchSize: 1, progress: false }).options.progress, false);
  const own = () => ({ onStep() {}, onEpochEnd() {}, async finish() {} });
  assert.equal(new Trainer({ epochs: 1, batchSize: 1, progress: own }).options.progress, own);
});
