/**
 * Notebooks tell the story; logic lives in src/ with tests. This file enforces the part of that a
 * parser can see: outside graded-exercise cells (cell metadata `seqlab` or `nbgrader`), no code
 * cell defines a function (declaration, arrow or function expression, method) longer than five lines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";

const root = path.resolve(__dirname, "..");
const MAX_FUNCTION_LINES = 5;
/** The notebooks this rule covers: all of them. */
const CHECKED = /^\d\d-.*\.ipynb$/;

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { seqlab?: unknown; nbgrader?: unknown };
}

/** Every function in `source` longer than `maxLines` lines: "line N: name (M lines)". */
function longFunctions(source: string, maxLines: number): string[] {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > maxLines) {
        const name = (node as ts.FunctionDeclaration).name?.getText(file) ?? "an anonymous function";
        found.push(`line ${first + 1}: ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test("longFunctions measures declarations, arrows and callbacks by their line span", () => {
  const source = [
    "const short = (x: number) => x + 1;",
    "function long(a: number) {",
    "  let b = a;",
    "  b += 1;",
    "  b *= 2;",
    "  return b;",
    "}",
    "[1].map((v) => {",
    "  return v;",
    "});",
  ].join("\n");
  assert.deepEqual(longFunctions(source, 5), ["line 2: long (6 lines)"]);
  assert.deepEqual(longFunctions(source, 2), ["line 2: long (6 lines)", "line 8: an anonymous function (3 lines)"]);
});

test(`notebook code cells outside graded exercises define no function over ${MAX_FUNCTION_LINES} lines`, () => {
  const dir = path.join(root, "notebooks");
  const notebooks = fs.readdirSync(dir).filter((f) => CHECKED.test(f));
  assert.ok(notebooks.length >= 7, `expected notebooks 00-06, found ${notebooks.join(", ")}`);
  const offenders: string[] = [];
  for (const name of notebooks) {
    const cells: Cell[] = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")).cells;
    cells.forEach((cell, index) => {
      const graded = cell.metadata?.seqlab !== undefined || cell.metadata?.nbgrader !== undefined;
      if (cell.cell_type !== "code" || graded) return;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const finding of longFunctions(source, MAX_FUNCTION_LINES)) offenders.push(`${name} cell ${index + 1}, ${finding}`);
    });
  }
  assert.deepEqual(offenders, [], `move these into src/ (with a test):\n${offenders.join("\n")}`);
});
