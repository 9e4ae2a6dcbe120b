/**
 * The names that connect test cells to solutions, found with the TypeScript compiler.
 *
 * Test cells run in the grader's own process, not in the student's kernel, so a test cell can
 * only see what it imports itself and the names the exercise solution cells declare at top level
 * (functions become calls into the student's kernel; other values are copied out of it).
 * `npm run assign` uses `unresolvedNames` to refuse a test cell that needs anything else, so an
 * instructor finds out when releasing, not when every student scores 0.
 */
import * as path from "path";
import ts from "typescript";

/** Types (interfaces, aliases) exist only for the type checker: test cells may name them, nothing crosses at run time. */
export type DeclarationKind = "function" | "value" | "class" | "type";

export interface SolutionName {
  name: string;
  kind: DeclarationKind;
}

const isFunctionExpression = (node: ts.Expression | undefined): boolean => {
  while (node && (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))) node = node.expression;
  return !!node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
};

function bindingNames(name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** Top-level declarations of a cell: `function f`, `const f = () => ...` (functions), `const x = 1` (values), `class C`. */
export function topLevelDeclarations(source: string): SolutionName[] {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const names: SolutionName[] = [];
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) names.push({ name: statement.name.text, kind: "function" });
    else if (ts.isClassDeclaration(statement) && statement.name) names.push({ name: statement.name.text, kind: "class" });
    else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) names.push({ name: statement.name.text, kind: "type" });
    else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const found: string[] = [];
        bindingNames(declaration.name, found);
        const kind = ts.isIdentifier(declaration.name) && isFunctionExpression(declaration.initializer) ? "function" : "value";
        for (const name of found) names.push({ name, kind });
      }
    }
  }
  // A name declared twice (function overloads) is listed once, with its last kind.
  return [...new Map(names.map((n) => [n.name, n])).values()];
}

/** TypeScript's "Cannot find name" family of diagnostics. */
const CANNOT_FIND = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2662, 2663]);

/**
 * For each test cell, the names it uses that neither it nor the solution names provide (sorted).
 * One TypeScript program checks all cells together; each cell is its own module, so a name
 * declared in one test cell is not visible in another (as in the grader).
 */
export function unresolvedNames(cells: string[], provided: SolutionName[], resolveFrom: string): string[][] {
  const dir = path.join(resolveFrom, ".seqlab-test-cells");
  const files = new Map<string, string>();
  cells.forEach((source, i) => files.set(path.join(dir, `cell${i}.ts`), `${source}\nexport {};\n`));
  const ambient = path.join(dir, "solutions.d.ts");
  files.set(ambient, provided.map((p) => (p.kind === "type" ? `type ${p.name} = any;` : `declare const ${p.name}: any;`)).join("\n") + "\n");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    strict: false,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(resolveFrom, "node_modules", "@types")],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => files.has(path.resolve(file)) || ts.sys.fileExists(file);
  host.readFile = (file) => files.get(path.resolve(file)) ?? readFile(file);
  host.getSourceFile = (file, language, onError) => {
    const text = files.get(path.resolve(file));
    return text !== undefined ? ts.createSourceFile(file, text, language, true) : getSourceFile(file, language, onError);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return cells.map((_, i) => {
    const file = program.getSourceFile(path.join(dir, `cell${i}.ts`))!;
    const missing = new Set<string>();
    for (const diagnostic of program.getSemanticDiagnostics(file)) {
      if (!CANNOT_FIND.has(diagnostic.code) || diagnostic.start === undefined || diagnostic.length === undefined) continue;
      missing.add(file.text.slice(diagnostic.start, diagnostic.start + diagnostic.length));
    }
    return [...missing].sort();
  });
}
