/**
 * The folders of src/ import one way only (ARCHITECTURE.md): a script reads every import of
 * src/**\/*.ts, builds the graph between folders, and fails on a cycle or on an edge the layer
 * table below does not allow. Run this file alone to see the graph:
 * `node --import tsx --test test/architecture.test.ts` prints it as diagnostics.
 *
 * A node is a top-level folder of src/ (a subfolder such as tools/grading belongs to its
 * top-level folder) or, for a file directly in src/, the file's name without `.ts`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";

const src = path.resolve(__dirname, "..", "src");

/** The layers, lowest first, and what each may import besides itself. */
export const LAYERS = {
  /** Files directly in src/ but index.ts: backend, random, checks, metrics, timing, wasmKernels. */
  base: [],
  data: ["base"],
  sequences: ["base", "data"],
  models: ["base", "data", "sequences"],
  training: ["base", "data", "sequences", "models"],
  /** Experiments on the RNN's limits: they train models, and draw nothing. */
  limits: ["base", "data", "sequences", "models", "training"],
  /** Beside data → sequences → models → training: charts, tables and progress know none of them. */
  display: ["base"],
  /** The public API: wires display's progress into the Trainer. */
  index: ["base", "data", "sequences", "models", "training", "limits", "display"],
  /** Commands, the notebook runner and the grader: on top, imported by nothing in the library. */
  tools: ["base", "data", "sequences", "models", "training", "limits", "display", "index"],
} as const satisfies Record<string, readonly string[]>;
export type Layer = keyof typeof LAYERS;

/** The layer of a node: its folder's name, `index`, or `base` for the other files in src/. */
export function layerOf(node: string): Layer {
  if (node in LAYERS && node !== "base") return node as Layer;
  if (node.includes("/")) throw new Error(`layerOf: node must be a top-level folder or file of src/, got "${node}"`);
  if (/^[A-Za-z]\w*$/.test(node) && fs.existsSync(path.join(src, `${node}.ts`))) return "base";
  throw new Error(`layerOf: "${node}" is neither a folder of the layer table nor a file in src/; add the folder to LAYERS in test/architecture.test.ts (and to ARCHITECTURE.md)`);
}

/** Every .ts file under `dir`, as absolute paths. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The relative module specifiers of one file: import/export ... from, import(), require(). */
export function relativeImports(code: string): string[] {
  const file = ts.createSourceFile("file.ts", code, ts.ScriptTarget.ES2022, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return specifiers.filter((specifier) => specifier.startsWith("."));
}

/** The node a path relative to src/ belongs to (see the file comment). */
function nodeOf(relative: string): string {
  const parts = relative.split(path.sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.ts$/, "");
}

/** Folder graph: node → the other nodes it imports → the files (relative to src/) that do. */
export type FolderGraph = Map<string, Map<string, string[]>>;

/** The folder graph of src/ read from its imports. */
export function folderGraph(root = src): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(root)) {
    const from = path.relative(root, file);
    const fromNode = nodeOf(from);
    if (!graph.has(fromNode)) graph.set(fromNode, new Map());
    for (const specifier of relativeImports(fs.readFileSync(file, "utf8"))) {
      const target = path.relative(root, path.resolve(path.dirname(file), specifier));
      if (target.startsWith("..")) throw new Error(`${from} imports "${specifier}", outside src/`);
      const toNode = nodeOf(target);
      if (toNode === fromNode) continue;
      const edges = graph.get(fromNode)!;
      edges.set(toNode, [...(edges.get(toNode) ?? []), from]);
    }
  }
  return graph;
}

/** One cycle in the graph as its nodes in order (first repeated last), or null if there is none. */
export function findCycle(graph: FolderGraph): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

/** Every edge the layer table forbids, as "from → to (files)". */
export function forbiddenEdges(graph: FolderGraph, layer: (node: string) => Layer = layerOf): string[] {
  const wrong: string[] = [];
  for (const [from, edges] of graph) {
    for (const [to, files] of edges) {
      const [a, b] = [layer(from), layer(to)];
      if (a === b) continue;
      if (!(LAYERS[a] as readonly string[]).includes(b)) wrong.push(`${from} → ${to} (${files.join(", ")}): ${a} may import only ${LAYERS[a].join(", ") || "itself"}`);
    }
  }
  return wrong.sort();
}

/** The graph as text, one line per node: `models → checks, random, sequences`. */
export function describeGraph(graph: FolderGraph): string {
  return [...graph.keys()]
    .sort()
    .map((node) => `${node} [${layerOf(node)}] → ${[...graph.get(node)!.keys()].sort().join(", ") || "(nothing)"}`)
    .join("\n");
}

const synthetic = (edges: Record<string, string[]>): FolderGraph =>
  new Map(Object.entries(edges).map(([from, tos]) => [from, new Map(tos.map((to) => [to, [`${from}/x.ts`]]))]));

test("src/ folders import one way: no cycle between folders, no edge against the layers", (t) => {
  const graph = folderGraph();
  for (const line of describeGraph(graph).split("\n")) t.diagnostic(line);
  assert.equal(findCycle(graph), null);
  assert.deepEqual(forbiddenEdges(graph), []);
  // The graph is really read: the layers that must talk do.
  assert.ok(graph.get("training")?.has("models"), "training imports models");
  assert.ok(graph.get("models")?.has("sequences"), "models imports sequences");
  assert.ok(graph.get("index")?.has("display"), "index wires display into the Trainer");
});

test("the rules the issue names hold: nothing in the library imports tools; models, training and limits import no display", () => {
  const graph = folderGraph();
  for (const [from, edges] of graph) {
    if (from !== "tools") assert.ok(!edges.has("tools"), `${from} imports tools: ${edges.get("tools")}`);
    if (["models", "training", "limits"].includes(from)) assert.ok(!edges.has("display"), `${from} imports display: ${edges.get("display")}`);
  }
});

test("findCycle finds a cycle in a synthetic graph and names it; a one-way graph has none", () => {
  assert.deepEqual(findCycle(synthetic({ models: ["training", "sequences"], training: ["models"], sequences: [] })), ["models", "training", "models"]);
  assert.deepEqual(findCycle(synthetic({ a: ["b"], b: ["c"], c: ["a"] })), ["a", "b", "c", "a"]);
  assert.equal(findCycle(synthetic({ training: ["models", "sequences"], models: ["sequences"], sequences: ["data"], data: [] })), null);
});

test("forbiddenEdges names an edge against the layers, with the file that makes it", () => {
  const layer = (node: string): Layer => node as Layer;
  assert.deepEqual(forbiddenEdges(synthetic({ training: ["display", "models"], models: ["tools"] }), layer), [
    "models → tools (models/x.ts): models may import only base, data, sequences",
    "training → display (training/x.ts): training may import only base, data, sequences, models",
  ]);
  assert.deepEqual(forbiddenEdges(synthetic({ tools: ["display", "index"], index: ["training"] }), layer), []);
});

test("relativeImports reads every kind of import and only relative ones", () => {
  const code = [
    `import { a } from "./a";`,
    `import type { B } from "../models/b";`,
    `export { c } from "./c";`,
    `import * as tf from "@tensorflow/tfjs";`,
    `const d = require("./d");`,
    `const e = await import("../training/e");`,
    `import f = require("./f");`,
  ].join("\n");
  assert.deepEqual(relativeImports(code), ["./a", "../models/b", "./c", "./d", "../training/e", "./f"]);
});

test("layerOf: a file in src/ is base, a folder outside the table is an error that says what to do", () => {
  assert.equal(layerOf("random"), "base");
  assert.equal(layerOf("models"), "models");
  assert.throws(() => layerOf("widgets"), /layerOf: "widgets" is neither a folder of the layer table nor a file in src\/; add the folder to LAYERS/);
});
