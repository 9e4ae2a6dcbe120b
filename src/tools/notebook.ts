/**
 * Jupyter notebook files (nbformat 4) as the tools read and write them: one set of types and
 * helpers for the course runner, `assign` and `grade`.
 */
import * as fs from "fs";
import * as path from "path";

/** One output of a code cell (stream, display_data, execute_result or error). */
export interface Output {
  output_type: string;
  [key: string]: any;
}

export interface Cell {
  cell_type: string;
  id?: string;
  metadata: Record<string, any>;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, any>;
  nbformat: number;
  nbformat_minor: number;
}

/** Notebooks larger than this are refused before parsing (a submission cannot exhaust the grader). */
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

export const sourceOf = (cell: Pick<Cell, "source">): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

/** nbformat's multi-line source: one string per line, each but the last ending in "\n". */
export function toSourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? line + "\n" : line)).filter((line) => line !== "");
}

/** Parses and checks the shape of a notebook; throws a readable message if it is not one. */
export function parseNotebook(text: string, name: string): Notebook {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== "object" || !Array.isArray(value.cells)) throw new Error(`${name} is not a Jupyter notebook (no "cells" list)`);
  if (value.nbformat !== 4) throw new Error(`${name} is not an nbformat 4 notebook (nbformat: ${JSON.stringify(value.nbformat)})`);
  value.cells.forEach((cell: any, i: number) => {
    const sourceOk = typeof cell?.source === "string" || (Array.isArray(cell?.source) && cell.source.every((line: unknown) => typeof line === "string"));
    if (!cell || typeof cell !== "object" || typeof cell.cell_type !== "string" || !sourceOk) {
      throw new Error(`${name}: cell ${i + 1} is malformed (needs cell_type and a source of text)`);
    }
    if (cell.id !== undefined && typeof cell.id !== "string") throw new Error(`${name}: cell ${i + 1} has an id that is not a string`);
    if (!cell.metadata || typeof cell.metadata !== "object" || Array.isArray(cell.metadata)) cell.metadata = {};
  });
  if (!value.metadata || typeof value.metadata !== "object" || Array.isArray(value.metadata)) value.metadata = {};
  return value as Notebook;
}

/** Reads a notebook file; refuses files over MAX_NOTEBOOK_BYTES without reading them whole. */
export function readNotebook(file: string): Notebook {
  const size = fs.statSync(file).size;
  if (size > MAX_NOTEBOOK_BYTES) throw new Error(`${path.basename(file)} is ${(size / 1048576).toFixed(0)} MB; notebooks over ${MAX_NOTEBOOK_BYTES / 1048576} MB are refused`);
  return parseNotebook(fs.readFileSync(file, "utf8"), path.basename(file));
}

export function writeNotebook(file: string, notebook: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
}
