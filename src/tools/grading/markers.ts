/**
 * Solution and hidden-test markers in a cell's source, matched the way nbgrader matches them:
 * a line is a marker when it CONTAINS the marker text (so `// BEGIN SOLUTION`, `### BEGIN
 * SOLUTION` and `//BEGIN HIDDEN TESTS` all count), here also regardless of case. A line that
 * looks like a marker but is not one (`// BEGN SOLUTION`, `// BEGIN  SOLUTION`, `BEGIN_SOLUTION`)
 * is an error: released verbatim it would hand students the region it was meant to hide.
 */

export type MarkerKind = "begin-solution" | "end-solution" | "begin-hidden" | "end-hidden";
export type RegionKind = "solution" | "hidden";

const MARKER_TEXT: Record<MarkerKind, string> = {
  "begin-solution": "BEGIN SOLUTION",
  "end-solution": "END SOLUTION",
  "begin-hidden": "BEGIN HIDDEN TESTS",
  "end-hidden": "END HIDDEN TESTS",
};
const KINDS = Object.keys(MARKER_TEXT) as MarkerKind[];

/** The marker on this line, or null. */
export function markerOf(line: string): MarkerKind | null {
  const upper = line.toUpperCase();
  // "END HIDDEN TESTS" must not be read as "END SOLUTION" or vice versa: the texts do not overlap.
  return KINDS.find((kind) => upper.includes(MARKER_TEXT[kind])) ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The letters of the line from each word on (a word starts with a letter after a non-letter). */
function lettersFromEachWord(line: string): string[] {
  const upper = line.toUpperCase();
  const out: string[] = [];
  for (let i = 0; i < upper.length; i++) {
    if (/[A-Z]/.test(upper[i]) && (i === 0 || !/[A-Z]/.test(upper[i - 1]))) out.push(upper.slice(i).replace(/[^A-Z]/g, ""));
  }
  return out;
}

/**
 * The marker this line was probably meant to be, when it is not one: its letters alone are
 * within two edits of a marker's letters (typos, doubled spaces, underscores, missing spaces), or
 * the letters from one of its words on, a word with the marker's first letter, begin that way,
 * whatever follows (`// BEGIN HIDDN TESTS: edge cases`, `x = 1; // END SOLUTON (reference)`).
 */
export function nearMissOf(line: string): MarkerKind | null {
  if (markerOf(line) !== null) return null;
  const letters = line.toUpperCase().replace(/[^A-Z]/g, "");
  const words = lettersFromEachWord(line);
  for (const kind of KINDS) {
    const target = MARKER_TEXT[kind].replace(/ /g, "");
    if (letters.length <= target.length + 6 && (letters.includes(target) || editDistance(letters, target) <= 2)) return kind;
    for (const from of words) {
      if (from[0] !== target[0]) continue; // "and hidden tests", "no solution": prose, not a marker's first word
      for (let length = target.length - 2; length <= Math.min(from.length, target.length + 2); length++) {
        if (editDistance(from.slice(0, length), target) <= 2) return kind;
      }
    }
  }
  return null;
}

export interface SourceLine {
  text: string;
  /** The region the line is inside (marker lines included), or null outside every region. */
  region: RegionKind | null;
  marker: MarkerKind | null;
}

/**
 * Splits a cell's source into lines labelled with their region. Throws, naming `where`, on a
 * near-miss marker, a region opened inside another, an END without its BEGIN, or a region left
 * open.
 */
export function parseRegions(text: string, where: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let open: RegionKind | null = null;
  text.split("\n").forEach((line, index) => {
    const at = `${where}, line ${index + 1}`;
    const nearMiss = nearMissOf(line);
    if (nearMiss) {
      throw new Error(`${at}: ${JSON.stringify(line.trim())} looks like the marker "${MARKER_TEXT[nearMiss]}" but is not one; write it exactly (e.g. "// ${MARKER_TEXT[nearMiss]}") or reword the line`);
    }
    const marker = markerOf(line);
    if (marker === "begin-solution" || marker === "begin-hidden") {
      if (open) throw new Error(`${at}: "${MARKER_TEXT[marker]}" inside an open ${open} region`);
      open = marker === "begin-solution" ? "solution" : "hidden";
      lines.push({ text: line, region: open, marker });
    } else if (marker === "end-solution" || marker === "end-hidden") {
      const closes: RegionKind = marker === "end-solution" ? "solution" : "hidden";
      if (open !== closes) throw new Error(`${at}: "${MARKER_TEXT[marker]}" without "${MARKER_TEXT[closes === "solution" ? "begin-solution" : "begin-hidden"]}" before it`);
      lines.push({ text: line, region: open, marker });
      open = null;
    } else lines.push({ text: line, region: open, marker: null });
  });
  if (open) throw new Error(`${where}: a ${open} region is never closed by "${MARKER_TEXT[open === "solution" ? "end-solution" : "end-hidden"]}"`);
  return lines;
}

export const hasRegion = (lines: SourceLine[], kind: RegionKind) => lines.some((line) => line.region === kind);

/** The text with every region of `kind` replaced: `replacement(indent)` lines, or nothing when null. */
export function replaceRegions(lines: SourceLine[], kind: RegionKind, replacement: (indent: string) => string | null): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.region !== kind) out.push(line.text);
    else if (line.marker === "begin-solution" || line.marker === "begin-hidden") {
      const replaced = replacement(/^\s*/.exec(line.text)![0]);
      if (replaced !== null) out.push(replaced);
    }
  }
  return out.join("\n");
}

/** The instructor's full text without the marker lines: what runs when the notebook is graded. */
export function withoutMarkerLines(lines: SourceLine[]): string {
  return lines.filter((line) => line.marker === null).map((line) => line.text).join("\n");
}

/** Lines inside regions (marker lines excluded), trimmed: the text a student version must not contain. */
export function regionLines(lines: SourceLine[]): string[] {
  return lines.filter((line) => line.region !== null && line.marker === null).map((line) => line.text.trim());
}
